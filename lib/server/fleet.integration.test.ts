// The fleet overview against real backends: two Prometheus processes (Kubernetes 1.30 with the LIST storm,
// 1.24 healthy), one AMP workspace through the SigV4-verifying stand-in holding two clusters told apart by
// their `cluster` label (1.35 with slow etcd, configured as "east"; 1.30 healthy, not configured: discovered
// by the workspace's `discoverClusters` entry as "ws:west"), a backend that accepts connections and never
// answers, and one that refuses them. Every reachable row must read what that cluster's own dashboard
// panels show (the discovered one's dashboard too); the workspace's two rows send each reading once, grouped
// by `cluster`; the hung one is marked within its timeout without delaying the others. /api/health's work
// on the same clusters names what is wrong without a secret or an address.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAmpStandin, type AmpStandin } from "../../test-support/amp-standin";
import { fixtureEnd, scenarioPrometheus, sharedWorkspacePrometheus } from "../../test-support/fixtures";
import { freePort, type RunningPrometheus } from "../../test-support/prometheus";
import type { FleetResponse, FleetRow, PanelData } from "../api-schema";
import { worstFirst } from "../fleet-score";
import { CHART_KINDS } from "../panels/kinds";
import { clearCapabilitiesCache } from "./capabilities";
import { getCluster, getClusters, type ClusterConfig } from "./config";
import { panelData } from "./dashboard";
import { resetDataSourceState } from "./datasource";
import { discoverClusters, listClusters } from "./discovery";
import { NO_AMBIENT_AWS, setEnv } from "./datasource/testing/env";
import { FLEET_POINTS, loadFleet } from "./fleet";
import { health } from "./health";

const WORKSPACE = "ws-fleet-integration";
const REGION = "eu-west-1";
const KEYS = { accessKeyId: "ASIAFLEETTEST", secretAccessKey: "fleet-secret-key", sessionToken: "fleet-session-token" };
const HUNG_TIMEOUT_MS = 4000;
const HISTORY = 2 * 3600;

let storm: RunningPrometheus;
let healthy: RunningPrometheus;
let shared: RunningPrometheus;
let standin: AmpStandin;
let hung: Server;
const hungSockets: Socket[] = [];
let restoreEnv: () => void;
let dir: string;
let start: number;
let end: number;

beforeAll(async () => {
  const fixture = fixtureEnd();
  const [a, b, c] = await Promise.all([
    scenarioPrometheus({ k8sVersion: "1.30", incident: "list-storm", end: fixture, historySeconds: HISTORY }),
    scenarioPrometheus({ k8sVersion: "1.24", incident: "healthy", end: fixture, historySeconds: HISTORY }),
    sharedWorkspacePrometheus(
      [
        { label: "east", k8sVersion: "1.35", incident: "etcd-slow" },
        { label: "west", k8sVersion: "1.30", incident: "healthy" },
      ],
      { end: fixture, historySeconds: HISTORY },
    ),
  ]);
  storm = a.prom;
  healthy = b.prom;
  shared = c.prom;
  // Inside both incidents (the storm is fixed 25 min before the end, etcd 20 min before).
  end = a.scenario.timeline.end - 40 * 60;
  start = end - 3600;
  standin = await startAmpStandin({ upstream: shared.url, workspaceId: WORKSPACE, region: REGION, credentials: KEYS });
  hung = createServer((socket) => hungSockets.push(socket)); // accepts, never answers
  await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
  const hungPort = (hung.address() as { port: number }).port;
  const refusedPort = await freePort();
  dir = mkdtempSync(join(tmpdir(), "apiscope-fleet-"));
  const amp = { kind: "amp", region: REGION, workspaceId: WORKSPACE, endpoint: standin.endpoint };
  const config = {
    clusters: [
      { id: "storm", name: "storm 1.30", kind: "prometheus", url: storm.url, controlPlaneTier: "XL" },
      { id: "calm", name: "calm 1.24", kind: "prometheus", url: healthy.url, etcdQuotaBytes: 4 * 1024 ** 3 },
      { id: "east", name: "east 1.35 (AMP)", ...amp, clusterLabel: "east" },
      // Lists the workspace's other clusters: west, which no entry configures.
      { id: "ws", name: "workspace", ...amp, discoverClusters: { label: "cluster" } },
      { id: "hung", name: "hung", kind: "prometheus", url: `http://127.0.0.1:${hungPort}`, timeoutMs: HUNG_TIMEOUT_MS },
      { id: "gone", name: "gone", kind: "prometheus", url: `http://127.0.0.1:${refusedPort}` },
    ],
  };
  writeFileSync(join(dir, "clusters.json"), JSON.stringify(config));
  restoreEnv = setEnv({
    ...NO_AMBIENT_AWS,
    AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: KEYS.sessionToken,
    APISCOPE_PROMETHEUS_URL: undefined,
    APISCOPE_AMP_WORKSPACE_ID: undefined,
    APISCOPE_CONFIG: join(dir, "clusters.json"),
  });
  resetDataSourceState();
  clearCapabilitiesCache();
});

afterAll(async () => {
  restoreEnv?.();
  resetDataSourceState();
  for (const s of hungSockets) s.destroy();
  hung?.close();
  await standin?.stop();
  await Promise.all([storm?.stop(), healthy?.stop(), shared?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const lastValue = (points: [number, number | null][]) => [...points].reverse().find(([, v]) => v !== null)?.[1] ?? null;

/** The last value of a panel query's series with the highest last value, and its labels. */
function lastOf(data: PanelData, queryId: string): { value: number | null; labels: Record<string, string> } {
  const q = data.queries.find((x) => x.id === queryId);
  let best: { value: number | null; labels: Record<string, string> } = { value: null, labels: {} };
  for (const s of q?.series ?? []) {
    const v = lastValue(s.points);
    if (v !== null && (best.value === null || v > best.value)) best = { value: v, labels: s.labels };
  }
  return best;
}

/** The width at which a panel of this kind asks for FLEET_POINTS points, as the fleet's plain readings do. */
const widthFor = (chart: keyof typeof CHART_KINDS) => FLEET_POINTS / CHART_KINDS[chart].pointsPerPixel;

function expectSame(actual: number | null, expected: number | null, what: string) {
  expect(expected, `${what}: the dashboard has a value`).not.toBeNull();
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected!), `${what}: fleet ${actual} vs dashboard ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected!)));
}

/** The PromQL of the instant queries the stand-in received since `mark`. */
function instantQueriesSince(mark: number): string[] {
  return standin.requests.slice(mark).flatMap((r) => {
    if (!r.path.endsWith("/api/v1/query")) return [];
    const params = new URLSearchParams(r.method === "POST" ? r.body : r.query);
    return params.get("query") ?? [];
  });
}

const WORKSPACE_ROWS = ["east", "ws:west"];

/** The metadata calls (label values, series) the stand-in received since `mark`: which label or API, and the match[] selectors. */
function discoveryCallsSince(mark: number): { what: string; match: string[]; window: string }[] {
  return standin.requests.slice(mark).flatMap((r) => {
    const what = /\/api\/v1\/(?:label\/([^/]+)\/values|(series))$/.exec(r.path);
    if (!what) return [];
    const params = new URLSearchParams(r.method === "POST" ? r.body : r.query);
    return [{ what: what[1] ?? what[2]!, match: params.getAll("match[]"), window: `${params.get("start")}..${params.get("end")}` }];
  });
}

describe("fleet overview on real backends", () => {
  let fleet: FleetResponse;
  let wallMs: number;
  let listed: ClusterConfig[];
  let workspaceQueries: string[];
  let discoveryCalls: { what: string; match: string[]; window: string }[];
  const row = (id: string) => fleet.rows.find((r) => r.id === id)!;
  const ok = (id: string) => {
    const r = row(id);
    if (r.status !== "ok") throw new Error(`${id}: ${r.status === "error" ? r.error.message : ""}`);
    return r;
  };

  beforeAll(async () => {
    const discoveryMark = standin.requests.length;
    listed = (await listClusters(null)).clusters;
    const mark = standin.requests.length;
    const t0 = Date.now();
    fleet = await loadFleet(listed, start, end);
    wallMs = Date.now() - t0;
    workspaceQueries = instantQueriesSince(mark);
    discoveryCalls = discoveryCallsSince(discoveryMark);
  });

  it("has one row per configured cluster and per discovered one, worst first, failures leading", () => {
    // The workspace entry is replaced by the value nobody configures; east stays its own entry's row.
    expect(fleet.rows.map((r) => r.id).sort()).toEqual(["calm", "east", "gone", "hung", "storm", "ws:west"]);
    expect(fleet.rows.map((r) => r.id)).toEqual([...fleet.rows].sort(worstFirst).map((r) => r.id));
    expect(fleet.rows.slice(0, 2).map((r) => r.status)).toEqual(["error", "error"]);
    // The incident clusters score above the healthy ones.
    const scores = Object.fromEntries(fleet.rows.map((r) => [r.id, r.score ?? -1]));
    expect(scores.storm).toBeGreaterThan(Math.max(scores.calm!, scores["ws:west"]!));
    expect(scores.east).toBeGreaterThan(Math.max(scores.calm!, scores["ws:west"]!));
  });

  it("marks the hung backend within its timeout and the refused one at once, without delaying the others", () => {
    const hungRow = row("hung");
    expect(hungRow.status).toBe("error");
    if (hungRow.status === "error") expect(hungRow.error.kind).toBe("timeout");
    expect(hungRow.ms).toBeLessThan(HUNG_TIMEOUT_MS + 1000);
    const gone = row("gone");
    expect(gone.status).toBe("error");
    if (gone.status === "error") {
      expect(gone.error.kind).toBe("unreachable");
      expect(gone.error.message).not.toContain("127.0.0.1");
    }
    for (const id of ["storm", "calm", ...WORKSPACE_ROWS]) expect(ok(id).ms, id).toBeLessThan(HUNG_TIMEOUT_MS);
    expect(wallMs).toBeLessThan(HUNG_TIMEOUT_MS + 2000);
  });

  it.each(["storm", "calm", ...WORKSPACE_ROWS])("%s reads what its own dashboard shows", async (id) => {
    const { readings } = ok(id);
    const view = { cluster: id, start, end };
    const requests = await panelData("request-rate", { ...view, width: 800 });
    expectSame(readings.requestRate, lastOf(requests, "rate").value, "request rate");
    expectSame(readings.errorShare, lastOf(requests, "5xx").value, "5xx share");
    expectSame(readings.throttledShare, lastOf(requests, "429").value, "429 share");
    expectSame(readings.clientErrorShare, lastOf(requests, "4xx").value, "4xx share");
    expectSame(readings.apiP99Seconds, lastOf(await panelData("api-latency-p99", { ...view, width: 800 }), "single").value, "API p99");
    expectSame(readings.etcdP99Seconds, lastOf(await panelData("etcd-latency-p99", { ...view, width: 800 }), "p99").value, "etcd p99");
    const seats = lastOf(await panelData("apf-seat-utilization", { ...view, width: widthFor("timeseries") }), "utilization");
    expectSame(readings.seatUtilizationPercent, seats.value, "seat utilization");
    expect(readings.seatLevel).toBe(seats.labels.priority_level);
    const inflight = await panelData("peak-inflight", { ...view, width: widthFor("stat") });
    const shares = inflight.queries[0]!.series.map((s) => lastValue(s.points)! / ((s.labels.request_kind ?? s.labels.requestKind) === "mutating" ? 200 : 400));
    expectSame(readings.inflightShare, Math.max(...shares), "in-flight share of the limit");
    // The largest etcd member, by each version's name.
    expectSame(readings.etcdSizeBytes, lastOf(await panelData("etcd-db-size", { ...view, width: widthFor("timeseries") }), "size").value, "etcd database size");
    // Only the cluster on a Provisioned Control Plane tier reads its seats against the tier.
    if (id === "storm") {
      const inUse = lastOf(await panelData("apf-control-plane-seats", { ...view, width: widthFor("timeseries") }), "in-use").value;
      expect(readings.tier).toMatchObject({ name: "XL", seats: 1700, note: "Provisioned Control Plane XL" });
      expectSame(readings.tier!.inUse, inUse, "seats in use on the whole control plane");
    } else expect(readings.tier).toBeNull();
  });

  it("asks each reading of the workspace's two rows once, grouped by cluster, and splits the answer", () => {
    // Per row, each cluster would send its own ~9 queries with its own cluster="…" matcher.
    expect(workspaceQueries.length).toBeGreaterThan(0);
    for (const q of workspaceQueries) {
      expect(q, "no per-row query").not.toMatch(/cluster="(east|west)"/);
      expect(q).toMatch(/by \([^)]*cluster/);
    }
    expect(new Set(workspaceQueries).size, "each grouped query sent once").toBe(workspaceQueries.length);
    expect(ok("east").queries + ok("ws:west").queries).toBe(workspaceQueries.length);
  });

  it("discovers the workspace's jobs and bucket sets once for all its rows; only what differs per cluster is asked per row", () => {
    const calls = (what: string) => discoveryCalls.filter((c) => c.what === what);
    const perCluster = (c: { match: string[] }) => c.match.some((m) => /cluster="(east|west)"/.test(m));
    // The API-server jobs: once for the workspace per discovery window (the entry's discovery looks at now,
    // the rows at the view's end), not once per row.
    const jobs = calls("job");
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.filter(perCluster)).toEqual([]);
    expect(new Set(jobs.map((c) => c.window)).size).toBe(jobs.length);
    // Each histogram family's `le` values: once per family for the workspace, not once per row and family.
    const le = calls("le");
    expect(le.length).toBeGreaterThan(0);
    expect(le.filter(perCluster)).toEqual([]);
    expect(new Set(le.map((c) => c.match.join())).size).toBe(le.length);
    // The cluster label's values: one call, whoever asks (the entry's discovery, each row's grouping check).
    expect(calls("cluster")).toHaveLength(1);
    // Metric names and probed label sets differ per cluster (east is 1.35, west 1.30): one call per row each.
    for (const what of ["__name__", "series"]) {
      expect(calls(what).filter(perCluster), what).toHaveLength(WORKSPACE_ROWS.length);
      expect(calls(what), what).toHaveLength(WORKSPACE_ROWS.length);
    }
  });

  it("tells the two clusters of the shared workspace apart and uses each one's quota", () => {
    const east = ok("east").readings;
    const west = ok("ws:west").readings;
    // Slow etcd on east only (the scenario's etcd p99 is ~40× its baseline during the incident).
    expect(east.etcdP99Seconds!).toBeGreaterThan(5 * west.etcdP99Seconds!);
    expect(east.etcdQuotaBytes).toBe(8 * 1024 ** 3);
    expect(ok("calm").readings.etcdQuotaBytes).toBe(4 * 1024 ** 3);
  });

  it("counts the samples it cost, and a second load within the cache's life costs nothing", async () => {
    expect(fleet.samplesProcessed).toBe(fleet.rows.reduce((n, r: FleetRow) => n + r.samplesProcessed, 0));
    for (const id of ["storm", "calm"]) expect(ok(id).samplesProcessed, id).toBeGreaterThan(0);
    // A grouped query's samples count on the row that sent it.
    expect(ok("east").samplesProcessed + ok("ws:west").samplesProcessed).toBeGreaterThan(0);
    const again = await loadFleet(listed.filter((c) => !["hung", "gone"].includes(c.id)), start, end);
    expect(again.samplesProcessed).toBe(0);
    expect(again.queries).toBe(0);
    expect(again.rows.map((r) => r.status)).toEqual(["ok", "ok", "ok", "ok"]);
  });
});

describe("discovered clusters", () => {
  it("resolves only values the workspace has, never one the id makes up", async () => {
    await discoverClusters(getCluster("ws"));
    expect(getCluster("ws:west")).toMatchObject({ clusterLabel: "west", clusterLabelName: "cluster", kind: "amp", workspaceId: WORKSPACE });
    // east is its own entry's (its name, limits and allow rule): not a second time through the workspace.
    for (const id of ["ws:east", "ws:nope", 'ws:west"} or up{', "ws:"]) expect(() => getCluster(id), id).toThrow(/Unknown cluster/);
  });

  it("caps the listed clusters and says so", async () => {
    const capped = await listClusters(null, 0);
    expect(capped.clusters.map((c) => c.id)).toContain("ws");
    expect(capped.notices.join("\n")).toMatch(/workspace: 0 of the 1 values of label cluster are listed/);
    await listClusters(null); // back to the full list for what follows
  });
});

describe("GET /api/health's work on the same clusters", () => {
  it("says per cluster whether it is reachable, how fast, which job and credential source, and never a secret or address", async () => {
    const answer = await health(getClusters());
    const byId = Object.fromEntries(answer.clusters.map((c) => [c.id, c]));
    expect(answer.ok).toBe(false);
    for (const id of ["storm", "calm", "east", "ws"]) {
      expect(byId[id]!.reachable, id).toBe(true);
      expect(byId[id]!.job, id).toBe("apiserver");
      expect(byId[id]!.latencyMs, id).toBeLessThan(HUNG_TIMEOUT_MS);
    }
    expect(byId.east!.credentials).toBe("environment variables");
    expect(byId.storm!.credentials).toBeNull();
    expect(byId.hung!.reachable).toBe(false);
    expect(byId.hung!.error!.kind).toBe("timeout");
    expect(byId.hung!.latencyMs).toBeLessThan(HUNG_TIMEOUT_MS + 1000);
    expect(byId.gone!.error!.kind).toBe("unreachable");
    const text = JSON.stringify(answer);
    for (const secret of [KEYS.accessKeyId, KEYS.secretAccessKey, KEYS.sessionToken, "127.0.0.1", WORKSPACE]) expect(text).not.toContain(secret);
  });
});
