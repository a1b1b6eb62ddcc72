// Declaring histogram queries in the catalogue: the derivation the server computes (lib/server/plan)
// and, generated from it, the PromQL that Prometheus would evaluate for the same numbers. One
// declaration, so the two cannot drift apart.
import type { HistogramDerivation, LabelFilter, PanelQuery } from "./types";

/** `verb!~"WATCH|CONNECT"`: long-running requests would swamp every latency statistic. */
export const NON_STREAMING: LabelFilter = { label: "verb", op: "!~", value: "WATCH|CONNECT" };

export function selector(where: LabelFilter[]): string {
  return where.length ? `{${where.map((f) => `${f.label}${f.op}${JSON.stringify(f.value)}`).join(",")}}` : "";
}

/** The PromQL with the same meaning as a derivation, with Grafana-style window placeholders. */
export function equivalentPromQL(family: string, d: HistogramDerivation): string {
  const bucket = `${family}_bucket${selector(d.where)}`;
  if (d.kind === "heatmap") return `sum by (le) (increase(${bucket}[$__rate_interval]))`;
  const window = d.kind === "quantile-over-range" ? "$__range" : "$__rate_interval";
  const inner = ["instance", "le", ...d.by].filter((l, i, all) => (l !== "instance" || d.worstServer) && all.indexOf(l) === i);
  const quantile = `histogram_quantile(${d.q}, sum by (${inner.join(", ")}) (increase(${bucket}[${window}])))`;
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
