// One HTTP exchange with a backend's Prometheus API, authenticated the backend's way: optional basic or
// bearer auth for a Prometheus-compatible server, SigV4 for an AMP workspace. No retries, no parsing:
// see transport.ts and prometheus-http.ts.
//
// Every answer is read as a stream and cut past APISCOPE_MAX_RESPONSE_BYTES (after decompression, so a
// small gzip does not become a huge body): the bytes read so far are dropped, the connection is closed,
// and the call fails with "answer too large" — a big answer never sits whole in memory. An error answer
// (non-2xx) is only read up to ERROR_BODY_BYTES: its first line is all the error mapping uses.
import "server-only";
import type { AmpClient } from "@aws-sdk/client-amp";
import type { AmpClusterConfig, PrometheusClusterConfig } from "../config";
import { limitSettings } from "../limits/settings";
import { resolveWorkspaceEndpoint } from "./amp-workspace";
import { credentialProviderFor, resolveCredentials, type CredentialProvider } from "./credentials";
import { answerTooLarge, BackendError, isExpiredTokenFailure, readingTooMuch, unreachable, type BackendTarget } from "./errors";
import { abortable } from "./retry";
import { signAmpRequest } from "./sigv4";
import { DataSourceError } from "./types";

/** A call to `<api root>/api/v1/<path>`. */
export interface ApiRequest {
  /** e.g. "query_range", "label/job/values" */
  path: string;
  method: "GET" | "POST";
  params: URLSearchParams;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface Backend {
  /** For messages; `host` and `workspaceId` are filled in once known. */
  readonly target: BackendTarget;
  /** `onHeaders` fires when the backend's answer starts (its status and headers), before its body is read. */
  send(request: ApiRequest, signal: AbortSignal, onHeaders?: () => void): Promise<RawResponse>;
}

export type FetchFn = typeof fetch;

/** Of an error answer, this much is read; the rest is dropped. */
export const ERROR_BODY_BYTES = 64 * 1024;

/**
 * Bytes of backend answers being read right now, in this process: a read that would take the total past
 * APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES fails at once (and frees what it held) rather than waiting, so many
 * big answers at once (several clusters, each at its concurrency cap) never add up past the budget, and
 * never wait on each other.
 */
let inflightBytes = 0;

/** Tests: the bytes currently held by reads in progress. */
export function inflightResponseBytes(): number {
  return inflightBytes;
}

/**
 * The body as text, read chunk by chunk: past `maxBytes` the stream is cancelled and, for a success, the
 * call fails (`tooLarge`); an error answer is truncated instead (`truncate`). Past the process-wide budget
 * the read fails with `busy`.
 */
export async function readBody(
  response: Response,
  maxBytes: number,
  onOver: "fail" | "truncate",
  tooLarge: (seen: number, declared: boolean) => Error,
  busy: (held: number) => Error = () => tooLarge(maxBytes + 1, false),
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  // Content-Length counts encoded bytes: only a plain body can be refused before reading it.
  if (onOver === "fail" && !response.headers.get("content-encoding") && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(declared, true);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  // The bytes are kept as they arrive (outside the JS heap) and decoded once, at the end: an answer cut
  // at the limit then leaves no megabytes of strings behind for the garbage collector.
  const chunks: Uint8Array[] = [];
  const budget = limitSettings().maxInflightResponseBytes;
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += value.byteLength;
      inflightBytes += value.byteLength;
      if (seen > maxBytes) {
        await reader.cancel().catch(() => {});
        if (onOver === "fail") {
          chunks.length = 0;
          throw tooLarge(seen, false);
        }
        chunks.push(value.subarray(0, value.byteLength - (seen - maxBytes)));
        break;
      }
      if (inflightBytes > budget) {
        await reader.cancel().catch(() => {});
        chunks.length = 0;
        throw busy(inflightBytes);
      }
      chunks.push(value);
    }
    return chunks.length === 1 ? new TextDecoder("utf-8").decode(chunks[0]) : Buffer.concat(chunks).toString("utf8");
  } finally {
    inflightBytes -= seen;
  }
}

async function fetchText(fetchFn: FetchFn, url: string, init: RequestInit, target: BackendTarget, onHeaders?: () => void): Promise<RawResponse> {
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (error) {
    // An aborted signal is the caller's business (timeout or cancellation), anything else is the network.
    if (init.signal?.aborted) throw error;
    throw unreachable(target, error);
  }
  onHeaders?.();
  const ok = response.status >= 200 && response.status < 300;
  const limit = limitSettings().maxResponseBytes;
  try {
    const body = await readBody(
      response,
      ok ? limit : Math.min(limit, ERROR_BODY_BYTES),
      ok ? "fail" : "truncate",
      (seen, declared) => answerTooLarge(target, limit, seen, declared),
      (held) => readingTooMuch(target, held, limitSettings().maxInflightResponseBytes),
    );
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (init.signal?.aborted || error instanceof BackendError) throw error;
    // The connection broke while the body was on its way.
    throw unreachable(target, error);
  }
}

export function prometheusBackend(cluster: PrometheusClusterConfig, deps: { fetch?: FetchFn } = {}): Backend {
  const fetchFn = deps.fetch ?? fetch;
  const apiRoot = new URL(`${cluster.url}/`);
  const auth = cluster.auth;
  const target: BackendTarget = {
    kind: "prometheus",
    clusterId: cluster.id,
    clusterName: cluster.name,
    host: apiRoot.host,
    secretEnvNames: auth.type === "basic" ? [auth.usernameEnv, auth.passwordEnv] : auth.type === "bearer" ? [auth.tokenEnv] : undefined,
  };

  // Secrets are read per request so a rotated env var (or a test) takes effect without a restart.
  function authorization(): string | undefined {
    if (auth.type === "none") return undefined;
    const secret = (name: string) => {
      const value = process.env[name];
      if (!value) {
        throw new DataSourceError("config", `Environment variable ${name} for cluster "${cluster.name}" is not set`, {
          hint: `Set ${name} in the server's environment (it holds the ${auth.type} credentials for this cluster).`,
        });
      }
      return value;
    };
    if (auth.type === "bearer") return `Bearer ${secret(auth.tokenEnv)}`;
    return `Basic ${Buffer.from(`${secret(auth.usernameEnv)}:${secret(auth.passwordEnv)}`).toString("base64")}`;
  }

  return {
    target,
    async send(request, signal, onHeaders) {
      const url = new URL(`api/v1/${request.path}`, apiRoot);
      const headers: Record<string, string> = { Accept: "application/json" };
      const authHeader = authorization();
      if (authHeader) headers.Authorization = authHeader;
      let body: string | undefined;
      if (request.method === "GET") url.search = request.params.toString();
      else {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        body = request.params.toString();
      }
      return fetchText(fetchFn, url.toString(), { method: request.method, headers, body, signal }, target, onHeaders);
    },
  };
}

export interface AmpBackendDeps {
  fetch?: FetchFn;
  credentials?: CredentialProvider;
  ampClient?: AmpClient;
  /** Signing clock, for tests of clock skew; defaults to the real clock. */
  now?: () => number;
}

export function ampBackend(cluster: AmpClusterConfig, deps: AmpBackendDeps = {}): Backend {
  const fetchFn = deps.fetch ?? fetch;
  const credentials = deps.credentials ?? credentialProviderFor(cluster);
  const target: BackendTarget = {
    kind: "amp",
    clusterId: cluster.id,
    clusterName: cluster.name,
    region: cluster.region,
    workspaceId: cluster.workspaceId ?? cluster.workspaceAlias,
    maxSamplesProcessed: cluster.maxSamplesProcessed,
  };
  const context = { clusterName: cluster.name, roleArn: cluster.roleArn };

  return {
    target,
    async send(request, signal, onHeaders) {
      const workspace = await abortable(resolveWorkspaceEndpoint(cluster, { credentials, ampClient: deps.ampClient }), signal);
      target.host = workspace.endpoint.host;
      target.workspaceId = workspace.workspaceId;
      const url = new URL(`api/v1/${request.path}`, workspace.endpoint);

      const sendSigned = async (forceRefresh: boolean) => {
        const creds = await abortable(resolveCredentials(credentials, context, forceRefresh), signal);
        const signed = signAmpRequest(
          { method: request.method, url, params: request.params, region: cluster.region, date: deps.now ? new Date(deps.now()) : undefined },
          creds,
        );
        return fetchText(fetchFn, signed.url, { ...signed.init, signal }, target, onHeaders);
      };

      const response = await sendSigned(false);
      // Temporary credentials can expire between the provider's last refresh and AWS's check (or be
      // revoked early): refresh once, unconditionally, and retry.
      return isExpiredTokenFailure(response) ? sendSigned(true) : response;
    },
  };
}
