// The findings on every incident kind the demo models, Kubernetes 1.24 (cases in testing/findings-cases.ts).
import { findingsSuite } from "./testing/findings-cases";

findingsSuite("1.24");
