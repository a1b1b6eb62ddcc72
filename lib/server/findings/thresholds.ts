// Every threshold a finding uses, with where it comes from. A finding fires only on metrics that are
// present: an absent metric is a skipped check, never a finding.
import "server-only";

/** Steps in a row a condition must hold: one step is a blip, two are a state. */
export const MIN_STEPS = 2;
/**
 * Latency quantiles need three: on a quiet cluster a p99 comes from a handful of calls and jumps between
 * buckets from step to step (the real v1.30 scrape's etcd p99 flips between 5 ms and 550 ms).
 */
export const MIN_STEPS_LATENCY = 3;

/**
 * A priority level is saturated at 95 % of its current seat limit. Kubernetes APF docs ("Flow control"):
 * when every seat of a level is in use, new requests queue and then get 429; the limits panel flags
 * saturation at the same 95 %.
 */
export const APF_SATURATED_PERCENT = 95;

/** A queue wait p99 above 1 s shows up directly in clients' latency (the single-object SLO is 1 s). */
export const QUEUE_WAIT_BAD_SECONDS = 1;

/**
 * LIST storm: cluster-scope LISTs of one resource at 1/s or more, each returning 500 objects or more.
 * The guide's case: a DaemonSet on 1,000 nodes LISTing 50,000 pods every minute is ~17 LIST/s of 50,000
 * objects; `/api/v1/pods` unpaginated is "the most destructive call". Paginated LISTs (limit=500) return
 * at most 500 per call and are not flagged on objects alone.
 */
export const LIST_STORM_MIN_RATE = 1;
export const LIST_STORM_MIN_OBJECTS_PER_LIST = 500;

/** Upstream API SLOs (kubernetes/community sig-scalability slos): single object 1 s, cluster LIST 30 s. */
export const SLO_SINGLE_OBJECT_SECONDS = 1;
export const SLO_CLUSTER_LIST_SECONDS = 30;

/**
 * etcd is the bottleneck when its p99 (worst API server) stays above 250 ms, ten times a healthy
 * cluster's ~25 ms (etcd's own guidance: a 99th-percentile backend commit over 25 ms means a slow disk),
 * and operations other than LIST are slow too (a LIST storm slows etcd LISTs only: that is the storm's
 * finding, not etcd's).
 */
export const ETCD_P99_SLOW_SECONDS = 0.25;
export const ETCD_NON_LIST_SLOW_SECONDS = 0.1;
/**
 * …and it rose: the slow p99 is three times its lower quartile over the range. A p99 that is high all
 * along (a small cluster's few, slow calls) is reported as information, not as the incident's cause.
 */
export const ETCD_RISE_RATIO = 3;

/**
 * An admission webhook is slow at a p90 of 1 s, critical at 5 s: half of the default `timeoutSeconds`
 * of 10 s (admissionregistration.k8s.io/v1), after which it fails the write or is skipped.
 */
export const WEBHOOK_SLOW_SECONDS = 1;
export const WEBHOOK_CRITICAL_SECONDS = 5;

/**
 * WATCH surge: long-running requests double within the range and grow by 500 or more. The guide's
 * example: many small nodes each running DaemonSets multiply WATCHes 8×.
 */
export const WATCH_SURGE_RATIO = 2;
export const WATCH_SURGE_MIN_INCREASE = 500;

/**
 * Asymmetric load: one API server carries twice the mean of the others (the guide: load becomes
 * asymmetric after an upgrade, when clients reconnect to the first server up). Needs ≥ 2 servers and
 * ≥ 100 long-running requests on the busy one, so a quiet dev cluster is not flagged.
 */
export const ASYMMETRY_RATIO = 2;
export const ASYMMETRY_MIN_LONGRUNNING = 100;

/** In-flight within 90 % of --max-requests-inflight / --max-mutating-requests-inflight (the stat tile's rule). */
export const INFLIGHT_NEAR_LIMIT = 0.9;

/** Server errors: 1 % of requests is the tile's bad line; 5 % is an outage for many clients. */
export const ERRORS_WARNING_RATIO = 0.01;
export const ERRORS_CRITICAL_RATIO = 0.05;

/** Priority levels that carry traffic the cluster cannot run without (the default APF configuration). */
export const CRITICAL_LEVELS = new Set(["system", "leader-election", "node-high", "workload-high"]);
/** Flow schemas whose subjects are kube-system service accounts (the guide's warning about that namespace). */
export const KUBE_SYSTEM_FLOWS = /kube-system/;
