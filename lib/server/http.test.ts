// errorResponse: what the browser is told when a route fails. Every answer must parse with the schema the
// browser validates against (components/api-client.ts), or the user sees "answered 502" and nothing else.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { z } from "zod";
import { apiErrorSchema, panelRequestSchema } from "../api-schema";
import { DataSourceError, type DataSourceErrorKind } from "./datasource/types";
import { answerTooLarge, mapHttpFailure } from "./datasource/errors";
import { errorResponse, panelCacheControl } from "./http";
import { LimitError } from "./limits/errors";
import { assertValidPromQL, PromQLSyntaxError } from "./promql";

async function answer(err: unknown) {
  const res = errorResponse(err);
  const text = await res.text();
  const parsed = apiErrorSchema.safeParse(JSON.parse(text));
  expect(parsed.success, `not an ApiError: ${text}`).toBe(true);
  return { status: res.status, text, error: parsed.data!.error };
}

function zodErrorOf(schema: z.ZodType, input: unknown): z.ZodError {
  const r = schema.safeParse(input);
  if (r.success) throw new Error("expected the input to be rejected");
  return r.error;
}

let consoleError: MockInstance;
beforeEach(() => {
  // errorResponse logs server-side; keep the test output readable and check what is logged where it matters.
  consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => consoleError.mockRestore());

describe("errorResponse: DataSourceError", () => {
  // Written out per kind (the Record makes tsc fail when a kind is added without deciding its status).
  // 4xx only where the browser's request itself is at fault or the answer is "slow down"; every failure of
  // the backend behind us is a 502 (bad gateway), or 504 when a timeout fired.
  const EXPECTED: Record<DataSourceErrorKind, number> = {
    config: 404,
    bad_query: 400,
    throttled: 429,
    timeout: 504,
    query_timeout: 504,
    unreachable: 502,
    too_many_samples: 502,
    unauthorized: 502,
    signature: 502,
    expired_token: 502,
    access_denied: 502,
    not_found: 502,
    bad_response: 502,
    server_error: 502,
  };

  for (const [kind, status] of Object.entries(EXPECTED) as [DataSourceErrorKind, number][]) {
    it(`${kind} → ${status}, with its own kind, message, hint and detail`, async () => {
      const err = new DataSourceError(kind, `message for ${kind}`, { hint: `hint for ${kind}`, status: 418, detail: `detail for ${kind}` });
      const a = await answer(err);
      expect(a.status).toBe(status);
      expect(a.error).toEqual({ kind, message: `message for ${kind}`, hint: `hint for ${kind}`, detail: `detail for ${kind}` });
    });
  }

  it("leaves detail out when the backend said nothing, and never sends the stack, the cause or a host", async () => {
    const cause = new Error("connect ECONNREFUSED 10.1.2.3:9090 with Authorization: Bearer s3cr3t-token");
    const err = new DataSourceError("unreachable", "Cannot reach Prometheus at prom.internal:9090.", { hint: "Check the URL.", cause });
    const a = await answer(err);
    expect(a.status).toBe(502);
    // A message that slipped through with a host is cleaned on the way out.
    expect(a.error).toEqual({ kind: "unreachable", message: "Cannot reach Prometheus at [address].", hint: "Check the URL." });
    expect(a.text).not.toContain("s3cr3t-token");
    expect(a.text).not.toContain("10.1.2.3");
    expect(a.text).not.toContain("http.test.ts"); // a stack frame would name this file
  });

  it("logs the kind, message and detail on the server", async () => {
    await answer(new DataSourceError("bad_query", "Prometheus rejected the query.", { hint: "h", detail: "parse error at 1:5" }));
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(String(consoleError.mock.calls[0]![0])).toBe("[apiscope] bad_query: Prometheus rejected the query. (parse error at 1:5)");
  });
});

describe("errorResponse: cancelled requests", () => {
  it("an AbortError from fetch (a DOMException) → 499 cancelled, not logged as a failure", async () => {
    const controller = new AbortController();
    controller.abort();
    const reason: unknown = controller.signal.reason; // what fetch rejects with when its signal aborts
    expect((reason as Error).name).toBe("AbortError");
    const a = await answer(reason);
    expect(a.status).toBe(499);
    expect(a.error.kind).toBe("cancelled");
    expect(a.error.message).toBe("The request was cancelled.");
    expect(a.error.hint.length).toBeGreaterThan(0);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("any Error named AbortError → 499", async () => {
    const err = new Error("This operation was aborted");
    err.name = "AbortError";
    expect((await answer(err)).status).toBe(499);
  });

  it("a TimeoutError (AbortSignal.timeout) is not a cancellation", async () => {
    const err = new DOMException("The operation timed out.", "TimeoutError");
    const a = await answer(err);
    expect(a.status).toBe(500);
    expect(a.error.kind).toBe("internal");
  });
});

describe("errorResponse: invalid request parameters (ZodError)", () => {
  it("→ 400 bad_request naming the field that is wrong", async () => {
    const err = zodErrorOf(panelRequestSchema, { cluster: "default", start: "yesterday", end: "1795000000" });
    const a = await answer(err);
    expect(a.status).toBe(400);
    expect(a.error.kind).toBe("bad_request");
    expect(a.error.message).toMatch(/^Invalid start: .+\.$/);
    expect(a.error.hint).toBe("Fix the URL parameter or reload the dashboard.");
  });

  it("names a nested field by its dotted path", async () => {
    const err = zodErrorOf(z.object({ range: z.object({ from: z.number() }) }), { range: { from: "x" } });
    const a = await answer(err);
    expect(a.status).toBe(400);
    expect(a.error.message).toMatch(/^Invalid range\.from: /);
  });

  it("says 'request' when the problem is the whole input", async () => {
    const a = await answer(zodErrorOf(z.object({ a: z.string() }), "not an object"));
    expect(a.status).toBe(400);
    expect(a.error.message).toMatch(/^Invalid request: /);
  });
});

describe("errorResponse: PromQL that does not parse", () => {
  it("→ 500 bad_query: the panel definition is broken, not the user's request", async () => {
    let err: unknown;
    try {
      assertValidPromQL("sum(rate(apiserver_request_total[5m])");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PromQLSyntaxError);
    const a = await answer(err);
    expect(a.status).toBe(500);
    expect(a.error.kind).toBe("bad_query");
    expect(a.error.message).toBe((err as Error).message);
    expect(a.error.message).toContain("PromQL syntax error");
    expect(a.error.hint).toBe("This is a bug in the panel definition.");
  });
});

describe("errorResponse: anything else", () => {
  const unexpected: [string, unknown][] = [
    ["an Error carrying internals", new Error("ENOENT: open '/srv/apiscope/secret-token.txt' password=hunter2")],
    ["a TypeError", new TypeError("Cannot read properties of undefined (reading 'hunter2')")],
    ["a thrown string", "hunter2 at /srv/apiscope"],
    ["a thrown object", { password: "hunter2" }],
    ["null", null],
  ];
  for (const [what, err] of unexpected) {
    it(`${what} → 500 internal, with no message, stack or value of the original`, async () => {
      const a = await answer(err);
      expect(a.status).toBe(500);
      expect(a.error).toEqual({
        kind: "internal",
        message: "The dashboard server failed unexpectedly.",
        hint: "Retry; if it persists, check the server log.",
      });
      expect(a.text).not.toContain("hunter2");
      expect(a.text).not.toContain("/srv/");
      expect(a.text).not.toMatch(/\bat .*:\d+:\d+/); // stack frames
      // …but the server log keeps the original, to find the bug, without its credential material.
      expect(consoleError).toHaveBeenCalledTimes(1);
      const [line, logged] = consoleError.mock.calls[0]! as [string, string];
      expect(line).toBe("[apiscope] unexpected error");
      if (err instanceof Error) expect(logged).toContain(err.message.split("password=")[0]!.trim());
      expect(logged).not.toContain("password=hunter2");
    });
  }
});

describe("panelCacheControl", () => {
  const now = 1_795_000_000;

  it("a window that ended long ago is kept by the browser for an hour", () => {
    expect(panelCacheControl(now - 86_400, now)).toBe("private, max-age=3600");
    expect(panelCacheControl(now - 601, now)).toBe("private, max-age=3600");
  });

  it("a window ending in the last 10 minutes, now, or later is never stored", () => {
    expect(panelCacheControl(now - 600, now)).toBe("no-store");
    expect(panelCacheControl(now - 599, now)).toBe("no-store");
    expect(panelCacheControl(now - 30, now)).toBe("no-store");
    expect(panelCacheControl(now, now)).toBe("no-store");
    expect(panelCacheControl(now + 3600, now)).toBe("no-store");
  });

  it("compares seconds with seconds (a fractional now from Date.now() / 1000)", () => {
    expect(panelCacheControl(now - 600, now + 0.5)).toBe("private, max-age=3600");
    expect(panelCacheControl(now - 600, now - 0.5)).toBe("no-store");
  });
});

describe("errorResponse: what the log gets and what the browser gets", () => {
  it("a BackendError's internal detail is logged, with credential material redacted, and never sent", async () => {
    const body = "Authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/aps/aws4_request, SignedHeaders=host, Signature=0123456789abcdef";
    const err = mapHttpFailure(
      { status: 403, body: JSON.stringify({ message: `Authorization header requires 'Signature'. ${body}` }), headers: new Headers({ "x-amzn-ErrorType": "IncompleteSignatureException" }) },
      { kind: "amp", clusterId: "a", clusterName: "EKS", host: "aps-workspaces.us-east-1.amazonaws.com", region: "us-east-1", workspaceId: "ws-12345678-abcd-1234-abcd-123456789012" },
    );
    const a = await answer(err);
    expect(a.status).toBe(502);
    expect(a.error.kind).toBe("signature");
    expect(a.text).not.toMatch(/AKIA|Signature=0123|ws-12345678|aps-workspaces/);
    const logged = String(consoleError.mock.calls[0]![0]);
    expect(logged).toContain("ws-12345678-abcd-1234-abcd-123456789012"); // where: the operator needs it
    expect(logged).toContain("aps-workspaces.us-east-1.amazonaws.com");
    expect(logged).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(logged).not.toContain("0123456789abcdef");
    expect(logged).toContain("Credential=[redacted]");
  });

  it("an answer over the size limit → 422 too_large", async () => {
    const a = await answer(answerTooLarge({ kind: "prometheus", clusterId: "p", clusterName: "Prod", host: "10.0.0.1:9090" }, 1024 * 1024, 2 * 1024 * 1024, true));
    expect(a.status).toBe(422);
    expect(a.error.kind).toBe("too_large");
    expect(a.error.message).toMatch(/^The answer is too large: narrow the range or the instance/);
    expect(a.text).not.toContain("10.0.0.1");
  });

  it("a LimitError → its status, with Retry-After on 429", async () => {
    const res = errorResponse(new LimitError("rate_limited", "Too many requests from you in a short time", { hint: "Wait 3 s.", retryAfterSeconds: 2.2 }));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ error: { kind: "rate_limited", message: "Too many requests from you in a short time", hint: "Wait 3 s." } });
    expect(errorResponse(new LimitError("bad_request", "No such instance", { hint: "Pick one." })).status).toBe(400);
  });

  it("every error answer is no-store", async () => {
    for (const err of [new DataSourceError("timeout", "m", { hint: "h" }), new Error("x"), zodErrorOf(z.object({ a: z.string() }), {})]) {
      expect(errorResponse(err).headers.get("cache-control")).toBe("no-store");
    }
  });
});
