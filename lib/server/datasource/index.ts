// The data source: the only module that talks to backends. Route handlers call clientFor(clusterId) and
// get the Prometheus HTTP API of that cluster, with signing, caching, coalescing, timeouts and typed errors.
import "server-only";
import { getCluster, resetConfigCache } from "../config";
import { clearWorkspaceLookups } from "./amp-workspace";
import { createPrometheusClient, sharedResultCache } from "./client";
import { resetCredentialProviders } from "./credentials";
import type { PrometheusApi } from "./types";

export * from "./types";
export { createPrometheusClient, type ClientDeps } from "./client";

const clients = new Map<string, PrometheusApi>();

/** The API of a configured cluster. Throws DataSourceError kind "config" for an unknown id or a broken config. */
export function clientFor(clusterId: string): PrometheusApi {
  const cluster = getCluster(clusterId);
  let client = clients.get(cluster.id);
  if (!client) {
    client = createPrometheusClient(cluster);
    clients.set(cluster.id, client);
  }
  return client;
}

/** Drop cached results (not in-flight work's callers: they still get their answers). */
export function clearResultCache(): void {
  sharedResultCache.clear();
}

/** Tests only: forget everything process-wide (config, clients, results, alias lookups, credential providers). */
export function resetDataSourceState(): void {
  resetConfigCache();
  clients.clear();
  sharedResultCache.clear();
  clearWorkspaceLookups();
  resetCredentialProviders();
}
