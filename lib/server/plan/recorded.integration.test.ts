// Panels read the recommended recording rules' series where they hold the same numbers (plan/recorded.ts),
// on a real Prometheus whose TSDB has the raw scenario and, beside it, the recorded series that real
// promtool backfilled from the rules (`tsdb create-blocks-from rules`) as if they had been loaded 10 h 45 min
// before the data's end. One Prometheus, two configured clusters on it: "rec" (the default, recorded
// series used) and "raw" (recordedSeries: false).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureEnd, scenarioPrometheus } from "../../../test-support/fixtures";
import type { RunningPrometheus } from "../../../test-support/prometheus";
import type { PanelData, QueryResult } from "../../api-schema";
import { PANELS } from "../../panels/catalog";
import { clearCapabilitiesCache } from "../capabilities";
import { panelsData } from "../dashboard";
import { resetDataSourceState } from "../datasource";
import { setEnv } from "../datasource/testing/env";
import { RECORDED_SERIES } from "./recorded";

const HOUR = 3600;
const HISTORY = 11 * HOUR;
/** When the rules were "loaded": the recorded series start here. */
const RECORDED_FOR = 10.75 * HOUR;

/**
 * Tolerance. The rule group evaluates at its own offset within its interval (Prometheus and promtool
 * alike: a hash of the group; 7.6 s here), so each recorded 5-minute rate covers a window ending up to
 * one evaluation interval before the step's, where the raw read's window ends on the step. Per point the
 * two then differ by what happened in those few seconds: noise on rare events, none on average.
 * - both values present: within RELATIVE of each other (shares, a fraction of requests: within SHARE);
 * - per query, the median difference within MEDIAN (nothing systematic);
 * - a value on one side only (a rare request inside the few seconds): at most ONE_SIDED of the points.
 */
const RELATIVE = 0.06;
const SHARE = 0.002;
const MEDIAN = 0.005;
const ONE_SIDED = 0.05;

/** The panels whose every derived query can be served by a recorded series at a 5-minute step. */
const RECORDED_PANELS = ["request-rate", "api-latency-p99", "etcd-latency-p99", "api-latency-heatmap", "etcd-latency-heatmap", "api-vs-etcd"];

let prom: RunningPrometheus;
let end: number;
let dir: string;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  end = fixtureEnd();
  ({ prom } = await scenarioPrometheus({ end, historySeconds: HISTORY, recordedFrom: end - RECORDED_FOR }));
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

/** How far `a` is from `b`: relative, or absolute for shares; null when only one has a value. */
function difference(a: number | null, b: number | null, share: boolean): number | null {
  if (a === null || b === null) return a === b ? 0 : null;
  return share ? Math.abs(a - b) : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
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

  it("shows the raw reads' numbers, within the stated tolerance", () => {
    let compared = 0;
    for (const id of RECORDED_PANELS) {
      const a = rec.get(id)!;
      const b = raw.get(id)!;
      expect(a.window, id).toEqual(b.window);
      for (const qa of a.queries) {
        const qb = b.queries.find((q) => q.id === qa.id)!;
        const share = qa.unit === "ratio";
        const theirs = new Map(qb.series.map((s) => [key(s.labels), new Map(s.points)]));
        expect(qa.series.map((s) => key(s.labels)).sort(), `${id}/${qa.id} series`).toEqual([...theirs.keys()].sort());
        const diffs: number[] = [];
        let oneSided = 0;
        for (const s of qa.series) {
          const other = theirs.get(key(s.labels))!;
          expect(s.points.map(([t]) => t), `${id}/${qa.id} ${key(s.labels)} timestamps`).toEqual([...other.keys()]);
          for (const [t, v] of s.points) {
            const d = difference(v, other.get(t)!, share);
            if (d === null) oneSided++;
            else {
              expect(d, `${id}/${qa.id} ${key(s.labels)} @${t}: ${v} vs ${other.get(t)}`).toBeLessThanOrEqual(share ? SHARE : RELATIVE);
              diffs.push(d);
            }
          }
        }
        const points = diffs.length + oneSided;
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
