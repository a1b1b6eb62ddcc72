// The data source: the only module that talks to backends. Route handlers call clientFor(clusterId) and
// get the Prometheus HTTP API of that cluster, with signing, caching, coalescing, timeouts and typed errors.
import "server-only";
import { getCluster, resetConfigCache } from "../config";
import { clearWorkspaceLookups } from "./amp-workspace";
import { createPrometheusClient, sharedResultCache } from "./client";
import { resetCredentialProviders } from "./credentials";
import { resetDefaultSharedCache } from "./redis-cache";
import { resetCacheSettings } from "./shared-cache";
import type { PrometheusApi } from "./types";

export * from "./types";
export { createPrometheusClient, type ClientDeps } from "./client";
export { credentialSource } from "./credentials";
// Cache settings (APISCOPE_CACHE_URL, APISCOPE_CACHE_FRESHNESS_SECONDS) are documented in shared-cache.ts.

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

/**
 * Drop this instance's cached results and range extents (not in-flight work's callers: they still get their
 * answers). The shared cache, if any, is left alone: other instances use it.
 */
export function clearResultCache(): void {
  sharedResultCache.clear();
}

/**
 * Tests only: forget everything process-wide (config, clients, results, alias lookups, credential providers,
 * cache settings, and the shared-cache connection).
 */
export function resetDataSourceState(): void {
  resetConfigCache();
  clients.clear();
  sharedResultCache.clear();
  resetCacheSettings();
  resetDefaultSharedCache();
  clearWorkspaceLookups();
  resetCredentialProviders();
}
