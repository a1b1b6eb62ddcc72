// Declaring derived queries in the catalogue (histogram quantiles, heatmaps, rankings; counter sums and
// shares): the derivation the server computes (lib/server/plan) and, generated from it, the PromQL that
// Prometheus would evaluate for the same numbers. One declaration, so the two cannot drift apart.
import type { CounterDerivation, HistogramDerivation, LabelFilter, PanelQuery } from "./types";

/** `verb!~"WATCH|CONNECT"`: long-running requests would swamp every latency statistic. */
export const NON_STREAMING: LabelFilter = { label: "verb", op: "!~", value: "WATCH|CONNECT" };

/** The +Inf bucket of a classic histogram: every observation, whatever the `le` set. */
export const INF_BUCKET: LabelFilter = { label: "le", op: "=", value: "+Inf" };

export function selector(where: LabelFilter[]): string {
  return where.length ? `{${where.map((f) => `${f.label}${f.op}${JSON.stringify(f.value)}`).join(",")}}` : "";
}

/**
 * Where a derivation's per-series numbers come from, given its filters and its window ("step": one per
 * step, "range": the whole range). Default: the raw series, `increase(…_bucket[…])` / `rate(…[…])`; the
 * server passes a recorded series instead when a recording rule holds the same numbers (lib/server/plan/recorded.ts).
 */
export type SeriesSource = (where: LabelFilter[], window: "step" | "range") => string;

const placeholder = (window: "step" | "range") => (window === "range" ? "$__range" : "$__rate_interval");
const rawBuckets = (family: string): SeriesSource => (where, window) => `increase(${family}_bucket${selector(where)}[${placeholder(window)}])`;
const rawRate = (metric: string): SeriesSource => (where, window) => `rate(${metric}${selector(where)}[${placeholder(window)}])`;

/** The PromQL with the same meaning as a derivation, with Grafana-style window placeholders. */
export function equivalentPromQL(family: string, d: HistogramDerivation, source?: SeriesSource): string {
  if (d.kind === "rate") {
    // A per-second rate, where every source yields a per-window increase: no recorded series serves it
    // (recorded.ts lists none of a family with a rate derivation; the planner asks only raw reads for it).
    if (source) throw new Error(`the rate of ${family} has no equivalent over a recorded series`);
    return `sum${d.by.length ? ` by (${d.by.join(", ")})` : ""} (rate(${family}_bucket${selector([...d.where, INF_BUCKET])}[$__rate_interval]))`;
  }
  source ??= rawBuckets(family);
  if (d.kind === "heatmap") return `sum by (le) (${source(d.where, "step")})`;
  const window = d.kind === "quantile-over-range" ? "range" : "step";
  const inner = ["instance", "le", ...d.by].filter((l, i, all) => (l !== "instance" || d.worstServer) && all.indexOf(l) === i);
  const quantile = `histogram_quantile(${d.q}, sum by (${inner.join(", ")}) (${source(d.where, window)}))`;
  const outer = d.worstServer ? `max${d.by.length ? ` by (${d.by.join(", ")})` : ""} (${quantile})` : quantile;
  return d.kind === "quantile" && d.onlyAboveZero ? `${outer} > 0` : outer;
}

type QueryFields = Omit<PanelQuery, "variants" | "histogram" | "type">;

/** A query derived from a histogram: the server reads the buckets once per view for every such query. */
export function histogramQuery(fields: QueryFields, family: string, derive: HistogramDerivation, variant: { requiresMetrics?: string[]; requiresLabels?: { metric: string; label: string }[] } = {}): PanelQuery {
  return {
    ...fields,
    type: derive.kind === "quantile-over-range" ? "instant" : "range",
    variants: [{ expr: equivalentPromQL(family, derive), ...variant }],
    histogram: { family, derive },
  };
}

/** The PromQL with the same meaning as a counter derivation. */
export function equivalentCounterPromQL(metric: string, d: CounterDerivation, source: SeriesSource = rawRate(metric)): string {
  const sum = (where: LabelFilter[]) => `sum(${source(where, "step")})`;
  // `or vector(0)`: no 5xx at all is a share of 0, not a gap.
  return d.kind === "sum" ? sum(d.where) : `(${sum(d.where)} or vector(0)) / ${sum(d.of)}`;
}

/** A query derived from a counter: the server reads it once per view for every such query. */
export function counterQuery(fields: QueryFields, metric: string, derive: CounterDerivation): PanelQuery {
  return { ...fields, type: "range", variants: [{ expr: equivalentCounterPromQL(metric, derive) }], counter: { metric, derive } };
}
