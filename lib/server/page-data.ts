// What a page hands its client component besides the panel metadata: the clusters this person may see
// (a shared workspace's discovered clusters among them), so the dashboard can ask for panels without a
// round trip to /api/clusters first.
import "server-only";
import type { ClusterSummary, ClustersResponse } from "../api-schema";
import { pagePrincipal } from "./auth/guard";
import { publicCluster } from "./config";
import { listClusters } from "./discovery";

/** What GET /api/clusters answers this person. Throws ConfigError when the configuration is broken. */
export async function clusterList(principal: Parameters<typeof listClusters>[0]): Promise<ClustersResponse> {
  const { clusters, notices } = await listClusters(principal);
  return { clusters: clusters.map(publicCluster), ...(notices.length ? { notices } : {}) };
}

/** undefined when the configuration is broken: the browser then asks /api/clusters and shows its error. */
export async function initialClusterList(): Promise<ClustersResponse | undefined> {
  try {
    return await clusterList(await pagePrincipal());
  } catch {
    return undefined;
  }
}

export async function initialClusters(): Promise<ClusterSummary[] | undefined> {
  return (await initialClusterList())?.clusters;
}
