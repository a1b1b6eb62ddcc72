// Panels read the recommended recording rules' series where they hold the same numbers (plan/recorded.ts),
// on a real Prometheus whose TSDB has the raw scenario (11 h) and, beside it, the recorded series that real
// promtool backfilled from the rules (`tsdb create-blocks-from rules`) as if they had been loaded 10 h 45 min
// before the data's end (test-support RECORDED_SCENARIO: fixed in the past, so built once and cached).
// One Prometheus, two configured clusters on it: "rec" (the default, recorded series used) and "raw"
// (recordedSeries: false).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECORDED_SCENARIO, recordedScenarioPrometheus } from "../../../test-support/fixtures";
import type { RunningPrometheus } from "../../../test-support/prometheus";
import type { PanelData, QueryResult } from "../../api-schema";
import { PANELS, PANELS_BY_ID } from "../../panels/catalog";
import { clearCapabilitiesCache } from "../capabilities";
import { panelsData } from "../dashboard";
import { resetDataSourceState } from "../datasource";
import { setEnv } from "../datasource/testing/env";
import { RECORDED_SERIES } from "./recorded";

const HOUR = 3600;
const HISTORY = RECORDED_SCENARIO.historySeconds;

/**
 * Tolerance. The rule group evaluates at its own offset within its interval (Prometheus and promtool
 * alike: a hash of the group's name and file path, which the fixture pins so every clone builds the same data), so each recorded 5-minute rate covers a window ending up to
 * one evaluation interval before the step's (and, with 30 s scrapes, holds one sample fewer), where the
 * raw read's window ends on the step. Per point the two then differ by what happened in those seconds:
 * noise, larger on rare events, none on average.
 * - both values present: within RELATIVE of each other (the windows share at least 4/5 of their 5 minutes,
 *   so a rate or count differs by at most what fell in the other fifth); shares (a fraction of requests) within SHARE;
 *   quantiles within the width of the bucket holding the raw value (a few observations moving across the
 *   window's edge move the interpolated quantile inside its bucket, as for the planner's rankings);
 * - per query, the median difference within MEDIAN (nothing systematic);
 * - a value on one side only (a rare request inside the seconds one window has and the other not): at most
 *   ONE_SIDED of the points. The pinned file path puts this fixture's evaluations 3.9 s past the minute, so
 *   its windows end 56 s before the step's, near the worst case (a whole 60 s interval): 11 of 127 points
 *   of the sparse cluster-scope LIST p99 then differ; with evaluations just before the step, 2 or 3 do.
 */
const RELATIVE = 0.2;
const SHARE = 0.002;
const MEDIAN = 0.005;
const ONE_SIDED = 0.1;

/** The panels whose every derived query can be served by a recorded series at a 5-minute step. */
const RECORDED_PANELS = ["request-rate", "api-latency-p99", "etcd-latency-p99", "api-latency-heatmap", "etcd-latency-heatmap", "api-vs-etcd"];

let prom: RunningPrometheus;
let end: number;
let dir: string;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  const fixture = await recordedScenarioPrometheus();
  prom = fixture.prom;
  end = fixture.scenario.timeline.end;
  dir = mkdtempSync(join(tmpdir(), "apiscope-recorded-"));
  const clusters = [
    { id: "rec", name: "with recorded series", kind: "prometheus", url: prom.url },
    { id: "raw", name: "raw only", kind: "prometheus", url: prom.url, recordedSeries: false },
  ];
  writeFileSync(join(dir, "clusters.json"), JSON.stringify({ clusters }));
  restoreEnv = setEnv({ APISCOPE_PROMETHEUS_URL: undefined, APISCOPE_AMP_WORKSPACE_ID: undefined, APISCOPE_CONFIG: join(dir, "clusters.json") });
}, 600_000);

afterAll(async () => {
  restoreEnv?.();
  resetDataSourceState();
  clearCapabilitiesCache();
  await prom?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The whole dashboard as one cold batch (fresh caches), every panel at its usual width. */
async function load(cluster: string, seconds: number, ids?: string[]): Promise<Map<string, PanelData>> {
  resetDataSourceState();
  clearCapabilitiesCache();
  const p = PANELS.filter((panel) => !ids || ids.includes(panel.id)).map((panel) => ({ id: panel.id, width: panel.wide ? 1200 : 400 }));
  const outcomes = await panelsData({ cluster, job: "apiserver", start: end - seconds, end, p });
  const out = new Map<string, PanelData>();
  for (const [id, o] of outcomes) {
    if (!o.ok) throw new Error(`${cluster} ${id}: ${String(o.error)}`);
    out.set(id, o.data);
  }
  return out;
}

const samplesOf = (panels: Map<string, PanelData>) => [...panels.values()].reduce((n, p) => n + p.samplesProcessed, 0);
const readsRecorded = (q: QueryResult) => RECORDED_SERIES.some((rs) => q.readExpr?.includes(rs.record));
const key = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");

/** The upper bounds of a histogram family's buckets on the test Prometheus. */
async function bucketBounds(family: string): Promise<number[]> {
  const res = await fetch(`${prom.url}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query: `count by (le) (${family}_bucket)`, time: String(end) }) });
  const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
  return body.data.result.map((r) => Number(r.metric.le)).filter(Number.isFinite).sort((a, b) => a - b);
}

const widthAt = (bounds: number[], v: number) => {
  const i = bounds.findIndex((b) => b >= v);
  return i < 0 ? Infinity : i === 0 ? bounds[0]! : bounds[i]! - bounds[i - 1]!;
};

type Kind = { share: true } | { quantileBounds: number[] } | { relative: true };

/** Whether `a` (recorded) is within tolerance of `b` (raw), and by how much (the median is taken of the latter). */
function difference(a: number, b: number, kind: Kind): { ok: boolean; by: number } {
  if ("share" in kind) return { ok: Math.abs(a - b) <= SHARE, by: Math.abs(a - b) };
  const relative = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
  if ("quantileBounds" in kind) return { ok: Math.abs(a - b) <= widthAt(kind.quantileBounds, b), by: relative };
  return { ok: relative <= RELATIVE, by: relative };
}

function expectClose(a: number | null, b: number | null, what: string) {
  if (a === null || b === null) return expect(a, what).toBe(b);
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 1e-12));
}

describe("a 10.5 h view (5-minute steps) inside the recorded series' lifetime", () => {
  const VIEW = 10.5 * HOUR;
  let rec: Map<string, PanelData>;
  let raw: Map<string, PanelData>;
  beforeAll(async () => {
    rec = await load("rec", VIEW);
    raw = await load("raw", VIEW);
  }, 300_000);

  it("reads the recorded series for the panels they can serve, says so, and the raw series for the others", () => {
    for (const [id, data] of rec) {
      for (const q of data.queries) {
        if (!q.readExpr) continue;
        const expected = RECORDED_PANELS.includes(id);
        if (expected) expect(data.window.step, id).toBe(300);
        expect(readsRecorded(q), `${id}/${q.id} ${q.readExpr}`).toBe(expected);
        expect(q.note?.includes("recorded series") ?? false, `${id}/${q.id} note`).toBe(expected);
        // The PromQL shown (and opened in the explorer) is the query over what was read.
        expect(RECORDED_SERIES.some((rs) => q.expr.includes(rs.record)), `${id}/${q.id} ${q.expr}`).toBe(expected);
      }
    }
    for (const data of raw.values()) for (const q of data.queries) expect(readsRecorded(q), q.readExpr).toBe(false);
  });

  it("shows the raw reads' numbers, within the stated tolerance", async () => {
    let compared = 0;
    for (const id of RECORDED_PANELS) {
      const a = rec.get(id)!;
      const b = raw.get(id)!;
      expect(a.window, id).toEqual(b.window);
      for (const qa of a.queries) {
        const qb = b.queries.find((q) => q.id === qa.id)!;
        const query = PANELS_BY_ID.get(id)!.queries.find((q) => q.id === qa.id)!;
        const share = qa.unit === "ratio";
        const kind: Kind = share
          ? { share: true }
          : query.histogram && query.histogram.derive.kind !== "heatmap"
            ? { quantileBounds: await bucketBounds(query.histogram.family) }
            : { relative: true };
        const theirs = new Map(qb.series.map((s) => [key(s.labels), new Map(s.points)]));
        expect(qa.series.map((s) => key(s.labels)).sort(), `${id}/${qa.id} series`).toEqual([...theirs.keys()].sort());
        const diffs: number[] = [];
        let oneSided = 0;
        for (const s of qa.series) {
          const other = theirs.get(key(s.labels))!;
          expect(s.points.map(([t]) => t), `${id}/${qa.id} ${key(s.labels)} timestamps`).toEqual([...other.keys()]);
          for (const [t, v] of s.points) {
            const theirsAt = other.get(t)!;
            if (v === null || theirsAt === null) {
              if (v !== theirsAt) oneSided++;
              continue;
            }
            const d = difference(v, theirsAt, kind);
            expect(d.ok, `${id}/${qa.id} ${key(s.labels)} @${t}: ${v} vs ${theirsAt}`).toBe(true);
            diffs.push(d.by);
          }
        }
        const points = qa.series.reduce((n, s) => n + s.points.length, 0);
        compared += points;
        expect(oneSided, `${id}/${qa.id}: points with a value on one side only`).toBeLessThanOrEqual(ONE_SIDED * points);
        diffs.sort((x, y) => x - y);
        expect(diffs[Math.floor(diffs.length / 2)], `${id}/${qa.id} median difference`).toBeLessThanOrEqual(share ? SHARE / 4 : MEDIAN);
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it("the PromQL shown for a recorded panel gives its numbers on Prometheus", async () => {
    const data = rec.get("api-vs-etcd")!;
    for (const q of data.queries) {
      const params = new URLSearchParams({ query: q.expr, start: String(data.window.start), end: String(data.window.end), step: String(data.window.step) });
      const body = (await (await fetch(`${prom.url}/api/v1/query_range`, { method: "POST", body: params })).json()) as {
        data: { result: { values: [number, string][] }[] };
      };
      expect(body.data.result, q.expr).toHaveLength(1);
      const ours = new Map(q.series[0]!.points);
      for (const [t, v] of body.data.result[0]!.values) expectClose(ours.get(t) ?? null, Number(v), `${q.id} @${t}`);
    }
  });

  it("costs the backend fewer samples per load", async () => {
    const withRecorded = samplesOf(rec);
    const rawOnly = samplesOf(raw);
    console.log(`samples per 10.5 h dashboard load: ${withRecorded} with the recorded series, ${rawOnly} raw`);
    // The rankings (slowest calls, etcd operations) group by labels the rules drop and still read the
    // raw histograms: the whole dashboard saves the request-rate read.
    expect(withRecorded).toBeLessThan(rawOnly);
    // The panels the recorded series serve, loaded on their own (the health row, a panel's permalink).
    const alone = async (cluster: string) => samplesOf(await load(cluster, VIEW, RECORDED_PANELS));
    const [recAlone, rawAlone] = [await alone("rec"), await alone("raw")];
    console.log(`samples per 10.5 h load of ${RECORDED_PANELS.join(", ")}: ${recAlone} with the recorded series, ${rawAlone} raw`);
    expect(recAlone).toBeLessThan(rawAlone * 0.1);
  });
});

describe("a view reaching back before the rules were loaded", () => {
  it("reads the raw series (11 h: the recorded series start 15 min after the range does)", async () => {
    const rec = await load("rec", HISTORY);
    let derived = 0;
    for (const [id, data] of rec) {
      for (const q of data.queries) {
        if (!q.readExpr) continue;
        // A 5-minute step, as in the 10.5 h view: only the rules' start keeps these panels on raw reads.
        if (RECORDED_PANELS.includes(id)) expect(data.window.step, id).toBe(300);
        derived++;
        expect(readsRecorded(q), `${id}/${q.id}`).toBe(false);
        expect(q.note ?? "", `${id}/${q.id}`).not.toContain("recorded series");
      }
    }
    expect(derived).toBeGreaterThan(10);
  });
});

describe("views with steps finer than the rules' 5-minute rate", () => {
  it("read the raw series (6 h: 2-minute steps)", async () => {
    const rec = await load("rec", 6 * HOUR);
    for (const [id, data] of rec) for (const q of data.queries) expect(readsRecorded(q), `${id}/${q.id}`).toBe(false);
  });
});
