// Every metric family the scenario can expose: type, HELP text, lifecycle and label names per version.
// The catalogue builder checks each series against `labelNames`, so a label typo fails at construction time.

import type { Lifecycle, VersionProfile } from "./versions";

export type FamilyType = "counter" | "gauge" | "histogram";

export interface FamilySpec {
  type: FamilyType;
  lifecycle: Lifecycle;
  help: (p: VersionProfile) => string;
  /** Label names (without `le`, `job`, `instance`) for a version. */
  labelNames: (p: VersionProfile) => readonly string[];
}

const REQUEST_LABELS = ["verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component"] as const;
const LONGRUNNING_LABELS = ["verb", "group", "version", "resource", "subresource", "scope", "component"] as const;
const PL = ["priority_level"] as const;
const PL_FS = ["priority_level", "flow_schema"] as const;

const fixed = (names: readonly string[]) => () => names;
const text = (s: string) => () => s;

const ALPHA = [[0, "ALPHA"]] as const;
const STABLE = [[0, "STABLE"]] as const;
const ALPHA_THEN_BETA_1_28 = [[0, "ALPHA"], [28, "BETA"]] as const;

/** Watch-cache counters: `resource` (a Go type name up to 1.25, then group-resource) until 1.33, `group, resource` from 1.34. */
const watchCacheLabels = (p: VersionProfile) => (p.storageLabelsByGroup ? ["group", "resource"] : ["resource"]);
const storageListLabels = (p: VersionProfile) => (p.storageLabelsByGroup ? ["group", "resource"] : ["resource"]);

export const FAMILIES = {
  // ---- requests (pkg/endpoints/metrics) ----
  apiserver_request_total: {
    type: "counter",
    lifecycle: { since: 14, stability: [[0, "ALPHA"], [21, "STABLE"]] },
    help: text("Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code."),
    labelNames: fixed([...REQUEST_LABELS, "code"]),
  },
  apiserver_request_duration_seconds: {
    type: "histogram",
    lifecycle: { since: 14, stability: [[0, "ALPHA"], [21, "STABLE"]] },
    help: text("Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component."),
    labelNames: fixed(REQUEST_LABELS),
  },
  apiserver_response_sizes: {
    type: "histogram",
    lifecycle: { since: 8, stability: [[0, "ALPHA"], [23, "STABLE"]] },
    help: text("Response size distribution in bytes for each group, version, verb, resource, subresource, scope and component."),
    labelNames: fixed(LONGRUNNING_LABELS),
  },
  apiserver_request_terminations_total: {
    type: "counter",
    lifecycle: { since: 17, stability: ALPHA },
    help: text("Number of requests which apiserver terminated in self-defense."),
    labelNames: fixed([...LONGRUNNING_LABELS, "code"]),
  },
  apiserver_longrunning_requests: {
    type: "gauge",
    lifecycle: { since: 23, stability: [[0, "ALPHA"], [25, "STABLE"]] },
    help: text(
      "Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.",
    ),
    labelNames: fixed(LONGRUNNING_LABELS),
  },
  apiserver_longrunning_gauge: {
    type: "gauge",
    lifecycle: { since: 9, removedIn: 25, deprecatedIn: 23, stability: ALPHA },
    help: text(
      "Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.",
    ),
    labelNames: fixed(LONGRUNNING_LABELS),
  },
  apiserver_registered_watchers: {
    type: "gauge",
    lifecycle: { since: 11, removedIn: 25, deprecatedIn: 23, stability: ALPHA },
    help: text("Number of currently registered watchers for a given resources"),
    labelNames: fixed(["group", "version", "kind"]),
  },
  apiserver_watch_events_total: {
    type: "counter",
    lifecycle: { since: 16, stability: ALPHA },
    help: text("Number of events sent in watch clients"),
    labelNames: (p) => (p.watchEventsByResource ? ["group", "version", "resource"] : ["group", "version", "kind"]),
  },
  apiserver_current_inflight_requests: {
    type: "gauge",
    lifecycle: { since: 10, stability: [[0, "ALPHA"], [23, "STABLE"]] },
    help: text("Maximal number of currently used inflight request limit of this apiserver per request kind in last second."),
    labelNames: fixed(["request_kind"]),
  },
  apiserver_current_inqueue_requests: {
    type: "gauge",
    lifecycle: { since: 19, stability: ALPHA },
    help: text("Maximal number of queued requests in this apiserver per request kind in last second."),
    labelNames: fixed(["request_kind"]),
  },
  apiserver_requested_deprecated_apis: {
    type: "gauge",
    lifecycle: { since: 19, stability: [[0, "ALPHA"], [22, "STABLE"]] },
    help: text("Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release."),
    labelNames: fixed(["group", "version", "resource", "subresource", "removed_release"]),
  },

  // ---- storage (pkg/storage) ----
  apiserver_storage_list_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text("Number of LIST requests served from storage"),
    labelNames: storageListLabels,
  },
  apiserver_storage_list_fetched_objects_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text("Number of objects read from storage in the course of serving a LIST request"),
    labelNames: storageListLabels,
  },
  apiserver_storage_list_evaluated_objects_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text("Number of objects tested in the course of serving a LIST request from storage"),
    labelNames: storageListLabels,
  },
  apiserver_storage_list_returned_objects_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text("Number of objects returned for a LIST request from storage"),
    labelNames: storageListLabels,
  },
  apiserver_storage_objects: {
    type: "gauge",
    lifecycle: { since: 21, deprecatedIn: 34, stability: STABLE },
    help: (p) =>
      p.minor >= 34
        ? "[DEPRECATED, consider using apiserver_resource_objects instead] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1."
        : "Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
    labelNames: fixed(["resource"]),
  },
  apiserver_resource_objects: {
    type: "gauge",
    lifecycle: { since: 34, stability: ALPHA },
    help: text("Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1."),
    labelNames: fixed(["group", "resource"]),
  },
  etcd_object_counts: {
    type: "gauge",
    lifecycle: { since: 13, removedIn: 25, deprecatedIn: 22, stability: ALPHA },
    help: text("Number of stored objects at the time of last check split by kind."),
    labelNames: fixed(["resource"]),
  },
  etcd_request_duration_seconds: {
    type: "histogram",
    lifecycle: { since: 14, stability: ALPHA },
    help: text("Etcd request latency in seconds for each operation and object type."),
    labelNames: (p) => (p.etcdTypeStyle === "groupAndResource" ? ["operation", "group", "resource"] : ["operation", "type"]),
  },

  // ---- watch cache and storage size (incident kinds only, see above) ----
  apiserver_cache_list_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text("Number of LIST requests served from watch cache"),
    labelNames: (p) => (p.storageLabelsByGroup ? ["group", "resource", "index"] : ["resource_prefix", "index"]),
  },
  apiserver_cache_list_fetched_objects_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text("Number of objects read from watch cache in the course of serving a LIST request"),
    labelNames: (p) => (p.storageLabelsByGroup ? ["group", "resource", "index"] : ["resource_prefix", "index"]),
  },
  apiserver_cache_list_returned_objects_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text("Number of objects returned for a LIST request from watch cache"),
    labelNames: (p) => (p.storageLabelsByGroup ? ["group", "resource"] : ["resource_prefix"]),
  },
  apiserver_watch_cache_events_dispatched_total: {
    type: "counter",
    lifecycle: { since: 24, stability: ALPHA },
    help: text("Counter of events dispatched in watch cache broken by resource type."),
    labelNames: watchCacheLabels,
  },
  apiserver_watch_cache_initializations_total: {
    type: "counter",
    lifecycle: { since: 24, stability: ALPHA },
    help: text("Counter of watch cache initializations broken by resource type."),
    labelNames: watchCacheLabels,
  },
  apiserver_terminated_watchers_total: {
    type: "counter",
    lifecycle: { since: 24, stability: ALPHA },
    help: text("Counter of watchers closed due to unresponsiveness broken by resource type."),
    labelNames: watchCacheLabels,
  },
  etcd_db_total_size_in_bytes: {
    type: "gauge",
    lifecycle: { since: 19, removedIn: 26, stability: ALPHA },
    help: text("Total size of the etcd database file physically allocated in bytes."),
    labelNames: fixed(["endpoint"]),
  },
  apiserver_storage_db_total_size_in_bytes: {
    type: "gauge",
    lifecycle: { since: 26, deprecatedIn: 28, stability: ALPHA },
    help: text("Total size of the storage database file physically allocated in bytes."),
    labelNames: fixed(["endpoint"]),
  },
  apiserver_storage_size_bytes: {
    type: "gauge",
    lifecycle: { since: 28, stability: [[28, "ALPHA"], [30, "STABLE"]] },
    help: text("Size of the storage database file physically allocated in bytes."),
    labelNames: (p) => (p.minor >= 30 ? ["storage_cluster_id"] : ["cluster"]),
  },

  // ---- API Priority and Fairness (pkg/util/flowcontrol/metrics) ----
  apiserver_flowcontrol_request_concurrency_limit: {
    type: "gauge",
    lifecycle: { since: 18, removedIn: 37, deprecatedIn: 30, stability: ALPHA },
    help: (p) =>
      p.minor >= 26 ? "Nominal number of execution seats configured for each priority level" : "Shared concurrency limit in the API Priority and Fairness subsystem",
    labelNames: fixed(PL),
  },
  apiserver_flowcontrol_nominal_limit_seats: {
    type: "gauge",
    lifecycle: { since: 26, stability: ALPHA_THEN_BETA_1_28 },
    help: text("Nominal number of execution seats configured for each priority level"),
    labelNames: fixed(PL),
  },
  apiserver_flowcontrol_current_limit_seats: {
    type: "gauge",
    lifecycle: { since: 26, stability: ALPHA },
    help: text("current derived number of execution seats available to each priority level"),
    labelNames: fixed(PL),
  },
  apiserver_flowcontrol_lower_limit_seats: {
    type: "gauge",
    lifecycle: { since: 26, stability: ALPHA },
    help: text("Configured lower bound on number of execution seats available to each priority level"),
    labelNames: fixed(PL),
  },
  apiserver_flowcontrol_upper_limit_seats: {
    type: "gauge",
    lifecycle: { since: 26, stability: ALPHA },
    help: text("Configured upper bound on number of execution seats available to each priority level"),
    labelNames: fixed(PL),
  },
  apiserver_flowcontrol_request_concurrency_in_use: {
    type: "gauge",
    lifecycle: { since: 22, removedIn: 37, deprecatedIn: 31, stability: ALPHA },
    help: text(
      "Concurrency (number of seats) occupied by the currently executing (initial stage for a WATCH, any stage otherwise) requests in the API Priority and Fairness subsystem",
    ),
    labelNames: fixed(PL_FS),
  },
  apiserver_flowcontrol_current_executing_seats: {
    type: "gauge",
    lifecycle: { since: 28, stability: [[28, "BETA"]] },
    help: text(
      "Concurrency (number of seats) occupied by the currently executing (initial stage for a WATCH, any stage otherwise) requests in the API Priority and Fairness subsystem",
    ),
    labelNames: fixed(PL_FS),
  },
  apiserver_flowcontrol_current_executing_requests: {
    type: "gauge",
    lifecycle: { since: 18, stability: ALPHA_THEN_BETA_1_28 },
    help: text("Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage in the API Priority and Fairness subsystem"),
    labelNames: fixed(PL_FS),
  },
  apiserver_flowcontrol_current_inqueue_requests: {
    type: "gauge",
    lifecycle: { since: 18, stability: ALPHA_THEN_BETA_1_28 },
    help: text("Number of requests currently pending in queues of the API Priority and Fairness subsystem"),
    labelNames: fixed(PL_FS),
  },
  apiserver_flowcontrol_request_wait_duration_seconds: {
    type: "histogram",
    lifecycle: { since: 18, stability: ALPHA_THEN_BETA_1_28 },
    help: text("Length of time a request spent waiting in its queue"),
    labelNames: fixed([...PL_FS, "execute"]),
  },
  apiserver_flowcontrol_request_execution_seconds: {
    type: "histogram",
    lifecycle: { since: 18, stability: ALPHA },
    help: text("Duration of initial stage (for a WATCH) or any (for a non-WATCH) stage of request execution in the API Priority and Fairness subsystem"),
    labelNames: (p) => (p.minor >= 24 ? [...PL_FS, "type"] : PL_FS),
  },
  apiserver_flowcontrol_request_queue_length_after_enqueue: {
    type: "histogram",
    lifecycle: { since: 18, stability: ALPHA },
    help: text("Length of queue in the API Priority and Fairness subsystem, as seen by each request after it is enqueued"),
    labelNames: fixed(PL_FS),
  },
  apiserver_flowcontrol_rejected_requests_total: {
    type: "counter",
    lifecycle: { since: 18, stability: ALPHA_THEN_BETA_1_28 },
    help: text("Number of requests rejected by API Priority and Fairness subsystem"),
    labelNames: fixed([...PL_FS, "reason"]),
  },
  apiserver_flowcontrol_dispatched_requests_total: {
    type: "counter",
    lifecycle: { since: 18, stability: ALPHA_THEN_BETA_1_28 },
    help: text("Number of requests executed by API Priority and Fairness subsystem"),
    labelNames: fixed(PL_FS),
  },
  apiserver_flowcontrol_priority_level_seat_utilization: {
    type: "histogram",
    lifecycle: { since: 25, stability: ALPHA },
    help: text(
      "EXPERIMENTAL: Observations, at the end of every nanosecond, of utilization of seats for any stage of execution (but only initial stage for WATCHes)",
    ),
    labelNames: fixed(["priority_level", "phase"]),
  },

  // ---- admission, aggregator ----
  apiserver_admission_webhook_admission_duration_seconds: {
    type: "histogram",
    lifecycle: { since: 14, stability: STABLE },
    help: text(
      "Admission webhook latency histogram in seconds, identified by name and broken out for each operation and API resource and type (validate or admit).",
    ),
    labelNames: fixed(["name", "type", "operation", "rejected"]),
  },
  // Added with the incident kinds (incident-model.ts); the list-storm catalogue has gatekeeper's policy denials
  // (control-plane.ts). Facts from kubernetes/apiserver at tags kubernetes-1.24.0 … 1.35.0.
  apiserver_admission_webhook_request_total: {
    type: "counter",
    lifecycle: { since: 23, stability: ALPHA },
    help: text(
      "Admission webhook request total, identified by name and broken out for each admission type (validating or mutating) and operation. Additional labels specify whether the request was rejected or not and an HTTP status code. Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.",
    ),
    labelNames: fixed(["name", "type", "operation", "code", "rejected"]),
  },
  apiserver_admission_webhook_rejection_count: {
    type: "counter",
    lifecycle: { since: 16, stability: ALPHA },
    help: text(
      "Admission webhook rejection count, identified by name and broken out for each admission type (validating or admit) and operation. Additional labels specify an error type (calling_webhook_error or apiserver_internal_error if an error occurred; no_error otherwise) and optionally a non-zero rejection code if the webhook rejects the request with an HTTP status code (honored by the apiserver when the code is greater or equal to 400). Codes greater than 600 are truncated to 600, to keep the metrics cardinality bounded.",
    ),
    labelNames: fixed(["name", "type", "operation", "error_type", "rejection_code"]),
  },
  // ---- kube-scheduler and kube-controller-manager: their own scrape jobs (control-plane.ts) ----
  // Not in metrics.md (which covers kube-apiserver): from kubernetes/kubernetes pkg/scheduler/metrics and
  // client-go's workqueue metrics. The scheduler's two were promoted to STABLE in 1.26 (as recalled; the
  // HELP prefix is all that depends on it).
  scheduler_pending_pods: {
    type: "gauge",
    lifecycle: { since: 15, stability: [[0, "ALPHA"], [26, "STABLE"]] },
    help: text(
      "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods that the scheduler attempted to schedule and failed; 'gated' is the number of unschedulable pods that the scheduler never attempted to schedule because they are gated.",
    ),
    labelNames: fixed(["queue"]),
  },
  scheduler_schedule_attempts_total: {
    type: "counter",
    lifecycle: { since: 15, stability: [[0, "ALPHA"], [26, "STABLE"]] },
    help: text("Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem."),
    labelNames: fixed(["result", "profile"]),
  },
  workqueue_depth: {
    type: "gauge",
    lifecycle: { since: 14, stability: ALPHA },
    help: text("Current depth of workqueue"),
    labelNames: fixed(["name"]),
  },
  workqueue_adds_total: {
    type: "counter",
    lifecycle: { since: 14, stability: ALPHA },
    help: text("Total number of adds handled by workqueue"),
    labelNames: fixed(["name"]),
  },
  workqueue_queue_duration_seconds: {
    type: "histogram",
    lifecycle: { since: 14, stability: ALPHA },
    help: text("How long in seconds an item stays in workqueue before being requested."),
    labelNames: fixed(["name"]),
  },
  aggregator_unavailable_apiservice: {
    type: "gauge",
    lifecycle: { since: 14, stability: ALPHA },
    help: text("Gauge of APIServices which are marked as unavailable broken down by APIService name."),
    labelNames: fixed(["name"]),
  },

  // ---- process / Go runtime (client_golang collectors: no stability prefix) ----
  process_cpu_seconds_total: {
    type: "counter",
    lifecycle: { since: 0, stability: null },
    help: text("Total user and system CPU time spent in seconds."),
    labelNames: fixed([]),
  },
  process_resident_memory_bytes: {
    type: "gauge",
    lifecycle: { since: 0, stability: null },
    help: text("Resident memory size in bytes."),
    labelNames: fixed([]),
  },
  process_start_time_seconds: {
    type: "gauge",
    lifecycle: { since: 0, stability: null },
    help: text("Start time of the process since unix epoch in seconds."),
    labelNames: fixed([]),
  },
  go_goroutines: {
    type: "gauge",
    lifecycle: { since: 0, stability: null },
    help: text("Number of goroutines that currently exist."),
    labelNames: fixed([]),
  },
  go_threads: {
    type: "gauge",
    lifecycle: { since: 0, stability: null },
    help: text("Number of OS threads created."),
    labelNames: fixed([]),
  },
} satisfies Record<string, FamilySpec>;

export type FamilyName = keyof typeof FAMILIES;
