// SigV4 for AMP query calls, with aws4. The traps this avoids (see anchors §2.4, toolchain notes):
// - service must be "aps" (aws4 would infer "aps-workspaces" from the host name);
// - the body must be a string; form-encoding it keeps "+"/"%20" ambiguity out of the canonical query;
// - aws4 rewrites `path` (RFC 3986 query encoding), so send exactly the signed path and headers;
// - Node's fetch ignores a custom Host header and uses the URL's host, so sign for the host we fetch.
import "server-only";
import aws4 from "aws4";
import type { AwsCredentials } from "./credentials";

export interface SignableRequest {
  method: "GET" | "POST";
  /** Full URL without query: `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/api/v1/query`. */
  url: URL;
  /** Form parameters: in the body for POST, in the query string for GET. */
  params: URLSearchParams;
  region: string;
  /** Fixed signing time, for deterministic tests. */
  date?: Date;
}

export interface SignedRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
}

export const AMP_SIGNING_SERVICE = "aps";

export function signAmpRequest(request: SignableRequest, credentials: AwsCredentials): SignedRequest {
  const query = request.method === "GET" && [...request.params].length > 0 ? `?${request.params.toString()}` : "";
  const body = request.method === "POST" ? request.params.toString() : undefined;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/x-www-form-urlencoded";
  if (request.date) headers["X-Amz-Date"] = request.date.toISOString().replace(/[:-]|\.\d{3}/g, "");

  const signed = aws4.sign(
    {
      host: request.url.host, // includes a non-default port, exactly what fetch will send as Host
      path: request.url.pathname + query,
      method: request.method,
      service: AMP_SIGNING_SERVICE,
      region: request.region,
      headers,
      body,
    },
    { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
  );

  // aws4 adds Host, X-Amz-Date, Content-Length, X-Amz-Security-Token and Authorization. Host is what fetch
  // sends anyway (it refuses to set it), so drop it from what we hand to fetch; every other signed header
  // goes out byte for byte.
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers ?? {})) {
    if (name.toLowerCase() !== "host" && value !== undefined) sent[name] = String(value);
  }
  return {
    url: `${request.url.protocol}//${request.url.host}${signed.path}`,
    init: { method: request.method, headers: sent, body },
  };
}
