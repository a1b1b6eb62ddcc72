// The planner's derived series against Prometheus itself: for every histogram query of the catalogue,
// on the demo scenario (three Kubernetes versions, several ranges) and on the real v1.30 scrape, the
// values apiscope derives from its one shared read equal what Prometheus returns for the query's
// equivalent PromQL over the same window and step.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scenario } from "../../../demo/scenario";
import { startFaultProxy } from "../../../test-support/fault-proxy";
import { fixtureEnd, replayTextScrape, scenarioPrometheus } from "../../../test-support/fixtures";
import type { RunningPrometheus } from "../../../test-support/prometheus";
import { PANELS } from "../../panels/catalog";
import type { PanelData } from "../../api-schema";
import { clearCapabilitiesCache } from "../capabilities";
import { panelData } from "../dashboard";
import { resetDataSourceState } from "../datasource";
import { planReads } from "./planner";

/** Relative tolerance: the same float operations in another order (sums of bucket increases). */
const RELATIVE = 1e-9;

/**
 * Rankings over the range sum the coarse read's per-step increases where Prometheus takes one increase()
 * over the whole range: the two extrapolate at different window edges, so the interpolated quantile may
 * move inside its bucket. Tolerance: the width of the bucket holding Prometheus' value.
 */
const boundsByFamily = new Map<string, Promise<number[]>>();
async function bucketWidthAt(prom: RunningPrometheus, family: string, v: number): Promise<number> {
  const cacheKey = `${prom.url}|${family}`;
  if (!boundsByFamily.has(cacheKey)) boundsByFamily.set(cacheKey, bucketBounds(prom, family));
  const bounds = await boundsByFamily.get(cacheKey)!;
  const i = bounds.findIndex((b) => b >= v);
  return i <= 0 ? (bounds[0] ?? v) : bounds[i]! - bounds[i - 1]!;
}

async function bucketBounds(prom: RunningPrometheus, family: string): Promise<number[]> {
  const res = await fetch(`${prom.url}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query: `count by (le) (${family}_bucket)` }) });
  const body = (await res.json()) as { data: { result: PromSeries[] } };
  return body.data.result.map((s) => Number(s.metric.le)).filter(Number.isFinite).sort((a, b) => a - b);
}

function useCluster(url: string) {
  process.env.APISCOPE_PROMETHEUS_URL = url;
  delete process.env.APISCOPE_CONFIG;
  resetDataSourceState();
  clearCapabilitiesCache();
}

interface PromSeries {
  metric: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

async function promQuery(prom: RunningPrometheus, q: PanelData["queries"][number], window: PanelData["window"]): Promise<Map<string, Map<number, number | null>>> {
  const params = new URLSearchParams({ query: q.expr });
  let path: string;
  if (q.type === "instant") {
    path = "/api/v1/query";
    params.set("time", String(window.evalTime));
  } else {
    path = "/api/v1/query_range";
    for (const [k, v] of [["start", window.start], ["end", window.end], ["step", window.step]] as const) params.set(k, String(v));
  }
  const res = await fetch(`${prom.url}${path}`, { method: "POST", body: params });
  const body = (await res.json()) as { status: string; data: { result: PromSeries[] } };
  expect(body.status).toBe("success");
  const out = new Map<string, Map<number, number | null>>();
  for (const s of body.data.result) {
    const { __name__: _, ...labels } = s.metric;
    const points = s.values ?? (s.value ? [s.value] : []);
    out.set(key(labels), new Map(points.map(([t, v]) => [t, Number.isFinite(Number(v)) ? Number(v) : null])));
  }
  return out;
}

function key(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

/** Every derived point equals Prometheus' own answer; same series, same timestamps. */
async function expectDerivedEqualsPrometheus(prom: RunningPrometheus, start: number, end: number) {
  let compared = 0;
  for (const panel of PANELS) {
    if (!panel.queries.some((q) => q.histogram)) continue;
    const data = await panelData(panel.id, { cluster: "default", start, end, width: 1200 });
    expect(data.status, panel.id).toBe("ok");
    for (const q of data.queries) {
      if (!q.readExpr) continue;
      const expected = await promQuery(prom, q, data.window);
      const derived = new Map(q.series.map((s) => [key(s.labels), new Map(s.points)]));
      expect([...derived.keys()].sort(), `${panel.id}/${q.id} series`).toEqual([...expected.keys()].sort());
      for (const [k, points] of expected) {
        const ours = derived.get(k)!;
        expect([...ours.keys()], `${panel.id}/${q.id} ${k} timestamps`).toEqual([...points.keys()]);
        for (const [t, v] of points) {
          const mine = ours.get(t)!;
          if (v === null) expect(mine, `${panel.id}/${q.id} ${k} @${t}`).toBeNull();
          else {
            expect(mine, `${panel.id}/${q.id} ${k} @${t}`).not.toBeNull();
            const family = panel.queries.find((pq) => pq.id === q.id)!.histogram!.family;
            const tolerance = q.type === "instant" ? await bucketWidthAt(prom, family, v) : RELATIVE * Math.max(Math.abs(v), 1e-12);
            expect(Math.abs(mine! - v), `${panel.id}/${q.id} ${k} @${t}: ${mine} vs ${v}`).toBeLessThanOrEqual(tolerance);
          }
          compared++;
        }
      }
    }
  }
  return compared;
}

describe("the plan", () => {
  it("reads each family in at most a view, a coarse and a merged shape, grouped only by what derivations need", () => {
    const plans = planReads(PANELS);
    const api = plans.get("apiserver_request_duration_seconds")!;
    // The tiles filter on scope and verb, the worst-server quantiles need instance; nothing else.
    expect(api.view).toMatchObject({ by: ["instance", "scope", "verb"], where: [{ label: "verb", op: "!~", value: "WATCH|CONNECT" }] });
    // The slowest-calls ranking and its sparkline group by verb and resource, over all servers.
    expect(api.coarse).toMatchObject({ by: ["group", "resource", "verb"], where: [{ label: "verb", op: "!~", value: "WATCH|CONNECT" }] });
    expect(api.merged!.by).toEqual(["group", "instance", "resource", "scope", "verb"]);
    expect(plans.get("etcd_request_duration_seconds")!.view!.by).toEqual(["instance"]);
    // The webhook panels' p90 and p99 need the worst server, their call rate the type and rejected labels:
    // one read of the family, always raw (a recorded series' rates are not the increases a rate divides).
    expect(plans.get("apiserver_admission_webhook_admission_duration_seconds")).toEqual({
      view: { kind: "histogram", family: "apiserver_admission_webhook_admission_duration_seconds", resolution: "view", where: [], by: ["instance", "name", "rejected", "type"], rates: true },
      coarse: undefined,
      merged: undefined,
    });
    // 5xx and 429 shares need the code; the request rate nothing more.
    expect(plans.get("apiserver_request_total")!.view).toMatchObject({ kind: "counter", by: ["code"], where: [] });
  });
});

/** The step of the read behind the slowest-calls ranking: the view's when merged, the coarse one otherwise. */
async function slowestCallsStep(start: number, end: number): Promise<{ ranking: number; tiles: number }> {
  const ranking = await panelData("slowest-calls", { cluster: "default", start, end, width: 1200 });
  const tiles = await panelData("api-latency-p99", { cluster: "default", start, end, width: 1200 });
  return { ranking: ranking.window.step, tiles: tiles.window.step };
}

describe.each(["1.24", "1.30", "1.35"] as const)("derived = Prometheus, Kubernetes %s demo", (version) => {
  let prom: RunningPrometheus;
  let scenario: Scenario;
  beforeAll(async () => {
    ({ prom, scenario } = await scenarioPrometheus({ k8sVersion: version }));
    useCluster(prom.url);
  });
  afterAll(async () => prom?.stop());

  it.each([
    ["1 h", 3600],
    ["6 h", 6 * 3600],
    ["15 min", 900],
  ])("over the last %s", async (_, seconds) => {
    useCluster(prom.url);
    const end = scenario.timeline.end;
    expect(await expectDerivedEqualsPrometheus(prom, end - seconds, end)).toBeGreaterThan(100);
  });

  it("reads the API latency family once on the demo's small scrape: the ranking shares the tiles' read", async () => {
    useCluster(prom.url);
    const end = scenario.timeline.end;
    const { ranking, tiles } = await slowestCallsStep(end - 3600, end);
    expect(ranking).toBe(tiles);
  });
});

describe("the webhook calls panel costs no sample of its own", () => {
  let prom: RunningPrometheus;
  let scenario: Scenario;
  beforeAll(async () => {
    ({ prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.35", incident: "webhook-slow" }));
  });
  afterAll(async () => prom?.stop());

  it("it derives calls and p99 from webhook-duration's read: the same read, answered from the cache", async () => {
    useCluster(prom.url);
    const end = scenario.timeline.end;
    const view = { cluster: "default", start: end - 3600, end, width: 1200 };
    const duration = await panelData("webhook-duration", view);
    const calls = await panelData("webhook-calls", view);
    expect(duration.samplesProcessed).toBeGreaterThan(0);
    const reads = (d: PanelData) => [...new Set(d.queries.map((q) => q.readExpr))];
    expect(reads(duration)).toHaveLength(1);
    expect(reads(calls)).toEqual(reads(duration));
    expect(calls.queries.every((q) => q.cached)).toBe(true);
    expect(calls.samplesProcessed).toBe(0);
    // And it has something to show: the failing webhook's rejected calls beside everyday ones.
    const series = calls.queries.find((q) => q.id === "calls")!.series;
    expect(series.some((s) => s.labels.rejected === "true")).toBe(true);
    expect(series.some((s) => s.labels.rejected === "false")).toBe(true);
    expect(calls.queries.find((q) => q.id === "p99")!.series.length).toBeGreaterThan(0);
  });
});

describe("derived = Prometheus, the real kube-apiserver v1.30 scrape", () => {
  let prom: RunningPrometheus;
  let end: number;
  beforeAll(async () => {
    end = fixtureEnd();
    prom = await replayTextScrape(join(__dirname, "..", "..", "..", "test-support", "data", "kube-apiserver-v1.30.0.prom"), { job: "apiserver", instance: "192.168.49.2:8443", end });
    useCluster(prom.url);
  });
  afterAll(async () => prom?.stop());

  it("over the last hour", async () => {
    useCluster(prom.url);
    expect(await expectDerivedEqualsPrometheus(prom, end - 3600, end)).toBeGreaterThan(100);
  });

  it("over the last 6 hours", async () => {
    useCluster(prom.url);
    expect(await expectDerivedEqualsPrometheus(prom, end - 6 * 3600, end)).toBeGreaterThan(100);
  });

  it("reads the wide family once, without its zero buckets, where the merged answer would be too large (6 h)", async () => {
    useCluster(prom.url);
    // ~270 verb × resource × scope sets × 24 buckets × 181 steps: well over MERGED_READ_MAX_POINTS, so the
    // ranking and the tiles share one sparse read (every +Inf bucket kept, the other zeros left out).
    const ranking = await panelData("slowest-calls", { cluster: "default", start: end - 6 * 3600, end, width: 1200 });
    const tiles = await panelData("api-latency-p99", { cluster: "default", start: end - 6 * 3600, end, width: 1200 });
    expect(ranking.window.step).toBe(tiles.window.step);
    expect(ranking.queries[0]!.readExpr).toBe(tiles.queries[0]!.readExpr);
    expect(ranking.queries[0]!.readExpr).toMatch(/> 0\) or sum by \(le, .*le="\+Inf"/);
  });

  it("falls back to the separate view and coarse reads when the sparse answer is over the response limit", async () => {
    // The answer of any sparse read (the only queries with le="+Inf" in them) is 64 MiB: over the limit.
    const proxy = await startFaultProxy(prom.url, [{ queryContains: 'le="+Inf"', fault: { kind: "big", bytes: 64 << 20, json: true } }]);
    try {
      useCluster(proxy.url);
      const { ranking, tiles } = await slowestCallsStep(end - 6 * 3600, end);
      expect(ranking).toBeGreaterThan(tiles);
      // Both panels need the API family's sparse read: it was refused once, and not sent again for the second.
      const sparseApiReads = proxy.requests.filter((r) => r.query.includes("apiserver_request_duration_seconds_bucket") && r.query.includes('le="+Inf"'));
      expect(sparseApiReads.map((r) => r.outcome)).toEqual(["big"]);
      // Still every derived point equal to Prometheus' own answer, through the fallback reads.
      expect(await expectDerivedEqualsPrometheus(prom, end - 3600, end)).toBeGreaterThan(100);
    } finally {
      await proxy.stop();
    }
  });
});
