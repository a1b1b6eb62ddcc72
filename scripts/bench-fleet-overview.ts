// The fleet overview's cost in `npm run bench`: one cold load of GET /api/fleet's work (loadFleet, in
// process) over FLEET_CLUSTERS clusters, each its own cluster id on the demo Prometheus behind the counting
// proxy (so nothing is shared between them but the backend), against one cold dashboard load of one
// cluster; then the same fleet again within the cache's life.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { backendWork, type BackendWork, type CountingProxy } from "./bench-common";

export const FLEET_CLUSTERS = 10;

export interface FleetOverviewResult {
  clusters: number;
  /** What the proxy saw: the backend's own count. */
  cold: BackendWork;
  warm: BackendWork;
  /** What the fleet answer said it cost (the page shows this). */
  reported: number;
  failed: string[];
  wallMs: number;
}

/**
 * `coldStart` forgets every cache; `configDir` receives the clusters file. Leaves APISCOPE_CONFIG pointing
 * at the fleet's clusters: the caller puts back what it needs.
 */
export async function measureFleetOverview(proxy: CountingProxy, configDir: string, start: number, end: number, coldStart: () => void): Promise<FleetOverviewResult> {
  const { loadFleet } = await import("../lib/server/fleet");
  const { getClusters } = await import("../lib/server/config");
  const clusters = Array.from({ length: FLEET_CLUSTERS }, (_, i) => ({ id: `fleet-${i}`, name: `fleet ${i}`, kind: "prometheus", url: proxy.url }));
  const file = join(configDir, "fleet-clusters.json");
  writeFileSync(file, JSON.stringify({ clusters }));
  delete process.env.APISCOPE_PROMETHEUS_URL;
  process.env.APISCOPE_CONFIG = file;
  coldStart();
  let mark = proxy.ledger.length;
  const t0 = performance.now();
  const first = await loadFleet(getClusters(), start, end);
  const wallMs = performance.now() - t0;
  const cold = backendWork(proxy.ledger, mark);
  mark = proxy.ledger.length;
  await loadFleet(getClusters(), start, end);
  const warm = backendWork(proxy.ledger, mark);
  const failed = first.rows.flatMap((r) => (r.status === "error" ? [`${r.id}: ${r.error.message}`] : []));
  return { clusters: FLEET_CLUSTERS, cold, warm, reported: first.samplesProcessed, failed, wallMs };
}
