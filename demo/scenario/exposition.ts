// Text formats: Prometheus exposition 0.0.4 (what the live exporter serves), OpenMetrics sample lines for
// `promtool tsdb create-blocks-from openmetrics` (the backfill), and a parser for the 0.0.4 format (used to
// replay a real scrape and by tests). Pure TypeScript; callers do the I/O.

import { formatGoFloat, type SeriesInfo } from "./catalogue";
import type { Scenario } from "./index";

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatLabels(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** Series indices grouped by family, families in first-appearance order (histogram parts stay together). */
function seriesByFamily(series: readonly SeriesInfo[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const s of series) {
    let g = groups.get(s.family);
    if (!g) groups.set(s.family, (g = []));
    g.push(s.index);
  }
  return groups;
}

const familyGroupsCache = new WeakMap<readonly SeriesInfo[], Map<string, number[]>>();

/**
 * One API server's /metrics at time t in the Prometheus text format 0.0.4, with # HELP / # TYPE, as
 * client_golang renders it (Go float formatting, `le` last); with `job`, the series of that job instead (the
 * scheduler's and controller manager's, which the live exporter serves on their own paths).
 */
export function renderTextFormat(scenario: Scenario, instance: string, t: number, job = scenario.job): string {
  let groups = familyGroupsCache.get(scenario.series);
  if (!groups) familyGroupsCache.set(scenario.series, (groups = seriesByFamily(scenario.series)));
  const values = scenario.valuesAt(instance, t);
  const out: string[] = [];
  for (const [family, indices] of groups) {
    const present = indices.filter((i) => !Number.isNaN(values[i]) && (scenario.series[i].job ?? scenario.job) === job);
    if (present.length === 0) continue;
    const meta = scenario.families.get(family)!;
    out.push(`# HELP ${family} ${escapeHelp(meta.help)}`, `# TYPE ${family} ${meta.type}`);
    for (const i of present) {
      const s = scenario.series[i];
      out.push(`${s.name}${formatLabels(s.labels)} ${formatGoFloat(values[i])}`);
    }
  }
  return out.join("\n") + "\n";
}

export interface OpenMetricsStats {
  /** Distinct series written (over all instances). */
  series: number;
  samples: number;
  bytes: number;
}

/** OpenMetrics escapes `\\`, newline and `"` in HELP. */
function escapeOpenMetricsHelp(v: string): string {
  return escapeHelp(v).replace(/"/g, '\\"');
}

/**
 * `# HELP` / `# TYPE` for every family, OpenMetrics style (a counter family is named without `_total`).
 * promtool 2.42 accepts this block at the top of a time-major file (checked: every sample is imported);
 * the TSDB does not keep metadata, so it only documents the file.
 */
export function openMetricsMetadata(scenario: Scenario): string {
  const out: string[] = [];
  for (const [family, meta] of scenario.families) {
    const name = meta.type === "counter" ? family.replace(/_total$/, "") : family;
    out.push(`# HELP ${name} ${escapeOpenMetricsHelp(meta.help)}`, `# TYPE ${name} ${meta.type}`);
  }
  return out.join("\n") + "\n";
}

/**
 * Writes the scenario as OpenMetrics sample lines, `name{labels,instance,job} value unix_seconds`, time-major
 * (each series' samples in increasing time). Labels with an empty value are left out: Prometheus treats
 * `group=""` as no label at all, so the TSDB is identical and promtool has less to parse. One writer can emit
 * several consecutive time windows (one file per TSDB block) while counting distinct series across all.
 */
export class OpenMetricsWriter {
  readonly stats: OpenMetricsStats = { series: 0, samples: 0, bytes: 0 };
  private readonly prefixes: string[][];
  private readonly seen: Uint8Array[];

  /**
   * `targetLabels`: labels the scrape adds to every series (e.g. `cluster` when several clusters share one
   * workspace); a series' own label of that name is kept as `exported_<name>`, as Prometheus does.
   */
  constructor(
    private readonly scenario: Scenario,
    private readonly chunkBytes = 1 << 20,
    targetLabels: Record<string, string> = {},
  ) {
    this.prefixes = scenario.instances.map((instance) =>
      scenario.series.map((s) => {
        const own = Object.fromEntries(Object.entries(s.labels).map(([k, v]) => (k in targetLabels ? [`exported_${k}`, v] : [k, v])));
        const labels = Object.fromEntries(Object.entries({ ...own, ...targetLabels, instance, job: s.job ?? scenario.job }).filter(([, v]) => v !== ""));
        return `${s.name}${formatLabels(labels)} `;
      }),
    );
    this.seen = scenario.instances.map(() => new Uint8Array(scenario.series.length));
  }

  metadata(): string {
    const text = openMetricsMetadata(this.scenario);
    this.stats.bytes += text.length;
    return text;
  }

  eof(): string {
    this.stats.bytes += 6;
    return "# EOF\n";
  }

  /** Sample lines for every grid time t with from ≤ t ≤ to, in chunks of about `chunkBytes`. */
  *samples(from: number, to: number): Generator<string> {
    const { scenario, stats } = this;
    const step = scenario.options.stepSeconds;
    const first = scenario.timeline.start + Math.ceil((from - scenario.timeline.start) / step) * step;
    let parts: string[] = [];
    let size = 0;
    for (let t = first; t <= to; t += step) {
      const suffix = ` ${t}\n`;
      for (let i = 0; i < scenario.instances.length; i++) {
        const values = scenario.valuesAt(scenario.instances[i], t);
        const prefix = this.prefixes[i];
        const mark = this.seen[i];
        for (let j = 0; j < values.length; j++) {
          const v = values[j];
          if (v !== v) continue; // NaN: not exposed at t
          const line = prefix[j] + v + suffix;
          parts.push(line);
          size += line.length;
          stats.samples++;
          if (!mark[j]) {
            mark[j] = 1;
            stats.series++;
          }
        }
        if (size >= this.chunkBytes) {
          stats.bytes += size;
          yield parts.join("");
          parts = [];
          size = 0;
        }
      }
    }
    stats.bytes += size;
    if (parts.length) yield parts.join("");
  }
}

/**
 * The whole scenario history as one OpenMetrics document: metadata, every step from `from` to `to` inclusive
 * (default: start … end), `# EOF`. Yields chunks so callers can stream hundreds of MB.
 */
export function* openMetricsChunks(
  scenario: Scenario,
  opts: { from?: number; to?: number; chunkBytes?: number; stats?: OpenMetricsStats } = {},
): Generator<string> {
  const writer = new OpenMetricsWriter(scenario, opts.chunkBytes);
  yield writer.metadata();
  yield* writer.samples(opts.from ?? scenario.timeline.start, opts.to ?? scenario.timeline.end);
  yield writer.eof();
  if (opts.stats) Object.assign(opts.stats, writer.stats);
}

// ------------------------------------------------------------------------------------------------------------
// Parsing the text format 0.0.4

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface ParsedExposition {
  /** `# TYPE` per family name. */
  types: Map<string, string>;
  help: Map<string, string>;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseValue(s: string): number {
  if (s === "+Inf" || s === "Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (s === "NaN") return NaN;
  const v = Number(s);
  if (Number.isNaN(v)) throw new Error(`bad sample value ${JSON.stringify(s)}`);
  return v;
}

export function parseTextFormat(text: string): ParsedExposition {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: ParsedSample[] = [];
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
      if (m) (m[1] === "TYPE" ? types : help).set(m[2], m[3]);
      continue;
    }
    const nameMatch = NAME.exec(line);
    if (!nameMatch) throw new Error(`line ${n + 1}: no metric name: ${line}`);
    const name = nameMatch[0];
    let pos = name.length;
    const labels: Record<string, string> = {};
    if (line[pos] === "{") {
      pos++;
      for (;;) {
        while (line[pos] === " " || line[pos] === ",") pos++;
        if (line[pos] === "}") {
          pos++;
          break;
        }
        const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
        if (!key) throw new Error(`line ${n + 1}: bad label name at ${pos}: ${line}`);
        pos += key[0].length;
        while (line[pos] === " ") pos++;
        if (line[pos] !== "=" || line[pos + 1] !== '"') throw new Error(`line ${n + 1}: expected =" at ${pos}: ${line}`);
        pos += 2;
        let value = "";
        while (pos < line.length && line[pos] !== '"') {
          if (line[pos] === "\\") {
            const e = line[pos + 1];
            value += e === "n" ? "\n" : e;
            pos += 2;
          } else {
            value += line[pos++];
          }
        }
        if (line[pos] !== '"') throw new Error(`line ${n + 1}: unterminated label value: ${line}`);
        pos++;
        labels[key[0]] = value;
      }
    }
    const rest = line.slice(pos).trim().split(/\s+/);
    const sample: ParsedSample = { name, labels, value: parseValue(rest[0]) };
    if (rest[1] !== undefined) sample.timestamp = Number(rest[1]);
    samples.push(sample);
  }
  return { types, help, samples };
}

/** The family a sample belongs to, given the declared types (`foo_bucket` → `foo` when `foo` is a histogram). */
export function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  if (types.has(name)) return name;
  for (const suffix of ["_bucket", "_sum", "_count", "_total", "_created"]) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.has(base)) return base;
    }
  }
  return name;
}
