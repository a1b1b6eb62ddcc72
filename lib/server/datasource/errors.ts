// Turns what a backend did (an HTTP status and body, a network failure, our own timeout) into a
// DataSourceError whose message says what happened and whose hint says what to do about it.
// Messages name the cluster and host, never a credential, and keep only the first line of a backend's
// text: AWS's signature-mismatch body echoes the canonical request, which includes the session token.
import "server-only";
import { DataSourceError } from "./types";

/** Who we were talking to, for messages. Holds env var *names* at most, never a secret. */
export interface BackendTarget {
  kind: "prometheus" | "amp";
  clusterId: string;
  clusterName: string;
  /** host[:port] of the backend, once known (an AMP alias is resolved on first use) */
  host?: string;
  region?: string;
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

export const AMP_QUERY_PERMISSIONS = "aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata";

export function describeTarget(target: BackendTarget): string {
  if (target.kind === "amp") {
    const workspace = target.workspaceId ? `AMP workspace ${target.workspaceId}` : "AMP workspace";
    return `${workspace} (${[target.region, target.host].filter(Boolean).join(", ")}) of cluster "${target.clusterName}"`;
  }
  return `${target.host ?? "Prometheus"} (cluster "${target.clusterName}")`;
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

/** Map a non-2xx answer. `attempts` is how many tries a 429 got before we gave up. */
export function mapHttpFailure(failure: HttpFailure, target: BackendTarget, attempts = 1): DataSourceError {
  const { status } = failure;
  const { errorType, text } = backendErrorText(failure.body);
  const where = describeTarget(target);
  const common = { status, detail: text || undefined };

  if (status === 400 || status === 422) {
    if (SAMPLES_LIMIT.test(text)) return tooManySamples(target, where, common);
    if (status === 422 && (errorType === "timeout" || BACKEND_TIMEOUT.test(text) || errorType === undefined)) {
      // AMP documents 422 as its query timeout; Prometheus uses 422 for execution errors too.
      return queryTimeout(where, common);
    }
    const resolution = /maximum resolution/i.test(text);
    return new DataSourceError("bad_query", `${where} rejected the query: ${text || `HTTP ${status}`}`, {
      ...common,
      hint: resolution
        ? "Too many points per series: increase the step (at most 11,000 points per series)."
        : "Fix the PromQL expression; the text above is the backend's own message.",
    });
  }
  if (status === 503 && (errorType === "timeout" || BACKEND_TIMEOUT.test(text))) return queryTimeout(where, common);
  if (status === 429) {
    return new DataSourceError("throttled", `${where} throttled the request (HTTP 429) ${attempts} time${attempts === 1 ? "" : "s"}`, {
      ...common,
      hint:
        target.kind === "amp"
          ? "The workspace's query TPS quota is exhausted (Service Quotas, aps L-D5FD0534): open fewer panels, refresh less often, or request a higher quota."
          : "The backend is rate-limiting: open fewer panels or refresh less often.",
    });
  }
  if (status === 401) {
    const names = target.secretEnvNames?.join(", ");
    return new DataSourceError("unauthorized", `${where} rejected the credentials (HTTP 401)`, {
      ...common,
      hint: names
        ? `Check the credentials in the environment variable(s) ${names}.`
        : "The backend requires authentication: configure auth (bearer or basic) for this cluster.",
    });
  }
  if (status === 403) return target.kind === "amp" ? mapAmpForbidden(failure, target, where, common) : forbidden(where, common, "The credentials are valid but lack permission on this backend (tenant, proxy or RBAC rules).");
  if (status === 404) {
    return new DataSourceError("not_found", target.kind === "amp" ? `${where} was not found` : `${where} has no Prometheus API at this URL (HTTP 404)`, {
      ...common,
      hint:
        target.kind === "amp"
          ? "Check the workspace id and region: workspaces are regional (`aws amp list-workspaces --region …`), and a custom endpoint must end with /workspaces/<id>/."
          : "The URL must be the API root that /api/v1/query is appended to (e.g. http://prometheus:9090, or https://mimir.example/prometheus).",
    });
  }
  if (status >= 500) {
    return new DataSourceError("server_error", `${where} failed with HTTP ${status}${text ? `: ${text}` : ""}`, {
      ...common,
      hint: target.kind === "amp" ? "AMP is failing: retry shortly and check the AWS Health Dashboard." : "The backend is failing: retry shortly and check its logs.",
    });
  }
  return new DataSourceError("bad_response", `${where} answered with unexpected HTTP ${status}${text ? `: ${text}` : ""}`, {
    ...common,
    hint: "Check that the URL points at a Prometheus-compatible API (and not at a login page or another service).",
  });
}

type Common = { status: number; detail?: string };

function tooManySamples(target: BackendTarget, where: string, common: Common): DataSourceError {
  const ceiling = target.maxSamplesProcessed;
  return new DataSourceError("too_many_samples", `${where} refused the query: it would process too many samples (${common.detail})`, {
    ...common,
    hint:
      target.kind === "amp" && ceiling
        ? `This cluster's cost ceiling (maxSamplesProcessed) is ${ceiling.toLocaleString("en-US")} samples: narrow the time range, raise the step, or raise maxSamplesProcessed.`
        : "Narrow the time range, raise the step, or aggregate with sum by (…) earlier in the query.",
  });
}

function queryTimeout(where: string, common: Common): DataSourceError {
  return new DataSourceError("query_timeout", `${where} gave up evaluating the query (HTTP ${common.status}${common.detail ? `: ${common.detail}` : ""})`, {
    ...common,
    hint: "Narrow the time range, raise the step, or aggregate (sum by (le, …)) before histogram_quantile; the backend's query timeout cannot be raised from here.",
  });
}

function forbidden(where: string, common: Common, hint: string): DataSourceError {
  return new DataSourceError("access_denied", `${where} denied access (HTTP 403)${common.detail ? `: ${common.detail}` : ""}`, { ...common, hint });
}

function mapAmpForbidden(failure: HttpFailure, target: BackendTarget, where: string, common: Common): DataSourceError {
  const code = awsErrorType(failure);
  const text = common.detail ?? "";
  const policy = `The role policy needs ${AMP_QUERY_PERMISSIONS} on the workspace (AmazonPrometheusQueryAccess).`;

  if (isExpiredTokenFailure(failure)) {
    return new DataSourceError("expired_token", `The AWS session token used for ${where} has expired, even after refreshing the credentials`, {
      ...common,
      hint: "Renew the credentials at their source: `aws sso login`, a fresh profile or env vars, or check the Amplify SSR compute role / assumed role.",
    });
  }
  if (/InvalidSignature|IncompleteSignature|MissingAuthenticationToken|UnrecognizedClient/i.test(code) || /signature|Credential should be scoped|security token included in the request is invalid|Authentication Token/i.test(text)) {
    let specific = `Check that the cluster's region (${target.region ?? "?"}) is the workspace's region and that this server's clock is correct.`;
    if (/Signature expired|not yet current/i.test(text)) specific = "This server's clock is more than 5 minutes off: sync it (NTP).";
    else if (/valid region/i.test(text)) specific = `The request was signed for region ${target.region ?? "?"}, which is not the workspace's region: fix the cluster's region.`;
    else if (/correct service/i.test(text)) specific = 'The request was signed for the wrong service (it must be "aps").';
    else if (/security token included in the request is invalid|UnrecognizedClient/i.test(`${code} ${text}`)) {
      specific = "AWS does not recognise the access key or session token: check which credentials the server picks up (AWS_PROFILE, AWS_ACCESS_KEY_ID + AWS_SESSION_TOKEN, compute role).";
    }
    return new DataSourceError("signature", `${where} rejected the request signature (HTTP 403): ${text}`, { ...common, hint: `${specific} ${policy}` });
  }
  return forbidden(where, common, `The credentials are valid but not allowed to query this workspace. ${policy}`);
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

/** fetch() threw without our signal firing: DNS, TCP or TLS trouble. */
export function unreachable(target: BackendTarget, error: unknown): DataSourceError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? "";
  const reason = NETWORK_REASONS[code] ?? (/CERT|TLS|SSL/i.test(code) ? `TLS certificate problem (${code})` : cause?.message ?? String(error));
  return new DataSourceError("unreachable", `Cannot reach ${target.host ?? "the backend"} for cluster "${target.clusterName}": ${reason}`, {
    cause: error,
    hint: "Check that the URL/endpoint is right and that this server can connect to it (DNS, VPC endpoint, security groups, proxy).",
  });
}

export function ourTimeout(target: BackendTarget, timeoutMs: number): DataSourceError {
  return new DataSourceError("timeout", `No answer from ${describeTarget(target)} within ${formatSeconds(timeoutMs)}`, {
    hint: "The backend is slow or overloaded: narrow the time range or raise the step; timeoutMs can be raised up to what the host allows (~30 s on Amplify).",
  });
}

export function badResponse(target: BackendTarget, reason: string, status?: number): DataSourceError {
  return new DataSourceError("bad_response", `${describeTarget(target)} answered something that is not the Prometheus API: ${reason}`, {
    status,
    hint: "Check that the URL points at a Prometheus-compatible API root (not a login page, a proxy error page or another service).",
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
