// Turns what a backend did (an HTTP status and body, a network failure, our own timeout, an answer over
// the size limit) into a DataSourceError whose message says what happened and whose hint says what to do.
//
// Two audiences. `message`, `hint` and `detail` go to the browser: they name the cluster (by the name the
// operator gave it) and the kind of backend, never its host, port, URL path, workspace id or account, and
// carry the backend's own words only where they are the user's business: the PromQL error of a rejected
// query (`detail`). `internal` (BackendError) goes to the server log only, redacted there
// (lib/server/limits/redact.ts): where exactly (host, workspace, region), the status, and the first line of
// the backend's text — which for AWS's signature errors echoes the canonical request (session token,
// Authorization header, key id): redaction removes those.
import "server-only";
import { publicText } from "../limits/redact";
import { DataSourceError, type DataSourceErrorKind } from "./types";

/** Who we were talking to, for messages. Holds env var *names* at most, never a secret. */
export interface BackendTarget {
  kind: "prometheus" | "amp";
  clusterId: string;
  clusterName: string;
  /** host[:port] of the backend, once known (an AMP alias is resolved on first use); log only */
  host?: string;
  region?: string;
  /** log only */
  workspaceId?: string;
  /** names of the env vars holding basic/bearer secrets, for the 401 hint */
  secretEnvNames?: string[];
  maxSamplesProcessed?: number;
}

export interface HttpFailure {
  status: number;
  body: string;
  headers: Headers;
}

/** A DataSourceError that also knows, for the server log only, where and what exactly. */
export class BackendError extends DataSourceError {
  /** Host, workspace, status and the backend's own first line: for the server log (redacted there), never the browser. */
  readonly internal: string;
  /** The kind the browser is told, when it differs from `kind` (an answer over the size limit: "too_large"). */
  readonly publicKind?: string;

  constructor(
    kind: DataSourceErrorKind,
    message: string,
    opts: { hint: string; status?: number; detail?: string; cause?: unknown; internal: string; publicKind?: string },
  ) {
    super(kind, message, opts);
    this.name = "BackendError";
    this.internal = opts.internal;
    if (opts.publicKind) this.publicKind = opts.publicKind;
  }
}

export const AMP_QUERY_PERMISSIONS = "aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata";

/** For the browser: the kind of backend and the cluster's name. */
export function describeTarget(target: BackendTarget): string {
  return `the ${target.kind === "amp" ? "AMP workspace" : "Prometheus"} of cluster "${target.clusterName}"`;
}

/** For the log: where exactly. */
export function locateTarget(target: BackendTarget): string {
  if (target.kind === "amp") {
    const workspace = target.workspaceId ? `AMP workspace ${target.workspaceId}` : "AMP workspace";
    return `${workspace} (${[target.region, target.host].filter(Boolean).join(", ")}) of cluster "${target.clusterName}"`;
  }
  return `${target.host ?? "Prometheus"} (cluster "${target.clusterName}")`;
}

/** "The Prometheus of cluster …", sentence-initial. */
function Where(target: BackendTarget): string {
  const w = describeTarget(target);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** Prometheus' `{"errorType","error"}` or AWS's `{"message"}` / `{"Message"}`, else the raw text. */
export function backendErrorText(body: string): { errorType?: string; text: string } {
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === "object") {
      const record = json as Record<string, unknown>;
      const text = [record.error, record.message, record.Message].find((v) => typeof v === "string") as string | undefined;
      if (text !== undefined) return { errorType: typeof record.errorType === "string" ? record.errorType : undefined, text: firstLine(text) };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return { text: firstLine(body) };
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** AWS's error code, from the x-amzn-ErrorType header ("ExpiredTokenException:http://…") or the body. */
function awsErrorType(failure: HttpFailure): string {
  const header = failure.headers.get("x-amzn-errortype") ?? "";
  const fromBody = /"(?:__type|code|Code)"\s*:\s*"([^"]+)"/.exec(failure.body)?.[1] ?? "";
  return `${header} ${fromBody}`;
}

/** A 403 meaning "your (temporary) credentials expired": worth one forced refresh and retry. */
export function isExpiredTokenFailure(failure: HttpFailure): boolean {
  return (
    failure.status === 403 &&
    (/ExpiredToken/i.test(awsErrorType(failure)) || /ExpiredToken|security token included in the request is expired/i.test(failure.body))
  );
}

const SAMPLES_LIMIT = /too many samples|max_samples_processed|samples processed|query samples|hit the .* limit/i;
const BACKEND_TIMEOUT = /timed? ?out|timeout|deadline exceeded/i;

/** 503 "query timed out" is the backend's verdict on this query, not a passing failure: not worth a retry. */
export function isBackendQueryTimeout(failure: HttpFailure): boolean {
  if (failure.status !== 503 && failure.status !== 422) return false;
  const { errorType, text } = backendErrorText(failure.body);
  return errorType === "timeout" || BACKEND_TIMEOUT.test(text);
}

/** Map a non-2xx answer. `attempts` is how many tries the server made before giving up. */
export function mapHttpFailure(failure: HttpFailure, target: BackendTarget, attempts = 1): BackendError {
  const { status } = failure;
  const { errorType, text } = backendErrorText(failure.body);
  const where = describeTarget(target);
  const internal = `${locateTarget(target)}: HTTP ${status}${attempts > 1 ? ` after ${attempts} attempts` : ""}${errorType ? ` ${errorType}` : ""}${text ? `: ${text}` : ""}`;
  const common = { status, internal };

  if (status === 400 || status === 422) {
    if (SAMPLES_LIMIT.test(text)) return tooManySamples(target, common);
    if (status === 422 && (errorType === "timeout" || BACKEND_TIMEOUT.test(text) || errorType === undefined)) {
      // AMP documents 422 as its query timeout; Prometheus uses 422 for execution errors too.
      return queryTimeout(target, common);
    }
    const resolution = /maximum resolution/i.test(text);
    // The PromQL error is the one piece of the backend's text the user needs: which part of the query is wrong.
    const detail = text ? publicText(text, 300) : undefined;
    return new BackendError("bad_query", `${Where(target)} rejected the query${detail ? `: ${detail}` : ` (HTTP ${status})`}`, {
      ...common,
      detail,
      hint: resolution
        ? "Too many points per series: increase the step (at most 11,000 points per series)."
        : "Fix the PromQL expression; the text above is the backend's own message.",
    });
  }
  if (status === 503 && (errorType === "timeout" || BACKEND_TIMEOUT.test(text))) return queryTimeout(target, common);
  if (status === 429) {
    return new BackendError("throttled", `${Where(target)} throttled the request (HTTP 429) ${attempts} time${attempts === 1 ? "" : "s"}`, {
      ...common,
      hint:
        target.kind === "amp"
          ? "The workspace's query TPS quota is exhausted (Service Quotas, aps L-D5FD0534): open fewer panels, refresh less often, or request a higher quota."
          : "The backend is rate-limiting: open fewer panels or refresh less often.",
    });
  }
  if (status === 401) {
    const names = target.secretEnvNames?.join(", ");
    return new BackendError("unauthorized", `${Where(target)} rejected the credentials (HTTP 401)`, {
      ...common,
      hint: names
        ? `Check the credentials in the environment variable(s) ${names}.`
        : "The backend requires authentication: configure auth (bearer or basic) for this cluster.",
    });
  }
  if (status === 403) {
    return target.kind === "amp"
      ? mapAmpForbidden(failure, target, common, text)
      : forbidden(target, common, "The credentials are valid but lack permission on this backend (tenant, proxy or RBAC rules).");
  }
  if (status === 404) {
    return new BackendError("not_found", target.kind === "amp" ? `${Where(target)} was not found (HTTP 404)` : `${Where(target)} has no Prometheus API at its configured URL (HTTP 404)`, {
      ...common,
      hint:
        target.kind === "amp"
          ? "Check the workspace id and region (the server log names the ones used): workspaces are regional (`aws amp list-workspaces --region …`), and a custom endpoint must end with /workspaces/<id>/."
          : "The URL must be the API root that /api/v1/query is appended to (e.g. http://prometheus:9090, or https://mimir.example/prometheus); the server log names the URL's host.",
    });
  }
  if (status >= 500) {
    return new BackendError("server_error", `${Where(target)} failed with HTTP ${status}`, {
      ...common,
      hint:
        target.kind === "amp"
          ? "AMP is failing: retry shortly and check the AWS Health Dashboard; the server log has AWS's answer."
          : "The backend (or a proxy in front of it) is failing: retry shortly; the server log has its answer.",
    });
  }
  return new BackendError("bad_response", `${Where(target)} answered with unexpected HTTP ${status}`, {
    ...common,
    hint: "Check that the cluster's URL points at a Prometheus-compatible API (and not at a login page or another service); the server log has the answer.",
  });
}

type Common = { status: number; internal: string };

function tooManySamples(target: BackendTarget, common: Common): BackendError {
  const ceiling = target.maxSamplesProcessed;
  return new BackendError("too_many_samples", `${Where(target)} refused the query: it would process too many samples`, {
    ...common,
    hint:
      target.kind === "amp" && ceiling
        ? `This cluster's cost ceiling (maxSamplesProcessed) is ${ceiling.toLocaleString("en-US")} samples: narrow the time range, raise the step, or raise maxSamplesProcessed.`
        : "Narrow the time range or pick one API server (instance).",
  });
}

function queryTimeout(target: BackendTarget, common: Common): BackendError {
  return new BackendError("query_timeout", `${Where(target)} gave up evaluating the query (HTTP ${common.status})`, {
    ...common,
    hint: "Narrow the time range or pick one API server (instance); the backend's query timeout cannot be raised from here.",
  });
}

function forbidden(target: BackendTarget, common: Common, hint: string): BackendError {
  return new BackendError("access_denied", `${Where(target)} denied access (HTTP 403)`, { ...common, hint });
}

function mapAmpForbidden(failure: HttpFailure, target: BackendTarget, common: Common, text: string): BackendError {
  const code = awsErrorType(failure);
  const policy = `The role policy needs ${AMP_QUERY_PERMISSIONS} on the workspace (AmazonPrometheusQueryAccess).`;

  if (isExpiredTokenFailure(failure)) {
    return new BackendError("expired_token", `The AWS session token used for ${describeTarget(target)} has expired, even after refreshing the credentials`, {
      ...common,
      hint: "Renew the credentials at their source: `aws sso login`, a fresh profile or env vars, or check the Amplify SSR compute role / assumed role.",
    });
  }
  if (/InvalidSignature|IncompleteSignature|MissingAuthenticationToken|UnrecognizedClient/i.test(code) || /signature|Credential should be scoped|security token included in the request is invalid|Authentication Token/i.test(text)) {
    let specific = `Check that the cluster's region (${target.region ?? "?"}) is the workspace's region and that this server's clock is correct.`;
    let what = "rejected the request signature";
    if (/Signature expired|not yet current/i.test(text)) {
      specific = "This server's clock is more than 5 minutes off: sync it (NTP).";
      what = "rejected the request signature: the signing time is off";
    } else if (/valid region/i.test(text)) {
      specific = `The request was signed for region ${target.region ?? "?"}, which is not the workspace's region: fix the cluster's region.`;
      what = "rejected the request signature: it is for another region";
    } else if (/correct service/i.test(text)) {
      specific = 'The request was signed for the wrong service (it must be "aps").';
      what = "rejected the request signature: it is for another service";
    } else if (/security token included in the request is invalid|UnrecognizedClient/i.test(`${code} ${text}`)) {
      specific = "AWS does not recognise the access key or session token: check which credentials the server picks up (AWS_PROFILE, AWS_ACCESS_KEY_ID + AWS_SESSION_TOKEN, compute role).";
      what = "rejected the request signature: the access key is not recognised";
    } else if (/IncompleteSignature|MissingAuthenticationToken/i.test(code)) {
      what = "rejected the request signature: it is incomplete";
    }
    return new BackendError("signature", `${Where(target)} ${what} (HTTP 403)`, { ...common, hint: `${specific} ${policy}` });
  }
  return forbidden(target, common, `The credentials are valid but not allowed to query this workspace. ${policy}`);
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "DNS lookup failed (temporary)",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
};

/** Network failures worth another attempt: the connection dropped or was refused, not a DNS or TLS verdict. */
const RETRYABLE_NETWORK = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED", "UND_ERR_SOCKET", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT"]);

function networkCode(error: unknown): string {
  type Coded = { code?: string; errors?: { code?: string }[] };
  const cause = (error as { cause?: Coded })?.cause;
  // Happy eyeballs (IPv4 and IPv6 tried) fails with an AggregateError whose parts carry the codes.
  return cause?.code ?? cause?.errors?.find((e) => e?.code)?.code ?? (error as Coded)?.code ?? "";
}

export function isRetryableNetworkError(error: unknown): boolean {
  if (error instanceof BackendError) return error.kind === "unreachable" && RETRYABLE_NETWORK.has(networkCode(error.cause));
  return RETRYABLE_NETWORK.has(networkCode(error));
}

/** fetch() threw without our signal firing: DNS, TCP or TLS trouble. */
export function unreachable(target: BackendTarget, error: unknown): BackendError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = networkCode(error);
  const reason = NETWORK_REASONS[code] ?? (/CERT|TLS|SSL/i.test(code) ? `TLS certificate problem (${code})` : "network error");
  return new BackendError("unreachable", `Cannot reach ${describeTarget(target)}: ${reason}`, {
    cause: error,
    internal: `${locateTarget(target)}: ${code || "network error"}: ${cause?.message ?? String(error)}`,
    hint: "Check that the cluster's URL/endpoint is right and that this server can connect to it (DNS, VPC endpoint, security groups, proxy); the server log names the host.",
  });
}

export function ourTimeout(target: BackendTarget, timeoutMs: number, queued = false): BackendError {
  return new BackendError(
    "timeout",
    queued
      ? `${Where(target)} was busy: this query waited ${formatSeconds(timeoutMs)} for a free slot`
      : `No answer from ${describeTarget(target)} within ${formatSeconds(timeoutMs)}`,
    {
      internal: `${locateTarget(target)}: ${queued ? "waited in the queue for" : "no answer within"} ${timeoutMs} ms`,
      hint: "The backend is slow or overloaded: narrow the time range or pick one API server (instance); timeoutMs can be raised up to what the host allows (~30 s on Amplify).",
    },
  );
}

/** The backend stopped answering a moment ago (lib/server/limits/hang.ts): this call is not sent. */
export function backendHung(target: BackendTarget, sinceMs: number, nowMs: number): BackendError {
  const seconds = Math.max(1, Math.round((nowMs - sinceMs) / 1000));
  return new BackendError("timeout", `${Where(target)} has not answered any query for a while; this one was not sent`, {
    internal: `${locateTarget(target)}: hung ${seconds} s ago (no answer to any call within the timeout); failing fast`,
    hint: "The backend is down or overloaded. apiscope asks it again in a few seconds: reload then, and check the backend if it persists.",
  });
}

/** The cluster's queue of backend calls is full (lib/server/limits/fair-queue.ts). */
export function backendBusy(target: BackendTarget, why: string): BackendError {
  return new BackendError("throttled", `Too many queries are waiting for ${describeTarget(target)}`, {
    internal: `${locateTarget(target)}: queue full: ${why}`,
    hint: "Wait a few seconds and reload; open fewer panels or ranges at once.",
  });
}

export function badResponse(target: BackendTarget, reason: string, internalReason: string, status?: number): BackendError {
  return new BackendError("bad_response", `${Where(target)} answered something that is not the Prometheus API: ${reason}`, {
    status,
    internal: `${locateTarget(target)}: ${internalReason}`,
    hint: "Check that the cluster's URL points at a Prometheus-compatible API root (not a login page, a proxy error page or another service); the server log has the answer.",
  });
}

/** An answer over APISCOPE_MAX_RESPONSE_BYTES: cut, never parsed. */
export function answerTooLarge(target: BackendTarget, limitBytes: number, seenBytes: number, declared: boolean): BackendError {
  return new BackendError("too_many_samples", `The answer is too large: narrow the range or the instance (over ${formatBytes(limitBytes)} from ${describeTarget(target)})`, {
    publicKind: "too_large",
    internal: `${locateTarget(target)}: answer ${declared ? "declared as" : "cut after"} ${seenBytes} bytes, over APISCOPE_MAX_RESPONSE_BYTES=${limitBytes}`,
    hint: "Narrow the time range or pick one API server (instance); the server's limit is APISCOPE_MAX_RESPONSE_BYTES.",
  });
}

/** The process is already reading APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES of answers: this one is dropped. */
export function readingTooMuch(target: BackendTarget, heldBytes: number, budgetBytes: number): BackendError {
  return new BackendError("throttled", `Too many large answers at once from ${describeTarget(target)}: narrow the range or the instance, or retry in a moment`, {
    internal: `${locateTarget(target)}: ${heldBytes} bytes of answers in flight, over APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES=${budgetBytes}`,
    hint: "Retry in a few seconds; narrow the time range or pick one API server (instance) so the answers are smaller.",
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}
