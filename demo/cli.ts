// Writes the incident scenario as OpenMetrics, or backfills it into a Prometheus TSDB with promtool.
//
//   npx tsx demo/cli.ts openmetrics --out FILE [options]
//   npx tsx demo/cli.ts backfill --data DIR [options]
//
// Options: --k8s-version 1.24|1.28|1.30|1.35 (1.30)  --incident KIND (list-storm)  --seed N (1)  --scale N (1)
//          --end UNIX (defaultEnd(now))  --history-seconds N (21600)  --show-hidden-metrics-for-version 1.X
// `backfill` prints progress to stderr and, as the last line on stdout, a JSON report (series, samples,
// timings, start/end anchor) that callers parse.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { parseArgs } from "node:util";
import {
  INCIDENT_KINDS,
  K8S_VERSIONS,
  isIncidentKind,
  OpenMetricsWriter,
  createScenario,
  defaultEnd,
  openMetricsChunks,
  type IncidentKind,
  type K8sVersion,
  type OpenMetricsStats,
  type Scenario,
  type ScenarioOptions,
} from "./scenario";

const PROMTOOL = process.env.PROMTOOL_BIN ?? "/usr/bin/promtool";

export interface BackfillReport {
  series: number;
  samples: number;
  bytes: number;
  /** `generate` includes waiting for promtool when it lags; `promtool` is the sum over its runs. */
  seconds: { generate: number; promtool: number; total: number };
  start: number;
  end: number;
  /** The story's "now": exporters continuing the story must use the same value as --end. */
  anchor: number;
  k8sVersion: K8sVersion;
  incident: IncidentKind;
  seed: number;
  scale: number;
  historySeconds: number;
  showHiddenMetricsForVersion?: string;
  instances: readonly string[];
  timeline: Scenario["timeline"];
}

/** Streams text chunks into `file` through a buffered write stream, respecting back-pressure. */
async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const stream = createWriteStream(file, { highWaterMark: 4 << 20 });
  let failure: Error | null = null;
  stream.on("error", (err) => (failure = err));
  for (const chunk of chunks) {
    if (failure) throw failure;
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await finished(stream);
}

/** The whole scenario as one OpenMetrics file. */
export async function writeOpenMetrics(scenario: Scenario, file: string): Promise<OpenMetricsStats> {
  const stats: OpenMetricsStats = { series: 0, samples: 0, bytes: 0 };
  await writeChunks(file, openMetricsChunks(scenario, { stats }));
  return stats;
}

/** TSDB blocks span 2 h aligned to the epoch; promtool cuts its input at these boundaries. */
const BLOCK_SECONDS = 2 * 3600;

/** [from, to] grid ranges, one per 2 h block the history touches. */
export function blockWindows(start: number, end: number, step: number): Array<{ from: number; to: number }> {
  const windows: Array<{ from: number; to: number }> = [];
  for (let from = start; from <= end; ) {
    const boundary = (Math.floor(from / BLOCK_SECONDS) + 1) * BLOCK_SECONDS;
    const to = Math.min(end, boundary - step);
    windows.push({ from, to });
    from = to + step;
  }
  return windows;
}

/** Runs at most `limit` tasks at a time. */
export function limiter(limit: number) {
  let running = 0;
  const queue: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}

/** `promtool tsdb create-blocks-from openmetrics -q FILE DIR`. */
export function runPromtool(file: string, dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ["tsdb", "create-blocks-from", "openmetrics", "-q", file, dataDir], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    child.on("error", (err) => reject(new Error(`cannot run ${PROMTOOL}: ${err.message} (install the Debian package "prometheus" or set PROMTOOL_BIN)`)));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`promtool exited with ${code}:\n${stderr}`))));
  });
}

/**
 * Backfills the scenario into TSDB blocks in `dataDir` with promtool, through temporary OpenMetrics files.
 * promtool 2.42 re-parses its whole input once per 2 h block, so the history is written as one file per block
 * window, and each file is handed to promtool as soon as it is complete (in parallel with generating the next).
 */
export interface BackfillExtras {
  /**
   * Backfill the history only up to then (unix seconds), for a scenario whose `end` lies ahead (the demo's
   * --live-incident: the live exporter tells the rest as it happens). Default: the whole history.
   */
  until?: number;
  /** Labels added to every series, as a scrape's target labels would (e.g. `{ cluster: "a" }`). */
  targetLabels?: Record<string, string>;
}

export async function backfill(opts: ScenarioOptions, dataDir: string, log: (msg: string) => void = () => {}, extras: BackfillExtras = {}): Promise<BackfillReport> {
  const { until, targetLabels = {} } = extras;
  const t0 = performance.now();
  const scenario = createScenario(opts);
  const step = scenario.options.stepSeconds;
  if (until !== undefined && !(Number.isInteger(until) && until >= scenario.timeline.start)) {
    throw new UsageError(`--until must be a unix time in seconds after the history's start ${scenario.timeline.start} (got ${until})`);
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), "apiscope-openmetrics-"));
  try {
    const { start } = scenario.timeline;
    const end = until === undefined ? scenario.timeline.end : Math.min(scenario.timeline.end, Math.floor(until / step) * step);
    const windows = blockWindows(start, end, scenario.options.stepSeconds);
    log(
      `generating ${scenario.instances.length} API servers × ${(end - start) / scenario.options.stepSeconds + 1} steps (Kubernetes ${scenario.options.k8sVersion}, incident ${scenario.options.incident}) in ${windows.length} block windows…`,
    );
    const writer = new OpenMetricsWriter(scenario, undefined, targetLabels);
    const metadata = writer.metadata();
    const promtool = limiter(Math.max(1, availableParallelism()));
    const imports: Promise<void>[] = [];
    let promtoolSeconds = 0;
    for (const [i, w] of windows.entries()) {
      const file = join(tmp, `block-${i}.om`);
      await writeChunks(file, [metadata, ...writer.samples(w.from, w.to), writer.eof()]);
      const job = promtool(async () => {
        const started = performance.now();
        await runPromtool(file, dataDir);
        promtoolSeconds += (performance.now() - started) / 1000;
        rmSync(file, { force: true });
      });
      job.catch(() => {}); // awaited below; avoid an unhandled rejection while the next window is generated
      imports.push(job);
    }
    const t1 = performance.now();
    const stats = writer.stats;
    log(`wrote ${stats.series} series, ${stats.samples} samples, ${(stats.bytes / 1e6).toFixed(0)} MB in ${((t1 - t0) / 1000).toFixed(1)} s; waiting for promtool…`);
    await Promise.all(imports);
    const t2 = performance.now();
    log(`promtool ran ${promtoolSeconds.toFixed(1)} s in total; backfill done in ${((t2 - t0) / 1000).toFixed(1)} s`);
    const o = scenario.options;
    return {
      series: stats.series,
      samples: stats.samples,
      bytes: stats.bytes,
      seconds: { generate: round1((t1 - t0) / 1000), promtool: round1(promtoolSeconds), total: round1((t2 - t0) / 1000) },
      start: scenario.timeline.start,
      end: scenario.timeline.end,
      anchor: scenario.timeline.end,
      k8sVersion: o.k8sVersion,
      incident: o.incident,
      seed: o.seed,
      scale: o.scale,
      historySeconds: o.historySeconds,
      ...(o.showHiddenMetricsForVersion ? { showHiddenMetricsForVersion: o.showHiddenMetricsForVersion } : {}),
      instances: scenario.instances,
      timeline: scenario.timeline,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Scenario options from the command line shared by this CLI and the exporter. */
export function scenarioOptionsFromArgs(values: Record<string, string | boolean | undefined>): ScenarioOptions {
  const num = (name: string, fallback: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer (got ${String(raw)})`);
    return n;
  };
  const version = (values["k8s-version"] as string | undefined) ?? "1.30";
  if (!(K8S_VERSIONS as readonly string[]).includes(version)) throw new UsageError(`--k8s-version must be one of ${K8S_VERSIONS.join(", ")} (got ${version})`);
  const showHidden = values["show-hidden-metrics-for-version"] as string | undefined;
  const incident = parseIncident(values.incident);
  return {
    end: num("end", defaultEnd(Date.now() / 1000)),
    seed: num("seed", 1),
    scale: num("scale", 1),
    historySeconds: num("history-seconds", 21600),
    k8sVersion: version as K8sVersion,
    incident,
    ...(showHidden ? { showHiddenMetricsForVersion: showHidden } : {}),
  };
}

/** `--incident KIND`: one of INCIDENT_KINDS (default list-storm); anything else is a usage error that lists them. */
export function parseIncident(raw: string | boolean | undefined): IncidentKind {
  if (raw === undefined) return "list-storm";
  if (!isIncidentKind(raw)) throw new UsageError(`--incident must be one of ${INCIDENT_KINDS.join(", ")} (got ${String(raw)})`);
  return raw;
}

export const SCENARIO_ARG_OPTIONS = {
  "k8s-version": { type: "string" },
  incident: { type: "string" },
  seed: { type: "string" },
  scale: { type: "string" },
  end: { type: "string" },
  "history-seconds": { type: "string" },
  "show-hidden-metrics-for-version": { type: "string" },
} as const;

export class UsageError extends Error {}

const USAGE = `usage:
  demo/cli.ts openmetrics --out FILE [options]   (npm run scenario -- openmetrics …)
  demo/cli.ts backfill --data DIR [--cluster-label NAME] [--until UNIX] [options]
      (NAME: every series gets cluster="NAME", as a scrape's target label; --until writes the history only up to then, for an --end ahead of the clock)
options: --k8s-version ${K8S_VERSIONS.join("|")} (1.30)  --incident ${INCIDENT_KINDS.join("|")} (list-storm)
         --seed N (1)  --scale N (1)  --end UNIX (default: last 30 s grid point ≥ 30 s ago)
         --history-seconds N (21600)  --show-hidden-metrics-for-version 1.X (only the previous minor)`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help" || rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: { ...SCENARIO_ARG_OPTIONS, out: { type: "string" }, data: { type: "string" }, until: { type: "string" }, "cluster-label": { type: "string" } },
    strict: true,
  });
  if (command !== "openmetrics" && command !== "backfill") throw new UsageError(command ? `unknown command ${command}` : "missing command");
  const opts = scenarioOptionsFromArgs(values);
  const log = (msg: string) => process.stderr.write(`scenario: ${msg}\n`);
  if (command === "openmetrics") {
    if (!values.out) throw new UsageError("openmetrics needs --out FILE");
    const t0 = performance.now();
    const scenario = createScenario(opts);
    const stats = await writeOpenMetrics(scenario, values.out);
    const seconds = round1((performance.now() - t0) / 1000);
    log(`wrote ${values.out}: ${stats.series} series, ${stats.samples} samples, ${(stats.bytes / 1e6).toFixed(0)} MB in ${seconds} s`);
    console.log(
      JSON.stringify({ file: values.out, ...stats, seconds, start: scenario.timeline.start, end: scenario.timeline.end, anchor: scenario.timeline.end, incident: scenario.options.incident }),
    );
    return;
  }
  if (!values.data) throw new UsageError("backfill needs --data DIR");
  const until = values.until === undefined ? undefined : Number(values.until);
  const clusterLabel = values["cluster-label"];
  const report = await backfill(opts, values.data, log, { until, targetLabels: clusterLabel ? { cluster: clusterLabel } : {} });
  console.log(JSON.stringify(report));
}

// Run only as a script (not when imported by tests or the fixtures helper).
if (process.argv[1] && /(^|[\\/])demo[\\/]cli\.[cm]?[tj]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    if (err instanceof UsageError || (err instanceof Error && "code" in err && String((err as { code: unknown }).code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`scenario: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
