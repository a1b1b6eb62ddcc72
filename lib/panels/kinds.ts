// Chart kinds as data: for each kind, the options a panel of that kind must declare and how many points
// per pixel its data needs. The components that draw each kind are registered in
// components/charts/registry.tsx, keyed by the same names; TypeScript refuses a kind that has no
// component, or a panel whose options do not fit its kind.

/**
 * A limit that comes from the cluster's configuration, not from a metric: the in-flight limits, the etcd
 * database quota, and the seat ceiling of an EKS Provisioned Control Plane tier (lib/server/config.ts).
 */
export type ClusterLimitId = "inflightReadOnly" | "inflightMutating" | "etcdQuotaBytes" | "tierSeats";

/**
 * A configured limit drawn with a panel: as a reference line on charts, and as the denominator of a stat
 * reading. `match` says which series it applies to (the first label present with that value); a ref
 * without `match` applies to every series no other ref matched.
 */
export interface ClusterLimitRef {
  limit: ClusterLimitId;
  /** Shown before the value (in the panel's unit): "read-only limit 400", "quota 8 GiB". */
  label: string;
  match?: { labels: string[]; value: string };
  /** Theme colour of the line. */
  tone?: "bad" | "warn";
}

/** A fixed reference line, in the panel's unit. */
export interface Threshold {
  value: number;
  label: string;
}

export interface StatOptions {
  /** Readings within 90 % of their limit are shown as bad. */
  limits?: ClusterLimitRef[];
}

export interface TimeSeriesOptions {
  /** Most series to draw; the rest are counted in a "+N more" note (by peak value). */
  maxSeries?: number;
  thresholds?: Threshold[];
  limits?: ClusterLimitRef[];
}

export interface RankedTableOptions {
  /** The query whose values rank the rows (one value per series). */
  rankBy: string;
  limit: number;
  /** A range query drawn as a small line per row, matched to rows by labels. */
  sparkline?: string;
  /** Header of the column that names each row, e.g. "verb and resource". */
  rowHeader: string;
  /** Headers of the value columns by query id; the id itself otherwise. */
  columnHeaders?: Record<string, string>;
  /**
   * Each row gets the audit-log query that finds who sent its requests: `{{label}}` templates filled
   * from the row's labels (e.g. verb "{{verb}}", resource "{{resource}}", flow schema "{{flow_schema}}").
   */
  rowAudit?: { verb?: string; resource?: string; flowSchema?: string; priorityLevel?: string };
}

export interface LimitsTableOptions {
  /** The label that names each row, e.g. "priority_level". */
  rowLabel: string;
  rowHeader: string;
  /** Rows are sorted by this query's value, highest first. */
  sortBy: string;
  /** A row is flagged saturated when `used` ≥ ratio × `limit` (falling back to `fallbackLimit`). */
  saturation?: { used: string; limit: string; fallbackLimit?: string; ratio: number };
  /** Rows never limited whatever their numbers say, with a note, e.g. exempt. */
  unlimitedRows?: { value: string; note: string }[];
}

export interface HeatmapOptions {
  /** The panel's unit is the bucket bound's unit; counts are per cell. Nothing else to declare yet. */
  cellLabel?: string;
}

/** Every chart kind and its options. Adding a kind: one entry here, in CHART_KINDS and in the registry. */
export interface ChartOptions {
  stat: StatOptions;
  timeseries: TimeSeriesOptions;
  "ranked-table": RankedTableOptions;
  "limits-table": LimitsTableOptions;
  heatmap: HeatmapOptions;
}

export type ChartKind = keyof ChartOptions;

export interface ChartKindInfo {
  /**
   * Points worth fetching per pixel of chart width. A line needs no more than one point per two pixels to
   * look exact; a heatmap cell narrower than ~5 px is noise; sparklines are a fraction of their panel's
   * width. Every point costs the backend samples, and AMP bills per sample.
   */
  pointsPerPixel: number;
  /** Height reserved while loading, so the page does not jump when the data arrives. */
  minHeight: number;
}

export const CHART_KINDS: { readonly [K in ChartKind]: ChartKindInfo } = {
  timeseries: { pointsPerPixel: 1 / 2, minHeight: 120 },
  heatmap: { pointsPerPixel: 1 / 5, minHeight: 120 },
  stat: { pointsPerPixel: 1 / 5, minHeight: 70 },
  "ranked-table": { pointsPerPixel: 1 / 6, minHeight: 120 },
  "limits-table": { pointsPerPixel: 1 / 4, minHeight: 120 },
};
