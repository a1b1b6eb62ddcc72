import { describe, expect, it } from "vitest";
import { isExpiredTokenFailure, mapHttpFailure, unreachable, type BackendTarget } from "./errors";

const prom: BackendTarget = { kind: "prometheus", clusterId: "p", clusterName: "Prod", host: "prom.internal:9090", secretEnvNames: ["PROM_TOKEN"] };
const amp: BackendTarget = { kind: "amp", clusterId: "a", clusterName: "EKS", host: "aps-workspaces.us-east-1.amazonaws.com", region: "us-east-1", workspaceId: "ws-1", maxSamplesProcessed: 5_000_000 };

const failure = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: new Headers(headers),
});
const promError = (errorType: string, error: string) => ({ status: "error", errorType, error });

describe("mapHttpFailure", () => {
  it("400: bad_query with Prometheus' own message", () => {
    const e = mapHttpFailure(failure(400, promError("bad_data", 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis')), prom);
    expect(e).toMatchObject({ kind: "bad_query", status: 400, detail: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis' });
    expect(e.message).toContain("prom.internal:9090");
    expect(e.message).toContain("unclosed left parenthesis");
  });

  it("400 too many points: bad_query with a hint about the step", () => {
    const e = mapHttpFailure(failure(400, promError("bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")), prom);
    expect(e.kind).toBe("bad_query");
    expect(e.hint).toMatch(/increase the step/i);
  });

  it("422 from AMP (its query timeout) and 503 timeout from Prometheus: query_timeout", () => {
    expect(mapHttpFailure(failure(422, promError("execution", "query timed out in query execution")), amp).kind).toBe("query_timeout");
    expect(mapHttpFailure(failure(422, "Unprocessable Entity"), amp).kind).toBe("query_timeout");
    expect(mapHttpFailure(failure(503, promError("timeout", "query timed out in expression evaluation")), prom).kind).toBe("query_timeout");
  });

  it("422 execution errors that are not timeouts stay bad_query", () => {
    const e = mapHttpFailure(failure(422, promError("execution", "found duplicate series for the match group")), prom);
    expect(e.kind).toBe("bad_query");
  });

  it("too many samples: too_many_samples, naming the AMP cost ceiling", () => {
    const e = mapHttpFailure(failure(422, promError("execution", "query processing would load too many samples into memory in query execution")), amp);
    expect(e.kind).toBe("too_many_samples");
    expect(e.hint).toContain("5,000,000");
    expect(mapHttpFailure(failure(400, promError("bad_data", "max_samples_processed_error_threshold exceeded")), amp).kind).toBe("too_many_samples");
  });

  it("429: throttled, with the attempt count and the AMP quota", () => {
    const e = mapHttpFailure(failure(429, { message: "Rate exceeded" }), amp, 3);
    expect(e).toMatchObject({ kind: "throttled", status: 429 });
    expect(e.message).toContain("3 times");
    expect(e.hint).toContain("L-D5FD0534");
  });

  it("401: unauthorized, naming the env vars (not their values)", () => {
    const e = mapHttpFailure(failure(401, "Unauthorized"), prom);
    expect(e.kind).toBe("unauthorized");
    expect(e.hint).toContain("PROM_TOKEN");
  });

  it("403 signature mismatch: signature, with region/clock/policy hint and without the echoed canonical request", () => {
    const body = {
      message:
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.\n\nThe Canonical String for this request should have been\n'POST\n/\n\nx-amz-security-token:SECRET-TOKEN'\n",
    };
    const e = mapHttpFailure(failure(403, body, { "x-amzn-ErrorType": "InvalidSignatureException:http://internal.amazon.com/" }), amp);
    expect(e.kind).toBe("signature");
    expect(e.hint).toMatch(/region \(us-east-1\)/);
    expect(e.hint).toMatch(/clock/);
    expect(e.hint).toContain("aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata");
    expect(`${e.message} ${e.detail} ${e.hint}`).not.toContain("SECRET-TOKEN");
  });

  it("403 variants: clock skew, wrong region, unknown key get specific hints", () => {
    expect(mapHttpFailure(failure(403, { message: "Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)" }), amp).hint).toMatch(/clock is more than 5 minutes off/);
    expect(mapHttpFailure(failure(403, { message: "Credential should be scoped to a valid region, not 'eu-west-1'. " }), amp).hint).toMatch(/not the workspace's region/);
    const unknown = mapHttpFailure(failure(403, { message: "The security token included in the request is invalid." }, { "x-amzn-ErrorType": "UnrecognizedClientException" }), amp);
    expect(unknown.kind).toBe("signature");
    expect(unknown.hint).toMatch(/does not recognise the access key/);
  });

  it("403 expired token: expired_token", () => {
    const f = failure(403, { message: "The security token included in the request is expired" }, { "x-amzn-ErrorType": "ExpiredTokenException:http://internal.amazon.com/" });
    expect(isExpiredTokenFailure(f)).toBe(true);
    expect(mapHttpFailure(f, amp).kind).toBe("expired_token");
  });

  it("403 access denied: access_denied, listing the permissions", () => {
    const e = mapHttpFailure(failure(403, { Message: "User: arn:aws:sts::1:assumed-role/x is not authorized to perform: aps:QueryMetrics" }, { "x-amzn-ErrorType": "AccessDeniedException" }), amp);
    expect(e.kind).toBe("access_denied");
    expect(e.hint).toContain("aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata");
    expect(isExpiredTokenFailure(failure(403, { Message: "not authorized" }))).toBe(false);
  });

  it("404: not_found, AMP names the workspace and region", () => {
    const e = mapHttpFailure(failure(404, { message: "Workspace not found" }), amp);
    expect(e.kind).toBe("not_found");
    expect(e.message).toContain("ws-1");
    expect(e.message).toContain("us-east-1");
    expect(mapHttpFailure(failure(404, "404 page not found"), prom).hint).toMatch(/API root/);
  });

  it("5xx: server_error; other statuses: bad_response", () => {
    expect(mapHttpFailure(failure(500, "boom"), prom).kind).toBe("server_error");
    expect(mapHttpFailure(failure(502, "<html>Bad Gateway</html>"), prom).kind).toBe("server_error");
    expect(mapHttpFailure(failure(503, "upstream connect error"), prom).kind).toBe("server_error");
    expect(mapHttpFailure(failure(405, "Method Not Allowed"), prom).kind).toBe("bad_response");
  });
});

describe("unreachable", () => {
  it("names the host and the network reason, never the URL's credentials", () => {
    const error = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }) });
    const e = unreachable(prom, error);
    expect(e.kind).toBe("unreachable");
    expect(e.message).toBe('Cannot reach prom.internal:9090 for cluster "Prod": connection refused');
    const dns = unreachable(prom, new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }) }));
    expect(dns.message).toMatch(/host name not found/);
  });
});
