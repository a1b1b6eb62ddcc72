// The query planner: each raw family a panel derives from (a histogram's buckets, a counter) is read
// once per view, whatever the number of panels that need it, and every quantile, heatmap, ranking, sum
// and share is computed here from that one read.
//
// A view's reads are planned from the WHOLE catalogue, not from the panels on screen: every panel
// request of one view (they arrive separately, possibly at different app instances) then computes the
// same read, with the same PromQL, window and step, and the data source's result cache and in-flight
// coalescing (shared through Redis when configured) make it one backend query.
//
// Per family there are three possible reads:
// - "view": at the view's step, grouped by what the range panels need (quantile tiles and lines,
//   heatmaps, sums): few labels (instance, verb, scope…), so a small answer.
// - "coarse": at about COARSE_POINTS steps, grouped by what the rankings over the range need (slowest
//   calls by verb and resource, etcd operations) and their sparklines: wide groupings.
// - "merged": both groupings at once at the view's step. One read instead of two, so every raw sample is
//   read once; but its answer is the wide grouping × the view's points. Measured: on the demo the API
//   family's merged read at 6 h answers ~130 k points (3.4 MB of JSON; estimated 287 k, see below); on the
//   real v1.30 scrape replayed as two servers the estimate is ~1.3 M points (30 MB), over any sane response
//   limit. So the planner merges only when the estimate from the scrape's own label sets (capabilities, no
//   samples processed) is within MERGED_READ_MAX_POINTS, and reads view and coarse separately otherwise.
// - "merged", sparse: when the merged answer would be too large, most of it is zeros (a bucket of a verb and
//   resource that saw no request in that step; measured on the real scrape replayed as two servers, 1 h:
//   API 428 k points / 8.5 MB of which 13 k are not zero, etcd 568 k / 11 MB of which 12 k; 6 h: 1.26 M /
//   24 MB of which 85 k). So the read asks for its non-zero buckets only, plus every +Inf bucket (zero or
//   not: they say where a group had series), `(sum … > 0) or sum …{le="+Inf"}`, and the derivations put the
//   zeros back (histogram.ts SparseBuckets). The +Inf selector reads one bucket in ~25 again (~4 % of the
//   family), the second read of the family it replaces 100 %. Its answer size is not known beforehand: one
//   over the response limit, or one the backend gives up evaluating, falls back to the separate view and
//   coarse reads (dashboard.ts runDerived); the result cache remembers the refusal, so the view's other
//   panels go straight to those reads instead of sending the sparse one again.
// Rankings sum a read's per-step increases over the range instead of a second instant query with a
// range-wide window: every raw sample is read once, and a refresh reads only the new steps.
import "server-only";
import { PANELS } from "../../panels/catalog";
import { equivalentCounterPromQL, equivalentPromQL, INF_BUCKET, selector } from "../../panels/histograms";
import type { CounterDerivation, HistogramDerivation, LabelFilter, PanelDef, PanelQuery } from "../../panels/types";
import type { Capabilities } from "../capabilities";
import type { Labels, Point, PrometheusApi, RangeResult, RangeSeries } from "../datasource/types";
import { injectMatchers, type LabelMatcher } from "../promql";
import { expandPlaceholders } from "../template";
import { queryWindow, tilingMilliseconds, tilingWindow, type QueryWindow } from "../query-window";
import { groupBuckets, quantileOverRange, quantileSeries, type SparseBuckets } from "./histogram";
import { firstRecordedPoint, NO_RECORDED, recordedFor, recordedNote, recordedSource, type RecordedSeries, type UsableRecorded } from "./recorded";

export type Resolution = "view" | "coarse" | "merged";

/** Points per series of a view read: the widest chart on the dashboard (a full-width heatmap) needs ~300. */
export const VIEW_POINTS = 300;
/** Points per series of a coarse read: enough for a ranking's sparkline, few enough for wide groupings. */
export const COARSE_POINTS = 30;
/**
 * A merged read's estimated answer, at most. The estimate is an upper bound (every label set seen in the
 * discovery window × every bucket × every step); answers run at about half of it, ~24 bytes of
 * Prometheus JSON per point: 300 k estimated is at most ~7 MB, typically 3–4 MB.
 */
export const MERGED_READ_MAX_POINTS = 300_000;
/**
 * Above MERGED_READ_MAX_POINTS and up to this estimate, the merged read is read sparse (zeros left out);
 * above it, a sparse answer too would likely pass the response limit: view and coarse are read separately.
 */
export const SPARSE_READ_MAX_POINTS = 4_000_000;

/** One backend read of a family. */
export interface FamilyRead {
  kind: "histogram" | "counter";
  /** The histogram's name without `_bucket`, or the counter's name. */
  family: string;
  resolution: Resolution;
  /** Matchers every derivation served by this read shares: applied by Prometheus. */
  where: LabelFilter[];
  /** Grouping labels (besides `le` for histograms): the union of what its derivations need. */
  by: string[];
  /**
   * It serves a call rate (a `rate` derivation): always read raw, since a recorded series' numbers are
   * rates times the read's window, not the raw increase the rate divides back (recordedOf).
   */
  rates?: true;
}

type Derivation = { kind: "histogram"; d: HistogramDerivation } | { kind: "counter"; d: CounterDerivation };

function derivationOf(query: PanelQuery): Derivation | null {
  if (query.histogram) return { kind: "histogram", d: query.histogram.derive };
  if (query.counter) return { kind: "counter", d: query.counter.derive };
  return null;
}

function familyOf(query: PanelQuery): string {
  return query.histogram?.family ?? query.counter!.metric;
}

function ownResolution(dv: Derivation): "view" | "coarse" {
  if (dv.kind === "counter") return "view";
  const d = dv.d;
  return d.kind === "quantile-over-range" || (d.kind === "quantile" && d.coarse) ? "coarse" : "view";
}

const sameFilter = (a: LabelFilter, b: LabelFilter) => a.label === b.label && a.op === b.op && a.value === b.value;

/** Every filter a derivation applies, to the series it sums (a share's numerator and denominator both). */
function filtersOf(dv: Derivation): LabelFilter[][] {
  if (dv.kind === "counter") return dv.d.kind === "share" ? [dv.d.where, dv.d.of] : [dv.d.where];
  return [dv.d.where];
}

/** Labels a derivation needs from a read sharing `common`: its groups, `instance` for the worst server, its own filters. */
function labelsNeeded(dv: Derivation, common: LabelFilter[]): string[] {
  const own = filtersOf(dv)
    .flat()
    .filter((f) => !common.some((c) => sameFilter(c, f)))
    .map((f) => f.label);
  if (dv.kind === "counter" || dv.d.kind === "heatmap") return own;
  if (dv.d.kind === "rate") return [...dv.d.by, ...own];
  return [...dv.d.by, ...(dv.d.worstServer ? ["instance"] : []), ...own];
}

function readOf(kind: FamilyRead["kind"], family: string, resolution: Resolution, list: Derivation[]): FamilyRead {
  const filterLists = list.flatMap(filtersOf);
  const common = filterLists[0]!.filter((f) => filterLists.every((fl) => fl.some((g) => sameFilter(f, g))));
  const by = [...new Set(list.flatMap((dv) => labelsNeeded(dv, common)))].sort();
  const rates = list.some((dv) => dv.kind === "histogram" && dv.d.kind === "rate");
  return { kind, family, resolution, where: common, by, ...(rates ? { rates: true as const } : {}) };
}

/** The recorded series that serve a read over `window`, if any (never one serving a call rate). */
function recordedOf(read: FamilyRead, window: QueryWindow, usable: UsableRecorded): RecordedSeries | undefined {
  return read.rates ? undefined : recordedFor(read, window, usable);
}

export interface FamilyPlan {
  view?: FamilyRead;
  coarse?: FamilyRead;
  /** Both groupings at the view's step, when the family has a coarse read. */
  merged?: FamilyRead;
}

/** The reads that serve every derived query of the catalogue, per family. */
export function planReads(panels: readonly PanelDef[]): Map<string, FamilyPlan> {
  const byFamily = new Map<string, { kind: FamilyRead["kind"]; view: Derivation[]; coarse: Derivation[] }>();
  for (const panel of panels)
    for (const query of panel.queries) {
      const dv = derivationOf(query);
      if (!dv) continue;
      const family = familyOf(query);
      const entry = byFamily.get(family) ?? { kind: dv.kind, view: [], coarse: [] };
      entry[ownResolution(dv)].push(dv);
      byFamily.set(family, entry);
    }
  const plans = new Map<string, FamilyPlan>();
  for (const [family, { kind, view, coarse }] of byFamily) {
    plans.set(family, {
      view: view.length ? readOf(kind, family, "view", view) : undefined,
      coarse: coarse.length ? readOf(kind, family, "coarse", coarse) : undefined,
      merged: coarse.length && view.length ? readOf(kind, family, "merged", [...view, ...coarse]) : undefined,
    });
  }
  return plans;
}

/** Planned once: the catalogue does not change while the server runs. */
const PLANS = planReads(PANELS);

export function planOf(family: string): FamilyPlan {
  return PLANS.get(family)!;
}

/** The window of a read: its step depends only on the visible range, so all panels of a view share it. */
export function readWindow(resolution: Resolution, from: number, to: number, scrapeInterval: number): QueryWindow {
  return queryWindow(from, to, resolution === "coarse" ? COARSE_POINTS : VIEW_POINTS, scrapeInterval);
}

/**
 * The earliest instant a read of this view that `names` (recorded series present for the job) could
 * serve needs a recorded sample at, or null when none could serve any: what the coverage check asks.
 */
export function earliestRecordedPoint(range: ViewRange, names: UsableRecorded): number | null {
  let earliest: number | null = null;
  for (const plan of PLANS.values())
    for (const resolution of ["view", "coarse", "merged"] as const) {
      const read = plan[resolution];
      if (!read) continue;
      const window = readWindow(resolution, range.from, range.to, range.scrapeInterval);
      if (!recordedOf(read, window, names)) continue;
      const at = firstRecordedPoint(window);
      if (earliest === null || at < earliest) earliest = at;
    }
  return earliest;
}

/** Points a read answers with, from the scrape's label sets: what the merge decision weighs. */
export function estimatePoints(read: FamilyRead, caps: Capabilities, window: QueryWindow): number | null {
  const shape = caps.histograms.get(read.family);
  if (!shape || shape.labelSets.length === 0) return null;
  const groups = new Set(shape.labelSets.filter((l) => read.where.every((f) => matches(f, l))).map((l) => read.by.map((b) => l[b] ?? "").join("\u0000")));
  const steps = Math.floor((window.end - window.start) / window.step) + 1;
  return groups.size * Math.max(shape.buckets, 1) * steps;
}

export interface ChosenRead {
  read: FamilyRead;
  window: QueryWindow;
  /** Read from this recording rule's series instead of the raw family (recorded.ts). */
  recorded?: RecordedSeries;
  /** Read without its zero buckets, which the derivations put back from these `le` values. */
  sparse?: SparseBuckets;
  /** The query's own (view or coarse) read, should the sparse answer be over the response limit. */
  fallback?: ChosenRead;
}

export interface ViewRange {
  from: number;
  to: number;
  scrapeInterval: number;
}

function chosen(read: FamilyRead, window: QueryWindow, usable: UsableRecorded): ChosenRead {
  const recorded = recordedOf(read, window, usable);
  return recorded ? { read, window, recorded } : { read, window };
}

/**
 * The read that serves a derived query on this cluster and view. `recorded`: the recorded series that
 * cover the view (recorded.ts); a read they can serve reads them, and the family's view and coarse reads
 * are then not merged, since the merged read (wider) could only read raw.
 */
export function chooseRead(query: PanelQuery, caps: Capabilities, range: ViewRange, recorded: UsableRecorded = NO_RECORDED): ChosenRead {
  const plan = planOf(familyOf(query));
  const own = ownResolution(derivationOf(query)!);
  const ownRead = () => chosen(plan[own]!, readWindow(own, range.from, range.to, range.scrapeInterval), recorded);
  if (plan.merged) {
    const window = readWindow("merged", range.from, range.to, range.scrapeInterval);
    const merged = chosen(plan.merged, window, recorded);
    const split = (["view", "coarse"] as const).some((r) => recordedOf(plan[r]!, readWindow(r, range.from, range.to, range.scrapeInterval), recorded));
    const points = estimatePoints(plan.merged, caps, window);
    if ((merged.recorded || !split) && points !== null && points <= MERGED_READ_MAX_POINTS) return merged;
    const les = caps.histograms.get(plan.merged.family)?.les;
    if (!merged.recorded && !split && plan.merged.kind === "histogram" && les?.length && points !== null && points <= SPARSE_READ_MAX_POINTS) {
      return { ...merged, sparse: { les }, fallback: ownRead() };
    }
  }
  return ownRead();
}

/** The PromQL of a read, with the dashboard's matchers (job, instance, cluster) injected. */
export function readExpr(read: FamilyRead, window: QueryWindow, matchers: LabelMatcher[], recorded?: RecordedSeries, sparse?: SparseBuckets): string {
  const w = tilingWindow(window.rateInterval);
  const by = (read.kind === "histogram" ? ["le", ...read.by] : read.by).join(", ");
  const raw = (where: LabelFilter[]) => (read.kind === "histogram" ? `increase(${read.family}_bucket${selector(where)}[${w}])` : `rate(${read.family}${selector(where)}[${w}])`);
  const sum = (source: string) => `sum by (${by}) (${source})`;
  // chooseRead makes only raw histogram reads sparse: the non-zero buckets, and every +Inf bucket.
  if (sparse) return injectMatchers(`(${sum(raw(read.where))} > 0) or ${sum(raw([...read.where, INF_BUCKET]))}`, matchers);
  return injectMatchers(sum(recorded ? recordedSource(recorded, window)(read.where, "step") : raw(read.where)), matchers);
}

export interface ReadResult {
  expr: string;
  window: QueryWindow;
  result: RangeResult;
}

/** Runs a read through the data source (cached, coalesced, incrementally refreshed there). */
export async function runRead(api: PrometheusApi, { read, window, recorded, sparse }: ChosenRead, matchers: LabelMatcher[], signal?: AbortSignal): Promise<ReadResult> {
  const expr = readExpr(read, window, matchers, recorded, sparse);
  const result = await api.queryRange({ query: expr, start: window.start, end: window.end, step: window.step, signal });
  return { expr, window, result };
}

const anchored = new Map<string, RegExp>();

/** Prometheus' regex matchers are fully anchored RE2; JavaScript's syntax agrees for the patterns panels use. */
function regexOf(pattern: string): RegExp {
  let re = anchored.get(pattern);
  if (!re) anchored.set(pattern, (re = new RegExp(`^(?:${pattern})$`)));
  return re;
}

function matches(f: LabelFilter, labels: Labels): boolean {
  const value = labels[f.label] ?? "";
  switch (f.op) {
    case "=":
      return value === f.value;
    case "!=":
      return value !== f.value;
    case "=~":
      return regexOf(f.value).test(value);
    case "!~":
      return !regexOf(f.value).test(value);
  }
}

/** The filters of a derivation the read did not apply already, as a predicate (undefined: none). */
function residual(filters: LabelFilter[], read: FamilyRead): ((labels: Labels) => boolean) | undefined {
  const own = filters.filter((f) => !read.where.some((c) => sameFilter(c, f)));
  return own.length ? (labels: Labels) => own.every((f) => matches(f, labels)) : undefined;
}

/**
 * Derived series per read answer: every panel request of a view derives from the same cached (frozen)
 * answer, and a derivation of it is computed once, not once per request.
 */
const derivedCache = new WeakMap<readonly RangeSeries[], Map<string, RangeSeries[]>>();

/** The series a query derives from its read: what its equivalent PromQL returns over the read's window. */
export function derive(query: PanelQuery, read: FamilyRead, series: RangeSeries[], window: QueryWindow, sparse?: SparseBuckets): RangeSeries[] {
  let memo = derivedCache.get(series);
  if (!memo) derivedCache.set(series, (memo = new Map()));
  const key = JSON.stringify([query.histogram ?? query.counter, read.where, window.start, window.evalTime]);
  let out = memo.get(key);
  if (!out) memo.set(key, (out = Object.freeze(computeDerived(query, read, series, window, sparse)) as RangeSeries[]));
  return out;
}

function computeDerived(query: PanelQuery, read: FamilyRead, series: RangeSeries[], window: QueryWindow, sparse: SparseBuckets | undefined): RangeSeries[] {
  const dv = derivationOf(query)!;
  if (dv.kind === "counter") return deriveCounter(dv.d, read, series);
  const d = dv.d;
  const filter = residual(d.where, read);
  const worstOf = d.kind !== "heatmap" && d.kind !== "rate" && d.worstServer ? "instance" : undefined;
  switch (d.kind) {
    case "heatmap":
      return groupBuckets(series, [], filter, sparse);
    case "rate":
      // A sparse read keeps every +Inf bucket, zero or not: the call rate needs nothing put back.
      return callRate(series, d.by, filter, window);
    case "quantile": {
      const out = quantileSeries(series, d.q, d.by, { worstOf, filter, sparse });
      return d.onlyAboveZero ? aboveZero(out) : out;
    }
    case "quantile-over-range":
      // The step at `start` covers (start − step, start], before the range: the ranking sums (start, end].
      return quantileOverRange(series, d.q, d.by, { worstOf, filter, after: window.start, sparse }).map((r) => ({
        labels: r.labels,
        points: [[window.evalTime, r.value]],
      }));
  }
}

/**
 * `sum by (by) (rate(family_bucket{le="+Inf"}[w]))` from the read's per-step increases over the same w:
 * Prometheus' increase() is rate() times the window, so the rate is the summed +Inf increase divided by it.
 */
function callRate(series: RangeSeries[], by: string[], filter: ((labels: Labels) => boolean) | undefined, window: QueryWindow): RangeSeries[] {
  const seconds = tilingMilliseconds(window.rateInterval) / 1000;
  const inf = (labels: Labels) => labels.le === INF_BUCKET.value && (!filter || filter(labels));
  return groupBuckets(series, by, inf).map(({ labels: { le: _le, ...labels }, points }) => ({
    labels,
    points: points.map(([t, v]): Point => [t, v === null ? null : v / seconds]),
  }));
}

/** `sum(rate(m{where}))`, or `(sum(rate(m{where})) or vector(0)) / sum(rate(m{of}))`, per step. */
function deriveCounter(d: CounterDerivation, read: FamilyRead, series: RangeSeries[]): RangeSeries[] {
  const sum = (filters: LabelFilter[]) => groupBuckets(series, [], residual(filters, read))[0];
  const numerator = sum(d.where);
  if (d.kind === "sum") return numerator ? [numerator] : [];
  const denominator = sum(d.of);
  if (!denominator) return [];
  const top = new Map(numerator?.points ?? []);
  const points = denominator.points.map(([t, total]): Point => {
    const part = top.has(t) ? top.get(t)! : 0;
    if (part === null || total === null) return [t, null];
    const share = part / total;
    // NaN (0/0) and ±Inf (x/0) travel as null, as the wire format shows them.
    return [t, Number.isFinite(share) ? share : null];
  });
  return [{ labels: {}, points }];
}

/** PromQL's `> 0` filter: keeps only points above zero (NaN is not), and series with any left. */
function aboveZero(series: RangeSeries[]): RangeSeries[] {
  return series.map((s) => ({ labels: s.labels, points: s.points.filter(([, v]) => v !== null && v > 0) })).filter((s) => s.points.length > 0);
}

/**
 * The equivalent PromQL of a derived query, with the read's window: what the SRE can run to check it.
 * Read from a recorded series, the same query over that series (the PromQL that gives these numbers).
 */
export function equivalentExpr(query: PanelQuery, window: QueryWindow, matchers: LabelMatcher[], recorded?: RecordedSeries): string {
  if (!recorded) return injectMatchers(expandPlaceholders(query.variants[0]!.expr, window), matchers);
  const source = recordedSource(recorded, window);
  const expr = query.histogram ? equivalentPromQL(query.histogram.family, query.histogram.derive, source) : equivalentCounterPromQL(query.counter!.metric, query.counter!.derive, source);
  return injectMatchers(expandPlaceholders(expr, window), matchers);
}

/** The note under a derived query: its variant's, and where its numbers were read from. */
export function derivedNote(note: string | undefined, { recorded, window }: ChosenRead): string | undefined {
  if (!recorded) return note;
  return [note, recordedNote(recorded, window)].filter(Boolean).join(" ");
}

export function isDerived(query: PanelQuery): boolean {
  return derivationOf(query) !== null;
}
