import { describe, expect, it } from "vitest";
import { answerTooLarge, backendBusy, backendHung, isBackendQueryTimeout, isExpiredTokenFailure, isRetryableNetworkError, mapHttpFailure, ourTimeout, unreachable, type BackendTarget } from "./errors";
import { isRetryableStatus } from "./retry";

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
    expect(e.message).toBe('The Prometheus of cluster "Prod" rejected the query: invalid parameter "query": 1:5: parse error: unclosed left parenthesis');
    // where it went is for the server log only
    expect(e.internal).toContain("prom.internal:9090");
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
    expect(e.message).toBe('The AMP workspace of cluster "EKS" was not found (HTTP 404)');
    expect(e.internal).toContain("ws-1");
    expect(e.internal).toContain("us-east-1");
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
    expect(e.message).toBe('Cannot reach the Prometheus of cluster "Prod": connection refused');
    expect(e.internal).toContain("prom.internal:9090");
    expect(e.internal).toContain("connect ECONNREFUSED 127.0.0.1:1");
    const dns = unreachable(prom, new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND x"), { code: "ENOTFOUND" }) }));
    expect(dns.message).toMatch(/host name not found/);
  });
});

describe("what reaches the browser (message, hint, detail) never names the backend's network or credentials", () => {
  // AWS's IncompleteSignature answer echoes the Authorization header: the key id with it.
  const incomplete = {
    message:
      "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/aps/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef",
  };
  const cases: [string, BackendTarget, ReturnType<typeof failure>][] = [
    ["400", prom, failure(400, promError("bad_data", "parse error at /var/lib/prometheus/x near 10.1.2.3:9090"))],
    ["401", prom, failure(401, "Unauthorized at prom.internal:9090")],
    ["403 Prometheus", prom, failure(403, "forbidden by /etc/nginx/nginx.conf")],
    ["403 IncompleteSignature", amp, failure(403, incomplete, { "x-amzn-ErrorType": "IncompleteSignatureException" })],
    ["403 AccessDenied", amp, failure(403, { Message: "User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized" }, { "x-amzn-ErrorType": "AccessDeniedException" })],
    ["404", amp, failure(404, { message: "Workspace ws-1 not found" })],
    ["422", amp, failure(422, "query timed out at aps-workspaces.us-east-1.amazonaws.com")],
    ["429", amp, failure(429, { message: "Rate exceeded for ws-1" })],
    ["500", prom, failure(500, "panic at /go/src/github.com/prometheus/prometheus/promql/engine.go:1234")],
    ["503 HTML", prom, failure(503, "<html><body>503 Service Unavailable upstream=10.1.2.3:9090</body></html>")],
    ["418", prom, failure(418, "teapot at prom.internal:9090")],
  ];
  const leaks = [/prom\.internal/, /9090/, /10\.1\.2\.3/, /ws-1\b/, /aps-workspaces/, /AKIA/, /Signature=0123/, /123456789012/, /\/var\/|\/etc\/|\/go\/src/, /<html/];
  for (const [name, target, f] of cases) {
    it(`${name}: message, hint and detail are clean; the log detail keeps the backend's words`, () => {
      const e = mapHttpFailure(f, target, 1);
      const shown = `${e.message} ${e.hint} ${e.detail ?? ""}`;
      for (const leak of leaks) expect(shown, `${name}: ${shown}`).not.toMatch(leak);
      expect(e.message).toContain(target.clusterName);
      expect(e.internal).toContain(`HTTP ${f.status}`);
    });
  }

  it("the signature error still says what to fix, and the echoed key id is only in the (redacted) log detail", () => {
    const e = mapHttpFailure(failure(403, incomplete, { "x-amzn-ErrorType": "IncompleteSignatureException" }), amp);
    expect(e.kind).toBe("signature");
    expect(e.message).toMatch(/signature/);
    expect(e.hint).toContain("aps:QueryMetrics");
    expect(e.internal).toContain("AKIAIOSFODNN7EXAMPLE"); // redacted when logged: see http.test.ts
  });

  it("an answer over the size limit says so and what to do", () => {
    const e = answerTooLarge(prom, 16 * 1024 * 1024, 16 * 1024 * 1024 + 1, false);
    expect(e.publicKind).toBe("too_large");
    expect(e.message).toBe('The answer is too large: narrow the range or the instance (over 16 MiB from the Prometheus of cluster "Prod")');
    expect(e.internal).toContain("prom.internal:9090");
  });

  it("a hung or busy backend and our timeout name the cluster only", () => {
    for (const e of [ourTimeout(amp, 20_000), ourTimeout(amp, 20_000, true), backendHung(amp, 0, 30_000), backendBusy(amp, "1000 waiting")]) {
      expect(`${e.message} ${e.hint}`).not.toMatch(/ws-1|aps-workspaces|us-east-1/);
      expect(e.message).toContain('"EKS"');
    }
  });
});

describe("which failures are worth another attempt", () => {
  it("429, 502 and 503 but not a 503 that says the query timed out", () => {
    expect([429, 502, 503, 500, 504, 400, 404].map(isRetryableStatus)).toEqual([true, true, true, false, false, false, false]);
    expect(isBackendQueryTimeout(failure(503, promError("timeout", "query timed out in expression evaluation")))).toBe(true);
    expect(isBackendQueryTimeout(failure(503, "upstream connect error"))).toBe(false);
  });
  it("a dropped or refused connection, not a DNS failure", () => {
    const net = (code: string) => unreachable(prom, new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) }));
    expect(isRetryableNetworkError(net("ECONNRESET"))).toBe(true);
    expect(isRetryableNetworkError(net("ECONNREFUSED"))).toBe(true);
    expect(isRetryableNetworkError(net("ENOTFOUND"))).toBe(false);
  });
});
