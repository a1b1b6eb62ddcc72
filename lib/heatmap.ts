// Turns Prometheus histogram buckets (one range series per `le`, cumulative counts) into a heatmap
// matrix, plus the pure display helpers the heatmap component needs (bound labels, log-scale bands,
// colour levels, the nearest column to a time). No DOM here, so all of it is unit-tested. Time labels
// and ticks live in lib/time-format.ts, colours in components/heatmap-colors.ts.
//
// Why de-cumulate ourselves: `sum by (le) (increase(..._bucket[w]))` returns, for each `le`, how many
// requests took ≤ le. A heatmap cell must show how many fell *in* the bucket, i.e. cum(le_i) −
// cum(le_{i−1}). Grafana does the same when a query's format is "heatmap" (metrics.md §1.3); its
// users' classic bugs are string-sorted `le` and forgetting to subtract (anchors.md §4.1).

import type { Series as RangeSeries } from "./api-schema";

export interface BucketBounds {
  /** Seconds; 0 for the first bucket. */
  lower: number;
  /** Seconds; Infinity for the `+Inf` bucket. */
  upper: number;
}

export interface HeatmapMatrix {
  /** Union of every series' timestamps (unix seconds), ascending. */
  times: number[];
  /** One entry per bucket, ascending by `upper`. */
  bounds: BucketBounds[];
  /** counts[bucket][timeIndex]: requests that fell in the bucket; null where data was missing. */
  counts: (number | null)[][];
  /** Largest cell (0 when every cell is 0 or null). */
  max: number;
  /** Smallest cell above zero (0 when there is none); the low end of the colour legend. */
  minPositive: number;
  /** Sum of every non-null cell. */
  total: number;
}

// ---------------------------------------------------------------------------------------------
// Parsing and de-cumulation

/**
 * Parses an `le` label value as a number. Prometheus 3 normalizes `le="1"` to `le="1.0"` on
 * ingestion, exporters write `1e+00`, Go writes `+Inf`: they must all compare numerically.
 * Returns null for anything that is not a number (the series is then ignored).
 */
export function parseLe(value: string | undefined): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (text === "") return null;
  const parsed = Number(text);
  return Number.isNaN(parsed) ? null : parsed;
}

/**
 * Sums series whose `le` parse to the same number, keyed by time. Two scrapers (or a Prometheus
 * 2→3 upgrade mid-range) can report the same bucket as "1" and "1.0"; each only counts part of the
 * traffic, so the parts add up. A null point contributes nothing; a time where every part is null
 * or absent stays null.
 */
function mergeSeriesByLe(series: RangeSeries[]): Map<number, Map<number, number | null>> {
  const byLe = new Map<number, Map<number, number | null>>();
  for (const s of series) {
    const le = parseLe(s.labels.le);
    if (le === null) continue;
    let valuesByTime = byLe.get(le);
    if (!valuesByTime) {
      valuesByTime = new Map();
      byLe.set(le, valuesByTime);
    }
    for (const [time, value] of s.points) {
      const previous = valuesByTime.get(time) ?? null;
      if (value === null || !Number.isFinite(value)) {
        if (!valuesByTime.has(time)) valuesByTime.set(time, null);
      } else {
        valuesByTime.set(time, (previous ?? 0) + value);
      }
    }
  }
  return byLe;
}

function sortedUnionOfTimes(byLe: Map<number, Map<number, number | null>>): number[] {
  const seen = new Set<number>();
  for (const valuesByTime of byLe.values()) for (const time of valuesByTime.keys()) seen.add(time);
  return [...seen].sort((a, b) => a - b);
}

/**
 * Builds the heatmap matrix from cumulative bucket series (any subset of `le`, in any order).
 * A cell is null when its bucket or the bucket below has no value at that time: the difference is
 * then unknown, and showing 0 would claim "no requests".
 */
export function buildHeatmapMatrix(series: RangeSeries[]): HeatmapMatrix {
  const byLe = mergeSeriesByLe(series);
  const uppers = [...byLe.keys()].sort((a, b) => a - b);
  const times = sortedUnionOfTimes(byLe);
  const bounds = uppers.map((upper, i) => ({ lower: i === 0 ? 0 : uppers[i - 1], upper }));

  let max = 0;
  let minPositive = Infinity;
  let total = 0;
  const counts = uppers.map((upper, bucketIndex) => {
    const cumulative = byLe.get(upper)!;
    const cumulativeBelow = bucketIndex === 0 ? null : byLe.get(uppers[bucketIndex - 1])!;
    return times.map((time) => {
      const atOrBelowUpper = cumulative.get(time) ?? null;
      const atOrBelowLower = cumulativeBelow === null ? 0 : (cumulativeBelow.get(time) ?? null);
      if (atOrBelowUpper === null || atOrBelowLower === null) return null;
      // increase() extrapolates each series separately, so a bucket can come out a hair below the
      // one beneath it; a negative request count is meaningless.
      const count = Math.max(0, atOrBelowUpper - atOrBelowLower);
      if (count > max) max = count;
      if (count > 0 && count < minPositive) minPositive = count;
      total += count;
      return count;
    });
  });

  return { times, bounds, counts, max, minPositive: minPositive === Infinity ? 0 : minPositive, total };
}

// ---------------------------------------------------------------------------------------------
// Labels

/** Trims float noise (0.025 × 1000 = 25.000000000000004) without rounding real decimals away. */
function trimFloat(value: number, significantDigits = 6): string {
  return String(Number(value.toPrecision(significantDigits)));
}

/** A bucket bound in seconds as a short label: "5 ms", "250 ms", "1 s", "1.25 s", "+Inf". */
export function formatBound(seconds: number): string {
  if (seconds === Infinity) return "+Inf";
  if (seconds === 0) return "0";
  const magnitude = Math.abs(seconds);
  if (magnitude < 1e-3) return `${trimFloat(seconds * 1e6)} µs`;
  if (magnitude < 1) return `${trimFloat(seconds * 1e3)} ms`;
  return `${trimFloat(seconds)} s`;
}

/** "0.5 s – 1 s"; the first bucket reads "0 – 5 ms". */
export function formatBucketRange(bounds: BucketBounds): string {
  return `${formatBound(bounds.lower)} – ${formatBound(bounds.upper)}`;
}

/** A count with at most 3 decimals and no grouping, so tests and users can read it back exactly. */
export function formatCount(count: number): string {
  return String(Number(count.toFixed(3)));
}

/** A short count for the legend: 950, 1.2k, 35k, 1.5M. */
export function formatCountShort(count: number): string {
  const magnitude = Math.abs(count);
  if (magnitude >= 1e6) return `${trimFloat(count / 1e6, 2)}M`;
  if (magnitude >= 1e3) return `${trimFloat(count / 1e3, 2)}k`;
  if (magnitude >= 10 || count === 0) return String(Math.round(count));
  return trimFloat(count, 2);
}

// ---------------------------------------------------------------------------------------------
// Log-scale y bands

/**
 * Vertical layout in "log units": bucket i occupies [edges[i], edges[i + 1]], edges ascending,
 * edges[0] = 0. A bucket [l, u] with 0 < l < u is log(u / l) tall, so equal ratios look equal and
 * both the fast (ms) and slow (s) bands get room. The first bucket (lower 0) borrows the height of
 * the bucket above it, as if its lower bound were upper / that ratio; the +Inf bucket gets the
 * median height, one "typical ratio" on top.
 */
export interface LogBands {
  edges: number[];
}

const FALLBACK_LOG_HEIGHT = Math.log(10);

function naturalLogHeight(bounds: BucketBounds): number | null {
  const { lower, upper } = bounds;
  if (lower > 0 && Number.isFinite(upper) && upper > lower) return Math.log(upper / lower);
  return null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function logBands(bounds: BucketBounds[]): LogBands {
  const natural = bounds.map(naturalLogHeight);
  const typical = median(natural.filter((h): h is number => h !== null)) ?? FALLBACK_LOG_HEIGHT;
  const heights = natural.map((height, i) => {
    if (height !== null) return height;
    if (i === 0) return natural[1] ?? typical; // lower bound 0: as tall as the next bucket
    return typical; // +Inf (or a degenerate bucket): one typical ratio
  });
  const edges = [0];
  for (const h of heights) edges.push(edges[edges.length - 1] + h);
  return { edges };
}

/** Maps log-unit edges to pixel rows, bottom of the plot = first bucket's lower edge. */
export function bandPixelEdges(bands: LogBands, plotHeight: number): number[] {
  const top = bands.edges[bands.edges.length - 1] || 1;
  return bands.edges.map((edge) => plotHeight - (edge / top) * plotHeight);
}

/** The bucket whose band contains pixel row y (0 = top), or -1. `pixelEdges` descend (bottom first). */
export function bucketAtY(pixelEdges: number[], y: number): number {
  for (let i = 0; i < pixelEdges.length - 1; i++) {
    if (y <= pixelEdges[i] && y >= pixelEdges[i + 1]) return i;
  }
  return -1;
}

export interface AxisTick {
  /** Pixel position along the axis. */
  position: number;
  label: string;
}

/**
 * Y tick labels at bucket boundaries (each bucket's upper bound at the top of its band), thinned so
 * labels are at least `minGapPx` apart. Round values (1 ms, 10 ms, 1 s, 10 s) and +Inf win over
 * the others, so a dense 24-bucket axis still shows the decades.
 */
export function yTicks(bounds: BucketBounds[], pixelEdges: number[], minGapPx: number): AxisTick[] {
  const candidates = bounds.map((b, i) => ({ value: b.upper, position: pixelEdges[i + 1], index: i }));
  const priority = (value: number): number => {
    if (value === Infinity) return 0;
    const exponent = Math.log10(value);
    if (Math.abs(exponent - Math.round(exponent)) < 1e-9) return 1; // a power of ten
    const mantissa = value / 10 ** Math.floor(exponent);
    if ([2, 5].some((m) => Math.abs(mantissa - m) < 1e-9)) return 2;
    return 3;
  };
  const ordered = [...candidates].sort((a, b) => priority(a.value) - priority(b.value) || a.index - b.index);
  const accepted: typeof candidates = [];
  for (const candidate of ordered) {
    if (accepted.every((a) => Math.abs(a.position - candidate.position) >= minGapPx)) accepted.push(candidate);
  }
  return accepted
    .sort((a, b) => a.index - b.index)
    .map((c) => ({ position: c.position, label: formatBound(c.value) }));
}

// ---------------------------------------------------------------------------------------------
// Colour scale

/**
 * Counts → colour level 0..1 on a log scale. Latency is long-tailed: a fast band of 10 000
 * requests per step and a slow band of 5 must both be visible, and on a linear (or even sqrt)
 * scale the slow band, the one that matters in an incident, fades into the background.
 * Returns null for 0 and null, which are left undrawn (the panel background shows).
 */
export function colorLevel(count: number | null, max: number): number | null {
  if (count === null || count <= 0 || max <= 0) return null;
  return Math.min(1, Math.log1p(count) / Math.log1p(max));
}

/** Quantizes a level to one of `steps` palette entries (1..steps); 0 means "not drawn". */
export function paletteIndex(level: number | null, steps: number): number {
  if (level === null) return 0;
  return Math.max(1, Math.min(steps, Math.ceil(level * steps)));
}

export interface LegendStop {
  /** 0..1 along the legend gradient. */
  offset: number;
  /** The colour level at that offset. */
  level: number;
  /** The count that gets this colour. */
  count: number;
}

/**
 * Evenly spaced stops along the legend from the smallest visible count to `max`, with the counts
 * they stand for, so the gradient and its labels follow the same log scale as the cells.
 */
export function legendStops(minPositive: number, max: number, stopCount = 8): LegendStop[] {
  if (max <= 0) return [];
  const low = colorLevel(minPositive > 0 ? minPositive : max, max) ?? 1;
  const stops: LegendStop[] = [];
  for (let i = 0; i < stopCount; i++) {
    const offset = stopCount === 1 ? 1 : i / (stopCount - 1);
    const level = low + (1 - low) * offset;
    stops.push({ offset, level, count: Math.expm1(level * Math.log1p(max)) });
  }
  return stops;
}

// ---------------------------------------------------------------------------------------------
// Time axis (labels and ticks are lib/time-format.ts's, shared with the line charts)

/** Index of the time nearest to `time` in an ascending array, or -1 when empty. */
export function nearestTimeIndex(times: number[], time: number): number {
  if (times.length === 0) return -1;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < time) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && time - times[lo - 1] <= times[lo] - time) return lo - 1;
  return lo;
}
