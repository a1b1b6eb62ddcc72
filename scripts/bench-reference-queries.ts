// The baseline of `npm run bench`: the queries of the reference Grafana dashboard that apiscope replaces,
// "API Server Troubleshooter" v1.6.1 (RiskyAdventure/Troubleshooting-Dashboards, api-troubleshooter.json,
// Apache-2.0), copied verbatim from /work/shared/reference/metrics.md §1.2 (the row panel #16 has no query),
// plus how Grafana 8.5 would turn each into a Prometheus request.

export interface ReferencePanel {
  /** Row number in metrics.md §1.2. */
  number: number;
  /** Grafana panel id. */
  id: number;
  title: string;
  /** Stat panels run instant queries at the end of the range; everything else is a range query. */
  type: "instant" | "range";
  /** The panel's "Max data points"; Grafana otherwise uses the panel width in pixels (see DEFAULT_MAX_DATA_POINTS). */
  maxDataPoints?: number;
  /**
   * The target's "Min step" when it is a literal duration (seconds). Targets whose min step is `$__interval`
   * or `$__rate_interval` get none here: those resolve to at most what the step already is.
   */
  minStepSeconds?: number;
  /** Verbatim PromQL; `$job`, `$__interval` and `$__rate_interval` are Grafana variables. */
  expr: string;
}

/** Grafana's default "Max data points" is the panel's width in pixels; a full-width panel is ~1,000 px. */
export const DEFAULT_MAX_DATA_POINTS = 1000;

/** The `$job` the reference would pick on the scenario (its variable query lists one job). */
export const REFERENCE_JOB = "apiserver";

/** The reference's template variable `job`: `label_values(apiserver_current_inflight_requests, job)`, one /series call on load. */
export const REFERENCE_JOB_VARIABLE_MATCH = "apiserver_current_inflight_requests";

export const REFERENCE_PANELS: ReferencePanel[] = [
  { number: 1, id: 68, title: "Request Terminations", type: "instant", expr: `sum(rate(apiserver_request_terminations_total{job="$job"}[$__rate_interval]))` },
  { number: 2, id: 66, title: "API Pod Memory", type: "instant", expr: `process_resident_memory_bytes{job="apiserver"}` },
  { number: 3, id: 20, title: "Secret Cache Usage", type: "instant", expr: `apiserver_envelope_encryption_dek_cache_fill_percent{job="$job"}` },
  { number: 4, id: 2, title: "Top Resource Watches", type: "instant", expr: `topk(5, max by (kind)(apiserver_registered_watchers{job="$job"}))` },
  {
    number: 5,
    id: 57,
    title: "Unavailable Apiservice",
    type: "instant",
    expr: `max by (name)(max_over_time(aggregator_unavailable_apiservice{job="$job"}[$__interval])) > 0.1`,
  },
  {
    number: 6,
    id: 18,
    title: "Core API  Request Duration Heatmap",
    type: "range",
    maxDataPoints: 500,
    expr: `sum(increase(apiserver_request_duration_seconds_bucket{job="$job",subresource="",verb!="WATCH"}[$__rate_interval])) by (le)`,
  },
  {
    number: 7,
    id: 30,
    title: "Etcd Request Latency",
    type: "range",
    expr: `sum by (le)(increase(etcd_request_duration_seconds_bucket{job="$job"}[$__rate_interval]))`,
  },
  {
    number: 8,
    id: 8,
    title: "Slowest Requests (P90) - 5min",
    type: "range",
    expr: `topk(3, cluster_quantile:apiserver_request_duration_seconds:histogram_quantile{job="$job",quantile="0.9", subresource=""})`,
  },
  {
    number: 9,
    id: 64,
    title: "Total inflight request",
    type: "range",
    expr: `sum by (instance)(max_over_time(apiserver_current_inflight_requests{job="$job"}[$__rate_interval]))`,
  },
  {
    number: 10,
    id: 45,
    title: "% Client Error Rate - 2m",
    type: "range",
    maxDataPoints: 1000,
    expr: `sum by (instance,code)(increase(rest_client_requests_total{job="$job", code!~"2..", code!~"<error>"}[$__rate_interval])) > 0`,
  },
  {
    number: 11,
    id: 59,
    title: "API Server CPU usage in CPU Seconds",
    type: "range",
    maxDataPoints: 500,
    expr: `rate(process_cpu_seconds_total{job="$job"}[$__rate_interval])`,
  },
  {
    number: 12,
    id: 63,
    title: "Admission Webhook Admission Duration -Top 4",
    type: "range",
    maxDataPoints: 100,
    expr: `topk(4, histogram_quantile(0.90, sum without(instance,type,operation) (increase(apiserver_admission_webhook_admission_duration_seconds_bucket{job="$job"}[$__rate_interval]))))`,
  },
  {
    number: 13,
    id: 78,
    title: "apiserver request total",
    type: "range",
    minStepSeconds: 300,
    expr: `topk(5, code_resource:apiserver_request_total:rate5m)`,
  },
  { number: 14, id: 36, title: "Max Go Threads", type: "instant", expr: `go_threads{job="$job"}` },
  { number: 15, id: 10, title: "Deprecated Api Usage Count", type: "instant", expr: `topk(5, apiserver_requested_deprecated_apis{job="$job"})` },
  {
    number: 17,
    id: 61,
    title: "Shared concurrency limit by priority group",
    type: "instant",
    expr: `max without(instance)(apiserver_flowcontrol_request_concurrency_limit{job="$job"})`,
  },
  {
    number: 18,
    id: 47,
    title: "% of priority level max shares used",
    type: "range",
    maxDataPoints: 500,
    expr: `100 * max by (priority_level)(apiserver_flowcontrol_current_executing_requests{job="$job"}) / max by (priority_level) (apiserver_flowcontrol_request_concurrency_limit{job="$job"}) `,
  },
  {
    number: 19,
    id: 76,
    title: "Top executing requests by Flow",
    type: "range",
    maxDataPoints: 500,
    expr: `topk(5, max without (endpoint,namespace,service) (apiserver_flowcontrol_current_executing_requests{job="$job"}))`,
  },
  {
    number: 20,
    id: 51,
    title: "Time Request was in queue by flowschema (p90) - Top Instance",
    type: "range",
    maxDataPoints: 500,
    expr: `histogram_quantile(0.90, max without (instance) (increase(apiserver_flowcontrol_request_wait_duration_seconds_bucket{}[$__rate_interval])))`,
  },
  {
    number: 21,
    id: 71,
    title: "Rejected Requests -2m",
    type: "range",
    maxDataPoints: 500,
    expr: `sum without (endpoint,job,namespace,service)(increase(apiserver_flowcontrol_rejected_requests_total{}[$__rate_interval]))`,
  },
  {
    number: 22,
    id: 77,
    title: "Flowcontrol request execution time p90 - Top Instance",
    type: "range",
    maxDataPoints: 400,
    expr: `histogram_quantile(0.90, max without (instance) (increase(apiserver_flowcontrol_request_execution_seconds_bucket{job="$job"}[$__rate_interval])))`,
  },
  {
    number: 23,
    id: 73,
    title: "Rate of addition per second",
    type: "range",
    maxDataPoints: 400,
    expr: `topk(5, sum by (instance,priority_level,flow_schema)(rate(apiserver_flowcontrol_request_queue_length_after_enqueue_count{}[$__rate_interval])))`,
  },
];

// ------------------------------------------------------------------------------------------------------------
// Grafana's interval arithmetic (grafana-data rangeutil + the Prometheus data source, 8.x behaviour).

/** Grafana's roundInterval(): snaps a raw interval to a "nice" one. [upper bound exclusive, result], in ms. */
const ROUND_INTERVAL_MS: [number, number][] = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1_500, 1_000],
  [3_500, 2_000],
  [7_500, 5_000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
  [32_400_000, 21_600_000],
  [86_400_000, 43_200_000],
  [604_800_000, 86_400_000],
  [1_814_400_000, 604_800_000],
  [3_628_800_000, 2_592_000_000],
];

export function grafanaRoundIntervalMs(ms: number): number {
  for (const [below, result] of ROUND_INTERVAL_MS) if (ms < below) return result;
  return 31_536_000_000;
}

export interface GrafanaQueryTiming {
  /** `$__interval` and the range query's step, seconds. */
  interval: number;
  step: number;
  /** `$__rate_interval`, seconds. */
  rateInterval: number;
}

/**
 * What Grafana computes for one target:
 * - interval = roundInterval(range / maxDataPoints), at least the data source's scrape interval (its "min interval");
 * - step = max(interval, the target's min step, range / 11,000) (Prometheus' points-per-series limit);
 * - $__rate_interval = max(step + scrape, 4 × scrape).
 */
export function grafanaTiming(rangeSeconds: number, panel: ReferencePanel, scrapeSeconds: number): GrafanaQueryTiming {
  const maxDataPoints = panel.maxDataPoints ?? DEFAULT_MAX_DATA_POINTS;
  const rounded = grafanaRoundIntervalMs((rangeSeconds * 1000) / maxDataPoints) / 1000;
  const interval = Math.max(rounded, scrapeSeconds);
  const step = Math.max(interval, panel.minStepSeconds ?? 0, Math.ceil(rangeSeconds / 11_000));
  return { interval, step, rateInterval: Math.max(step + scrapeSeconds, 4 * scrapeSeconds) };
}

/** Substitutes the dashboard variables the way Grafana would before sending the query. */
export function interpolateReference(expr: string, timing: GrafanaQueryTiming, job = REFERENCE_JOB): string {
  return expr
    .replaceAll("$__rate_interval", `${timing.rateInterval}s`)
    .replaceAll("$__interval", `${timing.interval}s`)
    .replaceAll("$job", job);
}
