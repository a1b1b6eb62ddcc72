// The thirty panels of ../shared/reference/panels.md (numbers 1–30), and the EKS console's signals apiscope
// adds to them (31–38: seats against a Provisioned Control Plane tier, etcd database size against its quota,
// webhook rejections, the scheduler and the controller manager, webhook calls and p99), in the order an SRE
// reads them mid-incident.
// Rules every query follows: no recording rules; `max` across API servers where an average would hide a
// hot one; the exempt priority level (limit 0) is never a divisor; label-renames are absorbed by grouping
// on both the old and the new label names (a missing label is just empty) or by ordered variants.
import { counterQuery, histogramQuery, NON_STREAMING } from "./histograms";
import type { ClusterLimitRef } from "./kinds";
import type { ComponentId, PanelDef, PanelQuery, QueryVariant } from "./types";

const API_LATENCY = "apiserver_request_duration_seconds";
const ETCD_LATENCY = "etcd_request_duration_seconds";
const APF_WAIT = "apiserver_flowcontrol_request_wait_duration_seconds";
const WEBHOOK_DURATION = "apiserver_admission_webhook_admission_duration_seconds";

/** The server's --max-requests-inflight and --max-mutating-requests-inflight, from the cluster's configuration. */
const INFLIGHT_LIMITS: ClusterLimitRef[] = [
  { limit: "inflightReadOnly", label: "read-only limit" },
  // The label was `requestKind` before Kubernetes 1.19.
  { limit: "inflightMutating", label: "mutating limit", tone: "warn", match: { labels: ["request_kind", "requestKind"], value: "mutating" } },
];

/** Always exported while APF is on, so it tells "APF off" apart from "no rejection yet". */
const APF_EVIDENCE = "apiserver_flowcontrol_dispatched_requests_total";

/**
 * Metrics that have no series until their first event (a rejection, a termination, a webhook call…).
 * Their absence is not a missing feature: a panel reading them says "none in this range" instead.
 */
export const LAZY_METRICS: ReadonlySet<string> = new Set([
  "apiserver_flowcontrol_rejected_requests_total",
  "apiserver_flowcontrol_request_queue_length_after_enqueue_bucket",
  "apiserver_request_terminations_total",
  "apiserver_admission_webhook_admission_duration_seconds_bucket",
  "apiserver_requested_deprecated_apis",
  "aggregator_unavailable_apiservice",
  "apiserver_admission_webhook_rejection_count",
]);

/**
 * How a component's job is recognised (lib/server/capabilities.ts): a job other than the API server's that
 * exposes this metric. The API server has work queues of its own, so `workqueue_depth` alone would not do.
 */
export const COMPONENT_EVIDENCE: Readonly<Record<ComponentId, string>> = {
  scheduler: "scheduler_schedule_attempts_total",
  "controller-manager": "workqueue_depth",
};

/** The one-line "how to scrape these" of a component's panels, where its job is not scraped. */
function notScraped(component: string, path: "ksh" | "kcm"): string {
  return `The ${component}'s metrics are not scraped: add a scrape job for it (on EKS, /apis/metrics.eks.amazonaws.com/v1/${path}/container/metrics through the API server, see the README's "Scheduler and controller-manager metrics").`;
}

/** p-quantile per API server, then the worst server: one hot server must not be averaged away. */
function worstServerQuantile(q: number, bucket: string, selector = "", by: string[] = []): string {
  const labels = ["instance", "le", ...by].join(", ");
  const outer = by.length ? ` by (${by.join(", ")})` : "";
  return `max${outer} (histogram_quantile(${q}, sum by (${labels}) (rate(${bucket}${selector ? `{${selector}}` : ""}[$__rate_interval]))))`;
}

/** A ranking by the current value (instant query at the end of the range) and the same series over time. */
function nowAndOverTime(legend: string, variants: QueryVariant[]): PanelQuery[] {
  return [
    { id: "now", legend, type: "instant", variants },
    { id: "series", legend, variants },
  ];
}

export const PANELS: PanelDef[] = [
  // ── Row 1: Is the API server in trouble? ────────────────────────────────────────────────
  {
    id: "request-rate",
    number: 1,
    row: "health",
    title: "Requests and errors",
    explanation: "All requests per second, and the share answered 5xx (server failing), 429 (throttled by APF) or any 4xx (429 included).",
    hint: "429s point at API Priority and Fairness below; 5xx at etcd, webhooks or an overloaded server.",
    unit: "reqps",
    chart: "stat",
    options: {},
    queries: [
      counterQuery({ id: "rate", legend: "requests" }, "apiserver_request_total", { kind: "sum", where: [] }),
      counterQuery({ id: "5xx", legend: "5xx", unit: "ratio", badAbove: 0.01 }, "apiserver_request_total", {
        kind: "share",
        where: [{ label: "code", op: "=~", value: "5.." }],
        of: [],
      }),
      counterQuery({ id: "429", legend: "429", unit: "ratio", badAbove: 0.01 }, "apiserver_request_total", {
        kind: "share",
        where: [{ label: "code", op: "=", value: "429" }],
        of: [],
      }),
      // As the EKS console shows it beside 5xx and 429 (which it includes); no bad line: 404s and 409s are
      // everyday answers to controllers.
      counterQuery({ id: "4xx", legend: "4xx", unit: "ratio" }, "apiserver_request_total", {
        kind: "share",
        where: [{ label: "code", op: "=~", value: "4.." }],
        of: [],
      }),
    ],
    absentReason: "apiserver_request_total is not scraped for this job: check that the API server's /metrics is a scrape target.",
    emptyMessage: "No requests recorded in this range.",
  },
  {
    id: "api-latency-p99",
    number: 2,
    row: "health",
    title: "API latency p99 (worst server)",
    explanation: "p99 of non-streaming requests on the slowest API server, against the upstream SLOs.",
    hint: "Over 1 s for single-object calls or 30 s for cluster-wide LISTs breaks the SLO: find the call in 'Slowest calls'.",
    unit: "seconds",
    chart: "stat",
    options: {},
    queries: [
      histogramQuery({ id: "single", legend: "single object", badAbove: 1 }, API_LATENCY, {
        kind: "quantile",
        q: 0.99,
        by: [],
        worstServer: true,
        where: [NON_STREAMING, { label: "scope", op: "=", value: "resource" }],
      }),
      // NON_STREAMING changes nothing for LIST, but lets this share the family's one read with the others.
      histogramQuery({ id: "cluster-list", legend: "cluster LIST", badAbove: 30 }, API_LATENCY, {
        kind: "quantile",
        q: 0.99,
        by: [],
        worstServer: true,
        where: [NON_STREAMING, { label: "verb", op: "=", value: "LIST" }, { label: "scope", op: "=", value: "cluster" }],
      }),
    ],
    absentReason: "apiserver_request_duration_seconds is not scraped for this job.",
    emptyMessage: "No non-streaming requests in this range.",
  },
  {
    id: "etcd-latency-p99",
    number: 3,
    row: "health",
    title: "etcd latency p99 (worst server)",
    explanation: "How long the API server waits for etcd, p99 on the slowest server.",
    hint: "If this rises with API latency, etcd is the cause: look at 'API vs etcd' and the etcd heatmap.",
    unit: "seconds",
    chart: "stat",
    options: {},
    queries: [histogramQuery({ id: "p99", legend: "etcd p99", badAbove: 0.1 }, ETCD_LATENCY, { kind: "quantile", q: 0.99, by: [], worstServer: true, where: [] })],
    absentReason: "etcd_request_duration_seconds is not scraped for this job.",
    emptyMessage: "No etcd requests in this range.",
  },
  {
    id: "apf-rejections-rate",
    number: 4,
    row: "health",
    title: "APF rejections",
    explanation: "Requests API Priority and Fairness turned away (HTTP 429), per second, by reason.",
    hint: "Any rejection means a priority level is saturated: see which flow schema in row 5.",
    unit: "perSecond",
    chart: "stat",
    options: {},
    queries: [
      {
        id: "rejected",
        legend: "{{reason}}",
        badAbove: 0,
        variants: [{ expr: "sum by (reason) (rate(apiserver_flowcontrol_rejected_requests_total[$__rate_interval]))", requiresMetrics: [APF_EVIDENCE] }],
      },
    ],
    absentReason: "API Priority and Fairness metrics are missing: APF is disabled or the scrape drops apiserver_flowcontrol_*.",
    emptyMessage: "No APF rejections in this range.",
  },
  {
    id: "peak-inflight",
    number: 5,
    row: "health",
    title: "Peak in-flight (worst server)",
    explanation: "The most requests executing at once on any API server, read-only and mutating, against the server limits.",
    hint: "At the limit, new requests queue or get 429: find the caller in the LIST and APF rows.",
    unit: "count",
    chart: "stat",
    options: { limits: INFLIGHT_LIMITS },
    queries: [
      {
        id: "inflight",
        legend: "{{request_kind}}{{requestKind}}",
        // max_over_time: at coarse steps a plain gauge read would skip short spikes to the limit.
        variants: [{ expr: "max by (request_kind, requestKind) (max_over_time(apiserver_current_inflight_requests[$__rate_interval]))" }],
      },
    ],
    absentReason: "apiserver_current_inflight_requests is not scraped for this job.",
    emptyMessage: "No in-flight samples in this range.",
  },
  {
    id: "terminations",
    number: 6,
    row: "health",
    title: "Requests terminated",
    explanation: "Requests the API server killed in self-defense (timeouts, overload), per second.",
    hint: "Non-zero means clients saw errors they will retry: find the verb and resource in 'Slowest calls'.",
    unit: "perSecond",
    chart: "stat",
    options: {},
    queries: [
      { id: "terminated", legend: "terminated", badAbove: 0, variants: [{ expr: "sum(rate(apiserver_request_terminations_total[$__rate_interval]))" }] },
    ],
    absentReason: "apiserver_request_terminations_total has no series on this cluster yet: it appears with the first termination.",
    emptyMessage: "No requests terminated in this range.",
  },

  // ── Row 2: WATCH and long-running requests ────────────────────────────────────────────
  {
    id: "longrunning-per-server",
    number: 7,
    row: "watch",
    title: "Long-running requests per API server",
    explanation: "Open WATCH and CONNECT requests on each API server; a gap between servers means asymmetric load.",
    hint: "One server far above the others: clients pinned to it after a restart. A sudden step up: a new watcher fleet.",
    unit: "count",
    chart: "timeseries",
    options: {},
    queries: [
      {
        id: "longrunning",
        legend: "{{instance}}",
        variants: [
          { expr: "sum by (instance) (apiserver_longrunning_requests)" },
          { expr: "sum by (instance) (apiserver_longrunning_gauge)", note: "Using apiserver_longrunning_gauge (Kubernetes ≤ 1.24)." },
        ],
      },
    ],
    absentReason:
      "Neither apiserver_longrunning_requests (Kubernetes 1.23+) nor apiserver_longrunning_gauge (≤ 1.24) is scraped: check the scrape's metric drop rules.",
    emptyMessage: "No long-running requests in this range.",
    wide: true,
  },
  {
    id: "top-watched-resources",
    number: 8,
    row: "watch",
    title: "Top watched resources",
    explanation: "Open WATCHes by resource, summed over API servers, now and over the range.",
    hint: "A resource with thousands of watches: find the DaemonSet or operator with the audit log's userAgent.",
    unit: "count",
    chart: "ranked-table",
    options: { rankBy: "now", limit: 10, sparkline: "series", rowHeader: "resource" },
    queries: nowAndOverTime("{{resource}}{{kind}}", [
      { expr: `sum by (group, resource) (apiserver_longrunning_requests{verb="WATCH"})` },
      { expr: "sum by (group, kind) (apiserver_registered_watchers)", note: "Using apiserver_registered_watchers by kind (Kubernetes ≤ 1.24)." },
    ]),
    absentReason:
      "Neither apiserver_longrunning_requests (1.23+) nor apiserver_registered_watchers (removed in Kubernetes 1.25) is scraped.",
    emptyMessage: "No open WATCH requests in this range.",
  },
  {
    id: "watch-events",
    number: 9,
    row: "watch",
    title: "Watch events sent",
    explanation: "Watch events the API server sends to watchers per second, by resource (by kind before 1.34).",
    hint: "A burst here with many watchers multiplies into CPU and network load on every API server.",
    unit: "perSecond",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "events",
        legend: "{{resource}}{{kind}}",
        variants: [{ expr: "sum by (group, kind, resource) (rate(apiserver_watch_events_total[$__rate_interval]))" }],
      },
    ],
    absentReason: "apiserver_watch_events_total is not scraped for this job.",
    emptyMessage: "No watch events in this range.",
  },

  // ── Row 3: LIST calls ────────────────────────────────────────────────────────────────────
  {
    id: "list-rate",
    number: 10,
    row: "list",
    title: "LIST rate by resource and scope",
    explanation: "LIST calls per second; cluster-scope LISTs of big resources (all pods) are the costliest calls there are.",
    hint: "A cluster-scope LIST of pods from every node: switch the client to an informer (WATCH) or add a field selector.",
    unit: "reqps",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "lists",
        legend: "{{resource}} ({{scope}})",
        variants: [{ expr: `sum by (group, resource, scope) (rate(apiserver_request_total{verb="LIST"}[$__rate_interval]))` }],
      },
    ],
    absentReason: "apiserver_request_total is not scraped for this job.",
    emptyMessage: "No LIST calls in this range.",
  },
  {
    id: "objects-read",
    number: 11,
    row: "list",
    title: "Objects read by LIST",
    explanation: "Objects returned per second by resource, and all objects fetched from storage and evaluated against selectors.",
    hint: "Fetched far above returned: selectors filter after reading everything; use indexed field selectors or pagination.",
    unit: "perSecond",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "returned",
        legend: "returned {{resource}}",
        variants: [{ expr: "sum by (group, resource) (rate(apiserver_storage_list_returned_objects_total[$__rate_interval]))" }],
      },
      {
        id: "fetched",
        legend: "fetched (all resources)",
        variants: [{ expr: "sum(rate(apiserver_storage_list_fetched_objects_total[$__rate_interval]))" }],
      },
      {
        id: "evaluated",
        legend: "evaluated (all resources)",
        variants: [{ expr: "sum(rate(apiserver_storage_list_evaluated_objects_total[$__rate_interval]))" }],
      },
    ],
    absentReason: "apiserver_storage_list_* counters exist from Kubernetes 1.23; they are not scraped here.",
    emptyMessage: "No LIST reached storage in this range.",
  },
  {
    id: "list-response-size",
    number: 12,
    row: "list",
    title: "LIST response size p99",
    explanation: "How big LIST responses are, by resource: big responses cost API server memory and client bandwidth.",
    hint: "Responses in the tens of MB: paginate (limit/continue) or narrow with label and field selectors.",
    unit: "bytes",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "size",
        legend: "{{resource}}",
        variants: [
          { expr: `histogram_quantile(0.99, sum by (le, group, resource) (rate(apiserver_response_sizes_bucket{verb="LIST"}[$__rate_interval])))` },
        ],
      },
    ],
    absentReason: "apiserver_response_sizes is not scraped for this job.",
    emptyMessage: "No LIST responses in this range.",
  },

  // ── Row 4: In-flight limits ─────────────────────────────────────────────────────────────
  {
    id: "inflight",
    number: 13,
    row: "inflight",
    title: "In-flight requests per API server",
    explanation: "Requests executing at once on each server, read-only and mutating, against the server's limits.",
    hint: "Pinned at the limit on one server: load is asymmetric; at the limit on all: raise the limits or cut the caller.",
    unit: "count",
    chart: "timeseries",
    options: { limits: INFLIGHT_LIMITS },
    queries: [
      {
        id: "inflight",
        legend: "{{instance}} {{request_kind}}{{requestKind}}",
        variants: [{ expr: "max by (instance, request_kind, requestKind) (max_over_time(apiserver_current_inflight_requests[$__rate_interval]))" }],
      },
    ],
    absentReason: "apiserver_current_inflight_requests is not scraped for this job.",
    emptyMessage: "No in-flight samples in this range.",
    wide: true,
  },

  // ── Row 5: API Priority and Fairness ─────────────────────────────────────────────────────
  {
    id: "apf-seat-utilization",
    number: 14,
    row: "apf",
    title: "Seat utilization per priority level",
    explanation: "Seats in use as a share of each priority level's current limit, on the busiest server (exempt excluded).",
    hint: "A level at 100 % queues and then rejects: give it more seats or find the flow that fills it (top flows).",
    unit: "percent",
    chart: "timeseries",
    options: { thresholds: [{ value: 100, label: "limit" }] },
    queries: [
      {
        id: "utilization",
        legend: "{{priority_level}}",
        variants: [
          {
            expr: `100 * max by (priority_level) (sum by (instance, priority_level) (apiserver_flowcontrol_current_executing_seats{priority_level!="exempt"}) / on (instance, priority_level) (max by (instance, priority_level) (apiserver_flowcontrol_current_limit_seats{priority_level!="exempt"}) > 0))`,
          },
          {
            expr: `100 * max by (priority_level) (sum by (instance, priority_level) (apiserver_flowcontrol_request_concurrency_in_use{priority_level!="exempt"}) / on (instance, priority_level) (max by (instance, priority_level) (apiserver_flowcontrol_current_limit_seats{priority_level!="exempt"}) > 0))`,
            note: "Using apiserver_flowcontrol_request_concurrency_in_use (before 1.28).",
          },
          {
            expr: `100 * max by (priority_level) (sum by (instance, priority_level) (apiserver_flowcontrol_request_concurrency_in_use{priority_level!="exempt"}) / on (instance, priority_level) (max by (instance, priority_level) (apiserver_flowcontrol_request_concurrency_limit{priority_level!="exempt"}) > 0))`,
            note: "Using apiserver_flowcontrol_request_concurrency_limit (before 1.26: no borrowing).",
          },
        ],
      },
    ],
    absentReason: "API Priority and Fairness seat metrics are missing: APF is disabled, or the scrape drops apiserver_flowcontrol_*.",
    emptyMessage: "No priority level executed requests in this range.",
    wide: true,
  },
  {
    id: "apf-limits",
    number: 15,
    row: "apf",
    title: "Seat limits per priority level",
    explanation: "Nominal seats configured, current limit after borrowing, the borrowing bounds, and seats in use now.",
    hint: "Current far below nominal: other levels borrowed its seats. Raise nominalConcurrencyShares for a starved level.",
    unit: "count",
    chart: "limits-table",
    options: { rowLabel: "priority_level", rowHeader: "priority level", sortBy: "nominal", saturation: { used: "in-use", limit: "current", fallbackLimit: "nominal", ratio: 0.95 }, unlimitedRows: [{ value: "exempt", note: "never limited" }] },
    queries: [
      {
        id: "nominal",
        legend: "nominal",
        type: "instant",
        variants: [
          { expr: "max by (priority_level) (apiserver_flowcontrol_nominal_limit_seats)" },
          { expr: "max by (priority_level) (apiserver_flowcontrol_request_concurrency_limit)", note: "Limits from apiserver_flowcontrol_request_concurrency_limit (before 1.26)." },
        ],
      },
      { id: "current", legend: "current", type: "instant", variants: [{ expr: "max by (priority_level) (apiserver_flowcontrol_current_limit_seats)" }] },
      { id: "lower", legend: "lower bound", type: "instant", variants: [{ expr: "max by (priority_level) (apiserver_flowcontrol_lower_limit_seats)" }] },
      { id: "upper", legend: "upper bound", type: "instant", variants: [{ expr: "max by (priority_level) (apiserver_flowcontrol_upper_limit_seats)" }] },
      {
        id: "in-use",
        legend: "in use (busiest server)",
        type: "instant",
        variants: [
          { expr: "max by (priority_level) (sum by (instance, priority_level) (apiserver_flowcontrol_current_executing_seats))" },
          { expr: "max by (priority_level) (sum by (instance, priority_level) (apiserver_flowcontrol_request_concurrency_in_use))" },
        ],
      },
    ],
    absentReason: "No APF limit metric is scraped (nominal_limit_seats from 1.26, request_concurrency_limit before 1.31).",
    emptyMessage: "No priority levels reported.",
  },
  {
    id: "apf-control-plane-seats",
    number: 31,
    row: "apf",
    title: "Seats in use, whole control plane",
    explanation: "Execution seats held on all API servers together (exempt excluded), against the seats configured and, on EKS Provisioned Control Plane, the tier's ceiling.",
    hint: "Near the tier's ceiling: requests queue and get 429 however the levels share the seats; find the top flow, or move up a tier.",
    unit: "count",
    chart: "timeseries",
    options: { limits: [{ limit: "tierSeats", label: "tier ceiling", tone: "warn" }] },
    queries: [
      {
        id: "in-use",
        legend: "seats in use (peak)",
        // max_over_time: at coarse steps a plain gauge read would skip the bursts that hit the ceiling.
        variants: [
          { expr: `sum(max_over_time(apiserver_flowcontrol_current_executing_seats{priority_level!="exempt"}[$__rate_interval]))` },
          {
            expr: `sum(max_over_time(apiserver_flowcontrol_request_concurrency_in_use{priority_level!="exempt"}[$__rate_interval]))`,
            note: "Using apiserver_flowcontrol_request_concurrency_in_use (before 1.28).",
          },
        ],
      },
      {
        id: "configured",
        legend: "configured (nominal seats, all servers)",
        dashed: true,
        variants: [
          { expr: `sum(apiserver_flowcontrol_nominal_limit_seats{priority_level!="exempt"})` },
          { expr: `sum(apiserver_flowcontrol_request_concurrency_limit{priority_level!="exempt"})` },
        ],
      },
    ],
    absentReason: "No APF seat metric is scraped (current_executing_seats from 1.28, request_concurrency_in_use before 1.32): APF is disabled or dropped by the scrape.",
    emptyMessage: "No priority level executed requests in this range.",
  },
  {
    id: "apf-inqueue",
    number: 16,
    row: "apf",
    title: "Requests waiting in queue",
    explanation: "Requests queued by API Priority and Fairness, by priority level and flow schema, summed over servers.",
    hint: "A steady queue means the level is saturated; the flow schema names who is waiting.",
    unit: "count",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "inqueue",
        legend: "{{flow_schema}} → {{priority_level}}",
        variants: [{ expr: "sum by (priority_level, flow_schema) (max_over_time(apiserver_flowcontrol_current_inqueue_requests[$__rate_interval])) > 0" }],
      },
    ],
    absentReason: "apiserver_flowcontrol_current_inqueue_requests is not scraped: APF is disabled or dropped by the scrape.",
    emptyMessage: "Nothing waited in an APF queue in this range.",
  },
  {
    id: "apf-queue-wait",
    number: 17,
    row: "apf",
    title: "Queue wait p90 / p99 by flow schema",
    explanation: "How long requests waited in APF queues before executing, on the worst server.",
    hint: "Seconds of wait show up directly in client latency; the flow schema tells whose requests wait.",
    unit: "seconds",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      histogramQuery({ id: "p99", legend: "{{flow_schema}} p99" }, APF_WAIT, {
        kind: "quantile",
        q: 0.99,
        by: ["flow_schema", "priority_level"],
        worstServer: true,
        where: [],
        onlyAboveZero: true,
      }),
      histogramQuery({ id: "p90", legend: "{{flow_schema}} p90", dashed: true }, APF_WAIT, {
        kind: "quantile",
        q: 0.9,
        by: ["flow_schema", "priority_level"],
        worstServer: true,
        where: [],
        onlyAboveZero: true,
      }),
    ],
absentReason: "apiserver_flowcontrol_request_wait_duration_seconds is not scraped: APF is disabled or dropped by the scrape.",
    emptyMessage: "No request waited in an APF queue in this range.",
  },
  {
    id: "apf-top-flows",
    number: 18,
    row: "apf",
    title: "Top flows by seats held",
    explanation: "Which flow schemas (and priority levels) held the most execution seats, averaged over the range.",
    hint: "The top flow during a saturation is the caller to fix: match the flow schema's subjects to a service account.",
    unit: "count",
    chart: "ranked-table",
    options: { rankBy: "avg", limit: 10, sparkline: "series", rowHeader: "flow schema → priority level", rowAudit: { flowSchema: "{{flow_schema}}" } },
    queries: [
      {
        id: "avg",
        legend: "{{flow_schema}} → {{priority_level}}",
        type: "instant",
        variants: [
          { expr: "sum by (flow_schema, priority_level) (avg_over_time(apiserver_flowcontrol_current_executing_seats[$__range]))" },
          {
            expr: "sum by (flow_schema, priority_level) (avg_over_time(apiserver_flowcontrol_request_concurrency_in_use[$__range]))",
            note: "Seats from apiserver_flowcontrol_request_concurrency_in_use (before 1.28).",
          },
          {
            expr: "sum by (flow_schema, priority_level) (avg_over_time(apiserver_flowcontrol_current_executing_requests[$__range]))",
            note: "Counting requests, not seats (no seat metric on this cluster).",
          },
        ],
      },
      {
        id: "series",
        legend: "{{flow_schema}} → {{priority_level}}",
        variants: [
          { expr: "sum by (flow_schema, priority_level) (apiserver_flowcontrol_current_executing_seats)" },
          { expr: "sum by (flow_schema, priority_level) (apiserver_flowcontrol_request_concurrency_in_use)" },
          { expr: "sum by (flow_schema, priority_level) (apiserver_flowcontrol_current_executing_requests)" },
        ],
      },
    ],
    absentReason: "No APF executing metric is scraped: APF is disabled or dropped by the scrape.",
    emptyMessage: "No flow executed requests in this range.",
  },
  {
    id: "apf-rejected",
    number: 19,
    row: "apf",
    title: "Rejected requests by flow schema and reason",
    explanation: "Requests rejected with 429 by APF: queue-full, concurrency-limit (no queues) or time-out (waited too long).",
    hint: "queue-full for one flow schema: that client floods its level; slow it down or give it its own priority level.",
    unit: "perSecond",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "rejected",
        legend: "{{flow_schema}} · {{reason}}",
        variants: [
          {
            expr: "sum by (flow_schema, priority_level, reason) (rate(apiserver_flowcontrol_rejected_requests_total[$__rate_interval]))",
            requiresMetrics: [APF_EVIDENCE],
          },
        ],
      },
    ],
    absentReason: "APF metrics are missing: APF is disabled or the scrape drops apiserver_flowcontrol_*.",
    emptyMessage: "No APF rejections in this range.",
  },
  {
    id: "apf-execution-p90",
    number: 20,
    row: "apf",
    title: "Execution time p90 per priority level",
    explanation: "How long requests ran once admitted (regular requests, not watches), on the worst server.",
    hint: "Long executions hold seats longer and starve the level; look for slow LISTs and webhooks.",
    unit: "seconds",
    chart: "timeseries",
    options: {},
    queries: [
      {
        id: "p90",
        legend: "{{priority_level}}",
        variants: [
          {
            expr: worstServerQuantile(0.9, "apiserver_flowcontrol_request_execution_seconds_bucket", `type="regular"`, ["priority_level"]),
            requiresLabels: [{ metric: "apiserver_flowcontrol_request_execution_seconds_bucket", label: "type" }],
          },
          { expr: worstServerQuantile(0.9, "apiserver_flowcontrol_request_execution_seconds_bucket", "", ["priority_level"]) },
        ],
      },
    ],
    absentReason: "apiserver_flowcontrol_request_execution_seconds is not scraped: APF is disabled or dropped by the scrape.",
    emptyMessage: "No requests executed in this range.",
  },
  {
    id: "apf-queue-length",
    number: 21,
    row: "apf",
    title: "Queue length after enqueue (p99)",
    explanation: "How long the queue was when a request joined it, by flow schema: an outlier means one flow is flooding.",
    hint: "One flow with long queues while others stay short: that client sends faster than its share.",
    unit: "count",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "p99",
        legend: "{{flow_schema}} → {{priority_level}}",
        variants: [
          {
            expr: "histogram_quantile(0.99, sum by (le, flow_schema, priority_level) (rate(apiserver_flowcontrol_request_queue_length_after_enqueue_bucket[$__rate_interval])))",
            requiresMetrics: [APF_EVIDENCE],
          },
        ],
      },
    ],
    absentReason: "apiserver_flowcontrol_request_queue_length_after_enqueue is not scraped.",
    emptyMessage: "No request was queued in this range.",
  },

  // ── Row 6: Where is the latency? ───────────────────────────────────────────────────────
  {
    id: "slowest-calls",
    number: 22,
    row: "latency",
    title: "Slowest calls: verb and resource",
    explanation: "The five slowest verb + resource pairs over the range by p99 (WATCH and CONNECT excluded), with p90.",
    hint: "A LIST at the top: who sends it is in the audit log (userAgent); a write at the top: check webhooks and etcd.",
    unit: "seconds",
    chart: "ranked-table",
    options: { rankBy: "p99", limit: 5, sparkline: "series", rowHeader: "verb and resource", rowAudit: { verb: "{{verb}}", resource: "{{resource}}" } },
    queries: [
      histogramQuery({ id: "p99", legend: "{{verb}} {{resource}}" }, API_LATENCY, {
        kind: "quantile-over-range",
        q: 0.99,
        by: ["verb", "group", "resource"],
        worstServer: false,
        where: [NON_STREAMING],
      }),
      histogramQuery({ id: "p90", legend: "{{verb}} {{resource}}" }, API_LATENCY, {
        kind: "quantile-over-range",
        q: 0.9,
        by: ["verb", "group", "resource"],
        worstServer: false,
        where: [NON_STREAMING],
      }),
      histogramQuery({ id: "series", legend: "{{verb}} {{resource}}" }, API_LATENCY, {
        kind: "quantile",
        q: 0.99,
        by: ["verb", "group", "resource"],
        worstServer: false,
        where: [NON_STREAMING],
        coarse: true,
      }),
    ],
absentReason: "apiserver_request_duration_seconds is not scraped for this job.",
    emptyMessage: "No non-streaming requests in this range.",
  },
  {
    id: "api-latency-heatmap",
    number: 23,
    row: "latency",
    title: "API request duration heatmap",
    explanation: "Requests per latency bucket over time (non-WATCH): a fast band (cache hits) and, in trouble, a slow band.",
    hint: "A new slow band: hover it for the bucket, then find the call in 'Slowest calls'.",
    unit: "seconds",
    chart: "heatmap",
    options: {},
    queries: [
      histogramQuery({ id: "buckets", legend: "{{le}}" }, API_LATENCY, { kind: "heatmap", where: [NON_STREAMING] }),
    ],
    absentReason: "apiserver_request_duration_seconds_bucket is not scraped for this job.",
    emptyMessage: "No non-streaming requests in this range.",
    wide: true,
  },
  {
    id: "etcd-latency-heatmap",
    number: 24,
    row: "latency",
    title: "etcd request duration heatmap",
    explanation: "etcd calls per latency bucket over time, as the API server sees them.",
    hint: "A slow band here at the same time as in the API heatmap: etcd is the bottleneck (disk, size, defrag).",
    unit: "seconds",
    chart: "heatmap",
    options: {},
    queries: [histogramQuery({ id: "buckets", legend: "{{le}}" }, ETCD_LATENCY, { kind: "heatmap", where: [] })],
    absentReason: "etcd_request_duration_seconds_bucket is not scraped for this job.",
    emptyMessage: "No etcd requests in this range.",
    wide: true,
  },
  {
    id: "api-vs-etcd",
    number: 25,
    row: "latency",
    title: "API p99 against etcd p99",
    explanation: "Both p99s on one time axis, worst server each.",
    hint: "Rising together: etcd is the cause. API rising alone: queueing, webhooks or expensive LISTs in the API server.",
    unit: "seconds",
    chart: "timeseries",
    options: {},
    queries: [
      histogramQuery({ id: "api", legend: "API p99" }, API_LATENCY, { kind: "quantile", q: 0.99, by: [], worstServer: true, where: [NON_STREAMING] }),
      histogramQuery({ id: "etcd", legend: "etcd p99" }, ETCD_LATENCY, { kind: "quantile", q: 0.99, by: [], worstServer: true, where: [] }),
    ],
    absentReason: "Neither latency histogram is scraped for this job.",
    emptyMessage: "No requests in this range.",
  },
  {
    id: "etcd-by-operation",
    number: 26,
    row: "latency",
    title: "Slowest etcd operations",
    explanation: "The five slowest etcd operation + resource pairs over the range by p99 (worst server).",
    hint: "A slow `list` on one resource: too many objects of that kind; a slow `update`: etcd disk or contention.",
    unit: "seconds",
    chart: "ranked-table",
    options: { rankBy: "p99", limit: 5, sparkline: "series", rowHeader: "operation and resource" },
    queries: [
      histogramQuery({ id: "p99", legend: "{{operation}} {{type}}{{resource}}" }, ETCD_LATENCY, {
        kind: "quantile-over-range",
        q: 0.99,
        by: ["operation", "type", "group", "resource"],
        worstServer: true,
        where: [],
      }),
      histogramQuery({ id: "series", legend: "{{operation}} {{type}}{{resource}}" }, ETCD_LATENCY, {
        kind: "quantile",
        q: 0.99,
        by: ["operation", "type", "group", "resource"],
        worstServer: true,
        where: [],
        coarse: true,
      }),
    ],
absentReason: "etcd_request_duration_seconds is not scraped for this job.",
    emptyMessage: "No etcd requests in this range.",
  },

  // ── Row 7: Context ────────────────────────────────────────────────────────────────────
  {
    id: "webhook-duration",
    number: 27,
    row: "context",
    title: "Admission webhook duration p90",
    explanation: "The four slowest admission webhooks by p90, worst server: every write waits for them.",
    hint: "A webhook near its timeout slows every write it matches: check its pods or narrow its rules.",
    unit: "seconds",
    chart: "timeseries",
    options: { maxSeries: 4 },
    queries: [histogramQuery({ id: "p90", legend: "{{name}}" }, WEBHOOK_DURATION, { kind: "quantile", q: 0.9, by: ["name"], worstServer: true, where: [] })],
    absentReason: "No admission webhook was called on this cluster: apiserver_admission_webhook_* appears with the first call.",
    emptyMessage: "No admission webhook calls in this range.",
  },
  {
    // The EKS console's webhook view (requests, rejections, p99) from #27's own read of the histogram:
    // the call rate is its +Inf bucket, the p99 the same buckets' quantile, so this panel costs no sample.
    id: "webhook-calls",
    number: 38,
    row: "context",
    title: "Admission webhook calls and p99",
    explanation: "Calls per second to each admission webhook, by type (validating or admit) and whether it rejected the request, and each webhook's p99 on the worst server.",
    hint: "rejected=true climbing: the webhook turns writes down (see the rejections panel for why); a p99 near the webhook's timeout: every write it matches waits that long.",
    unit: "perSecond",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      histogramQuery({ id: "calls", legend: "{{name}} · {{type}} · rejected={{rejected}}", caption: "calls per second" }, WEBHOOK_DURATION, {
        kind: "rate",
        by: ["name", "type", "rejected"],
        where: [],
      }),
      histogramQuery({ id: "p99", legend: "{{name}} p99", unit: "seconds", caption: "p99 (worst server)" }, WEBHOOK_DURATION, {
        kind: "quantile",
        q: 0.99,
        by: ["name"],
        worstServer: true,
        where: [],
      }),
    ],
    absentReason: "No admission webhook was called on this cluster: apiserver_admission_webhook_* appears with the first call.",
    emptyMessage: "No admission webhook calls in this range.",
  },
  {
    id: "webhook-rejections",
    number: 33,
    row: "context",
    title: "Admission webhook rejections",
    explanation: "Requests admission webhooks turned down per second, by webhook and why: a policy's denial (its HTTP code) or a failed call.",
    hint: "calling_webhook_error: the webhook is down or timing out and its failurePolicy is Fail; a denial code: a policy rejects the writes.",
    unit: "perSecond",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "rejected",
        legend: "{{name}} · {{error_type}} {{rejection_code}}",
        variants: [{ expr: "sum by (name, type, error_type, rejection_code) (rate(apiserver_admission_webhook_rejection_count[$__rate_interval]))" }],
      },
    ],
    absentReason: "apiserver_admission_webhook_rejection_count is not scraped for this job.",
    emptyMessage: "No admission webhook rejected a request in this range.",
  },
  {
    id: "stored-objects",
    number: 28,
    row: "context",
    title: "Stored objects per resource",
    explanation: "The ten resources with the most objects in storage: the cost of every unfiltered LIST of them.",
    hint: "Tens of thousands of one kind (events, pods, secrets): LISTs of it must paginate and use informers.",
    unit: "count",
    chart: "ranked-table",
    options: { rankBy: "now", limit: 10, sparkline: "series", rowHeader: "resource" },
    queries: nowAndOverTime("{{resource}}", [
      { expr: "max by (group, resource) (apiserver_resource_objects)" },
      { expr: "max by (resource) (apiserver_storage_objects)", note: "Using apiserver_storage_objects (before 1.34)." },
      { expr: "max by (resource) (etcd_object_counts)", note: "Using etcd_object_counts (Kubernetes ≤ 1.22)." },
    ]),
    absentReason: "No object-count metric is scraped (apiserver_resource_objects 1.34+, apiserver_storage_objects 1.21+).",
    emptyMessage: "No object counts in this range.",
  },
  {
    id: "etcd-db-size",
    number: 32,
    row: "context",
    title: "etcd database size",
    explanation: "The size of etcd's database file as the API servers report it, against the cluster's quota (EKS: 8 GiB).",
    hint: "At the quota etcd raises NOSPACE and refuses every write: delete what piles up (events, old ReplicaSets, CRs) and compact; defragment after.",
    unit: "bytes",
    chart: "timeseries",
    options: { limits: [{ limit: "etcdQuotaBytes", label: "quota" }] },
    queries: [
      {
        id: "size",
        legend: "etcd {{endpoint}}{{storage_cluster_id}}",
        // Every API server reports the same database: the largest report per etcd endpoint (storage cluster).
        variants: [
          { expr: "max by (endpoint, storage_cluster_id) (apiserver_storage_size_bytes)" },
          { expr: "max by (endpoint) (apiserver_storage_db_total_size_in_bytes)", note: "Using apiserver_storage_db_total_size_in_bytes (Kubernetes 1.26–1.28)." },
          { expr: "max by (endpoint) (etcd_db_total_size_in_bytes)", note: "Using etcd_db_total_size_in_bytes (Kubernetes ≤ 1.25)." },
        ],
      },
    ],
    absentReason:
      "No etcd database size is scraped (apiserver_storage_size_bytes 1.28+, apiserver_storage_db_total_size_in_bytes 1.26–1.28, etcd_db_total_size_in_bytes ≤ 1.25); kube-prometheus drops the 1.26 name.",
    emptyMessage: "No database size reported in this range.",
  },
  {
    id: "process",
    number: 29,
    row: "context",
    title: "API server memory, CPU and goroutines",
    explanation: "Resident memory, CPU cores used and goroutines per API server.",
    hint: "Memory climbing with LIST storms: big responses are buffered; a sawtooth that drops to zero: a restart.",
    unit: "bytes",
    chart: "timeseries",
    options: {},
    queries: [
      { id: "memory", caption: "memory", legend: "{{instance}}", unit: "bytes", variants: [{ expr: "max by (instance) (process_resident_memory_bytes)" }] },
      { id: "cpu", caption: "CPU", legend: "{{instance}}", unit: "cores", variants: [{ expr: "max by (instance) (rate(process_cpu_seconds_total[$__rate_interval]))" }] },
      { id: "goroutines", caption: "goroutines", legend: "{{instance}}", unit: "count", variants: [{ expr: "max by (instance) (go_goroutines)" }] },
    ],
    absentReason: "Process metrics are not scraped for this job.",
    emptyMessage: "No process samples in this range.",
    wide: true,
  },
  {
    id: "apiservices-deprecated",
    number: 30,
    row: "context",
    title: "Unavailable APIServices and deprecated API use",
    explanation: "Aggregated APIs the API server cannot reach, and deprecated APIs clients still call.",
    hint: "An unavailable APIService (e.g. metrics-server) fails discovery for every client; deprecated calls break on upgrade.",
    unit: "count",
    chart: "timeseries",
    options: {},
    queries: [
      {
        id: "unavailable",
        legend: "unavailable {{name}}",
        variants: [{ expr: "max by (name) (aggregator_unavailable_apiservice) > 0" }],
      },
      {
        id: "deprecated",
        legend: "deprecated {{resource}}.{{group}}/{{version}} (removed in {{removed_release}})",
        variants: [{ expr: "max by (group, version, resource, removed_release) (apiserver_requested_deprecated_apis)" }],
      },
    ],
    absentReason: "Neither aggregator_unavailable_apiservice nor apiserver_requested_deprecated_apis is scraped.",
    emptyMessage: "All APIServices available and no deprecated API called in this range.",
  },

  // ── Row 8: Scheduler and controller manager (their own scrape jobs) ─────────────────────────
  {
    id: "scheduler-pending",
    number: 34,
    row: "scheduling",
    component: "scheduler",
    title: "Pending pods by scheduler queue",
    explanation: "Pods waiting to be scheduled: active (about to be tried), backoff (retrying after a failure), unschedulable (no node fits), gated (scheduling gates).",
    hint: "Unschedulable growing: no node fits (resources, taints, affinity), so check the autoscaler; active growing: the scheduler cannot keep up.",
    unit: "count",
    chart: "timeseries",
    options: {},
    queries: [{ id: "pending", legend: "{{queue}}", variants: [{ expr: "max by (queue) (max_over_time(scheduler_pending_pods[$__rate_interval]))" }] }],
    absentReason: notScraped("scheduler", "ksh"),
    emptyMessage: "No pending-pod counts in this range.",
  },
  {
    id: "scheduler-attempts",
    number: 35,
    row: "scheduling",
    component: "scheduler",
    title: "Scheduling attempts by result",
    explanation: "Attempts to schedule a pod per second: scheduled, unschedulable (no node fits) or error (the scheduler failed, often on the API server).",
    hint: "Errors with API-server trouble: the scheduler's binds and status updates fail (its flows are workload-high); unschedulable: capacity.",
    unit: "perSecond",
    chart: "timeseries",
    options: {},
    queries: [{ id: "attempts", legend: "{{result}}", variants: [{ expr: "sum by (result) (rate(scheduler_schedule_attempts_total[$__rate_interval]))" }] }],
    absentReason: notScraped("scheduler", "ksh"),
    emptyMessage: "No scheduling attempts in this range.",
  },
  {
    id: "kcm-workqueue-depth",
    number: 36,
    row: "scheduling",
    component: "controller-manager",
    title: "Controller work queues: depth",
    explanation: "Items waiting in the controller manager's work queues, the deepest queues first.",
    hint: "A queue that keeps growing: its controller falls behind, often because its API calls are throttled (429) or slow.",
    unit: "count",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [{ id: "depth", legend: "{{name}}", variants: [{ expr: "max by (name) (max_over_time(workqueue_depth[$__rate_interval]))" }] }],
    absentReason: notScraped("controller manager", "kcm"),
    emptyMessage: "No work-queue depth in this range.",
  },
  {
    id: "kcm-workqueue-latency",
    number: 37,
    row: "scheduling",
    component: "controller-manager",
    title: "Controller work queues: wait p99",
    explanation: "How long items waited in each work queue before a worker picked them up, p99.",
    hint: "Seconds of wait: changes reach the cluster late (endpoints, ReplicaSets, garbage collection); find why the controller is slow.",
    unit: "seconds",
    chart: "timeseries",
    options: { maxSeries: 8 },
    queries: [
      {
        id: "p99",
        legend: "{{name}}",
        variants: [{ expr: "histogram_quantile(0.99, sum by (le, name) (rate(workqueue_queue_duration_seconds_bucket[$__rate_interval]))) > 0" }],
      },
    ],
    absentReason: notScraped("controller manager", "kcm"),
    emptyMessage: "No item waited in a work queue in this range.",
  },
];

export const PANELS_BY_ID: ReadonlyMap<string, PanelDef> = new Map(PANELS.map((p) => [p.id, p]));
