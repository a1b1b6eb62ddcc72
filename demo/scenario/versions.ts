// What differs between the Kubernetes versions the scenario can impersonate: bucket sets, label shapes and
// the deprecation/hiding rules of k8s.io/component-base/metrics. Facts from shared/reference/metrics.md §3.

export const K8S_VERSIONS = ["1.24", "1.28", "1.30", "1.35"] as const;
export type K8sVersion = (typeof K8S_VERSIONS)[number];

export type Stability = "ALPHA" | "BETA" | "STABLE";

/** `apiserver_request_duration_seconds` (metrics.md §3.2). */
const REQUEST_DURATION_1_23 = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
const REQUEST_DURATION_1_25 = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
/** `etcd_request_duration_seconds` (metrics.md §3.3); 1.25+ is the request-duration set. */
const ETCD_DURATION_1_21 = [0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 15.0, 30.0, 60.0];
/** APF wait and execution histograms (metrics.md §3.4). */
const APF_DURATION_1_18 = [0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30];
const APF_DURATION_1_28 = [0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30];
/** Admission webhook latency; 10 and 25 s were added in 1.27 (kubernetes PR #115802). */
const WEBHOOK_DURATION_1_20 = [0.005, 0.025, 0.1, 0.5, 1.0, 2.5];
const WEBHOOK_DURATION_1_27 = [0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 10, 25];
/** `apiserver_response_sizes`: ExponentialBuckets(1000, 10, 7). */
const RESPONSE_SIZES = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const QUEUE_LENGTH = [0, 10, 25, 50, 100, 250, 500, 1000];
const SEAT_UTILIZATION = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];
/**
 * client-go `workqueue_queue_duration_seconds`: ExponentialBuckets(10e-9, 10, 10), 10 ns … 10 s, multiplied out
 * as Go does (so two bounds print as 9.999999999999999e-06 and …e-05, as in the real scrape).
 */
const WORKQUEUE_DURATION = Array.from({ length: 10 }, (_, i) => i).reduce<number[]>((b, i) => [...b, i === 0 ? 10e-9 : b[i - 1]! * 10], []);

export interface BucketSets {
  requestDuration: readonly number[];
  etcdRequestDuration: readonly number[];
  apfDuration: readonly number[];
  webhookDuration: readonly number[];
  responseSizes: readonly number[];
  queueLength: readonly number[];
  seatUtilization: readonly number[];
  workqueueDuration: readonly number[];
}

/** How `etcd_request_duration_seconds` names the object type (metrics.md §3.3). */
export type EtcdTypeStyle =
  | "goType" // ≤1.25: `type="*core.Pod"`
  | "groupResource" // 1.26–1.33: `type="pods"`, `type="leases.coordination.k8s.io"`
  | "groupAndResource"; // 1.34+: `group="", resource="pods"`

export interface VersionProfile {
  readonly version: K8sVersion;
  readonly minor: number;
  /** --show-hidden-metrics-for-version was given (and valid): every hidden-but-still-compiled metric is exported. */
  readonly showHidden: boolean;
  readonly buckets: BucketSets;
  readonly etcdTypeStyle: EtcdTypeStyle;
  /** apiserver_storage_list_* and apiserver_resource_objects use `group, resource` from 1.34 (before: `resource`). */
  readonly storageLabelsByGroup: boolean;
  /** apiserver_watch_events_total: `kind` → `resource` in 1.34. */
  readonly watchEventsByResource: boolean;
  /** APF seat borrowing (current/lower/upper limit seats) exists from 1.26. */
  readonly seatBorrowing: boolean;
}

export function minorOf(version: string): number {
  const m = /^1\.(\d+)(?:\.\d+)?$/.exec(version.trim());
  if (!m) throw new Error(`not a Kubernetes 1.x version: ${JSON.stringify(version)}`);
  return Number(m[1]);
}

export function isK8sVersion(v: string): v is K8sVersion {
  return (K8S_VERSIONS as readonly string[]).includes(v);
}

/**
 * Mirrors kube-apiserver's validation of --show-hidden-metrics-for-version: only the previous minor is accepted
 * (`must be omitted or have the value '1.23'. Only the previous minor version is allowed`).
 */
export function validateShowHidden(version: K8sVersion, showHidden: string | undefined): boolean {
  if (showHidden === undefined || showHidden === "") return false;
  const previous = `1.${minorOf(version) - 1}`;
  if (showHidden !== previous) {
    throw new Error(
      `showHiddenMetricsForVersion must be omitted or have the value '${previous}' for Kubernetes ${version}. Only the previous minor version is allowed.`,
    );
  }
  return true;
}

export function versionProfile(version: K8sVersion, showHiddenMetricsForVersion?: string): VersionProfile {
  const minor = minorOf(version);
  return {
    version,
    minor,
    showHidden: validateShowHidden(version, showHiddenMetricsForVersion),
    buckets: {
      requestDuration: minor >= 25 ? REQUEST_DURATION_1_25 : REQUEST_DURATION_1_23,
      etcdRequestDuration: minor >= 25 ? REQUEST_DURATION_1_25 : ETCD_DURATION_1_21,
      apfDuration: minor >= 28 ? APF_DURATION_1_28 : APF_DURATION_1_18,
      webhookDuration: minor >= 27 ? WEBHOOK_DURATION_1_27 : WEBHOOK_DURATION_1_20,
      responseSizes: RESPONSE_SIZES,
      queueLength: QUEUE_LENGTH,
      seatUtilization: SEAT_UTILIZATION,
      workqueueDuration: WORKQUEUE_DURATION,
    },
    etcdTypeStyle: minor >= 34 ? "groupAndResource" : minor >= 26 ? "groupResource" : "goType",
    storageLabelsByGroup: minor >= 34,
    watchEventsByResource: minor >= 34,
    seatBorrowing: minor >= 26,
  };
}

/** When a metric family exists and how it was deprecated, in minor versions of 1.x. */
export interface Lifecycle {
  /** First minor that defines it. */
  since: number;
  /** First minor whose source no longer defines it. */
  removedIn?: number;
  /** Minor of its `DeprecatedVersion`. */
  deprecatedIn?: number;
  /** Stability per minor: `[[sinceMinor, level], ...]`, ascending. */
  stability: ReadonlyArray<readonly [number, Stability]> | null;
}

export function stabilityAt(lc: Lifecycle, minor: number): Stability | null {
  if (!lc.stability) return null;
  let level: Stability | null = null;
  for (const [from, s] of lc.stability) if (minor >= from) level = s;
  return level;
}

/**
 * component-base hiding rule (metrics.md §3.1): up to 1.34 a metric is hidden from the minor after its
 * deprecation; from 1.35 it is hidden at deprecated minor + 0 (ALPHA), +1 (BETA), +3 (STABLE).
 * --show-hidden-metrics-for-version re-exposes every hidden metric that the binary still compiles in.
 */
export function isHidden(profile: VersionProfile, lc: Lifecycle): boolean {
  if (lc.deprecatedIn === undefined) return false;
  let hidden: boolean;
  if (profile.minor <= 34) {
    hidden = lc.deprecatedIn < profile.minor;
  } else {
    const level = stabilityAt(lc, profile.minor) ?? "ALPHA";
    const grace = level === "STABLE" ? 3 : level === "BETA" ? 1 : 0;
    hidden = profile.minor >= lc.deprecatedIn + grace;
  }
  return hidden && !profile.showHidden;
}

export function isExported(profile: VersionProfile, lc: Lifecycle): boolean {
  if (profile.minor < lc.since) return false;
  if (lc.removedIn !== undefined && profile.minor >= lc.removedIn) return false;
  return !isHidden(profile, lc);
}

/** HELP text as the apiserver prints it: `[STABILITY] (Deprecated since 1.X.0) help`. */
export function decorateHelp(profile: VersionProfile, lc: Lifecycle, help: string): string {
  let text = help;
  if (lc.deprecatedIn !== undefined && profile.minor >= lc.deprecatedIn) text = `(Deprecated since 1.${lc.deprecatedIn}.0) ${text}`;
  const level = stabilityAt(lc, profile.minor);
  return level ? `[${level}] ${text}` : text;
}
