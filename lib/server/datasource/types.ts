// Types shared by every backend (plain Prometheus-compatible servers and AMP workspaces).
// The route handlers and the browser only ever see these shapes, never a backend URL or credential.

import "server-only";
export type Labels = Record<string, string>;

/** One point of a range result: [unix seconds, value]; null where Prometheus returned NaN/±Inf. */
export type Point = [number, number | null];

export interface RangeSeries {
  labels: Labels;
  points: Point[];
}

export interface InstantSample {
  labels: Labels;
  time: number;
  value: number | null;
}

/** From `stats=all`: AMP bills per sample processed (`totalQueryableSamples`). */
export interface QueryStats {
  samplesProcessed: number;
  peakSamples?: number;
}

export interface RangeResult {
  series: RangeSeries[];
  stats: QueryStats | null;
  warnings: string[];
  /** true when served from the result cache: `stats` then describe the original call, which cost nothing now. */
  cached?: boolean;
}

export interface InstantResult {
  samples: InstantSample[];
  stats: QueryStats | null;
  warnings: string[];
  /** true when served from the result cache (see RangeResult.cached). */
  cached?: boolean;
}

export interface RangeQuery {
  query: string;
  /** unix seconds, already aligned to step by the caller */
  start: number;
  end: number;
  /** seconds */
  step: number;
  /**
   * AMP only: a ceiling below the cluster's own for this one query (max_samples_processed_error_threshold
   * is then the smaller of the two), so an ad-hoc query is refused before it is billed.
   */
  maxSamplesProcessed?: number;
  signal?: AbortSignal;
}

export interface InstantQuery {
  query: string;
  /** unix seconds; omitted = now */
  time?: number;
  /** AMP only: see RangeQuery.maxSamplesProcessed. */
  maxSamplesProcessed?: number;
  signal?: AbortSignal;
}

export interface SeriesQuery {
  match: string[];
  start: number;
  end: number;
  signal?: AbortSignal;
}

/** /api/v1/metadata: per metric name, its type and help text as scraped. */
export type MetricMetadata = Record<string, { type: string; help: string; unit?: string }[]>;

/** An alert of an alerting rule, as /api/v1/rules reports it (pending or firing; inactive ones are not listed). */
export interface ActiveAlert {
  labels: Labels;
  annotations: Labels;
  state: "pending" | "firing";
  /** unix seconds the alert became active; null when the backend does not say */
  activeAt: number | null;
  value: number | null;
}

/** An alerting rule and its active alerts (recording rules are left out). */
export interface AlertingRule {
  name: string;
  query: string;
  labels: Labels;
  annotations: Labels;
  /** "ok", "err" or "unknown": whether its last evaluation worked */
  health: string;
  alerts: ActiveAlert[];
}

export interface RuleGroup {
  name: string;
  alerting: AlertingRule[];
  /** how many recording rules the group has */
  recordingCount: number;
}

/** The Prometheus HTTP API as one backend (a Prometheus, Thanos, Mimir, or an AMP workspace) offers it. */
export interface PrometheusApi {
  queryRange(q: RangeQuery): Promise<RangeResult>;
  query(q: InstantQuery): Promise<InstantResult>;
  series(q: SeriesQuery): Promise<Labels[]>;
  labelNames(q: { match?: string[]; start: number; end: number; signal?: AbortSignal }): Promise<string[]>;
  labelValues(q: { name: string; match?: string[]; start: number; end: number; signal?: AbortSignal }): Promise<string[]>;
  /** At most `limit` metric names' metadata (the backend's own limit parameter). */
  metadata(q: { limit: number; signal?: AbortSignal }): Promise<MetricMetadata>;

  /**
   * GET /api/v1/rules (Prometheus; the AMP ruler at the workspace's same path): the rule groups with each
   * alerting rule's pending and firing alerts, which is what /api/v1/alerts lists too, so one call does.
   */
  rules(q?: { signal?: AbortSignal }): Promise<RuleGroup[]>;
}

/**
 * What went wrong, in categories a user can act on. `message` says what happened, `hint` what to do.
 * Kept as a plain string union so it crosses the route boundary unchanged.
 */
export type DataSourceErrorKind =
  | "config" // the cluster is not configured or its configuration is unusable
  | "unreachable" // network failure: DNS, connection refused, TLS
  | "timeout" // our own per-call timeout fired
  | "bad_query" // 400 from the backend, with Prometheus' own message
  | "query_timeout" // the backend gave up (Prometheus 503 "query timed out", AMP 422)
  | "too_many_samples" // sample limit or AMP max_samples_processed_error_threshold
  | "throttled" // 429, retries exhausted
  | "unauthorized" // 401 (basic/bearer auth rejected)
  | "signature" // SigV4 signature rejected
  | "expired_token" // AWS session token expired, even after a forced refresh
  | "access_denied" // 403 not about the signature: IAM policy
  | "not_found" // workspace or endpoint path does not exist
  | "bad_response" // the backend answered something that is not the Prometheus API
  | "server_error"; // 5xx

export class DataSourceError extends Error {
  readonly kind: DataSourceErrorKind;
  /** What the user can do about it, in one or two sentences. */
  readonly hint: string;
  /** HTTP status from the backend, when there was one. */
  readonly status?: number;
  /** The backend's own error text (e.g. Prometheus' parse error), safe to show. */
  readonly detail?: string;

  constructor(kind: DataSourceErrorKind, message: string, opts: { hint: string; status?: number; detail?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "DataSourceError";
    this.kind = kind;
    this.hint = opts.hint;
    this.status = opts.status;
    this.detail = opts.detail;
  }
}

/**
 * The backend will refuse the same query again for a while: its answer is over a size or samples limit
 * (the same query, the same answer), or it gave up evaluating it (a query that heavy is no lighter seconds
 * later). The result cache remembers these briefly instead of sending the query again; a planner read that
 * meets one falls back to narrower reads.
 */
export function isLastingRefusal(err: unknown): boolean {
  return err instanceof DataSourceError && (err.kind === "too_many_samples" || err.kind === "query_timeout");
}
