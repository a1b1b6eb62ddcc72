// What a page hands its client component besides the panel metadata: the clusters this person may see,
// so the dashboard can ask for panels without a round trip to /api/clusters first.
import "server-only";
import type { ClusterSummary } from "../api-schema";
import { pagePrincipal } from "./auth/guard";
import { publicClusters } from "./config";

/** undefined when the configuration is broken: the browser then asks /api/clusters and shows its error. */
export async function initialClusters(): Promise<ClusterSummary[] | undefined> {
  try {
    return publicClusters(await pagePrincipal());
  } catch {
    return undefined;
  }
}
