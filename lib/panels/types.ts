// A panel is data: what it shows, why an SRE looks at it, the PromQL behind it, and how to draw it.
// Generic chart components render every panel from this; nothing panel-specific lives in components/.
import type { ChartKind, ChartOptions } from "./kinds";

export type { ChartKind } from "./kinds";

export type Unit = "reqps" | "ratio" | "seconds" | "count" | "percent" | "bytes" | "perSecond" | "cores";

export const ROWS = [
  { id: "health", title: "Is the API server in trouble?" },
  { id: "watch", title: "WATCH and long-running requests" },
  { id: "list", title: "LIST calls" },
  { id: "inflight", title: "In-flight limits" },
  { id: "apf", title: "API Priority and Fairness" },
  { id: "latency", title: "Where is the latency?" },
  { id: "context", title: "Context" },
  { id: "scheduling", title: "Scheduler and controller manager" },
] as const;

export type RowId = (typeof ROWS)[number]["id"];

/**
 * A control-plane component whose metrics come from another scrape job than the API server's (EKS:
 * /apis/metrics.eks.amazonaws.com/v1/ksh/container/metrics and …/kcm/container/metrics). Its job is found by
 * the metrics it exposes (lib/server/capabilities.ts), never by its name.
 */
export type ComponentId = "scheduler" | "controller-manager";

/**
 * One way to compute a query. Variants are tried in order; the first whose metrics (read from the
 * PromQL itself) and required labels exist on the cluster is used. This is how one panel works on
 * Kubernetes 1.24 and 1.35 alike.
 */
export interface QueryVariant {
  /**
   * PromQL without job/instance/cluster matchers (the dashboard injects them into every selector).
   * Placeholders: `$__rate_interval`, `$__range` (the whole visible range), `$__step`.
   */
  expr: string;
  /** Labels that must exist on a metric for this variant to apply, e.g. etcd's `type` before 1.34. */
  requiresLabels?: { metric: string; label: string }[];
  /** Other metrics whose presence proves the feature is on (e.g. APF), for variants that read only lazy metrics. */
  requiresMetrics?: string[];
  /** Shown under the panel when this variant is used, e.g. "using the ≤1.24 metric apiserver_longrunning_gauge". */
  note?: string;
}

/** A label matcher as data, e.g. { label: "verb", op: "!~", value: "WATCH|CONNECT" }. */
export interface LabelFilter {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/**
 * What a query derives from a classic histogram, so the server can read the raw buckets once per view
 * for every panel that needs them and compute the result itself (lib/server/plan).
 * - quantile: a series per `by` group over time (`histogram_quantile(q, sum by (le, by) (increase(…[step])))`);
 *   `worstServer` takes the quantile per API server first, then the highest.
 * - quantile-over-range: one value per group for the whole range (rankings).
 * - heatmap: observations per bucket per step, summed over everything that matches.
 * - rate: observations per second per `by` group, the +Inf bucket's rate (`sum by (by) (rate(…_bucket{le="+Inf"}[step]))`):
 *   a histogram's call rate from the same read as its quantiles, where `_count` would be a second family read.
 */
export type HistogramDerivation =
  | {
      kind: "quantile";
      q: number;
      by: string[];
      worstServer: boolean;
      where: LabelFilter[];
      /** `> 0`: drop steps with no observation above zero. */
      onlyAboveZero?: boolean;
      /** A sparkline beside a ranking: served by the ranking's read at its coarser step. */
      coarse?: boolean;
    }
  | { kind: "quantile-over-range"; q: number; by: string[]; worstServer: boolean; where: LabelFilter[] }
  | { kind: "heatmap"; where: LabelFilter[] }
  | { kind: "rate"; by: string[]; where: LabelFilter[] };

/**
 * What a query derives from a counter the server reads once per view, summed by the labels its
 * derivations need: `sum(rate(m{where}[step]))`, or that sum as a share of the sum over `of`.
 */
export type CounterDerivation = { kind: "sum"; where: LabelFilter[] } | { kind: "share"; where: LabelFilter[]; of: LabelFilter[] };

export interface CounterQuery {
  metric: string;
  derive: CounterDerivation;
}

export interface HistogramQuery {
  /** The histogram's name without `_bucket`, e.g. apiserver_request_duration_seconds. */
  family: string;
  derive: HistogramDerivation;
}

export interface PanelQuery {
  /** Stable id within the panel, used in CSV columns and legends. */
  id: string;
  /** `{{label}}` template, Grafana style; a literal string when the result has one series. */
  legend: string;
  /**
   * For a histogram query: the PromQL Prometheus would run for the same numbers (shown to the SRE,
   * checked against the derived values in tests, and read for capability detection).
   */
  variants: QueryVariant[];
  /** Derived on the server from one shared read of the histogram's buckets (see HistogramDerivation). */
  histogram?: HistogramQuery;
  /** Derived on the server from one shared read of a counter (see CounterDerivation). */
  counter?: CounterQuery;
  /** Range (a line over time, the default) or instant at the end of the range (tables, rankings). */
  type?: "range" | "instant";
  /** Overrides the panel's unit for this query (e.g. memory next to CPU). */
  unit?: Unit;
  /** Above this value (in the query's unit) the reading is bad: stat tiles show it red. */
  badAbove?: number;
  /** Drawn dashed: a secondary reading of the same series (p90 beside p99). */
  dashed?: boolean;
  /** Caption of this query's own small chart when its unit differs from the others' (memory beside CPU). */
  caption?: string;
}

/** What every panel declares, whatever its chart kind. */
interface PanelCommon {
  /** Stable id: part of permalinks (/panel/<id>), so never renamed. */
  id: string;
  /** Number in panels.md, for cross-reference. */
  number: number;
  row: RowId;
  title: string;
  /** One line: what this tells you. */
  explanation: string;
  /** One line: what to do when it looks bad. */
  hint: string;
  unit: Unit;
  queries: PanelQuery[];
  /** Why no variant can apply on this cluster (the metric was removed, or the feature is off). */
  absentReason: string;
  /** Said when the metric exists but had no series in the range; good news reads as good news. */
  emptyMessage: string;
  /** Wide panels take the whole row. */
  wide?: boolean;
  /**
   * Read from this component's job instead of the API server's (without the instance filter: its targets
   * are not API servers). Absent, with `absentReason` saying how to scrape it, when no job exposes it.
   */
  component?: ComponentId;
}

/** A panel of one chart kind, with that kind's options. */
export type PanelOf<K extends ChartKind> = PanelCommon & { chart: K; options: ChartOptions[K] };

/** Keyed by chart kind: a ranked table cannot be declared without its ranking. */
export type PanelDef = { [K in ChartKind]: PanelOf<K> }[ChartKind];

/** What the browser knows of a panel: everything but its PromQL, which arrives with its data. */
export type PanelMeta = { [K in ChartKind]: Omit<PanelOf<K>, "queries"> }[ChartKind];
export type PanelMetaOf<K extends ChartKind> = Extract<PanelMeta, { chart: K }>;

/** Strip the queries: the browser bundle carries no PromQL. */
export function panelMeta(panel: PanelDef): PanelMeta {
  const { queries: _queries, ...meta } = panel;
  return meta;
}
