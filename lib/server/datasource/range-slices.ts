// Incremental range queries, the way the Cortex/Mimir/Thanos query-frontend results cache does it
// (anchors §6.3): a range query is evaluated independently at every step t = start + k·step, so its result
// for a window is the concatenation of its results for sub-windows split at step boundaries. We keep, per
// query (expression, step, step phase, cluster), the *extents* already fetched — each a run of consecutive
// steps with every series' points in it — and answer a window from the extents it overlaps plus backend
// calls for the steps they lack. Steps newer than now − freshness are always fetched and never stored:
// late samples may still change them.
//
// Everything here is pure (no I/O); client.ts does the fetching and storing.

import "server-only";
import type { Point, QueryStats, RangeQuery, RangeResult, RangeSeries } from "./types";

/** Consecutive steps [start, end] (both evaluation times, inclusive) of one query, with its series there. */
export interface Extent {
  start: number;
  end: number;
  /** Every series with at least one point in [start, end] (or with no float points at all, see sliceExtent). */
  series: RangeSeries[];
  warnings: string[];
  /** The series are in Prometheus' order (labels.Compare); false for a backend that orders otherwise. */
  sorted: boolean;
}

/** What is kept per query: disjoint, non-adjacent extents in time order. */
export interface ExtentSet {
  step: number;
  extents: Extent[];
}

/** A backend call to make: the steps [start, end] of the query. */
export interface Span {
  start: number;
  end: number;
}

export interface RangePlan {
  /** Stored extents, cut to the window and the freshness horizon. */
  reused: Extent[];
  /** Spans to query, in time order; together with `reused` they cover every step of the window exactly once. */
  fetch: Span[];
}

/** At most this many backend calls for one window; more gaps are fetched as one span covering them. */
export const MAX_FETCHES_PER_QUERY = 3;
/** At most this many extents per query (older ones are dropped first). */
export const MAX_EXTENTS_PER_QUERY = 16;

// ---------------------------------------------------------------------------------------------------
// Which queries can be split

/**
 * True when splitting `q` at step boundaries returns exactly what one query returns: integer start, end and
 * step (the caller aligns them), and no `@` modifier (`@ start()`/`@ end()` refer to the query's own range).
 * Subqueries are fine: their steps are aligned to absolute time, not to the outer query's start.
 */
export function isSplittable(q: Pick<RangeQuery, "query" | "start" | "end" | "step">): boolean {
  if (!Number.isSafeInteger(q.start) || !Number.isSafeInteger(q.end) || !Number.isSafeInteger(q.step)) return false;
  if (!(q.step > 0) || q.end < q.start) return false;
  return !usesAtModifier(q.query);
}

/** `@` outside string literals and comments. */
export function usesAtModifier(expr: string): boolean {
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "@") return true;
    if (c === "#") {
      while (i < expr.length && expr[i] !== "\n") i++;
    } else if (c === '"' || c === "'" || c === "`") {
      for (i++; i < expr.length && expr[i] !== c; i++) if (c !== "`" && expr[i] === "\\") i++;
    }
  }
  return false;
}

/** Step phase: queries with the same step but steps at different offsets share no evaluation time. */
export function stepPhase(start: number, step: number): number {
  return ((start % step) + step) % step;
}

/** The last evaluation time of a query: start + k·step ≤ end. */
export function lastStep(start: number, end: number, step: number): number {
  return start + Math.floor((end - start) / step) * step;
}

/** The latest evaluation time on `start`'s grid at or before `t` (may be before `start`). */
function floorToGrid(t: number, start: number, step: number): number {
  return start + Math.floor((t - start) / step) * step;
}

// ---------------------------------------------------------------------------------------------------
// Planning a window

/**
 * Which stored steps to reuse and which spans to fetch for the window [start, end] of `step`.
 * `reusableUntil` (unix s) is the freshness horizon: steps after it are always fetched.
 */
export function planRange(window: { start: number; end: number; step: number }, stored: readonly Extent[], reusableUntil: number, maxFetches = MAX_FETCHES_PER_QUERY): RangePlan {
  const { start, step } = window;
  const last = lastStep(start, window.end, step);
  const reuseEnd = Math.min(last, floorToGrid(reusableUntil, start, step));
  const reused: Extent[] = [];
  const fetch: Span[] = [];
  let cursor = start;
  for (const extent of stored) {
    const from = Math.max(extent.start, cursor);
    const to = Math.min(extent.end, reuseEnd);
    if (from > to) continue;
    if (from > cursor) fetch.push({ start: cursor, end: from - step });
    reused.push(sliceExtent(extent, from, to));
    cursor = to + step;
  }
  if (cursor <= last) fetch.push({ start: cursor, end: last });

  if (fetch.length > maxFetches) {
    // Too fragmented to be worth it: one call across all the gaps, keeping only what lies outside it.
    const span = { start: fetch[0]!.start, end: fetch[fetch.length - 1]!.end };
    return { reused: reused.filter((e) => e.end < span.start || e.start > span.end), fetch: [span] };
  }
  return { reused, fetch };
}

/** Index of the first point with time ≥ t (`after`: > t). */
function bound(points: readonly Point[], t: number, after = false): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const time = points[mid]![0];
    if (time < t || (after && time === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The part of `extent` in [from, to]. A series without points there is left out, as a query of that window
 * would; a series without any float points (native histograms only, which Prometheus still lists) is kept.
 */
export function sliceExtent(extent: Extent, from: number, to: number): Extent {
  if (from <= extent.start && to >= extent.end) return extent;
  const series: RangeSeries[] = [];
  for (const s of extent.series) {
    if (s.points.length === 0) {
      series.push(s);
      continue;
    }
    const points = s.points.slice(bound(s.points, from), bound(s.points, to, true));
    if (points.length > 0) series.push({ labels: s.labels, points });
  }
  return { start: Math.max(from, extent.start), end: Math.min(to, extent.end), series, warnings: extent.warnings, sorted: extent.sorted };
}

/** A backend answer for `span` as an extent. */
export function extentFromResult(span: Span, result: Pick<RangeResult, "series" | "warnings">): Extent {
  return { start: span.start, end: span.end, series: [...result.series], warnings: [...result.warnings], sorted: isSortedByLabels(result.series) };
}

// ---------------------------------------------------------------------------------------------------
// Merging

/** Pieces covering a window (disjoint, any order) as one result, identical to a query of the whole window. */
export function mergeExtents(pieces: readonly Extent[]): Pick<RangeResult, "series" | "warnings"> & { sorted: boolean } {
  const ordered = [...pieces].sort((a, b) => a.start - b.start);
  const byKey = new Map<string, { labels: RangeSeries["labels"]; parts: Point[][] }>();
  const warnings = new Set<string>();
  let sorted = true;
  for (const piece of ordered) {
    sorted &&= piece.sorted;
    for (const w of piece.warnings) warnings.add(w);
    for (const s of piece.series) {
      const key = labelsKey(s.labels);
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { labels: s.labels, parts: [] }));
      if (s.points.length > 0) entry.parts.push(s.points);
    }
  }
  const series: RangeSeries[] = [];
  for (const { labels, parts } of byKey.values()) series.push({ labels, points: parts.length === 1 ? [...parts[0]!] : parts.flat() });
  // Prometheus sorts a range result by labels; a backend that does not is left in first-seen order.
  if (sorted) series.sort((a, b) => compareLabels(a.labels, b.labels));
  return { series, warnings: [...warnings], sorted };
}

/** Stats of the backend calls made for one window: what this answer cost. */
export function sumStats(stats: readonly (QueryStats | null)[]): QueryStats | null {
  const known = stats.filter((s): s is QueryStats => s !== null);
  if (known.length === 0) return null;
  const total: QueryStats = { samplesProcessed: known.reduce((n, s) => n + s.samplesProcessed, 0) };
  const peaks = known.flatMap((s) => (s.peakSamples === undefined ? [] : [s.peakSamples]));
  if (peaks.length > 0) total.peakSamples = Math.max(...peaks);
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Storing

/**
 * `stored` updated with freshly fetched extents: each fetched extent is cut at `storableUntil` (steps after
 * the freshness horizon are never stored), replaces whatever was stored for its steps, and is joined with
 * adjacent extents. At most `maxPoints` points and MAX_EXTENTS_PER_QUERY extents are kept, the newest first.
 */
export function updateExtents(stored: readonly Extent[], fetched: readonly Extent[], step: number, storableUntil: number, maxPoints: number): Extent[] {
  let extents = [...stored];
  for (const piece of fetched) {
    const end = Math.min(piece.end, floorToGrid(storableUntil, piece.start, step));
    if (end < piece.start) continue;
    const fresh = sliceExtent(piece, piece.start, end);
    const kept: Extent[] = [];
    for (const e of extents) {
      if (e.end < fresh.start || e.start > fresh.end) kept.push(e);
      else {
        if (e.start < fresh.start) kept.push(sliceExtent(e, e.start, fresh.start - step));
        if (e.end > fresh.end) kept.push(sliceExtent(e, fresh.end + step, e.end));
      }
    }
    kept.push(fresh);
    extents = kept;
  }
  extents.sort((a, b) => a.start - b.start);

  const joined: Extent[] = [];
  for (const e of extents) {
    const previous = joined[joined.length - 1];
    if (previous && previous.end + step === e.start) {
      const merged = mergeExtents([previous, e]);
      joined[joined.length - 1] = { start: previous.start, end: e.end, series: merged.series, warnings: merged.warnings, sorted: merged.sorted };
    } else joined.push(e);
  }
  return boundExtents(joined, step, maxPoints);
}

function extentPoints(e: Extent): number {
  return e.series.reduce((n, s) => n + s.points.length + 1, 0);
}

/** Keep the newest extents within the budget, cutting the oldest steps of the one that does not fit. */
function boundExtents(extents: Extent[], step: number, maxPoints: number): Extent[] {
  const kept: Extent[] = [];
  let budget = maxPoints;
  for (let i = extents.length - 1; i >= 0 && kept.length < MAX_EXTENTS_PER_QUERY; i--) {
    const e = extents[i]!;
    const size = extentPoints(e);
    if (size <= budget) {
      kept.unshift(e);
      budget -= size;
      continue;
    }
    // Count points per step from the newest backwards and cut where the budget runs out.
    const perStep = new Map<number, number>();
    for (const s of e.series) for (const [t] of s.points) perStep.set(t, (perStep.get(t) ?? 0) + 1);
    let from = e.end + step;
    let used = e.series.length;
    for (let t = e.end; t >= e.start; t -= step) {
      used += perStep.get(t) ?? 0;
      if (used > budget) break;
      from = t;
    }
    if (from <= e.end) kept.unshift(sliceExtent(e, from, e.end));
    break;
  }
  return kept;
}

// ---------------------------------------------------------------------------------------------------
// Label order, as Prometheus' labels.Compare (names sorted; byte-wise, i.e. UTF-8, string order)

/** Compare two strings in UTF-8 byte order (= code point order), which is Go's string order. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

/** UTF-16 units ranked so that surrogates (code points ≥ U+10000) sort after U+E000–U+FFFF. */
function codeUnitRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

function sortedEntries(labels: RangeSeries["labels"]): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => compareUtf8(a, b));
}

export function compareLabels(a: RangeSeries["labels"], b: RangeSeries["labels"]): number {
  const x = sortedEntries(a);
  const y = sortedEntries(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const byName = compareUtf8(x[i]![0], y[i]![0]);
    if (byName !== 0) return byName;
    const byValue = compareUtf8(x[i]![1], y[i]![1]);
    if (byValue !== 0) return byValue;
  }
  return x.length - y.length;
}

function isSortedByLabels(series: readonly RangeSeries[]): boolean {
  for (let i = 1; i < series.length; i++) if (compareLabels(series[i - 1]!.labels, series[i]!.labels) > 0) return false;
  return true;
}

/** Identity of a series within one query's result. */
export function labelsKey(labels: RangeSeries["labels"]): string {
  return JSON.stringify(sortedEntries(labels));
}
