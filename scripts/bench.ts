// `npm run bench`: what loading the dashboard costs, as RATIOS against a baseline measured in the same run.
//
// Baseline: the reference Grafana dashboard apiscope replaces ("API Server Troubleshooter" v1.6.1, its 22
// verbatim queries in scripts/bench-reference-queries.ts), sent the way Grafana 8.5 would send them.
// apiscope: its 30-panel catalogue through the real server code path (`panelData()` of lib/server/dashboard).
// Both run against one real Prometheus over the backfilled incident scenario (test-support/fixtures.ts).
//
// Every figure is relative: absolute times depend on the machine (and whatever else runs on it), ratios much
// less so. Nothing here asserts a time; the script exits 0 unless the setup (fixture, Prometheus) fails.
//
// What is measured, for a 6 h and a 1 h view ending at the scenario's end:
// - samples processed (Prometheus `stats=all` → totalQueryableSamples, what AMP bills), as observed by a small
//   counting HTTP proxy in front of Prometheus that both sides go through;
// - panels that show data (the reference's recording-rule and removed-metric panels return nothing);
// - wall time of a dashboard load, 6 panels at a time like a browser's HTTP/1.1 connection limit;
// - a reload of the same view a moment later: Grafana re-runs everything, apiscope has a result cache;
// - bytes sent to the browser: JSON of PanelData vs the raw Prometheus responses Grafana receives;
// - the heatmap matrix (lib/heatmap.ts) on the real API-latency heatmap result against a naive build.
//
// Options (environment): BENCH_REPS=3 timed repetitions per phase (the median wall time is shown),
// BENCH_VERBOSE=1 adds a per-panel breakdown.
import { spawn } from "node:child_process";
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { PanelData } from "../lib/api-schema";
import type { Series as RangeSeries } from "../lib/api-schema";
import { PANELS } from "../lib/panels/catalog";
import {
  grafanaTiming,
  interpolateReference,
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
/** apiscope panel widths in pixels (the step is sized to them): wide panels span the row. */
const WIDE_PX = 1300;
const NARROW_PX = 640;
/** Grafana's "now" is never on a step boundary; neither is the view here (the scenario ends on the 30 s grid). */
const UNALIGNED_OFFSET_SECONDS = 7;
const RANGES = [
  { label: "6 h", seconds: 6 * 3600 },
  { label: "1 h", seconds: 3600 },
];
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3) || 3);
const VERBOSE = process.env.BENCH_VERBOSE === "1";

// ------------------------------------------------------------------------------------------------------------
// A counting proxy in front of Prometheus: every backend request of either side goes through it, so "what
// did the backend do" is observed, not inferred (apiscope's cache hits never reach it).

interface LedgerEntry {
  path: string;
  status: number;
  /** Uncompressed response body bytes. */
  bytes: number;
  /** totalQueryableSamples for query/query_range responses; 0 for metadata calls (series, labels). */
  samples: number;
}

interface CountingProxy {
  url: string;
  ledger: LedgerEntry[];
  close(): Promise<void>;
}

async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const ledger: LedgerEntry[] = [];
  const server: Server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      // Ask for an uncompressed answer so the body can be read for its stats (and sized as raw JSON).
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      delete headers["accept-encoding"];
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (up) => {
          const chunks: Buffer[] = [];
          up.on("data", (c: Buffer) => chunks.push(c));
          up.on("end", () => {
            const payload = Buffer.concat(chunks);
            const path = new URL(req.url ?? "/", "http://proxy").pathname;
            ledger.push({ path, status: up.statusCode ?? 0, bytes: payload.length, samples: samplesOf(path, payload) });
            const h = { ...up.headers, "content-length": String(payload.length) };
            delete h["transfer-encoding"];
            res.writeHead(up.statusCode ?? 502, h);
            res.end(payload);
          });
        },
      );
      out.on("error", (err) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`bench proxy: ${err.message}`);
      });
      out.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ledger,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function samplesOf(path: string, payload: Buffer): number {
  if (!/\/api\/v1\/query(_range)?$/.test(path)) return 0;
  try {
    const body = JSON.parse(payload.toString("utf8")) as { data?: { stats?: { samples?: { totalQueryableSamples?: number } } } };
    return body.data?.stats?.samples?.totalQueryableSamples ?? 0;
  } catch {
    return 0;
  }
}

/** What the backend did between two ledger positions. */
function backendWork(ledger: LedgerEntry[], from: number, to = ledger.length) {
  const entries = ledger.slice(from, to);
  return {
    requests: entries.length,
    queries: entries.filter((e) => /\/query(_range)?$/.test(e.path)).length,
    samples: entries.reduce((n, e) => n + e.samples, 0),
    bytes: entries.reduce((n, e) => n + e.bytes, 0),
  };
}

// ------------------------------------------------------------------------------------------------------------
// Helpers

/** Runs `fn` over `items` with at most `limit` in flight, keeping the results in order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const fmtCount = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : `${Math.round(n)}`;
const fmtBytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);
const fmtMs = (ms: number) => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? "1.00x" : "∞") : `${(a / b).toFixed(a / b < 0.01 && a > 0 ? 4 : 2)}x`);

// ------------------------------------------------------------------------------------------------------------
// Baseline: the reference dashboard, as Grafana would query it.

interface ReferenceRun {
  wallMs: number;
  /** Per panel: did the query return any series, and did it fail. */
  panels: { panel: ReferencePanel; hasData: boolean; error?: string; samples: number; bytes: number }[];
  work: ReturnType<typeof backendWork>;
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
  const { value: panels, ms } = await timed(async () => {
    // The `job` variable resolves first (label_values(metric, job) is a /series call in Grafana 8.5) …
    await post("series", { "match[]": REFERENCE_JOB_VARIABLE_MATCH, start: String(start), end: String(end) });
    // … then the panels, 6 at a time.
    return pool(REFERENCE_PANELS, BROWSER_CONCURRENCY, async (panel) => {
      const timing = grafanaTiming(end - start, panel, SCRAPE_SECONDS);
      const query = interpolateReference(panel.expr, timing);
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
  work: ReturnType<typeof backendWork>;
  /** Sum of PanelData.samplesProcessed (what the UI is told the panels cost). */
  reportedSamples: number;
  payloadBytes: number;
  payloadGzipBytes: number;
}

async function loadApiscope(panelData: PanelDataFn, proxy: CountingProxy, start: number, end: number): Promise<ApiscopeRun> {
  const mark = proxy.ledger.length;
  const { value: panels, ms } = await timed(() =>
    pool(PANELS, BROWSER_CONCURRENCY, async (panel) => {
      try {
        const data = await panelData(panel.id, { cluster: "default", start, end, width: panel.wide ? WIDE_PX : NARROW_PX });
        const json = JSON.stringify(data); // what the route handler sends (NextResponse.json)
        const hasData = data.status === "ok" && data.queries.some((q) => q.series.length > 0);
        return { id: panel.id, data, hasData, json };
      } catch (err) {
        return { id: panel.id, error: err instanceof Error ? err.message : String(err), hasData: false, json: "" };
      }
    }),
  );
  return {
    wallMs: ms,
    panels: panels.map(({ json, ...rest }) => ({ ...rest, bytes: Buffer.byteLength(json) })),
    work: backendWork(proxy.ledger, mark),
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

interface RangeReport {
  label: string;
  reference: ReferenceRun;
  referenceReload: ReferenceRun;
  referenceWallMs: number;
  cold: ApiscopeRun;
  warm: ApiscopeRun;
  coldWallMs: number;
  warmWallMs: number;
}

async function main(): Promise<number> {
  const started = performance.now();
  // Imported here, not at the top: under plain tsx (before the re-spawn above) `server-only` would throw.
  const { scenarioPrometheus } = await import("../test-support/fixtures");
  const { panelData } = await import("../lib/server/dashboard");
  const { resetDataSourceState } = await import("../lib/server/datasource");
  const { clearCapabilitiesCache } = await import("../lib/server/capabilities");
  const { buildHeatmapMatrix } = await import("../lib/heatmap");

  // Setup: any failure here is a real failure (exit 1).
  console.log("bench: starting Prometheus over the 1.30 incident scenario (backfilled once, cached under .cache/fixtures) …");
  const { prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.30" });
  let proxy: CountingProxy | null = null;
  try {
    proxy = await startCountingProxy(prom.url);
    // The only cluster is the fixture (through the proxy): drop any other APISCOPE_* setting of this shell
    // (a config file, AMP, a cluster label) that would point apiscope elsewhere or conflict.
    for (const name of Object.keys(process.env)) {
      if (name.startsWith("APISCOPE_") && name !== "APISCOPE_FIXTURE_CACHE" && name !== "APISCOPE_BENCH_CHILD") delete process.env[name];
    }
    process.env.APISCOPE_PROMETHEUS_URL = proxy.url;
    const setupMs = performance.now() - started;

    /** Forget every apiscope cache: a server that just started. */
    const coldStart = () => {
      resetDataSourceState();
      clearCapabilitiesCache();
    };

    const results: RangeReport[] = [];
    const end = scenario.timeline.end - UNALIGNED_OFFSET_SECONDS;
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
        for (let rep = 0; rep < Math.max(REPS, 2); rep++) {
          referenceRuns.push(await loadReference(proxy, start, end));
          coldStart();
          coldRuns.push(await loadApiscope(panelData, proxy, start, end));
          // The same view again a moment later (another SRE opening the link, or F5).
          warmRuns.push(await loadApiscope(panelData, proxy, start, end));
        }
        results.push({
          label: range.label,
          reference: referenceRuns[0],
          referenceReload: referenceRuns[1], // Grafana has no result cache: a reload is measured, not assumed
          referenceWallMs: median(referenceRuns.map((r) => r.wallMs)),
          cold: coldRuns[0],
          warm: warmRuns[0],
          coldWallMs: median(coldRuns.map((r) => r.wallMs)),
          warmWallMs: median(warmRuns.map((r) => r.wallMs)),
        });
      } catch (err) {
        console.error(`bench: the ${range.label} measurement failed:`, err);
      }
    }

    // Heatmap, on the 6 h API-latency result apiscope just loaded.
    let heatmapLine: string | null = null;
    const heat = results[0]?.cold.panels.find((p) => p.id === "api-latency-heatmap")?.data?.queries[0]?.series;
    if (heat && heat.length > 0) {
      const matrix = buildHeatmapMatrix(heat);
      const naive = naiveHeatmap(heat);
      const ours = perCallMs(() => buildHeatmapMatrix(heat));
      const quick = perCallMs(() => naiveHeatmap(heat));
      const numericOrder = [...naive.order].sort((a, b) => Number(a.replace("+Inf", "Infinity")) - Number(b.replace("+Inf", "Infinity")));
      const wrongOrder = naive.order.some((le, i) => le !== numericOrder[i]);
      heatmapLine =
        `heatmap build (api-latency-heatmap, 6 h: ${matrix.bounds.length} buckets × ${matrix.times.length} steps): ` +
        `buildHeatmapMatrix / naive = ${ratio(ours, quick)} (${ours.toFixed(3)} ms vs ${quick.toFixed(3)} ms per build); ` +
        `naive string-sorted buckets ${wrongOrder ? `out of order (${naive.order.slice(0, 4).join(", ")}, …)` : "happen to be in order"}`;
    }

    print(results, heatmapLine, scenario.timeline.end, setupMs, performance.now() - started);
    return 0;
  } finally {
    await proxy?.close();
    await prom.stop();
  }
}

// ------------------------------------------------------------------------------------------------------------
// Output

function print(results: RangeReport[], heatmapLine: string | null, dataEnd: number, setupMs: number, totalMs: number): void {
  const refPanels = REFERENCE_PANELS.length;
  const ourPanels = PANELS.length;
  console.log("");
  console.log(
    `apiscope bench: reference = Grafana "API Server Troubleshooter" v1.6.1 (${refPanels} queries), apiscope = ${ourPanels} panels via panelData();`,
  );
  console.log(
    `  Prometheus over the 1.30 incident scenario, view ends ${new Date((dataEnd - UNALIGNED_OFFSET_SECONDS) * 1000).toISOString()} (unaligned), ` +
      `${BROWSER_CONCURRENCY} panels in flight, wall times = median of ${Math.max(REPS, 2)} after a warm-up; ratios are apiscope / reference.`,
  );

  for (const r of results) {
    const refWith = r.reference.panels.filter((p) => p.hasData).length;
    const coldWith = r.cold.panels.filter((p) => p.hasData).length;
    const warmWith = r.warm.panels.filter((p) => p.hasData).length;
    const rows: [string, string, string, string, string][] = [
      ["", "reference", "reference reload", "apiscope cold", "apiscope reload"],
      ["backend requests", `${r.reference.work.requests}`, `${r.referenceReload.work.requests}`, `${r.cold.work.requests}`, `${r.warm.work.requests}`],
      ["  of which queries", `${r.reference.work.queries}`, `${r.referenceReload.work.queries}`, `${r.cold.work.queries}`, `${r.warm.work.queries}`],
      [
        "samples processed",
        fmtCount(r.reference.work.samples),
        fmtCount(r.referenceReload.work.samples),
        fmtCount(r.cold.work.samples),
        fmtCount(r.warm.work.samples),
      ],
      ["panels with data", `${refWith}/${refPanels}`, `${r.referenceReload.panels.filter((p) => p.hasData).length}/${refPanels}`, `${coldWith}/${ourPanels}`, `${warmWith}/${ourPanels}`],
      ["wall time (median)", fmtMs(r.referenceWallMs), "(same as load)", fmtMs(r.coldWallMs), fmtMs(r.warmWallMs)],
      ["payload to browser", fmtBytes(r.reference.payloadBytes), fmtBytes(r.referenceReload.payloadBytes), fmtBytes(r.cold.payloadBytes), fmtBytes(r.warm.payloadBytes)],
      ["  gzipped", fmtBytes(r.reference.payloadGzipBytes), fmtBytes(r.referenceReload.payloadGzipBytes), fmtBytes(r.cold.payloadGzipBytes), fmtBytes(r.warm.payloadGzipBytes)],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    console.log("");
    console.log(`── ${r.label} view ──`);
    for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
    console.log("");
    const s = r.label;
    console.log(
      `[${s}] samples processed per dashboard load: apiscope / reference = ${ratio(r.cold.work.samples, r.reference.work.samples)} ` +
        `(${fmtCount(r.cold.work.samples)} vs ${fmtCount(r.reference.work.samples)})`,
    );
    console.log(
      `[${s}] backend samples on reload: apiscope / reference = ${ratio(r.warm.work.samples, r.referenceReload.work.samples)} ` +
        `(${fmtCount(r.warm.work.samples)} in ${r.warm.work.requests} requests vs ${fmtCount(r.referenceReload.work.samples)} in ${r.referenceReload.work.requests})`,
    );
    console.log(`[${s}] wall time cold load: apiscope / reference = ${ratio(r.coldWallMs, r.referenceWallMs)} (${fmtMs(r.coldWallMs)} vs ${fmtMs(r.referenceWallMs)})`);
    console.log(`[${s}] wall time reload: apiscope / reference = ${ratio(r.warmWallMs, r.referenceWallMs)} (${fmtMs(r.warmWallMs)} vs ${fmtMs(r.referenceWallMs)})`);
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
    if (r.cold.reportedSamples !== r.cold.work.samples) {
      console.log(
        `[${s}] note: PanelData.samplesProcessed sums to ${fmtCount(r.cold.reportedSamples)} on the cold load vs ${fmtCount(r.cold.work.samples)} at the backend ` +
          `(identical queries in several panels are coalesced into one backend call but counted in each panel)`,
      );
    }
    if (r.warm.reportedSamples > 0 && r.warm.work.samples === 0) {
      console.log(
        `[${s}] note: on the reload PanelData still reports ${fmtCount(r.warm.reportedSamples)} samples processed although the backend did no work ` +
          `(runPanel() drops the \`cached\` flag of RangeResult/InstantResult)`,
      );
    }

    if (VERBOSE) {
      console.log(`[${s}] reference per panel (samples, bytes):`);
      for (const p of r.reference.panels) console.log(`    #${String(p.panel.number).padEnd(3)} ${fmtCount(p.samples).padStart(9)} ${fmtBytes(p.bytes).padStart(9)}  ${p.hasData ? "" : "(no data) "}${p.panel.title.trim()}`);
      console.log(`[${s}] apiscope per panel (reported samples, bytes):`);
      for (const p of r.cold.panels) console.log(`    ${fmtCount(p.data?.samplesProcessed ?? 0).padStart(9)} ${fmtBytes(p.bytes).padStart(9)}  ${p.hasData ? "" : "(no data) "}${p.id}`);
    }
  }
  if (heatmapLine) {
    console.log("");
    console.log(heatmapLine);
  }
  console.log("");
  console.log(`bench: done in ${(totalMs / 1000).toFixed(1)} s (setup ${(setupMs / 1000).toFixed(1)} s).`);
}
