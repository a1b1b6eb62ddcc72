// The findings on every incident kind the demo models, Kubernetes 1.30 (cases in testing/findings-cases.ts).
import { findingsSuite, realScrapeSuite } from "./testing/findings-cases";

findingsSuite("1.30");
realScrapeSuite();
