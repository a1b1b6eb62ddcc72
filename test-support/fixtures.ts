// Real Prometheus instances over backfilled data, for tests:
// - scenarioPrometheus(): the incident scenario (six hours, three API servers; `incident` picks the cause, default
//   the LIST storm), backfilled once per option set
//   and cached under .cache/fixtures/, then served by a fresh Prometheus over a copy of the blocks.
// - recordedScenarioPrometheus(): the scenario over 11 h with the recommended recording rules' series
//   backfilled by promtool for its last 10.75 h, fixed in the past (RECORDED_SCENARIO).
// - replayTextScrape(): a single /metrics scrape (e.g. the real v1.30.0 one) replayed every 30 s for an hour,
//   counters increasing, with job/instance labels added (as one server, or as several identical ones).
//
// Note: fixture data ends at `end`, up to ~5.5 minutes before the wall clock, and Prometheus only looks back
// 5 minutes for an instant value; query at `scenario.timeline.end` (or earlier), not at "now".
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { availableParallelism, hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { finished } from "node:stream/promises";
import { createScenario, defaultEnd, familyOf, formatLabels, parseTextFormat, type IncidentKind, type K8sVersion, type Scenario, type ScenarioOptions } from "../demo/scenario";
import { backfill, blockWindows, limiter, runPromtool } from "../demo/cli";
import { PROMTOOL_BIN, startPrometheus, type RunningPrometheus } from "./prometheus";

const ROOT = resolve(__dirname, "..");
export const FIXTURE_CACHE = process.env.APISCOPE_FIXTURE_CACHE ?? join(ROOT, ".cache", "fixtures");
/** Cache entries not used for this long are deleted when a new one is built. */
const EVICT_AFTER_MS = 24 * 3600 * 1000;
const LOCK_STALE_MS = 15 * 60 * 1000;

export interface ScenarioFixtureOptions {
  k8sVersion?: K8sVersion;
  /** The cause the scenario tells (demo/scenario/README.md); default "list-storm". Its truths: `scenario.incident`. */
  incident?: IncidentKind;
  seed?: number;
  showHiddenMetricsForVersion?: string;
  /** Default: defaultEnd(now) rounded down to 5 minutes, so test files of one run share a cache entry. */
  end?: number;
  /** Extra Prometheus flags (e.g. `--query.lookback-delta=15m`). */
  extraArgs?: string[];
  /** Rule files for Prometheus to evaluate (e.g. rules/apiscope.rules.yml), and how often (default 30s). */
  ruleFiles?: string[];
  evaluationInterval?: string;
  /** `scrape_configs:` entries (e.g. the live exporter continuing the scenario); none by default. */
  scrapeConfigYaml?: string;
  /** Backfill only up to this unix time (a scenario whose `end` lies ahead; the live exporter tells the rest). */
  until?: number;
  /**
   * History to backfill, seconds (default the scenario's 6 h). Counters do not depend on it, so a shorter
   * history is the same data where they overlap, built in a fraction of the time.
   */
  historySeconds?: number;
  /**
   * Add the recommended recording rules' series (rules/apiscope.rules.yml), as if the rules had been loaded
   * at this unix time (a multiple of 60; at least 5 minutes after the history starts): real promtool
   * `tsdb create-blocks-from rules` evaluates them against a Prometheus over the raw blocks, every 60 s up to
   * the scenario's end, and the blocks it writes are served beside the raw ones (a fresh Prometheus over
   * both: 2.39 and later, Debian's 2.42 included, open time-overlapping blocks without
   * --storage.tsdb.allow-overlapping-blocks).
   */
  recordedFrom?: number;
}

/** The recommended rules, whose recording rules `recordedFrom` backfills. */
const RECOMMENDED_RULES = join(ROOT, "rules", "apiscope.rules.yml");

/**
 * The default fixture `end`: a 5-minute boundary at least 30 s before `nowSeconds`. Without an argument,
 * the run's (APISCOPE_FIXTURE_END, set once by test-support/vitest-global-setup.ts) if there is one, so
 * every file of a run shares one backfill per scenario; a test that needs the wall clock passes it.
 */
export function fixtureEnd(nowSeconds?: number): number {
  const pinned = Number(process.env.APISCOPE_FIXTURE_END);
  if (nowSeconds === undefined && Number.isInteger(pinned) && pinned > 0) return pinned;
  return Math.floor(defaultEnd(nowSeconds ?? Date.now() / 1000) / 300) * 300;
}

/** Starts a real Prometheus over the backfilled incident scenario; stop it with `prom.stop()`. */
export async function scenarioPrometheus(opts: ScenarioFixtureOptions = {}): Promise<{ prom: RunningPrometheus; scenario: Scenario }> {
  const options: ScenarioOptions = {
    end: opts.end ?? fixtureEnd(),
    seed: opts.seed ?? 1,
    k8sVersion: opts.k8sVersion ?? "1.30",
    incident: opts.incident ?? "list-storm",
    ...(opts.showHiddenMetricsForVersion ? { showHiddenMetricsForVersion: opts.showHiddenMetricsForVersion } : {}),
    ...(opts.historySeconds ? { historySeconds: opts.historySeconds } : {}),
  };
  const scenario = createScenario(options); // validates the options before any expensive work
  const key = [
    "scenario",
    `k${options.k8sVersion}`,
    `i${options.incident}`,
    `seed${options.seed}`,
    `hidden${options.showHiddenMetricsForVersion ?? "-"}`,
    `end${options.end}`,
    ...(options.historySeconds ? [`h${options.historySeconds}`] : []),
    ...(opts.until !== undefined ? [`until${opts.until}`] : []),
    generatorHash(),
  ].join("_");
  const raw = await cachedBlocks(key, async (dir) => {
    await backfill(options, dir, undefined, { until: opts.until });
  });
  const from = opts.recordedFrom;
  const blocks =
    from === undefined
      ? raw
      : await cachedBlocks(`${key}_rec${from}_stable_${sha(readFileSync(RECOMMENDED_RULES, "utf8")).slice(0, 12)}`, (dir) => backfillRecordingRules(raw, dir, from, options.end));
  const prom = await startPrometheus({
    blocksDir: blocks,
    extraArgs: opts.extraArgs,
    ruleFiles: opts.ruleFiles,
    evaluationInterval: opts.evaluationInterval,
    scrapeConfigYaml: opts.scrapeConfigYaml,
  });
  return { prom, scenario };
}

/**
 * The recommended rules at a path that is the same in every clone: a rule group evaluates at an offset
 * within its interval that is a hash of its name and its file's path, so from the clone's own path the
 * recorded windows would end up to 60 s earlier or later from one checkout to the next (and the fixture,
 * built once, would hold different numbers in CI than here). Written atomically: test files build at once.
 */
function stableRulesPath(): string {
  const path = join(tmpdir(), "apiscope-fixture-rules", "apiscope.rules.yml");
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(temp, readFileSync(RECOMMENDED_RULES));
  renameSync(temp, path);
  return path;
}

/** `dir`: the raw blocks and, beside them, the recording rules' series from `from` to `end` written by promtool. */
async function backfillRecordingRules(rawBlocks: string, dir: string, from: number, end: number): Promise<void> {
  cpSync(rawBlocks, dir, { recursive: true });
  const rules = stableRulesPath();
  const source = await startPrometheus({ blocksDir: rawBlocks });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      const args = ["tsdb", "create-blocks-from", "rules", "-q", `--url=${source.url}`, `--start=${from}`, `--end=${end}`, "--eval-interval=60s", `--output-dir=${dir}`, rules];
      const child = spawn(PROMTOOL_BIN, args, { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolvePromise() : reject(new Error(`promtool create-blocks-from rules exited with ${code}:\n${stderr}`))));
    });
  } finally {
    await source.stop();
  }
}

/** A fixed end in the past (2026-12-01T00:00Z; the last midnight on a clock before it): a fixture built once, then reused. */
export const PAST_END = 1_796_083_200 < Date.now() / 1000 - 600 ? 1_796_083_200 : Math.floor(Date.now() / 1000 / 86400 - 1) * 86400;

/**
 * The incident scenario over 11 h, with the recommended recording rules' series for its last 10.75 h (as if
 * loaded then): views of 10–10.75 h have 5-minute steps inside the rules' lifetime, an 11 h view reaches
 * back before it. Fixed in the past (deterministic data, built once): the recorded-series test and bench.
 */
export const RECORDED_SCENARIO = { end: PAST_END, historySeconds: 11 * 3600, recordedSeconds: 10.75 * 3600 } as const;

export function recordedScenarioPrometheus(): Promise<{ prom: RunningPrometheus; scenario: Scenario }> {
  const { end, historySeconds, recordedSeconds } = RECORDED_SCENARIO;
  return scenarioPrometheus({ end, historySeconds, recordedFrom: end - recordedSeconds });
}

/** One cluster of a shared workspace: its `cluster` label value and the story its data tells. */
export interface SharedCluster {
  label: string;
  k8sVersion?: K8sVersion;
  incident?: IncidentKind;
}

/**
 * One real Prometheus holding several clusters' scenarios side by side, each series labelled
 * `cluster="<label>"` (a shared AMP workspace, as the stand-in serves it). Same defaults as scenarioPrometheus.
 */
export async function sharedWorkspacePrometheus(
  clusters: SharedCluster[],
  opts: Pick<ScenarioFixtureOptions, "end" | "historySeconds" | "seed"> = {},
): Promise<{ prom: RunningPrometheus; scenarios: Map<string, Scenario> }> {
  const end = opts.end ?? fixtureEnd();
  const optionsOf = (c: SharedCluster): ScenarioOptions => ({
    end,
    seed: opts.seed ?? 1,
    k8sVersion: c.k8sVersion ?? "1.30",
    incident: c.incident ?? "list-storm",
    ...(opts.historySeconds ? { historySeconds: opts.historySeconds } : {}),
  });
  const scenarios = new Map(clusters.map((c) => [c.label, createScenario(optionsOf(c))]));
  const parts = clusters.map((c) => `${c.label}-k${c.k8sVersion ?? "1.30"}-i${c.incident ?? "list-storm"}`);
  const key = [
    "shared",
    // Many clusters (the bench's ten) would exceed a file name's 255 bytes: their hash instead.
    ...(parts.join("_").length > 120 ? [`n${clusters.length}-${sha(parts.join("\0")).slice(0, 16)}`] : parts),
    `seed${opts.seed ?? 1}`,
    `end${end}`,
    ...(opts.historySeconds ? [`h${opts.historySeconds}`] : []),
    generatorHash(),
  ].join("_");
  const blocks = await cachedBlocks(key, async (dir) => {
    for (const c of clusters) await backfill(optionsOf(c), dir, undefined, { targetLabels: { cluster: c.label } });
  });
  const prom = await startPrometheus({ blocksDir: blocks });
  return { prom, scenarios };
}

export interface ReplayOptions {
  job: string;
  instance: string;
  /** Replay the scrape as several servers (each gets every sample with its own `instance`); replaces `instance`. */
  instances?: string[];
  /** Last sample time (unix seconds, multiple of `stepSeconds`). Default defaultEnd(now). */
  end?: number;
  /** Default 3600. */
  durationSeconds?: number;
  /** Default 30. */
  stepSeconds?: number;
  extraArgs?: string[];
}

/**
 * Replays a Prometheus text-format scrape into a fresh TSDB: the same samples every `stepSeconds` for
 * `durationSeconds` ending at `end`, with job/instance labels. Counters (and histogram/summary _bucket, _sum,
 * _count) grow linearly to twice their scraped value over the window, so rate() sees traffic; gauges stay put.
 */
export async function replayTextScrape(file: string, opts: ReplayOptions): Promise<RunningPrometheus> {
  const step = opts.stepSeconds ?? 30;
  const duration = opts.durationSeconds ?? 3600;
  const end = opts.end ?? defaultEnd(Date.now() / 1000);
  if (end % step !== 0) throw new Error(`end (${end}) must be a multiple of the step (${step})`);
  const instances = opts.instances?.length ? opts.instances : [opts.instance];
  const text = readFileSync(file, "utf8");
  // One instance keeps the key it always had (existing cache entries stay valid).
  const key = ["replay", sha(`${text}\0${opts.job}\0${instances.join("\0")}\0${end}\0${duration}\0${step}`).slice(0, 16)].join("_");
  const blocks = await cachedBlocks(key, async (dir) => {
    mkdirSync(dir, { recursive: true });
    await writeReplay(text, dir, { job: opts.job, instances, end, duration, step });
  });
  return startPrometheus({ blocksDir: blocks, extraArgs: opts.extraArgs });
}

/** Writes one OpenMetrics file per 2 h block window (promtool re-reads its input per block) and imports each. */
async function writeReplay(text: string, dir: string, o: { job: string; instances: string[]; end: number; duration: number; step: number }): Promise<void> {
  const parsed = parseTextFormat(text);
  // Each sample once per instance, side by side: a metric family's lines stay together at every timestamp.
  const series = parsed.samples.flatMap((s) => {
    const family = familyOf(s.name, parsed.types);
    const type = parsed.types.get(family) ?? (s.name.endsWith("_total") ? "counter" : "untyped");
    const isCounterPart =
      type === "counter" ||
      ((type === "histogram" || type === "summary") && (s.name.endsWith("_bucket") || s.name.endsWith("_sum") || s.name.endsWith("_count")));
    return o.instances.map((instance) => {
      const labels = Object.fromEntries(Object.entries({ ...s.labels, instance, job: o.job }).filter(([, v]) => v !== ""));
      return { prefix: `${s.name}${formatLabels(labels)} `, value: s.value, growing: isCounterPart && Number.isFinite(s.value), whole: Number.isInteger(s.value) };
    });
  });
  const n = o.duration / o.step;
  const start = o.end - n * o.step;
  const promtool = limiter(Math.max(1, availableParallelism()));
  const imports: Promise<void>[] = [];
  for (const [w, window] of blockWindows(start, o.end, o.step).entries()) {
    const file = join(dir, "..", `replay-${w}.om`);
    const stream = createWriteStream(file, { highWaterMark: 4 << 20 });
    for (let t = window.from; t <= window.to; t += o.step) {
      const j = (t - start) / o.step;
      const lines: string[] = [];
      for (const s of series) {
        // round() keeps bucket counts whole and monotonic in `le` (rounding is monotonic).
        const v = !s.growing ? s.value : s.whole ? s.value + Math.round((s.value * j) / n) : s.value * (1 + j / n);
        lines.push(`${s.prefix}${formatValue(v)} ${t}\n`);
      }
      if (!stream.write(lines.join(""))) await new Promise<void>((r) => stream.once("drain", r));
    }
    stream.end("# EOF\n");
    await finished(stream);
    const job = promtool(() => runPromtool(file, dir).finally(() => rmSync(file, { force: true })));
    job.catch(() => {}); // awaited below
    imports.push(job);
  }
  await Promise.all(imports);
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

// ------------------------------------------------------------------------------------------------------------
// The cache: one directory per key holding `blocks/` and `fixture.json`; built under a lock directory so that
// parallel test workers (threads share a pid, processes do not) build each entry once.

let cachedGeneratorHash: string | null = null;

/** Changes whenever the scenario code or the backfill changes, so stale fixtures are never reused. */
function generatorHash(): string {
  if (cachedGeneratorHash) return cachedGeneratorHash;
  const dir = join(ROOT, "demo", "scenario");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .sort()
    .map((f) => join(dir, f));
  files.push(join(ROOT, "demo", "cli.ts"));
  const h = createHash("sha256");
  for (const f of files) h.update(f.slice(ROOT.length)).update("\0").update(readFileSync(f)).update("\0");
  cachedGeneratorHash = h.digest("hex").slice(0, 12);
  return cachedGeneratorHash;
}

function sha(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lockIsStale(lock: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(join(lock, "owner.json"), "utf8")) as { pid: number; host: string; since: number };
    if (Date.now() - owner.since > LOCK_STALE_MS) return true;
    if (owner.host !== hostname()) return false;
    try {
      process.kill(owner.pid, 0);
      return false;
    } catch {
      return true; // the owner died
    }
  } catch {
    // no owner file yet (just created) unless the lock is old
    try {
      return Date.now() - statSync(lock).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
}

/** Returns `<cache>/<key>/blocks`, building it with `build(dir)` if needed. */
async function cachedBlocks(key: string, build: (dir: string) => Promise<void>): Promise<string> {
  const entry = join(FIXTURE_CACHE, key);
  const blocks = join(entry, "blocks");
  const marker = join(entry, "fixture.json");
  if (existsSync(marker)) {
    touch(marker);
    return blocks;
  }
  mkdirSync(FIXTURE_CACHE, { recursive: true });
  const lock = `${entry}.lock`;
  const deadline = Date.now() + 10 * 60 * 1000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (existsSync(marker)) return blocks;
    if (lockIsStale(lock)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process to build fixture ${key} (lock ${lock})`);
    await sleep(250);
  }
  try {
    writeFileSync(join(lock, "owner.json"), JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() }));
    if (existsSync(marker)) return blocks;
    const tmp = `${entry}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    rmSync(tmp, { recursive: true, force: true });
    try {
      const started = Date.now();
      await build(join(tmp, "blocks"));
      writeFileSync(join(tmp, "fixture.json"), JSON.stringify({ key, builtAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 }));
      rmSync(entry, { recursive: true, force: true });
      renameSync(tmp, entry);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    evictOldEntries(key);
    return blocks;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Marks a cache entry as used (eviction looks at the marker's mtime). */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    /* best effort */
  }
}

/** Deletes cache entries not used for a day (their `end` has long passed), never one that is being built. */
function evictOldEntries(keep: string): void {
  for (const name of readdirSync(FIXTURE_CACHE)) {
    if (name === keep || name.endsWith(".lock") || name.includes(".tmp-")) continue;
    const marker = join(FIXTURE_CACHE, name, "fixture.json");
    try {
      if (Date.now() - statSync(marker).mtimeMs > EVICT_AFTER_MS && !existsSync(join(FIXTURE_CACHE, `${name}.lock`))) {
        rmSync(join(FIXTURE_CACHE, name), { recursive: true, force: true });
      }
    } catch {
      /* not an entry */
    }
  }
}
