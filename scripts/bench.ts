// `npm run bench`: what loading the dashboard costs, as RATIOS against baselines measured in the same run.
//
// Baseline for cost: the reference Grafana dashboard apiscope replaces ("API Server Troubleshooter" v1.6.1,
// its 22 verbatim queries in scripts/bench-reference-queries.ts), sent the way Grafana 8.5 would send them.
// apiscope: its 30-panel catalogue through the real server code path (`panelData()` of lib/server/dashboard),
// and, for speed and sharing, the production build (`next start`) in Chromium and under many viewers.
//
// Every figure is relative: absolute times depend on the machine (and whatever else runs on it), ratios much
// less so. Nothing here asserts a time; the script exits 0 unless the setup (build, fixtures, Prometheus,
// Redis, app servers, Chromium) fails.
//
// What is measured:
// - P6: samples processed (Prometheus `stats=all` → totalQueryableSamples, what AMP bills) per dashboard
//   load, apiscope / reference, for a 6 h and a 1 h view, on two Prometheus servers: the incident scenario
//   (three API servers, test-support/fixtures.ts) and the real kube-apiserver v1.30.0 scrape replayed as
//   two API servers. A counting HTTP proxy in front of Prometheus, which both sides go through, observes it.
// - P6r: a reload 30 s later (the same relative view with its end moved 30 s forward, as an auto-refresh
//   does) / the full load; the identical reload (F5, another SRE opening the link) as extra information.
// - P1 (scripts/bench-browser.ts): time until every panel has painted in Chromium / the time of the same
//   backend requests fired directly at Prometheus, all at once.
// - P3 (scripts/bench-fleet.ts): backend queries for 20 simultaneous viewers over 3 instances sharing a
//   Redis / for one viewer; the instances' resident memory after the 20 viewers.
// - Fleet overview (scripts/bench-fleet-overview.ts): the backend samples and queries of one cold fleet load
//   over 10 clusters, per cluster against one dashboard load, and of the same fleet within the cache's life.
// - Recorded series (scripts/bench-recorded.ts): the samples of a cold 10.5 h dashboard load with the
//   recommended recording rules' series in the TSDB (backfilled by promtool) and with them ignored.
// - Payload to the browser, gzipped: JSON of PanelData vs the raw Prometheus responses Grafana receives; and
//   what `next start` really sent the browser in P1.
// - Wall times of the in-process loads, 6 panels at a time like a browser's HTTP/1.1 connection limit, and
//   the heatmap matrix (lib/heatmap.ts) on the real API-latency heatmap result against a naive build.
//
// Options (environment): BENCH_REPS=3 timed page loads for P1 (median shown), BENCH_INPROCESS_REPS=1 timed rounds
// of in-process loads, BENCH_VERBOSE=1 adds per-panel breakdowns, BENCH_BUILD=auto|always|never
// (scripts/bench-build.ts), BENCH_VIEWERS=20.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "@playwright/test";
import type { PanelData } from "../lib/api-schema";
import type { Series as RangeSeries } from "../lib/api-schema";
import { PANELS } from "../lib/panels/catalog";
import type { RunningPrometheus } from "../test-support/prometheus";
import type { RunningRedis } from "../test-support/redis";
import { benchClusters, startBenchApp, type BenchApp } from "./bench-apps";
import { launchChromium, measureP1, type P1Result } from "./bench-browser";
import { buildStamp, ensureProductionBuild, waitForOtherBuild } from "./bench-build";
import {
  backendWork,
  describeRequest,
  duplicateRequests,
  errorText,
  fmtBytes,
  fmtCount,
  fmtMs,
  fmtRatio,
  median,
  pool,
  printTable,
  ratio,
  ratioOf,
  startCountingProxy,
  timed,
  type BackendWork,
  type CountingProxy,
  type LedgerEntry,
} from "./bench-common";
import { measureP3, type P3Result } from "./bench-fleet";
import { FLEET_CLUSTERS, measureFleetOverview, measureSharedWorkspace, SHARED_WORKSPACE_LABELS, type FleetOverviewResult } from "./bench-fleet-overview";
import { measureRecorded, type RecordedResult } from "./bench-recorded";
import {
  grafanaTiming,
  interpolateReference,
  REFERENCE_JOB,
  REFERENCE_JOB_VARIABLE_MATCH,
  REFERENCE_PANELS,
  type ReferencePanel,
} from "./bench-reference-queries";

// ------------------------------------------------------------------------------------------------------------
// Launch: lib/server/dashboard.ts imports the `server-only` marker, whose default export throws outside Next's
// react-server bundle. Its package maps the `react-server` export condition to an empty module, so the bench
// re-runs itself under `node --conditions=react-server` (keeping tsx's loader flags from process.execArgv).

const REACT_SERVER = "--conditions=react-server";
const underReactServer = process.execArgv.join(" ").includes("react-server") || process.env.APISCOPE_BENCH_CHILD === "1";

if (!underReactServer) {
  const child = spawn(process.execPath, [...process.execArgv, REACT_SERVER, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, APISCOPE_BENCH_CHILD: "1" },
  });
  // Ctrl-C reaches the child directly (same process group); just pass its outcome on.
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on("error", (err) => {
    console.error(`bench: cannot re-run under ${REACT_SERVER}: ${err.message}`);
    process.exit(1);
  });
} else {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error("bench: setup failed:", err);
      process.exit(1);
    },
  );
}

// ------------------------------------------------------------------------------------------------------------
// Settings

/** The scenario's (and the reference data source's) scrape interval. */
const SCRAPE_SECONDS = 30;
/** A browser opens at most 6 HTTP/1.1 connections per host: panels load 6 at a time on both sides. */
const BROWSER_CONCURRENCY = 6;
/**
 * apiscope panel widths in pixels (the step is sized to them), as the dashboard in a 1366 px wide window
 * asks for them (P1 prints what it really asked for): wide panels span the row, health tiles are small.
 */
const WIDE_PX = 1300;
const NARROW_PX = 600;
const TILE_PX = 200;
/** Grafana's "now" is never on a step boundary; neither is the view here (the scenario ends on the 30 s grid). */
const UNALIGNED_OFFSET_SECONDS = 7;
/** An auto-refresh 30 s later: the same relative view, its end moved forward. */
const RELOAD_AFTER_SECONDS = 30;
const RANGES = [
  { label: "6 h", seconds: 6 * 3600 },
  { label: "1 h", seconds: 3600 },
];
/** Timed page loads of P1 (the 1 h view; the 6 h view gets one). */
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3) || 3);
/** Timed in-process rounds per range: samples do not vary between rounds, their wall times are informational. */
const INPROCESS_REPS = Math.max(1, Number(process.env.BENCH_INPROCESS_REPS ?? 1) || 1);
const VIEWERS = Math.max(2, Number(process.env.BENCH_VIEWERS ?? 20) || 20);
const INSTANCES = 3;
const VERBOSE = process.env.BENCH_VERBOSE === "1";

/** The real scrape (test-support/data/README.md) replayed as two API servers of job "apiserver". */
const REAL_SCRAPE = join(__dirname, "..", "test-support", "data", "kube-apiserver-v1.30.0.prom");
const REAL_JOB = "apiserver";
const REAL_INSTANCES = ["192.168.49.2:8443", "192.168.49.3:8443"];
/**
 * The replay ends at a fixed past midnight (2026-12-01T00:00Z): 6 h 15 min of two servers take ~3 minutes
 * to backfill, so it is built once and reused from .cache/fixtures (a moving end would rebuild it every run).
 * A clock before that date falls back to the last midnight.
 */
const REAL_END = 1_796_083_200 < Date.now() / 1000 - 600 ? 1_796_083_200 : Math.floor(Date.now() / 1000 / 86400 - 1) * 86400;
const REAL_DURATION = 6 * 3600 + 900;

const GOALS = { p6: 0.5, p6r: 0.05, p1: 1.3, p3: 1.2, findings: 0.1 };

// ------------------------------------------------------------------------------------------------------------
// Baseline: the reference dashboard, as Grafana would query it.

interface ReferenceRun {
  wallMs: number;
  /** The `$job` its variable resolved to. */
  job: string;
  /** Per panel: did the query return any series, and did it fail. */
  panels: { panel: ReferencePanel; hasData: boolean; error?: string; samples: number; bytes: number }[];
  work: BackendWork;
  /** Raw Prometheus JSON of the panel queries (what Grafana's browser receives), and gzipped. */
  payloadBytes: number;
  payloadGzipBytes: number;
}

async function loadReference(proxy: CountingProxy, start: number, end: number): Promise<ReferenceRun> {
  const mark = proxy.ledger.length;
  const api = `${proxy.url}/api/v1`;
  const post = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${api}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    });
    return { status: res.status, text: await res.text() };
  };
  let job = REFERENCE_JOB;
  const { value: panels, ms } = await timed(async () => {
    // The `job` variable resolves first (label_values(metric, job) is a /series call in Grafana 8.5), to the
    // first job it lists: the replayed scrape's job on that Prometheus …
    const variable = await post("series", { "match[]": REFERENCE_JOB_VARIABLE_MATCH, start: String(start), end: String(end) });
    try {
      const jobs = [...new Set(((JSON.parse(variable.text) as { data?: { job?: string }[] }).data ?? []).map((s) => s.job).filter((j): j is string => !!j))].sort();
      if (jobs[0]) job = jobs[0];
    } catch {
      /* keep the default */
    }
    // … then the panels, 6 at a time.
    return pool(REFERENCE_PANELS, BROWSER_CONCURRENCY, async (panel) => {
      const timing = grafanaTiming(end - start, panel, SCRAPE_SECONDS);
      const query = interpolateReference(panel.expr, timing, job);
      const { status, text } =
        panel.type === "instant"
          ? await post("query", { query, time: String(end), stats: "all" })
          : await post("query_range", { query, start: String(start), end: String(end), step: String(timing.step), stats: "all" });
      let hasData = false;
      let error: string | undefined;
      let samples = 0;
      try {
        const body = JSON.parse(text) as { status: string; error?: string; data?: { result?: unknown[]; stats?: { samples?: { totalQueryableSamples?: number } } } };
        hasData = status === 200 && (body.data?.result?.length ?? 0) > 0;
        samples = body.data?.stats?.samples?.totalQueryableSamples ?? 0;
        if (body.status !== "success") error = body.error ?? `HTTP ${status}`;
      } catch {
        error = `HTTP ${status}: not JSON`;
      }
      return { panel, hasData, error, samples, bytes: Buffer.byteLength(text), text };
    });
  });
  const payload = panels.map((p) => p.text).join("");
  return {
    wallMs: ms,
    job,
    panels: panels.map(({ text: _text, ...rest }) => rest),
    work: backendWork(proxy.ledger, mark),
    payloadBytes: Buffer.byteLength(payload),
    payloadGzipBytes: panels.reduce((n, p) => n + gzipSync(p.text).length, 0),
  };
}

// ------------------------------------------------------------------------------------------------------------
// apiscope: every panel through panelData(), the function behind GET /api/panels/<id>.

type PanelDataFn = (panelId: string, req: { cluster: string; start: number; end: number; width: number }) => Promise<PanelData>;

interface ApiscopeRun {
  wallMs: number;
  panels: { id: string; data?: PanelData; error?: string; hasData: boolean; bytes: number }[];
  work: BackendWork;
  /** What reached the backend. */
  entries: LedgerEntry[];
  /** Identical backend requests this load sent more than once. */
  duplicates: ReturnType<typeof duplicateRequests>;
  /** Sum of PanelData.samplesProcessed (what the UI is told the panels cost). */
  reportedSamples: number;
  payloadBytes: number;
  payloadGzipBytes: number;
}

const widthOf = (panel: (typeof PANELS)[number]) => (panel.wide ? WIDE_PX : panel.row === "health" ? TILE_PX : NARROW_PX);

async function loadApiscope(panelData: PanelDataFn, proxy: CountingProxy, start: number, end: number): Promise<ApiscopeRun> {
  const mark = proxy.ledger.length;
  const { value: panels, ms } = await timed(() =>
    pool(PANELS, BROWSER_CONCURRENCY, async (panel) => {
      try {
        const data = await panelData(panel.id, { cluster: "default", start, end, width: widthOf(panel) });
        const json = JSON.stringify(data); // what the route handler sends (NextResponse.json)
        const hasData = data.status === "ok" && data.queries.some((q) => q.series.length > 0);
        return { id: panel.id, data, hasData, json };
      } catch (err) {
        return { id: panel.id, error: errorText(err), hasData: false, json: "" };
      }
    }),
  );
  return {
    wallMs: ms,
    panels: panels.map(({ json, ...rest }) => ({ ...rest, bytes: Buffer.byteLength(json) })),
    work: backendWork(proxy.ledger, mark),
    entries: proxy.ledger.slice(mark),
    duplicates: duplicateRequests(proxy.ledger.slice(mark)),
    reportedSamples: panels.reduce((n, p) => n + (p.data?.samplesProcessed ?? 0), 0),
    payloadBytes: panels.reduce((n, p) => n + Buffer.byteLength(p.json), 0),
    payloadGzipBytes: panels.reduce((n, p) => n + (p.json ? gzipSync(p.json).length : 0), 0),
  };
}

// ------------------------------------------------------------------------------------------------------------
// Heatmap: lib/heatmap.ts against what a quick implementation would do.

/** The quick way: sort buckets by `le` as strings ("+Inf" < "0.005" < "10" < "2": wrong) and allocate an object per cell. */
function naiveHeatmap(series: RangeSeries[]) {
  const sorted = [...series].sort((a, b) => (a.labels.le < b.labels.le ? -1 : a.labels.le > b.labels.le ? 1 : 0));
  const cells: { time: number; le: string; count: number | null }[] = [];
  let max = 0;
  let total = 0;
  for (let b = 0; b < sorted.length; b++) {
    const points = sorted[b].points;
    const below = b === 0 ? null : sorted[b - 1].points;
    for (let i = 0; i < points.length; i++) {
      const [time, value] = points[i];
      const lower = below === null ? 0 : (below[i]?.[1] ?? null);
      const count = value === null || lower === null ? null : value - lower;
      if (count !== null) {
        if (count > max) max = count;
        total += count;
      }
      cells.push({ time, le: sorted[b].labels.le, count });
    }
  }
  return { cells, max, total, order: sorted.map((s) => s.labels.le) };
}

/** Milliseconds per call: repeats `fn` for at least `budgetMs` after one warm-up call. */
function perCallMs(fn: () => unknown, budgetMs = 150): number {
  fn();
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs || n < 5) {
    fn();
    n++;
    elapsed = performance.now() - t0;
  }
  return elapsed / n;
}

// ------------------------------------------------------------------------------------------------------------
// In-process loads (P6, P6r, payload): one data set, both ranges.

interface RangeReport {
  dataset: string;
  label: string;
  end: number;
  reference: ReferenceRun;
  referenceReload: ReferenceRun;
  referenceWallMs: number;
  cold: ApiscopeRun;
  /** The identical view again (F5). */
  warm: ApiscopeRun;
  /** The same relative view 30 s later: start and end moved forward. */
  moved: ApiscopeRun;
  coldWallMs: number;
  warmWallMs: number;
  movedWallMs: number;
  /** The findings of the same view right after the cold load: what they add at the backend. */
  findings: BackendWork | null;
}

type FindingsFn = (req: { cluster: string; start: number; end: number }) => Promise<unknown>;

async function measureInProcess(
  dataset: string,
  proxy: CountingProxy,
  end: number,
  deps: { panelData: PanelDataFn; coldStart: () => void; findings: FindingsFn },
): Promise<RangeReport[]> {
  // The only cluster is this Prometheus (through the proxy), in single-cluster mode with no shared cache.
  process.env.APISCOPE_PROMETHEUS_URL = proxy.url;
  const { panelData, coldStart } = deps;
  const results: RangeReport[] = [];
  for (const range of RANGES) {
    const start = end - range.seconds;
    try {
      // Warm-up, untimed: Prometheus' page cache and the JIT, so neither side pays for going first.
      await loadReference(proxy, start, end);
      coldStart();
      await loadApiscope(panelData, proxy, start, end);

      const referenceRuns: ReferenceRun[] = [];
      const coldRuns: ApiscopeRun[] = [];
      const warmRuns: ApiscopeRun[] = [];
      const movedRuns: ApiscopeRun[] = [];
      let findings: BackendWork | null = null;
      for (let rep = 0; rep < INPROCESS_REPS; rep++) {
        referenceRuns.push(await loadReference(proxy, start, end));
        coldStart();
        coldRuns.push(await loadApiscope(panelData, proxy, start, end));
        // The findings strip asks for the same view as the panels did: what does it add?
        if (rep === 0) {
          const mark = proxy.ledger.length;
          await deps.findings({ cluster: "default", start, end }).catch((err) => console.error(`bench: findings failed: ${errorText(err)}`));
          findings = backendWork(proxy.ledger, mark);
        }
        // The same view again a moment later (another SRE opening the link, or F5) …
        warmRuns.push(await loadApiscope(panelData, proxy, start, end));
        // … and the auto-refresh 30 s later: the view's end (and start) moved forward.
        movedRuns.push(await loadApiscope(panelData, proxy, start + RELOAD_AFTER_SECONDS, end + RELOAD_AFTER_SECONDS));
      }
      // Grafana has no result cache: its reload is measured, not assumed.
      if (referenceRuns.length < 2) referenceRuns.push(await loadReference(proxy, start, end));
      results.push({
        dataset,
        label: range.label,
        end,
        reference: referenceRuns[0],
        referenceReload: referenceRuns[1],
        referenceWallMs: median(referenceRuns.map((r) => r.wallMs)),
        cold: coldRuns[0],
        warm: warmRuns[0],
        moved: movedRuns[0],
        coldWallMs: median(coldRuns.map((r) => r.wallMs)),
        warmWallMs: median(warmRuns.map((r) => r.wallMs)),
        movedWallMs: median(movedRuns.map((r) => r.wallMs)),
        findings,
      });
    } catch (err) {
      console.error(`bench: the ${dataset} ${range.label} measurement failed:`, err);
    }
  }
  return results;
}

// ------------------------------------------------------------------------------------------------------------

interface Outcome {
  fleet: FleetOverviewResult | null;
  fleetError: string | null;
  recorded: RecordedResult | null;
  recordedError: string | null;
  /** The same fleet as label values of one shared workspace (grouped readings). */
  sharedFleet: FleetOverviewResult | null;
  sharedFleetError: string | null;
  inProcess: RangeReport[];
  heatmapLine: string | null;
  p1: P1Result[];
  p1Error: string | null;
  p3: P3Result | null;
  p3Error: string | null;
  p3Paths: "browser" | "constructed" | null;
  setupFailures: string[];
  /** The production build the servers ran, and whether it was replaced while they ran (someone else's next build). */
  build: { used: string | null; replaced: string | null };
  /** Wall time of each phase of this run. */
  phases: [string, number][];
  /** Warnings and errors the app servers logged (distinct lines, with how often). */
  appLog: Map<string, number>;
}

/** Lines of a server log worth a look: warnings, errors, stack-less exceptions. */
function noteAppLog(out: Outcome, log: string): void {
  for (const raw of log.split("\n")) {
    const line = raw.trim();
    if (!/warn|error|exception|unhandled|ECONN|timed out/i.test(line) || /^\s*at /.test(line)) continue;
    const key = line.replace(/\d{3,}/g, "N").slice(0, 220);
    out.appLog.set(key, (out.appLog.get(key) ?? 0) + 1);
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  // Imported here, not at the top: under plain tsx (before the re-spawn above) `server-only` would throw.
  const { scenarioPrometheus, recordedScenarioPrometheus, replayTextScrape, sharedWorkspacePrometheus } = await import("../test-support/fixtures");
  const { panelData } = await import("../lib/server/dashboard");
  const { computeFindings } = await import("../lib/server/findings");
  const { resetDataSourceState } = await import("../lib/server/datasource");
  const { clearCapabilitiesCache } = await import("../lib/server/capabilities");
  const { buildHeatmapMatrix } = await import("../lib/heatmap");

  // The bench configures apiscope itself: drop any other APISCOPE_* setting of this shell (a config file, AMP,
  // a cluster label, a shared cache) that would point it elsewhere or conflict.
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("APISCOPE_") && name !== "APISCOPE_FIXTURE_CACHE" && name !== "APISCOPE_BENCH_CHILD") delete process.env[name];
  }
  const out: Outcome = { fleet: null, fleetError: null, recorded: null, recordedError: null, sharedFleet: null, sharedFleetError: null, inProcess: [], heatmapLine: null, p1: [], p1Error: null, p3: null, p3Error: null, p3Paths: null, setupFailures: [], build: { used: null, replaced: null }, phases: [], appLog: new Map() };
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    out.phases.push([name, now - phaseStart]);
    phaseStart = now;
  };
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  };
  const work = mkdtempSync(join(tmpdir(), "apiscope-bench-"));
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));

  try {
    // Setup. Any failure here is a real failure (exit 1); the build comes first so that nothing else
    // competes with it for the two cores, and fails early.
    let buildOk = true;
    try {
      await ensureProductionBuild((line) => console.log(line));
    } catch (err) {
      buildOk = false;
      out.setupFailures.push(`production build: ${errorText(err)}`);
    }
    phase("build check");
    console.log("bench: starting Prometheus over the 1.30 incident scenario (backfilled once, cached under .cache/fixtures) …");
    const { prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.30" });
    cleanups.push(() => prom.stop());
    console.log(`bench: starting Prometheus over the real v1.30.0 scrape replayed as ${REAL_INSTANCES.length} servers (cached; ~3 min to build the first time) …`);
    let real: RunningPrometheus | null = null;
    try {
      real = await replayTextScrape(REAL_SCRAPE, { job: REAL_JOB, instance: REAL_INSTANCES[0], instances: REAL_INSTANCES, end: REAL_END, durationSeconds: REAL_DURATION });
      const r = real;
      cleanups.push(() => r.stop());
    } catch (err) {
      out.setupFailures.push(`real-scrape Prometheus: ${errorText(err)}`);
    }
    const setupMs = performance.now() - started;
    phase("Prometheus fixtures");

    /** Forget every apiscope cache: a server that just started. */
    const coldStart = () => {
      resetDataSourceState();
      clearCapabilitiesCache();
    };
    const deps = { panelData, coldStart, findings: computeFindings };

    // ---- P6, P6r, payload: in-process, both data sets.
    const demoProxy = await startCountingProxy(prom.url);
    cleanups.push(() => demoProxy.close());
    const demoEnd = scenario.timeline.end - UNALIGNED_OFFSET_SECONDS;
    console.log("bench: in-process loads (P6, P6r, payload) on the scenario …");
    out.inProcess.push(...(await measureInProcess("demo", demoProxy, demoEnd, deps)));
    if (real) {
      const realProxy = await startCountingProxy(real.url);
      console.log("bench: in-process loads (P6, P6r, payload) on the real scrape …");
      out.inProcess.push(...(await measureInProcess("real", realProxy, REAL_END - UNALIGNED_OFFSET_SECONDS, deps)));
      await realProxy.close();
      await real.stop(); // not needed any more: leave the cores to the rest
    }
    // The fleet overview over 10 clusters on the demo data, its 1 h view ending where the dashboard's does.
    console.log(`bench: fleet overview over ${FLEET_CLUSTERS} clusters …`);
    try {
      out.fleet = await measureFleetOverview(demoProxy, work, demoEnd - 3600, demoEnd, coldStart);
    } catch (err) {
      out.fleetError = errorText(err);
    }
    // The recording rules: their own Prometheus (11 h of history, the rules' series backfilled), ending at
    // a fixed past midnight so that it is built once and then reused from .cache/fixtures.
    console.log("bench: a 10.5 h load with and without the recorded series (cached; ~1–2 min to build the first time) …");
    try {
      const { prom: recProm, scenario: recScenario } = await recordedScenarioPrometheus();
      const recProxy = await startCountingProxy(recProm.url);
      try {
        out.recorded = await measureRecorded(recProxy, work, recScenario.timeline.end, coldStart);
      } finally {
        await recProxy.close();
        await recProm.stop();
      }
    } catch (err) {
      out.recordedError = errorText(err);
    }
    // The same scenario as 10 `cluster` values of one workspace (2 h of history: the view needs the last hour).
    console.log(`bench: fleet overview over ${FLEET_CLUSTERS} clusters of one shared workspace (backfilled once, cached) …`);
    try {
      const shared = await sharedWorkspacePrometheus(
        SHARED_WORKSPACE_LABELS.map((label) => ({ label, k8sVersion: "1.30" as const, incident: "list-storm" as const })),
        { end: scenario.options.end, historySeconds: 2 * 3600 },
      );
      const sharedProxy = await startCountingProxy(shared.prom.url);
      try {
        out.sharedFleet = await measureSharedWorkspace(sharedProxy, work, demoEnd - 3600, demoEnd, coldStart);
      } finally {
        await sharedProxy.close();
        await shared.prom.stop();
      }
    } catch (err) {
      out.sharedFleetError = errorText(err);
    }
    delete process.env.APISCOPE_CONFIG;
    delete process.env.APISCOPE_PROMETHEUS_URL;
    coldStart();
    phase("in-process loads");

    // Heatmap, on the 6 h API-latency result apiscope just loaded.
    const heat = out.inProcess.find((r) => r.dataset === "demo" && r.label === "6 h")?.cold.panels.find((p) => p.id === "api-latency-heatmap")?.data?.queries[0]?.series;
    if (heat && heat.length > 0) {
      const matrix = buildHeatmapMatrix(heat);
      const naive = naiveHeatmap(heat);
      const ours = perCallMs(() => buildHeatmapMatrix(heat));
      const quick = perCallMs(() => naiveHeatmap(heat));
      const numericOrder = [...naive.order].sort((a, b) => Number(a.replace("+Inf", "Infinity")) - Number(b.replace("+Inf", "Infinity")));
      const wrongOrder = naive.order.some((le, i) => le !== numericOrder[i]);
      out.heatmapLine =
        `heatmap build (api-latency-heatmap, 6 h: ${matrix.bounds.length} buckets × ${matrix.times.length} steps): ` +
        `buildHeatmapMatrix / naive = ${ratio(ours, quick)} (${ours.toFixed(3)} ms vs ${quick.toFixed(3)} ms per build); ` +
        `naive string-sorted buckets ${wrongOrder ? `out of order (${naive.order.slice(0, 4).join(", ")}, …)` : "happen to be in order"}`;
    }

    // ---- The production build: P1 in Chromium, then P3 over 3 instances and Redis.
    if (buildOk) {
      out.build.used = buildStamp();
      const checkBuild = () => {
        const now = buildStamp();
        if (now !== out.build.used && !out.build.replaced) out.build.replaced = now ?? "(deleted)";
      };
      const reps = Math.max(REPS, 1);
      // Cluster ids for P1: the 1 h view's warm-up and cold loads, the 6 h view's one cold load; "-1": a retry.
      const p1Ids = ["", "-1"].flatMap((t) => [`p1-3600-warm${t}`, ...Array.from({ length: reps }, (_, i) => `p1-3600-${i}${t}`), `p1-21600-0${t}`]);
      const p3Ids = ["p3-warm", "p3-one", "p3-many", "p3-rr"];
      const { clusters, close } = await benchClusters(prom.url, [...p1Ids, ...p3Ids], join(work, "clusters.json"));
      cleanups.push(close);
      const c = (id: string) => clusters.get(id)!;

      // P1: one instance, no shared cache (the default deployment).
      let viewPaths: string[] | null = null;
      let app: BenchApp | null = null;
      let browser: Browser | null = null;
      try {
        console.log("bench: P1: next start + Chromium …");
        await waitForOtherBuild((line) => console.log(line));
        out.build.used = buildStamp();
        app = await startBenchApp({ APISCOPE_CONFIG: join(work, "clusters.json") });
        const a = app;
        cleanups.push(() => a.stop());
        browser = await launchChromium();
        const b = browser;
        cleanups.push(() => b.close());
      } catch (err) {
        out.setupFailures.push(`P1 setup (next start, Chromium ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"}): ${errorText(err)}`);
      }
      const runP1 = async (app: BenchApp, browser: Browser, attempt: number) => {
        // The 1 h view (auto-refresh's usual view): a warm-up, then REPS cold loads. The 6 h view: one cold
        // load on the warm server with the same viewport (the layout does not depend on the range).
        for (const range of [RANGES[1], RANGES[0]]) {
          const first = range.seconds === 3600;
          const r = await measureP1({
            browser,
            label: range.label,
            appUrl: app.url,
            promUrl: prom.url,
            warm: first ? c(`p1-3600-warm${attempt ? `-${attempt}` : ""}`) : undefined,
            viewportHeight: first ? undefined : out.p1[0].viewportHeight,
            reps: Array.from({ length: first ? reps : 1 }, (_, i) => c(`p1-${range.seconds}-${i}${attempt ? `-${attempt}` : ""}`)),
            from: demoEnd - range.seconds,
            to: demoEnd,
            expectedPanels: PANELS.length,
          });
          out.p1.push(r);
          if (first) viewPaths = r.reps[0].load.calls.map((x) => x.url);
        }
      };
      if (app && browser) {
        try {
          await runP1(app, browser, 0);
        } catch (err) {
          out.p1Error = errorText(err);
          // Someone else's `next build` replaced the build under the server (its pages then lack their
          // scripts): wait for it, restart on the new build and measure once more on fresh clusters.
          if (buildStamp() !== out.build.used) {
            console.log("bench: P1 failed while the production build was replaced by someone else's `next build`; retrying on the new build …");
            await waitForOtherBuild((line) => console.log(line));
            await app.stop();
            try {
              out.build.replaced = null;
              out.build.used = buildStamp();
              app = await startBenchApp({ APISCOPE_CONFIG: join(work, "clusters.json") });
              const a = app;
              cleanups.push(() => a.stop());
              out.p1 = [];
              await runP1(app, browser, 1);
              out.p1Error = null;
            } catch (retryErr) {
              out.p1Error = `${out.p1Error}; retry: ${errorText(retryErr)}`;
            }
          }
        }
      }
      await browser?.close().catch(() => {});
      if (app) noteAppLog(out, app.logs());
      await app?.stop();
      checkBuild();
      phase("P1 (Chromium)");

      // P3: Redis and 3 instances sharing it.
      out.p3Paths = viewPaths ? "browser" : "constructed";
      const paths = viewPaths ?? constructedViewPaths("CLUSTER", demoEnd - 3600, demoEnd);
      let redis: RunningRedis | null = null;
      const apps: BenchApp[] = [];
      try {
        console.log(`bench: P3: redis-server + ${INSTANCES} × next start, ${VIEWERS} viewers …`);
        await waitForOtherBuild((line) => console.log(line));
        const { startRedis } = await import("../test-support/redis");
        redis = await startRedis();
        const rd = redis;
        cleanups.push(() => rd.stop());
        const env = { APISCOPE_CONFIG: join(work, "clusters.json"), APISCOPE_CACHE_URL: redis.url };
        const started = await Promise.allSettled(Array.from({ length: INSTANCES }, () => startBenchApp(env)));
        for (const s of started) if (s.status === "fulfilled") apps.push(s.value);
        for (const a of apps) cleanups.push(() => a.stop());
        const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
        if (failed) throw failed.reason;
      } catch (err) {
        out.setupFailures.push(`P3 setup (redis-server, ${INSTANCES} × next start): ${errorText(err)}`);
      }
      if (redis && apps.length === INSTANCES) {
        try {
          out.p3 = await measureP3({ apps, warm: c("p3-warm"), one: c("p3-one"), many: c("p3-many"), roundRobin: c("p3-rr"), paths, viewers: VIEWERS });
        } catch (err) {
          out.p3Error = errorText(err);
        }
      }
      for (const a of apps) noteAppLog(out, a.logs());
      for (const a of apps) await a.stop();
      await redis?.stop();
      checkBuild();
      phase("P3 (Redis, 3 instances)");
    }

    print(out, setupMs, performance.now() - started);
    return out.setupFailures.length ? 1 : 0;
  } finally {
    await cleanup();
  }
}

/** If P1 could not record the page's API calls: the calls a 1366 px wide dashboard makes for a view. */
function constructedViewPaths(cluster: string, from: number, to: number): string[] {
  const targets = `/api/targets?cluster=${cluster}&end=${Math.ceil(to / 300) * 300}`;
  const panels = PANELS.map(
    (p) => `/api/panels/${p.id}?${new URLSearchParams({ cluster, start: String(from), end: String(to), width: String(widthOf(p)), job: "apiserver" })}`,
  );
  return ["/api/clusters", targets, ...panels];
}

// ------------------------------------------------------------------------------------------------------------
// Output

function printInProcess(r: RangeReport): void {
  const refPanels = REFERENCE_PANELS.length;
  const ourPanels = PANELS.length;
  const refWith = r.reference.panels.filter((p) => p.hasData).length;
  const coldWith = r.cold.panels.filter((p) => p.hasData).length;
  const runs = [r.reference, r.referenceReload];
  const ours = [r.cold, r.warm, r.moved];
  const rows: string[][] = [
    ["", "reference", "reference reload", "apiscope cold", "apiscope reload", `apiscope ${RELOAD_AFTER_SECONDS} s later`],
    ["backend requests", ...runs.map((x) => `${x.work.requests}`), ...ours.map((x) => `${x.work.requests}`)],
    ["  of which queries", ...runs.map((x) => `${x.work.queries}`), ...ours.map((x) => `${x.work.queries}`)],
    ["samples processed", ...runs.map((x) => fmtCount(x.work.samples)), ...ours.map((x) => fmtCount(x.work.samples))],
    ["panels with data", ...runs.map((x) => `${x.panels.filter((p) => p.hasData).length}/${refPanels}`), ...ours.map((x) => `${x.panels.filter((p) => p.hasData).length}/${ourPanels}`)],
    [`wall time${INPROCESS_REPS > 1 ? " (median)" : ""}`, fmtMs(r.referenceWallMs), "(same as load)", fmtMs(r.coldWallMs), fmtMs(r.warmWallMs), fmtMs(r.movedWallMs)],
    ["payload to browser", ...runs.map((x) => fmtBytes(x.payloadBytes)), ...ours.map((x) => fmtBytes(x.payloadBytes))],
    ["  gzipped", ...runs.map((x) => fmtBytes(x.payloadGzipBytes)), ...ours.map((x) => fmtBytes(x.payloadGzipBytes))],
  ];
  console.log("");
  console.log(`── ${r.dataset} ${r.label} view (ends ${new Date(r.end * 1000).toISOString()}) ──`);
  printTable(rows);
  console.log("");
  const s = `${r.dataset} ${r.label}`;
  console.log(
    `[${s}] P6 samples processed per dashboard load: apiscope / reference = ${ratio(r.cold.work.samples, r.reference.work.samples)} ` +
      `(${fmtCount(r.cold.work.samples)} vs ${fmtCount(r.reference.work.samples)}; reference job "${r.reference.job}")`,
  );
  console.log(
    `[${s}] P6r samples of a reload ${RELOAD_AFTER_SECONDS} s later / full load = ${ratio(r.moved.work.samples, r.cold.work.samples)} ` +
      `(${fmtCount(r.moved.work.samples)} in ${r.moved.work.queries} queries vs ${fmtCount(r.cold.work.samples)} in ${r.cold.work.queries}); ` +
      `identical reload = ${ratio(r.warm.work.samples, r.cold.work.samples)} (${fmtCount(r.warm.work.samples)} in ${r.warm.work.requests} requests; the reference reloads ${fmtCount(r.referenceReload.work.samples)})`,
  );
  console.log(`[${s}] wall time cold load: apiscope / reference = ${ratio(r.coldWallMs, r.referenceWallMs)} (${fmtMs(r.coldWallMs)} vs ${fmtMs(r.referenceWallMs)}); reload ${ratio(r.warmWallMs, r.referenceWallMs)}, ${RELOAD_AFTER_SECONDS} s later ${ratio(r.movedWallMs, r.referenceWallMs)}`);
  console.log(`[${s}] panels with data: ${coldWith}/${ourPanels} vs ${refWith}/${refPanels}`);
  console.log(
    `[${s}] payload bytes: apiscope / reference = ${ratio(r.cold.payloadBytes, r.reference.payloadBytes)} (${fmtBytes(r.cold.payloadBytes)} vs ${fmtBytes(r.reference.payloadBytes)}; ` +
      `gzipped ${ratio(r.cold.payloadGzipBytes, r.reference.payloadGzipBytes)})`,
  );

  // What is behind the counts.
  const empty = r.reference.panels.filter((p) => !p.hasData);
  if (empty.length) {
    console.log(
      `[${s}] reference panels without data: ` +
        empty.map((p) => `#${p.panel.number} ${p.panel.title.trim()}${/[A-Za-z_]+:[A-Za-z_:]+/.test(p.panel.expr) ? " (recording rule)" : ""}${p.error ? ` (error: ${p.error})` : ""}`).join("; "),
    );
  }
  const ourEmpty = r.cold.panels.filter((p) => !p.hasData);
  if (ourEmpty.length) {
    console.log(
      `[${s}] apiscope panels without data: ` +
        ourEmpty.map((p) => `${p.id} (${p.error ? `error: ${p.error}` : p.data?.status === "absent" ? "absent on this version" : "no series in range"})`).join("; "),
    );
  }
  for (const [label, run] of [["cold load", r.cold], [`reload ${RELOAD_AFTER_SECONDS} s later`, r.moved]] as const) {
    if (run.duplicates.length) {
      console.log(`[${s}] WARNING: the ${label} sent ${run.duplicates.length} backend request(s) more than once: ` + run.duplicates.slice(0, 3).map(([q, n]) => `${n}× ${describeRequest(q)}`).join("; "));
    }
  }
  // Where a reload's samples go: the costliest backend requests it still sent.
  for (const [label, run] of [["identical reload", r.warm], [`reload ${RELOAD_AFTER_SECONDS} s later`, r.moved]] as const) {
    const top = [...run.entries].filter((e) => e.samples > 0).sort((a, b) => b.samples - a.samples);
    if (top.length === 0 || top[0].samples < r.cold.work.samples * 0.005) continue;
    console.log(
      `[${s}] ${label}: costliest backend requests: ` + top.slice(0, 3).map((e) => `${fmtCount(e.samples)} ${describeRequest(e.request)}`).join("; ") + (top.length > 3 ? `; … (${top.length} with samples)` : ""),
    );
  }
  if (r.cold.reportedSamples !== r.cold.work.samples) {
    console.log(
      `[${s}] note: PanelData.samplesProcessed sums to ${fmtCount(r.cold.reportedSamples)} on the cold load vs ${fmtCount(r.cold.work.samples)} at the backend ` +
        `(a read shared by several panels is counted in each of them)`,
    );
  }
  if (r.warm.reportedSamples > 0 && r.warm.work.samples === 0) {
    console.log(`[${s}] note: on the identical reload PanelData still reports ${fmtCount(r.warm.reportedSamples)} samples processed although the backend did no work`);
  }
  if (r.moved.reportedSamples !== r.moved.work.samples) {
    console.log(`[${s}] note: on the reload ${RELOAD_AFTER_SECONDS} s later PanelData reports ${fmtCount(r.moved.reportedSamples)} samples vs ${fmtCount(r.moved.work.samples)} at the backend`);
  }

  if (VERBOSE) {
    console.log(`[${s}] reference per panel (samples, bytes):`);
    for (const p of r.reference.panels) console.log(`    #${String(p.panel.number).padEnd(3)} ${fmtCount(p.samples).padStart(9)} ${fmtBytes(p.bytes).padStart(9)}  ${p.hasData ? "" : "(no data) "}${p.panel.title.trim()}`);
    console.log(`[${s}] apiscope per panel (reported samples cold / ${RELOAD_AFTER_SECONDS} s later, bytes):`);
    for (const p of r.cold.panels) {
      const later = r.moved.panels.find((m) => m.id === p.id)?.data?.samplesProcessed ?? 0;
      console.log(`    ${fmtCount(p.data?.samplesProcessed ?? 0).padStart(9)} ${fmtCount(later).padStart(9)} ${fmtBytes(p.bytes).padStart(9)}  ${p.hasData ? "" : "(no data) "}${p.id}`);
    }
  }
}

function printP1(p: P1Result, demo: RangeReport | undefined): void {
  console.log("");
  console.log(`── P1: ${p.label} view in Chromium (viewport 1366 × ${p.viewportHeight}, ${p.reps.length} cold load${p.reps.length > 1 ? "s" : ""} on a warm server) ──`);
  const rows: string[][] = [["load", "all painted", "last settled", "direct parallel", "ratio", "API calls", "backend req", "queries", "samples", "panel states"]];
  p.reps.forEach((r, i) => {
    const states = Object.values(r.load.states).reduce<Record<string, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
    rows.push([
      `#${i + 1}`,
      fmtMs(r.load.paintedMs),
      fmtMs(r.load.settledMs),
      fmtMs(r.baselineMs),
      fmtRatio(r.load.paintedMs / r.baselineMs),
      `${r.load.calls.length}`,
      `${r.work.requests}`,
      `${r.work.queries}`,
      fmtCount(r.work.samples),
      Object.entries(states).map(([k, v]) => `${v} ${k}`).join(", "),
    ]);
  });
  printTable(rows);
  console.log(`[P1 ${p.label}] all panels painted / same backend requests fired in parallel = ${fmtRatio(p.ratio)} (medians: ${fmtMs(p.paintedMs)} vs ${fmtMs(p.baselineMs)})`);
  const first = p.reps[0];
  const apiCalls = first.load.calls;
  const firstApi = Math.min(...apiCalls.map((c) => c.startedMs));
  const firstPanel = Math.min(...apiCalls.filter((c) => c.url.startsWith("/api/panels/")).map((c) => c.startedMs));
  const lastAnswer = Math.max(...apiCalls.map((c) => c.endedMs));
  console.log(
    `[P1 ${p.label}] load #1, ms after navigation start: first API call ${fmtMs(firstApi)}, first panel call ${fmtMs(firstPanel)}, ` +
      `last API answer ${fmtMs(lastAnswer)}, all painted ${fmtMs(first.load.paintedMs)}; ` +
      `the backend requests span ${fmtMs(first.backendSpan.last)} from the first sent to the last answered`,
  );
  const wire = apiCalls.reduce((n, c) => n + c.wireBytes, 0);
  const body = apiCalls.reduce((n, c) => n + c.bodyBytes, 0);
  console.log(`[P1 ${p.label}] API payload on the wire ${fmtBytes(wire)} (${fmtBytes(body)} decoded) in ${apiCalls.length} calls`);
  const widths = [...new Set(apiCalls.map((c) => new URL(c.url, "http://x").searchParams.get("width")).filter((w): w is string => !!w))].sort();
  if (widths.length) console.log(`[P1 ${p.label}] panel widths asked for: ${widths.join(", ")} px`);
  if (demo) {
    console.log(
      `[P1 ${p.label}] cross-check: the browser load made the backend process ${fmtCount(first.work.samples)} samples in ${first.work.queries} queries; ` +
        `the in-process load ${fmtCount(demo.cold.work.samples)} in ${demo.cold.work.queries}`,
    );
  }
  for (const [i, r] of p.reps.entries()) {
    const bad = Object.entries(r.load.states).filter(([, s]) => s === "error");
    if (bad.length) console.log(`[P1 ${p.label}] WARNING load #${i + 1}: panels in error: ${bad.map(([id]) => id).join(", ")}`);
    const failed = r.load.calls.filter((c) => c.status >= 400);
    if (failed.length) console.log(`[P1 ${p.label}] WARNING load #${i + 1}: API calls failed: ${failed.map((c) => `${c.status} ${c.url.split("?")[0]}`).join(", ")}`);
    if (r.repeatedPanels.length) console.log(`[P1 ${p.label}] WARNING load #${i + 1}: panels requested more than once: ${r.repeatedPanels.map(([id, n]) => `${id} ×${n}`).join(", ")}`);
    if (r.duplicates.length) console.log(`[P1 ${p.label}] WARNING load #${i + 1}: ${r.duplicates.length} identical backend request(s) sent more than once: ${r.duplicates.slice(0, 3).map(([q, n]) => `${n}× ${describeRequest(q)}`).join("; ")}`);
    if (r.late.length) console.log(`[P1 ${p.label}] note load #${i + 1}: ${r.late.length} API call(s) after every panel had painted: ${r.late.slice(0, 4).map((c) => c.url.split("?")[0]).join(", ")}`);
    if (r.baselineFailed) console.log(`[P1 ${p.label}] WARNING load #${i + 1}: ${r.baselineFailed} of the direct requests failed`);
  }
}

function printFleetOverview(f: FleetOverviewResult, what = "clusters on the demo data"): void {
  console.log("");
  console.log(`fleet overview, ${f.clusters} ${what} (1 h view), cold then again within the cache's life:`);
  printTable([
    ["load", "backend samples", "queries", "requests", "reported by the answer", "wall"],
    ["cold", fmtCount(f.cold.samples), String(f.cold.queries), String(f.cold.requests), fmtCount(f.reported), fmtMs(f.wallMs)],
    ["again", fmtCount(f.warm.samples), String(f.warm.queries), String(f.warm.requests), "", ""],
  ]);
  if (f.failed.length) console.log(`  rows that failed: ${f.failed.join("; ")}`);
}

function printP3(p: P3Result, paths: Outcome["p3Paths"]): void {
  console.log("");
  console.log(`── P3: ${p.many.viewers} simultaneous viewers over ${p.rss.length} instances sharing Redis (1 h view, ${paths === "browser" ? "the API calls Chromium made" : "constructed API calls"}) ──`);
  const runs: [string, (typeof p)["one"]][] = [
    ["1 viewer", p.one],
    [`${p.many.viewers} viewers (viewer i → instance i mod ${p.rss.length})`, p.many],
    ...(p.roundRobin ? ([[`${p.roundRobin.viewers} viewers (every request → next instance)`, p.roundRobin]] as [string, typeof p.one][]) : []),
  ];
  printTable([
    ["", "backend requests", "queries", "samples", "duplicate requests", "HTTP errors", "wall time"],
    ...runs.map(([label, r]) => [label, `${r.work.requests}`, `${r.work.queries}`, fmtCount(r.work.samples), `${r.duplicates.length}`, `${r.httpErrors.length}`, fmtMs(r.wallMs)]),
  ]);
  console.log(`[P3] backend queries, ${p.many.viewers} viewers / 1 viewer = ${fmtRatio(p.ratio)} (${p.many.work.queries} vs ${p.one.work.queries}); samples ${ratio(p.many.work.samples, p.one.work.samples)}`);
  if (p.roundRobin) console.log(`[P3] without sticky sessions: ${ratio(p.roundRobin.work.queries, p.one.work.queries)} (${p.roundRobin.work.queries} queries)`);
  for (const [label, r] of runs) {
    if (r.duplicates.length) console.log(`[P3] ${label}: sent more than once: ${r.duplicates.slice(0, 3).map(([q, n]) => `${n}× ${describeRequest(q)}`).join("; ")}${r.duplicates.length > 3 ? "; …" : ""}`);
    if (r.httpErrors.length) console.log(`[P3] WARNING ${label}: ${r.httpErrors.length} HTTP errors, e.g. ${r.httpErrors[0]}`);
  }
  console.log(
    `[P3] server RSS (VmRSS of each next-server): idle ${p.rss.map((x) => fmtBytes(x.idle)).join(", ")}; after ${p.many.viewers} viewers ${p.rss.map((x) => fmtBytes(x.after)).join(", ")}`,
  );
  for (const line of p.cacheLog) console.log(`[P3] ${line}`);
}

function printRecorded(r: RecordedResult): void {
  console.log("");
  console.log(`── recorded series: a cold 10.5 h load (5-minute steps) of the demo with apiscope's recording rules' series, and with them ignored ──`);
  printTable([
    ["load", "backend samples", "backend bytes", "queries", "queries read from recorded series"],
    ...([
      ["whole dashboard, recorded series", r.recorded],
      ["whole dashboard, raw only", r.raw],
      [`the ${r.servedPanels.length} panels served, recorded`, r.recordedAlone],
      [`the ${r.servedPanels.length} panels served, raw`, r.rawAlone],
    ] as const).map(([label, l]) => [label, fmtCount(l.work.samples), fmtBytes(l.work.bytes), String(l.work.queries), String(l.recordedQueries)]),
  ]);
  console.log(
    `[recorded] served: ${r.servedPanels.join(", ")}. The rankings (slowest calls, etcd operations) group by labels the rules drop ` +
      `(resource, group, type) and read the raw histograms either way; views with steps under 5 minutes (≤ 10 h) read raw.`,
  );
  const failed = [...r.recorded.failed, ...r.raw.failed, ...r.recordedAlone.failed, ...r.rawAlone.failed];
  if (failed.length) console.log(`[recorded] panels failed: ${failed.slice(0, 5).join("; ")}`);
}

function print(out: Outcome, setupMs: number, totalMs: number): void {
  const refPanels = REFERENCE_PANELS.length;
  console.log("");
  console.log(`apiscope bench: reference = Grafana "API Server Troubleshooter" v1.6.1 (${refPanels} queries), apiscope = ${PANELS.length} panels;`);
  console.log(
    `  in-process loads via panelData(), ${BROWSER_CONCURRENCY} panels in flight, views end ${UNALIGNED_OFFSET_SECONDS} s off the data's 30 s grid, ` +
      `wall times = ${INPROCESS_REPS > 1 ? `median of ${INPROCESS_REPS}` : "one load"} after a warm-up; ratios are apiscope / reference unless said otherwise.`,
  );
  for (const r of out.inProcess) printInProcess(r);
  if (out.heatmapLine) {
    console.log("");
    console.log(out.heatmapLine);
  }
  for (const p of out.p1) printP1(p, out.inProcess.find((r) => r.dataset === "demo" && r.label === p.label));
  if (out.p1Error) console.log(`\nP1 failed: ${out.p1Error}`);
  if (out.fleet) printFleetOverview(out.fleet);
  if (out.fleetError) console.log(`\nfleet overview failed: ${out.fleetError}`);
  if (out.recorded) printRecorded(out.recorded);
  if (out.recordedError) console.log(`\nrecorded-series load failed: ${out.recordedError}`);
  if (out.sharedFleet) printFleetOverview(out.sharedFleet, "label values of one shared workspace, the same data each, discovered and read grouped");
  if (out.sharedFleetError) console.log(`\nshared-workspace fleet overview failed: ${out.sharedFleetError}`);
  if (out.p3) printP3(out.p3, out.p3Paths);
  if (out.p3Error) console.log(`\nP3 failed: ${out.p3Error}`);

  // Summary.
  const find = (dataset: string, label: string) => out.inProcess.find((r) => r.dataset === dataset && r.label === label);
  const rows: string[][] = [["figure", "value", "goal", "met?"]];
  const row = (figure: string, value: number | null, goal: number | null, detail = "", failed = "not measured") => {
    if (value === null) return rows.push([figure, failed, goal === null ? "—" : `≤ ${goal}`, "—"]);
    const v = Number.isNaN(value) ? "∞" : value.toFixed(value < 0.01 && value > 0 ? 4 : 2);
    rows.push([figure, `${v}${detail ? ` (${detail})` : ""}`, goal === null ? "—" : `≤ ${goal}`, goal === null ? "—" : !Number.isNaN(value) && value <= goal ? "yes" : "no"]);
  };
  for (const [dataset, name] of [["demo", "demo"], ["real", "real v1.30 ×2"]] as const)
    for (const label of ["1 h", "6 h"]) {
      const r = find(dataset, label);
      row(`P6 samples/load ÷ reference, ${name} ${label}`, r ? ratioOf(r.cold.work.samples, r.reference.work.samples) : null, GOALS.p6, r ? `${fmtCount(r.cold.work.samples)} / ${fmtCount(r.reference.work.samples)}` : "");
    }
  for (const [dataset, name] of [["demo", "demo"], ["real", "real"]] as const)
    for (const label of ["1 h", "6 h"]) {
      const r = find(dataset, label);
      row(`P6r reload ${RELOAD_AFTER_SECONDS} s later ÷ full load, ${name} ${label}`, r ? ratioOf(r.moved.work.samples, r.cold.work.samples) : null, GOALS.p6r, r ? `${fmtCount(r.moved.work.samples)} / ${fmtCount(r.cold.work.samples)}` : "");
    }
  for (const [dataset, name] of [["demo", "demo"], ["real", "real"]] as const)
    for (const label of ["1 h", "6 h"]) {
      const r = find(dataset, label);
      const f = r?.findings;
      row(`findings' extra samples ÷ dashboard load, ${name} ${label}`, r && f ? ratioOf(f.samples, r.cold.work.samples) : null, GOALS.findings, r && f ? `${fmtCount(f.samples)} / ${fmtCount(r.cold.work.samples)}` : "");
    }
  for (const label of ["1 h", "6 h"]) {
    const p = out.p1.find((x) => x.label === label);
    row(`P1 all panels painted ÷ direct parallel, ${label}`, p ? p.ratio : null, GOALS.p1, p ? `${fmtMs(p.paintedMs)} / ${fmtMs(p.baselineMs)}` : "", out.p1Error ? "failed" : "not measured");
  }
  const fleet = out.fleet;
  const dash1h = find("demo", "1 h");
  row(
    `fleet load, ${FLEET_CLUSTERS} clusters: samples per cluster ÷ one dashboard load, demo 1 h`,
    fleet && dash1h ? ratioOf(fleet.cold.samples / fleet.clusters, dash1h.cold.work.samples) : null,
    null,
    fleet ? `${fmtCount(fleet.cold.samples)} samples, ${fleet.cold.queries} queries in all; again within the cache's life: ${fmtCount(fleet.warm.samples)}, ${fleet.warm.queries}` : "",
    out.fleetError ? "failed" : "not measured",
  );
  const rec = out.recorded;
  row(
    "samples per 10.5 h load, recorded series ÷ raw, demo",
    rec ? ratioOf(rec.recorded.work.samples, rec.raw.work.samples) : null,
    null,
    rec ? `${fmtCount(rec.recorded.work.samples)} / ${fmtCount(rec.raw.work.samples)}; the ${rec.servedPanels.length} panels they serve alone: ${ratio(rec.recordedAlone.work.samples, rec.rawAlone.work.samples)}` : "",
    out.recordedError ? "failed" : "not measured",
  );
  const sharedFleet = out.sharedFleet;
  row(
    `fleet load, ${FLEET_CLUSTERS} clusters of one shared workspace: backend requests ÷ ${FLEET_CLUSTERS} separate clusters`,
    sharedFleet && fleet ? ratioOf(sharedFleet.cold.requests, fleet.cold.requests) : null,
    null,
    sharedFleet && fleet ? `${sharedFleet.cold.requests} / ${fleet.cold.requests} requests; samples ${fmtCount(sharedFleet.cold.samples)} / ${fmtCount(fleet.cold.samples)}` : "",
    out.sharedFleetError ? "failed" : "not measured",
  );
  const p3 = out.p3;
  row(`P3 queries, ${VIEWERS} viewers/${INSTANCES} instances ÷ 1 viewer`, p3 ? p3.ratio : null, GOALS.p3, p3 ? `${p3.many.work.queries} / ${p3.one.work.queries}` : "", out.p3Error ? "failed" : "not measured");
  for (const label of ["1 h", "6 h"]) {
    const r = find("demo", label);
    row(`payload gzip ÷ reference, demo ${label}`, r ? ratioOf(r.cold.payloadGzipBytes, r.reference.payloadGzipBytes) : null, null, r ? `${fmtBytes(r.cold.payloadGzipBytes)} / ${fmtBytes(r.reference.payloadGzipBytes)}` : "");
  }
  for (const p of out.p1) {
    const r = find("demo", p.label);
    const wire = p.reps[0].load.calls.reduce((n, c) => n + c.wireBytes, 0);
    if (r) row(`payload on the wire (P1 browser, all API calls) ÷ reference gzip, ${p.label}`, ratioOf(wire, r.reference.payloadGzipBytes), null, `${fmtBytes(wire)} / ${fmtBytes(r.reference.payloadGzipBytes)}`);
  }
  if (p3) {
    const max = Math.max(...p3.rss.map((x) => x.after));
    const idle = Math.max(...p3.rss.map((x) => x.idle));
    rows.push([`server RSS after ${VIEWERS} viewers (max of ${p3.rss.length})`, `${fmtBytes(max)} (${fmtRatio(max / idle)} of idle ${fmtBytes(idle)})`, "—", "—"]);
  } else rows.push([`server RSS after ${VIEWERS} viewers`, out.p3Error ? "failed" : "not measured", "—", "—"]);

  console.log("");
  console.log("── summary ──");
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join(" | ").trimEnd();
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    `(real = the v1.30.0 scrape replayed as ${REAL_INSTANCES.length} servers, ending ${new Date(REAL_END * 1000).toISOString()}: its reloads have no always-fresh tail, ` +
      `unlike the demo's, whose data ends minutes before now. P1 and P3 run on the demo data.)`,
  );
  if (out.appLog.size) {
    console.log("");
    console.log("app servers logged:");
    for (const [line, n] of [...out.appLog].slice(0, 8)) console.log(`  ${n > 1 ? `${n}× ` : ""}${line}`);
  }
  if (out.build.used) console.log(`\nbench: the servers ran the production build ${out.build.used}.`);
  if (out.build.replaced) {
    console.log(`bench: WARNING: the build was replaced while they ran (now ${out.build.replaced}): someone else ran \`next build\`; P1/P3 may have failed or mixed two builds.`);
  }
  if (out.setupFailures.length) {
    console.log("");
    for (const f of out.setupFailures) console.log(`bench: SETUP FAILED: ${f}`);
  }
  console.log("");
  console.log(`bench: done in ${(totalMs / 1000).toFixed(1)} s (setup ${(setupMs / 1000).toFixed(1)} s; ${out.phases.map(([n, ms]) => `${n} ${(ms / 1000).toFixed(0)} s`).join(", ")}).`);
}
