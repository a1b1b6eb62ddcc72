// Classic-histogram maths for the query planner: it fetches each raw bucket family once per dashboard view,
// as per-step bucket increases, e.g.
//
//   sum by (instance, le, verb, scope) (increase(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[60s]))
//
// and derives every panel from that one result here, on the server: quantiles per label group (optionally
// the worst API server), rankings over the whole range, and de-cumulated heatmaps. Everything is pure and
// synchronous; nothing here talks to a backend.
//
// The reference is Prometheus itself, the version the tests run (Debian's prometheus 2.42.0): each function
// names the PromQL it reproduces, and lib/server/plan/histogram.integration.test.ts compares the two on a
// real Prometheus. What PromQL would return as NaN or ±Inf comes out as null, as on apiscope's wire
// (lib/server/datasource/types.ts, Point).
import "server-only";
import { buildHeatmapMatrix, type HeatmapMatrix } from "../../heatmap";
import type { Labels, Point, RangeSeries } from "../datasource/types";

export type LabelFilter = (labels: Labels) => boolean;

/** One classic bucket: `count` observations ≤ `le` (cumulative, as scraped or as increase() of it). */
export interface Bucket {
  le: number;
  count: number;
}

export interface HistogramQuantileOptions {
  /**
   * Prometheus ≥ 2.49 (prometheus/prometheus#13153) treats adjacent bucket counts whose relative difference
   * is below 1e-12 as equal, in either direction, before enforcing monotonicity. 2.42, which the tests run,
   * does not: the default (undefined / 0) is 2.42's plain envelope. Pass SMALL_DELTA_TOLERANCE for the
   * newer behaviour.
   */
  smallDeltaTolerance?: number;
}

/** The tolerance of Prometheus ≥ 2.49's `ensureMonotonicAndIgnoreSmallDeltas` (promql/quantile.go). */
export const SMALL_DELTA_TOLERANCE = 1e-12;

export interface QuantileOptions extends HistogramQuantileOptions {
  /**
   * Compute the quantile per (by ∪ worstOf) group, then keep the highest per `by` group: the worst API
   * server when "instance". `max by (by) (histogram_quantile(q, sum by (le, by, worstOf) (…)))`.
   */
  worstOf?: string;
  /** Which input series take part (a label matcher the fetch did not apply). */
  filter?: LabelFilter;
  /** quantileOverRange: only steps after this time (unix s) count. */
  after?: number;
  /** The input is a sparse read (see SparseBuckets): its zero buckets are put back first. */
  sparse?: SparseBuckets;
}

/**
 * A read that left out its zero buckets (the planner's `… > 0 or …{le="+Inf"}`, which keeps every +Inf
 * bucket, zero or not): the family's `le` values as the scrape writes them. Where a group's +Inf bucket has a
 * point, every `le` of the family below the group's smallest bucket with a point there was zero (buckets are
 * cumulative), and is put back as 0; a missing `le` above it does not exist for the group. The groups are then
 * those of the unfiltered read, provided every series of the family has the family's `le` values (one bucket
 * layout; with several, a quantile falling in a group's lowest non-zero bucket may start its interpolation at
 * another layout's bound, an error within that bucket).
 */
export interface SparseBuckets {
  les: readonly string[];
}

/** One entry of a ranking over the whole range (see quantileOverRange). */
export interface RangeQuantile {
  labels: Labels;
  /** null where Prometheus returns NaN (no observations, no +Inf bucket …) or ±Inf (q outside [0, 1]). */
  value: number | null;
}

// ------------------------------------------------------------------------------------------------------------
// Bucket bounds

const GO_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GO_INF = /^[+-]?inf(?:inity)?$/i;
const GO_NAN = /^nan$/i;
const GO_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/;

/**
 * An `le` value as Go's `strconv.ParseFloat(le, 64)` reads it in `histogram_quantile`, or null where
 * ParseFloat fails and Prometheus skips the series: no label, "", surrounding spaces, "1e400" (out of range:
 * ParseFloat returns ErrRange), "+nan". Accepts what Go accepts and JavaScript's Number does not ("inf",
 * "infinity", "0x1p-3") and rejects what Number accepts and Go does not ("", " 1", "0x10", "Infinity " …).
 * Go's digit-separating underscores in hex literals ("0x_1p0") are not supported; no client library writes them.
 * NaN parses (to NaN) in Go; callers here drop such buckets (see histogramQuantile).
 */
export function parseBucketBound(le: string | undefined): number | null {
  if (le === undefined) return null;
  if (GO_DECIMAL.test(le)) {
    const v = Number(le);
    return Number.isFinite(v) ? v : null; // overflow is ErrRange in Go; underflow is 0 in both
  }
  if (GO_INF.test(le)) return le.startsWith("-") ? -Infinity : Infinity;
  if (GO_NAN.test(le)) return NaN;
  const hex = GO_HEX.exec(le);
  if (hex && (hex[2]!.length > 0 || (hex[3] ?? "").length > 0)) {
    const frac = hex[3] ?? "";
    const mantissa = BigInt(`0x${hex[2] || "0"}${frac}`);
    // Number(BigInt) rounds to nearest; scaling by a power of two is then exact outside the subnormal range.
    const v = Number(mantissa) * 2 ** (Number(hex[4]) - 4 * frac.length);
    if (!Number.isFinite(v)) return null;
    return hex[1] === "-" ? -v : v;
  }
  return null;
}

// ------------------------------------------------------------------------------------------------------------
// histogram_quantile

/**
 * Prometheus' `bucketQuantile` (promql/quantile.go) for classic buckets, step by step as 2.42 does it:
 *
 * - q NaN → NaN; q < 0 → -Inf; q > 1 → +Inf (checked first, even for unusable buckets);
 * - buckets sorted by upper bound; the highest must be +Inf, else NaN;
 * - buckets with the same upper bound coalesced (counts added), then counts made monotonic (each raised
 *   to the highest count below it: increase() extrapolates every bucket series on its own, and partial
 *   scrapes break monotonicity); with `smallDeltaTolerance`, Prometheus ≥ 2.49's variant;
 * - fewer than 2 buckets → NaN; no observations (+Inf count 0) → NaN;
 * - rank = q × observations; the bucket is the first whose count ≥ rank (Go's sort.Search, replicated so
 *   NaN counts behave the same); in the +Inf bucket → the second-highest upper bound; in the first bucket →
 *   its upper bound if ≤ 0, else interpolated from 0; otherwise linear interpolation inside the bucket.
 *
 * Quirks kept on purpose: q = 0 with an empty first bucket is NaN (0/0), and a flat run of buckets returns
 * the lowest bound of the run when the rank equals its count.
 *
 * A bucket with a NaN upper bound is dropped: Go sorts it wherever its comparisons leave it, and the result
 * then depends on Go's sort algorithm; no exporter writes le="NaN". A NaN count (a null on the wire, which
 * is what a NaN input sample gives) goes through the same comparisons as in Go.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[], opts: HistogramQuantileOptions = {}): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const b = buckets.filter((x) => !Number.isNaN(x.le)).map((x) => ({ le: x.le, count: x.count }));
  if (b.length === 0) return NaN; // Prometheus never calls bucketQuantile without a bucket
  b.sort((x, y) => x.le - y.le);
  if (b[b.length - 1]!.le !== Infinity) return NaN;

  const coalesced = coalesceBuckets(b);
  if (opts.smallDeltaTolerance) ensureMonotonicIgnoringSmallDeltas(coalesced, opts.smallDeltaTolerance);
  else ensureMonotonic(coalesced);

  const n = coalesced.length;
  if (n < 2) return NaN;
  const observations = coalesced[n - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  const i = goSearch(n - 1, (k) => coalesced[k]!.count >= rank);
  if (i === n - 1) return coalesced[n - 2]!.le;
  if (i === 0 && coalesced[0]!.le <= 0) return coalesced[0]!.le;
  let bucketStart = 0;
  const bucketEnd = coalesced[i]!.le;
  let count = coalesced[i]!.count;
  if (i > 0) {
    bucketStart = coalesced[i - 1]!.le;
    count -= coalesced[i - 1]!.count;
    rank -= coalesced[i - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** Go's sort.Search: the smallest i in [0, n) with f(i), or n; binary, so it assumes f is monotonic. */
function goSearch(n: number, f: (i: number) => boolean): number {
  let i = 0;
  let j = n;
  while (i < j) {
    const h = (i + j) >>> 1;
    if (!f(h)) i = h + 1;
    else j = h;
  }
  return i;
}

/** Adjacent buckets (sorted) with the same upper bound become one, counts added. */
function coalesceBuckets(buckets: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  let last = buckets[0]!;
  for (let k = 1; k < buckets.length; k++) {
    const b = buckets[k]!;
    if (b.le === last.le) last = { le: last.le, count: last.count + b.count };
    else {
      out.push(last);
      last = b;
    }
  }
  out.push(last);
  return out;
}

/** Prometheus 2.42 `ensureMonotonic`: the running maximum (NaN comparisons are false, as in Go). */
function ensureMonotonic(buckets: Bucket[]): void {
  let max = buckets[0]!.count;
  for (let k = 1; k < buckets.length; k++) {
    const c = buckets[k]!.count;
    if (c > max) max = c;
    else if (c < max) buckets[k]!.count = max;
  }
}

/** Prometheus ≥ 2.49 `ensureMonotonicAndIgnoreSmallDeltas` (without the annotations it reports). */
function ensureMonotonicIgnoringSmallDeltas(buckets: Bucket[], tolerance: number): void {
  let prev = buckets[0]!.count;
  for (let k = 1; k < buckets.length; k++) {
    const curr = buckets[k]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, tolerance)) {
      buckets[k]!.count = prev; // numerically insignificant, either direction; prev unchanged
      continue;
    }
    if (curr < prev) {
      buckets[k]!.count = prev;
      continue;
    }
    prev = curr;
  }
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus util/almost.Equal (there is no StaleNaN on this side of the wire). */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

// ------------------------------------------------------------------------------------------------------------
// Grouping

/** The label set PromQL's `by (names)` keeps: names whose value is not empty (an empty label is no label). */
function pick(labels: Labels, names: readonly string[]): Labels {
  const out: Labels = {};
  for (const name of names) {
    const v = labels[name];
    if (v !== undefined && v !== "") out[name] = v;
  }
  return out;
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/**
 * A range result as columns on its own time grid: every step of any series, sorted, and per series its
 * values at those steps (NaN for null) with a mask of the steps it has. Built once per result array (the
 * cached reads are shared, frozen arrays) so each derivation sums typed arrays instead of maps of points.
 */
interface Columns {
  times: number[];
  series: { labels: Labels; le: string; values: Float64Array; present: Uint8Array }[];
}

const columnsCache = new WeakMap<readonly RangeSeries[], Columns>();

function columnsOf(series: readonly RangeSeries[]): Columns {
  const hit = columnsCache.get(series);
  if (hit) return hit;
  const stamps = new Set<number>();
  for (const s of series) for (const [t] of s.points) stamps.add(t);
  const times = [...stamps].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns: Columns = {
    times,
    series: series.map((s) => {
      const values = new Float64Array(times.length);
      const present = new Uint8Array(times.length);
      for (const [t, v] of s.points) {
        const k = index.get(t)!;
        // Two points at one time in one series (never from Prometheus): summed, as the map did.
        values[k] = present[k] ? values[k]! + (v ?? NaN) : (v ?? NaN);
        present[k] = 1;
      }
      return { labels: s.labels, le: s.labels.le ?? "", values, present };
    }),
  };
  columnsCache.set(series, columns);
  return columns;
}

/** One bucket series of a group: the sum at each step of the grid, and whether any part had a point there. */
interface Summed {
  sum: Float64Array;
  present: Uint8Array;
}

/** One `sum by (by, le)` group: its labels without `le`, and per `le` label value, the summed column. */
interface BucketGroup {
  labels: Labels;
  /** le label value (as written, like Prometheus' grouping) → sum per step; NaN where a part was null. */
  byLe: Map<string, Summed>;
  times: number[];
}

/**
 * `sum by (by…, le)` over one time series set, kept by group for the quantile functions. Summation is
 * Prometheus 2.42's: plain `+=` in input order; a null point (NaN/±Inf upstream) makes the sum NaN; a
 * missing point adds nothing; all missing → missing.
 */
function sumByGroup(series: readonly RangeSeries[], by: readonly string[], filter: LabelFilter | undefined, sparse?: SparseBuckets): Map<string, BucketGroup> {
  const groupNames = unique(by.filter((n) => n !== "le"));
  const { times, series: columns } = columnsOf(series);
  const n = times.length;
  const groups = new Map<string, BucketGroup>();
  for (const s of columns) {
    if (filter && !filter(s.labels)) continue;
    const labels = pick(s.labels, groupNames);
    const key = keyOf(labels);
    let group = groups.get(key);
    if (!group) {
      group = { labels, byLe: new Map(), times };
      groups.set(key, group);
    }
    // Prometheus groups by the label value: le="1" and le="1.0" are two groups until histogram_quantile
    // parses and coalesces them. No le at all is a group of its own too.
    let acc = group.byLe.get(s.le);
    if (!acc) {
      acc = { sum: new Float64Array(n), present: new Uint8Array(n) };
      group.byLe.set(s.le, acc);
    }
    const { sum, present } = acc;
    for (let k = 0; k < n; k++) {
      if (!s.present[k]) continue;
      sum[k] = present[k] ? sum[k]! + s.values[k]! : s.values[k]!;
      present[k] = 1;
    }
  }
  if (sparse) {
    const family = finiteBounds(sparse.les);
    for (const group of groups.values()) restoreZeroBuckets(group, family, n);
  }
  return groups;
}

/** The family's finite `le` values with their bounds, lowest first. */
function finiteBounds(les: readonly string[]): { le: string; bound: number }[] {
  return les
    .map((le) => ({ le, bound: parseBucketBound(le) }))
    .filter((b): b is { le: string; bound: number } => b.bound !== null && b.bound !== Infinity)
    .sort((a, b) => a.bound - b.bound);
}

/** SparseBuckets: the zero buckets of one group put back, at every step where its +Inf bucket has a point. */
function restoreZeroBuckets(group: BucketGroup, family: readonly { le: string; bound: number }[], n: number): void {
  const inf = [...group.byLe].find(([le]) => parseBucketBound(le) === Infinity)?.[1];
  if (!inf) return;
  const own = [...group.byLe].map(([le, acc]) => ({ bound: parseBucketBound(le), acc }));
  for (let k = 0; k < n; k++) {
    if (!inf.present[k]) continue;
    let smallest = Infinity;
    for (const { bound, acc } of own) if (bound !== null && acc.present[k] && bound < smallest) smallest = bound;
    for (const { le, bound } of family) {
      if (bound >= smallest) break;
      let acc = group.byLe.get(le);
      if (!acc) group.byLe.set(le, (acc = { sum: new Float64Array(n), present: new Uint8Array(n) }));
      if (!acc.present[k]) {
        acc.present[k] = 1;
        acc.sum[k] = 0;
      }
    }
  }
}

const toWire = (v: number): number | null => (Number.isFinite(v) ? v : null);

function byLabels(a: { labels: Labels }, b: { labels: Labels }): number {
  const ka = keyOf(a.labels);
  const kb = keyOf(b.labels);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * `sum by (by…, le) (series)`, point by point: one series per group and `le` value, labels = the `by` labels
 * the series have (empty values dropped, as PromQL does) plus `le`. A point missing in one series is left out
 * of the sum (the sum of those present), a time where every series misses is missing, and a null (NaN or
 * ±Inf in Prometheus) makes the sum null. `le` values are grouped as written, like Prometheus does.
 * Output sorted by labels, points by time.
 */
export function groupBuckets(series: readonly RangeSeries[], by: readonly string[], filter?: LabelFilter, sparse?: SparseBuckets): RangeSeries[] {
  const out: RangeSeries[] = [];
  for (const group of sumByGroup(series, by, filter, sparse).values()) {
    for (const [le, { sum, present }] of group.byLe) {
      const labels = le === "" ? { ...group.labels } : { ...group.labels, le };
      const points: Point[] = [];
      for (let k = 0; k < present.length; k++) if (present[k]) points.push([group.times[k]!, toWire(sum[k]!)]);
      out.push({ labels, points });
    }
  }
  return out.sort(byLabels);
}

/** One group's buckets at step k, or null where no bucket series of the group has a parseable `le` there. */
function bucketsAt(group: BucketGroup, bounds: Map<string, number | null>, k: number): Bucket[] | null {
  const buckets: Bucket[] = [];
  for (const [le, { sum, present }] of group.byLe) {
    const bound = bounds.get(le);
    if (bound === null || bound === undefined) continue;
    if (present[k]) buckets.push({ le: bound, count: sum[k]! });
  }
  return buckets.length > 0 ? buckets : null;
}

function boundsOf(groups: Iterable<BucketGroup>): Map<string, number | null> {
  const bounds = new Map<string, number | null>();
  for (const g of groups) for (const le of g.byLe.keys()) if (!bounds.has(le)) bounds.set(le, parseBucketBound(le));
  return bounds;
}

/** The steps (grid indices) where any bucket series of the group has a point. */
function stepsOf(group: BucketGroup): number[] {
  const steps: number[] = [];
  const columns = [...group.byLe.values()];
  for (let k = 0; k < group.times.length; k++) if (columns.some((c) => c.present[k])) steps.push(k);
  return steps;
}

/** PromQL `max`: the first value, replaced by any higher one; NaN loses to any number, all NaN → NaN. */
function promMax(current: number | undefined, v: number): number {
  if (current === undefined) return v;
  return current < v || Number.isNaN(current) ? v : current;
}

function innerNames(by: readonly string[], worstOf: string | undefined): string[] {
  return unique([...by, ...(worstOf ? [worstOf] : [])]).filter((n) => n !== "le");
}

/**
 * Per step and group, the q-quantile of the buckets:
 *
 *   histogram_quantile(q, sum by (le, by…) (series))
 *   max by (by…) (histogram_quantile(q, sum by (le, by…, worstOf) (series)))       with opts.worstOf
 *
 * evaluated at each timestamp of the input (a range query's steps). Matches what the Prometheus range query
 * returns: a group has a point at every step where at least one of its bucket series has one, and
 * Prometheus *keeps* the NaN that histogram_quantile gives for a step with no observations (or no +Inf
 * bucket, or a single bucket): that point is null here, as the wire format shows NaN. With worstOf, `max`
 * skips NaN unless every server's value is NaN, so a quiet server never hides a slow one and the point is
 * null only when no server had an observation. ±Inf (q outside [0, 1]) is null too.
 * Labels: the `by` labels present (empty values dropped), no `le`. Sorted by labels, points by time.
 */
export function quantileSeries(series: readonly RangeSeries[], q: number, by: readonly string[], opts: QuantileOptions = {}): RangeSeries[] {
  const outerNames = unique(by).filter((n) => n !== "le");
  const groups = sumByGroup(series, innerNames(by, opts.worstOf), opts.filter, opts.sparse);
  const bounds = boundsOf(groups.values());
  const outer = new Map<string, { labels: Labels; byTime: Map<number, number> }>();
  for (const group of groups.values()) {
    const labels = opts.worstOf ? pick(group.labels, outerNames) : group.labels;
    const key = keyOf(labels);
    let target = outer.get(key);
    for (const k of stepsOf(group)) {
      const t = group.times[k]!;
      const buckets = bucketsAt(group, bounds, k);
      if (!buckets) continue; // histogram_quantile outputs nothing for this group at t
      const v = histogramQuantile(q, buckets, opts);
      if (!target) {
        target = { labels, byTime: new Map() };
        outer.set(key, target);
      }
      target.byTime.set(t, promMax(target.byTime.get(t), v));
    }
  }
  return [...outer.values()]
    .map(({ labels, byTime }) => ({ labels, points: [...byTime].sort((a, b) => a[0] - b[0]).map(([t, v]): Point => [t, toWire(v)]) }))
    .sort(byLabels);
}

/** Prometheus 2.42 `kahanSumInc` (Neumaier), as `sum_over_time` uses it. */
function kahanSum(values: Iterable<number>): number {
  let sum = 0;
  let c = 0;
  for (const inc of values) {
    const t = sum + inc;
    if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
    else c += inc - t + sum;
    sum = t;
  }
  return Number.isFinite(sum) ? sum + c : sum;
}

/**
 * A ranking over the whole range, one value per group, from the same per-step bucket increases: each
 * bucket's increases summed over every step, then the q-quantile (max over `worstOf` like quantileSeries).
 * Exactly, on Prometheus 2.42, with R = end − start and S the step (start aligned to S):
 *
 *   histogram_quantile(q, sum_over_time((sum by (le, by…) (increase(x[w])))[R:S]))
 *
 * which approximates what a Grafana "over the range" panel asks for,
 *
 *   histogram_quantile(q, sum by (le, by…) (increase(x[$__range])))
 *
 * (with the range R + S, which the steps' windows cover when w = S). The two differ only by how increase()
 * counts at window edges. One increase over the range extrapolates once, at its two ends. The sum of
 * per-step increases extrapolates inside every window w. When w = S the windows tile the range: on
 * Prometheus 2.x, whose windows [t − w, t] are closed, with scrapes on multiples of w the windows share
 * their edge samples, nothing is extrapolated and the totals are the same (the integration test sees no
 * difference); Prometheus 3's windows (t − w, t] leave each window's first interval to extrapolation, so the
 * totals agree to within scrape jitter. A counter reset is handled inside its window in both. When w < S the
 * samples between windows are missed, when w > S they count more than once; a quantile only depends on the
 * buckets' proportions, so this skews the ranking only as far as traffic changes shape within a step.
 * A null step (NaN upstream) makes that bucket's total NaN, as sum_over_time would; histogramQuantile then
 * treats it as Go does. Sorted by labels.
 */
export function quantileOverRange(series: readonly RangeSeries[], q: number, by: readonly string[], opts: QuantileOptions = {}): RangeQuantile[] {
  const outerNames = unique(by).filter((n) => n !== "le");
  const groups = sumByGroup(series, innerNames(by, opts.worstOf), opts.filter, opts.sparse);
  const bounds = boundsOf(groups.values());
  const outer = new Map<string, { labels: Labels; value: number }>();
  for (const group of groups.values()) {
    const buckets: Bucket[] = [];
    for (const [le, { sum, present }] of group.byLe) {
      const bound = bounds.get(le);
      if (bound === null || bound === undefined) continue;
      const values: number[] = [];
      for (let k = 0; k < present.length; k++) if (present[k] && (opts.after === undefined || group.times[k]! > opts.after)) values.push(sum[k]!);
      if (values.length === 0) continue;
      buckets.push({ le: bound, count: kahanSum(values) });
    }
    if (buckets.length === 0) continue;
    const v = histogramQuantile(q, buckets, opts);
    const labels = opts.worstOf ? pick(group.labels, outerNames) : group.labels;
    const key = keyOf(labels);
    const target = outer.get(key);
    if (target) target.value = promMax(target.value, v);
    else outer.set(key, { labels, value: v });
  }
  return [...outer.values()].map(({ labels, value }) => ({ labels, value: toWire(value) })).sort(byLabels);
}

// ------------------------------------------------------------------------------------------------------------
// Heatmaps

/**
 * The heatmap of every series that passes `filter`, summed by `le` and de-cumulated: exactly what
 * lib/heatmap.ts's buildHeatmapMatrix makes of Prometheus' `sum by (le) (increase(x[w]))` result, because it
 * is that function applied to groupBuckets(series, []) (the same sum, nulls included). So: buckets sorted
 * numerically with +Inf last, `le` spellings of one bound ("1", "1.0") merged, a cell = cum(le) − cum(previous
 * le) clamped at 0 (increase() extrapolates each bucket on its own; resets and missing buckets), null where
 * either cumulative value is missing, times = the union of the input's.
 */
export function heatmapCounts(series: readonly RangeSeries[], opts: { filter?: LabelFilter } = {}): HeatmapMatrix {
  return buildHeatmapMatrix(groupBuckets(series, [], opts.filter));
}
