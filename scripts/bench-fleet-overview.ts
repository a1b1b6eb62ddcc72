// The fleet overview's cost in `npm run bench`: one cold load of GET /api/fleet's work (loadFleet, in
// process) over FLEET_CLUSTERS clusters, each its own cluster id on the demo Prometheus behind the counting
// proxy (so nothing is shared between them but the backend), against one cold dashboard load of one
// cluster; then the same fleet again within the cache's life. The shared-workspace case: the same
// scenario as FLEET_CLUSTERS values of `cluster` on one backend, discovered by one `discoverClusters`
// entry, whose rows ask each reading once for all of them (lib/server/fleet.ts).
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

/**
 * The same fleet load over FLEET_CLUSTERS `cluster` label values of one shared workspace (`proxy` in front
 * of a Prometheus holding them), listed by one discovering entry, cold then within the cache's life.
 */
export async function measureSharedWorkspace(proxy: CountingProxy, configDir: string, start: number, end: number, coldStart: () => void): Promise<FleetOverviewResult> {
  const { loadFleet } = await import("../lib/server/fleet");
  const { listClusters } = await import("../lib/server/discovery");
  const file = join(configDir, "shared-workspace-clusters.json");
  writeFileSync(file, JSON.stringify({ clusters: [{ id: "ws", name: "workspace", kind: "prometheus", url: proxy.url, discoverClusters: { label: "cluster" } }] }));
  delete process.env.APISCOPE_PROMETHEUS_URL;
  process.env.APISCOPE_CONFIG = file;
  coldStart();
  let mark = proxy.ledger.length;
  const t0 = performance.now();
  // Discovery is part of the cold load: the fleet page lists the rows before it asks for them.
  const { clusters } = await listClusters(null);
  const first = await loadFleet(clusters, start, end);
  const wallMs = performance.now() - t0;
  const cold = backendWork(proxy.ledger, mark);
  mark = proxy.ledger.length;
  await loadFleet((await listClusters(null)).clusters, start, end);
  const warm = backendWork(proxy.ledger, mark);
  const failed = first.rows.flatMap((r) => (r.status === "error" ? [`${r.id}: ${r.error.message}`] : []));
  if (clusters.length !== FLEET_CLUSTERS) failed.push(`discovered ${clusters.length} clusters, not ${FLEET_CLUSTERS}`);
  return { clusters: clusters.length, cold, warm, reported: first.samplesProcessed, failed, wallMs };
}

/** FLEET_CLUSTERS copies of the demo's scenario, told apart by `cluster` (the bench's shared workspace). */
export const SHARED_WORKSPACE_LABELS = Array.from({ length: FLEET_CLUSTERS }, (_, i) => `c${i}`);
