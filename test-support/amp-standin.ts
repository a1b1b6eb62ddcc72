// A stand-in for an AMP workspace query endpoint, for tests: it verifies SigV4 like AWS does and then
// forwards /workspaces/<id>/api/v1/* to a real Prometheus.
//
// Verification uses @smithy/signature-v4 (the AWS SDK's own signer), independent of the aws4 package the
// app signs with, so a test passing here checks one implementation against the other. Every request is
// re-signed from what actually arrived — method, path, query, the headers listed in SignedHeaders, the
// body bytes — with the claimed date, region and service, and the signatures compared.
//
// Rejections mimic AMP: HTTP 403 with {"message": …} and an x-amzn-ErrorType header.
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandinCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry exactly this X-Amz-Security-Token. */
  sessionToken?: string;
}

export type Fault =
  /** Answer with this status instead of forwarding; AMP-like default bodies per status. */
  | { status: number; retryAfter?: number | string; body?: string; headers?: Record<string, string> }
  /** Never answer (until stop()). */
  | { hang: true }
  /** 200 with an HTML page instead of JSON. */
  | { garbage: true }
  /** Forward, but only after this delay. */
  | { delayMs: number };

export type Verdict =
  | "ok"
  | "missing_auth"
  | "malformed_auth"
  | "unknown_access_key"
  | "wrong_service"
  | "wrong_region"
  | "stale_date"
  | "missing_session_token"
  | "invalid_session_token"
  | "expired_session_token"
  | "body_hash_mismatch"
  | "signature_mismatch";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without "?". */
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
  verdict: Verdict;
  accessKeyId?: string;
  fault?: Fault;
  status?: number;
}

export interface AmpStandinOptions {
  /** Base URL of the real Prometheus, e.g. http://127.0.0.1:9090 */
  upstream: string;
  workspaceId: string;
  region: string;
  credentials: StandinCredentials | StandinCredentials[];
  maxClockSkewSeconds?: number;
  /** The stand-in's clock (ms), to test skew without waiting. */
  now?: () => number;
}

export interface AmpStandin {
  /** http://127.0.0.1:<port>/workspaces/<id>/ — what DescribeWorkspace would return as prometheusEndpoint. */
  endpoint: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue faults, consumed one per correctly signed request, in order. */
  injectNext(...faults: Fault[]): void;
  /** From now on, this session token is answered with ExpiredTokenException. */
  expireSessionToken(token: string): void;
  addCredentials(credentials: StandinCredentials): void;
  stop(): Promise<void>;
}

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/** node:crypto behind the hash interface @smithy/signature-v4 expects (no extra package needed). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** Exposes the canonical request so a mismatch can be explained the way AWS does. */
class VerifyingSigner extends SignatureV4 {
  canonicalRequestFor(request: Parameters<SignatureV4["sign"]>[0] & { headers: Record<string, string> }, payloadHash: string): string {
    return this.createCanonicalRequest(request as never, request.headers, payloadHash);
  }
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/** x-amz-date "20260101T000000Z" → Date */
function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, "");

/** Query string as AWS reads it: percent-decoding only ("+" stays "+", the classic SigV4 trap). */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const part of raw.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export async function startAmpStandin(options: AmpStandinOptions): Promise<AmpStandin> {
  const upstream = options.upstream.replace(/\/+$/, "");
  const maxSkewMs = (options.maxClockSkewSeconds ?? 300) * 1000;
  const now = options.now ?? Date.now;
  const keys = new Map<string, StandinCredentials>();
  for (const c of [options.credentials].flat()) keys.set(c.accessKeyId, c);
  const expiredTokens = new Set<string>();
  const faults: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const workspacePrefix = `/workspaces/${options.workspaceId}/`;

  type Rejection = { verdict: Verdict; type: string; message: string };

  async function verify(req: IncomingMessage, path: string, rawQuery: string, body: Buffer, record: RecordedRequest): Promise<Rejection | undefined> {
    const authorization = headerValue(req.headers, "authorization");
    if (!authorization) return { verdict: "missing_auth", type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
    const m = AUTHORIZATION.exec(authorization);
    if (!m) {
      return { verdict: "malformed_auth", type: "IncompleteSignatureException", message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.slice(0, 40)}…` };
    }
    const [, accessKeyId, scopeDate, scopeRegion, scopeService, signedHeaderList, signature] = m as unknown as string[];
    record.accessKeyId = accessKeyId;
    const known = keys.get(accessKeyId!);
    if (!known) return { verdict: "unknown_access_key", type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
    if (scopeService !== "aps") return { verdict: "wrong_service", type: "InvalidSignatureException", message: "Credential should be scoped to correct service: 'aps'. " };
    if (scopeRegion !== options.region) {
      return { verdict: "wrong_region", type: "InvalidSignatureException", message: `Credential should be scoped to a valid region, not '${scopeRegion}'. ` };
    }
    const rawDate = headerValue(req.headers, "x-amz-date");
    const date = parseAmzDate(rawDate);
    if (!date) return { verdict: "malformed_auth", type: "IncompleteSignatureException", message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
    const skew = date.getTime() - now();
    if (skew < -maxSkewMs) {
      return { verdict: "stale_date", type: "InvalidSignatureException", message: `Signature expired: ${rawDate} is now earlier than ${amzDate(now() - maxSkewMs)} (${amzDate(now())} - ${maxSkewMs / 60000} min.)` };
    }
    if (skew > maxSkewMs) {
      return { verdict: "stale_date", type: "InvalidSignatureException", message: `Signature not yet current: ${rawDate} is still later than ${amzDate(now() + maxSkewMs)} (${amzDate(now())} + ${maxSkewMs / 60000} min.)` };
    }
    const token = headerValue(req.headers, "x-amz-security-token");
    if (known.sessionToken !== undefined) {
      if (token === undefined) return { verdict: "missing_session_token", type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
      if (token !== known.sessionToken) return { verdict: "invalid_session_token", type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
      if (expiredTokens.has(token)) return { verdict: "expired_session_token", type: "ExpiredTokenException", message: "The security token included in the request is expired" };
    }

    const signedHeaders = signedHeaderList!.split(";");
    const bodyHash = createHash("sha256").update(body).digest("hex");
    const claimedHash = headerValue(req.headers, "x-amz-content-sha256");
    if (claimedHash !== undefined && claimedHash !== "UNSIGNED-PAYLOAD" && claimedHash !== bodyHash) {
      return { verdict: "body_hash_mismatch", type: "InvalidSignatureException", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = headerValue(req.headers, name);
      if (value !== undefined) headers[name] = value;
    }
    const includeToken = signedHeaders.includes("x-amz-security-token") && token !== undefined;
    const signer = new VerifyingSigner({
      service: scopeService!,
      region: scopeRegion!,
      sha256: NodeSha256,
      applyChecksum: false,
      credentials: { accessKeyId: known.accessKeyId, secretAccessKey: known.secretAccessKey, sessionToken: includeToken ? token : undefined },
    });
    const toSign = {
      method: req.method ?? "GET",
      protocol: "http:",
      hostname: (headers.host ?? "").replace(/:\d+$/, ""),
      path,
      query: parseQuery(rawQuery),
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
    };
    const expected = await signer.sign(toSign, {
      signingDate: date,
      signingRegion: scopeRegion,
      signingService: scopeService,
      signableHeaders: new Set(signedHeaders),
    });
    const expectedAuthorization = String(expected.headers.authorization ?? "");
    const scopeMatchesDate = scopeDate === rawDate!.slice(0, 8);
    if (!scopeMatchesDate || !expectedAuthorization.endsWith(`Signature=${signature}`) || !expectedAuthorization.includes(`SignedHeaders=${signedHeaderList},`)) {
      const canonical = signer.canonicalRequestFor({ ...toSign, headers: Object.fromEntries(Object.entries(expected.headers).filter(([k]) => signedHeaders.includes(k)).map(([k, v]) => [k, String(v).trim()])) }, bodyHash);
      return { verdict: "signature_mismatch", type: "InvalidSignatureException", message: `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonical}'\n` };
    }
    return undefined;
  }

  function reply(res: ServerResponse, record: RecordedRequest, status: number, body: string, headers: Record<string, string> = {}) {
    record.status = status;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  }

  function faultReply(res: ServerResponse, record: RecordedRequest, fault: Extract<Fault, { status: number }>) {
    const defaults: Record<number, { body: string; type?: string }> = {
      429: { body: JSON.stringify({ message: "Rate exceeded" }), type: "ThrottlingException" },
      422: { body: JSON.stringify({ status: "error", errorType: "execution", error: "query timed out in query execution" }) },
      503: { body: JSON.stringify({ status: "error", errorType: "timeout", error: "query timed out in expression evaluation" }) },
      403: { body: JSON.stringify({ Message: "User: arn:aws:sts::123456789012:assumed-role/apiscope/test is not authorized to perform: aps:QueryMetrics on resource: arn:aws:aps:us-east-1:123456789012:workspace/ws-test" }), type: "AccessDeniedException" },
      401: { body: JSON.stringify({ message: "Unauthorized" }) },
    };
    const preset = defaults[fault.status] ?? { body: JSON.stringify({ message: `Injected HTTP ${fault.status}` }) };
    const headers: Record<string, string> = { ...(preset.type ? { "x-amzn-ErrorType": preset.type } : {}), ...fault.headers };
    if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
    reply(res, record, fault.status, fault.body ?? preset.body, headers);
  }

  async function forward(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, apiPath: string, rawQuery: string, body: Buffer) {
    const contentType = headerValue(req.headers, "content-type");
    const upstreamResponse = await fetch(`${upstream}/${apiPath}${rawQuery ? `?${rawQuery}` : ""}`, {
      method: req.method,
      headers: contentType ? { "content-type": contentType } : {},
      body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body),
    });
    const text = await upstreamResponse.text();
    reply(res, record, upstreamResponse.status, text, { "content-type": upstreamResponse.headers.get("content-type") ?? "application/json" });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? "" : rawUrl.slice(q + 1);
    const record: RecordedRequest = { method: req.method ?? "GET", path, query: rawQuery, headers: req.headers, body: body.toString("utf8"), verdict: "ok" };
    requests.push(record);

    const rejection = await verify(req, path, rawQuery, body, record);
    if (rejection) {
      record.verdict = rejection.verdict;
      return reply(res, record, 403, JSON.stringify({ message: rejection.message }), { "x-amzn-ErrorType": `${rejection.type}:http://internal.amazon.com/coral/com.amazon.coral.service/` });
    }
    if (!path.startsWith(workspacePrefix)) {
      const id = /^\/workspaces\/([^/]+)\//.exec(path)?.[1];
      return reply(res, record, 404, JSON.stringify({ message: id ? `Workspace ${id} not found` : "Not Found" }), { "x-amzn-ErrorType": "ResourceNotFoundException" });
    }
    const apiPath = path.slice(workspacePrefix.length);
    if (!apiPath.startsWith("api/v1/")) return reply(res, record, 404, JSON.stringify({ message: "Not Found" }));

    const fault = faults.shift();
    record.fault = fault;
    if (fault && "hang" in fault) {
      hanging.add(res);
      return;
    }
    if (fault && "garbage" in fault) {
      record.status = 200;
      res.writeHead(200, { "content-type": "text/html" });
      return res.end("<!doctype html><html><head><title>Sign in</title></head><body>Please sign in</body></html>");
    }
    if (fault && "status" in fault) return faultReply(res, record, fault);
    if (fault && "delayMs" in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    await forward(req, res, record, apiPath, rawQuery, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`stand-in error: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}${workspacePrefix}`,
    port,
    requests,
    injectNext: (...more) => void faults.push(...more),
    expireSessionToken: (token) => void expiredTokens.add(token),
    addCredentials: (credentials) => void keys.set(credentials.accessKeyId, credentials),
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
