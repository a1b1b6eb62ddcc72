// The query planner: each raw histogram family is read once per view, whatever the number of panels
// that need it, and every quantile, heatmap and ranking is derived here from that one read.
//
// A view's reads are planned from the WHOLE catalogue, not from the panels on screen: every panel
// request of one view (they arrive separately, possibly at different app instances) then computes the
// same read, with the same PromQL, window and step, and the data source's result cache and in-flight
// coalescing (shared through Redis when configured) make it one backend query.
//
// Two reads per family at most:
// - "view": bucket increases at the view's step, grouped by the union of what the range panels need
//   (quantile tiles and lines, heatmaps). Their labels are few (instance, verb, scope…), so it is small.
// - "coarse": bucket increases at a coarser step for rankings over the range (slowest calls by verb and
//   resource, etcd operations), whose groupings are wide: hundreds of verb × resource pairs × 20–40
//   buckets. Measured on the real v1.30 scrape (276 label sets × 24 buckets per server), reading those at
//   the view's step would move ~15 MB of JSON per load for the same samples, so the wide grouping is read
//   at about COARSE_POINTS steps, and the rankings' sparklines come from it too.
// Rankings sum the coarse read's per-step increases over the range instead of a second instant query
// with a range-wide window: every raw sample is read once, and a refresh reads only the new steps.
import "server-only";
import { PANELS } from "../../panels/catalog";
import { selector } from "../../panels/histograms";
import type { HistogramDerivation, LabelFilter, PanelDef, PanelQuery } from "../../panels/types";
import type { Labels, PrometheusApi, RangeResult, RangeSeries } from "../datasource/types";
import { injectMatchers, type LabelMatcher } from "../promql";
import { expandPlaceholders } from "../template";
import { queryWindow, tilingWindow, type QueryWindow } from "../query-window";
import { groupBuckets, quantileOverRange, quantileSeries } from "./histogram";

export type Resolution = "view" | "coarse";

/** Points per series of a view read: the widest chart on the dashboard (a full-width heatmap) needs ~300. */
export const VIEW_POINTS = 300;
/** Points per series of a coarse read: enough for a ranking's sparkline, few enough for wide groupings. */
export const COARSE_POINTS = 30;

/** One backend read of a histogram family's bucket increases. */
export interface FamilyRead {
  family: string;
  resolution: Resolution;
  /** Matchers every derivation of this read shares: applied by Prometheus. */
  where: LabelFilter[];
  /** Grouping labels besides `le`: the union of what its derivations need. */
  by: string[];
}

function resolutionOf(d: HistogramDerivation): Resolution {
  return d.kind === "quantile-over-range" || (d.kind === "quantile" && d.coarse) ? "coarse" : "view";
}

const sameFilter = (a: LabelFilter, b: LabelFilter) => a.label === b.label && a.op === b.op && a.value === b.value;

/** Labels a derivation needs from its read: its groups, `instance` for the worst server, its own filters. */
function labelsNeeded(d: HistogramDerivation, common: LabelFilter[]): string[] {
  const own = d.where.filter((f) => !common.some((c) => sameFilter(c, f))).map((f) => f.label);
  const groups = d.kind === "heatmap" ? [] : [...d.by, ...(d.worstServer ? ["instance"] : [])];
  return [...groups, ...own];
}

/** The fewest reads that serve every histogram query of the catalogue: one per family and resolution. */
export function planReads(panels: readonly PanelDef[]): Map<string, FamilyRead> {
  const derivations = new Map<string, { family: string; resolution: Resolution; list: HistogramDerivation[] }>();
  for (const panel of panels)
    for (const query of panel.queries) {
      if (!query.histogram) continue;
      const resolution = resolutionOf(query.histogram.derive);
      const key = readKey(query.histogram.family, resolution);
      const entry = derivations.get(key) ?? { family: query.histogram.family, resolution, list: [] };
      entry.list.push(query.histogram.derive);
      derivations.set(key, entry);
    }
  const reads = new Map<string, FamilyRead>();
  for (const [key, { family, resolution, list }] of derivations) {
    const common = list[0]!.where.filter((f) => list.every((d) => d.where.some((g) => sameFilter(f, g))));
    const by = [...new Set(list.flatMap((d) => labelsNeeded(d, common)))].sort();
    reads.set(key, { family, resolution, where: common, by });
  }
  return reads;
}

function readKey(family: string, resolution: Resolution): string {
  return `${family}|${resolution}`;
}

/** Planned once: the catalogue does not change while the server runs. */
const READS = planReads(PANELS);

export function readFor(query: PanelQuery): FamilyRead {
  const h = query.histogram!;
  return READS.get(readKey(h.family, resolutionOf(h.derive)))!;
}

/** The window of a read: its step depends only on the visible range, so all panels of a view share it. */
export function readWindow(resolution: Resolution, from: number, to: number, scrapeInterval: number): QueryWindow {
  return queryWindow(from, to, resolution === "view" ? VIEW_POINTS : COARSE_POINTS, scrapeInterval);
}

/** The PromQL of a read, with the dashboard's matchers (job, instance, cluster) injected. */
export function readExpr(read: FamilyRead, window: QueryWindow, matchers: LabelMatcher[]): string {
  const by = ["le", ...read.by].join(", ");
  return injectMatchers(`sum by (${by}) (increase(${read.family}_bucket${selector(read.where)}[${tilingWindow(window.rateInterval)}]))`, matchers);
}

export interface ReadResult {
  expr: string;
  window: QueryWindow;
  result: RangeResult;
}

/** Runs a read through the data source (cached, coalesced, incrementally refreshed there). */
export async function runRead(api: PrometheusApi, read: FamilyRead, window: QueryWindow, matchers: LabelMatcher[], signal?: AbortSignal): Promise<ReadResult> {
  const expr = readExpr(read, window, matchers);
  const result = await api.queryRange({ query: expr, start: window.start, end: window.end, step: window.step, signal });
  return { expr, window, result };
}

/** Prometheus' regex matchers are fully anchored RE2; JavaScript's syntax agrees for the patterns panels use. */
function matches(f: LabelFilter, labels: Labels): boolean {
  const value = labels[f.label] ?? "";
  switch (f.op) {
    case "=":
      return value === f.value;
    case "!=":
      return value !== f.value;
    case "=~":
      return new RegExp(`^(?:${f.value})$`).test(value);
    case "!~":
      return !new RegExp(`^(?:${f.value})$`).test(value);
  }
}

/** The series a derivation computes from its read: exactly what its equivalent PromQL returns. */
export function derive(d: HistogramDerivation, read: FamilyRead, series: RangeSeries[], window: QueryWindow): RangeSeries[] {
  const own = d.where.filter((f) => !read.where.some((c) => sameFilter(c, f)));
  const filter = own.length ? (labels: Labels) => own.every((f) => matches(f, labels)) : undefined;
  switch (d.kind) {
    case "heatmap":
      return groupBuckets(series, [], filter);
    case "quantile": {
      const out = quantileSeries(series, d.q, d.by, { worstOf: d.worstServer ? "instance" : undefined, filter });
      return d.onlyAboveZero ? aboveZero(out) : out;
    }
    case "quantile-over-range":
      // The step at `start` covers (start − step, start], before the range: the ranking sums (start, end].
      return quantileOverRange(withinRange(series, window.start), d.q, d.by, { worstOf: d.worstServer ? "instance" : undefined, filter }).map((r) => ({
        labels: r.labels,
        points: [[window.evalTime, r.value]],
      }));
  }
}

function withinRange(series: RangeSeries[], start: number): RangeSeries[] {
  return series.map((s) => ({ labels: s.labels, points: s.points.filter(([t]) => t > start) }));
}

/** PromQL's `> 0` filter: keeps only points above zero (NaN is not), and series with any left. */
function aboveZero(series: RangeSeries[]): RangeSeries[] {
  return series.map((s) => ({ labels: s.labels, points: s.points.filter(([, v]) => v !== null && v > 0) })).filter((s) => s.points.length > 0);
}

/** The equivalent PromQL of a derived query, with the read's window: what the SRE can run to check it. */
export function equivalentExpr(query: PanelQuery, window: QueryWindow, matchers: LabelMatcher[]): string {
  return injectMatchers(expandPlaceholders(query.variants[0]!.expr, window), matchers);
}
