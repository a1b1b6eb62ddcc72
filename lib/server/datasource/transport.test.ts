// callBackend, the one retry layer and the per-cluster limits, against a scripted backend (no network).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetBudgets, sampleLedger } from "../limits/budget";
import { runAs } from "../limits/caller";
import { LimitError } from "../limits/errors";
import { resetLimitSettings } from "../limits/settings";
import type { ApiRequest, Backend, RawResponse } from "./backend";
import { unreachable, type BackendTarget } from "./errors";
import { callBackend } from "./transport";
import { DataSourceError } from "./types";

const target: BackendTarget = { kind: "prometheus", clusterId: "c1", clusterName: "Prod", host: "prom.internal:9090" };
const request: ApiRequest = { path: "query", method: "POST", params: new URLSearchParams({ query: "up" }) };
const ok = (): RawResponse => ({ status: 200, headers: new Headers(), body: "{}" });
const status = (s: number, headers: Record<string, string> = {}, body = ""): RawResponse => ({ status: s, headers: new Headers(headers), body });

type Step = RawResponse | Error | "hang" | ((signal: AbortSignal) => Promise<RawResponse>);

/** A backend answering each send with the next scripted step (the last one repeats). */
function scripted(steps: Step[]) {
  const sent: number[] = [];
  let i = 0;
  const backend: Backend = {
    target,
    send(_req, signal) {
      sent.push(Date.now());
      const step = steps[Math.min(i++, steps.length - 1)]!;
      if (typeof step === "function") return step(signal);
      if (step === "hang") return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
      if (step instanceof Error) return Promise.reject(step);
      return Promise.resolve(step);
    },
  };
  return { backend, sent };
}

const refused = () => unreachable(target, new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) }));
const dns = () => unreachable(target, new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }) }));

async function failure(p: Promise<unknown>): Promise<DataSourceError | LimitError> {
  try {
    await p;
  } catch (e) {
    return e as DataSourceError;
  }
  throw new Error("expected a failure");
}

beforeEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("APISCOPE_")) delete process.env[k];
  resetLimitSettings();
  resetBudgets();
});
afterEach(() => vi.restoreAllMocks());

describe("retries: the server's only retry layer", () => {
  it("429 three times: three attempts, then throttled", async () => {
    const { backend, sent } = scripted([status(429)]);
    const e = await failure(callBackend(backend, request, { timeoutMs: 5000, random: () => 0 }));
    expect(e).toMatchObject({ kind: "throttled" });
    expect(e.message).toContain("3 times");
    expect(sent).toHaveLength(3);
  });

  it("honours Retry-After (seconds) and succeeds", async () => {
    const { backend, sent } = scripted([status(429, { "retry-after": "1" }), ok()]);
    const t0 = Date.now();
    await callBackend(backend, request, { timeoutMs: 5000 });
    expect(sent).toHaveLength(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it("a Retry-After past the time budget is not waited for", async () => {
    const { backend, sent } = scripted([status(429, { "retry-after": "60" })]);
    const t0 = Date.now();
    expect(await failure(callBackend(backend, request, { timeoutMs: 2000 }))).toMatchObject({ kind: "throttled" });
    expect(sent).toHaveLength(1);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it("502 and 503 are retried with jittered backoff; 500, 504 and a 503 'query timed out' are not", async () => {
    for (const s of [502, 503]) {
      const { backend, sent } = scripted([status(s), ok()]);
      await callBackend(backend, request, { timeoutMs: 5000, random: () => 0 });
      expect(sent, String(s)).toHaveLength(2);
    }
    for (const s of [500, 504, 400]) {
      const { backend, sent } = scripted([status(s)]);
      await failure(callBackend(backend, request, { timeoutMs: 5000, random: () => 0 }));
      expect(sent, String(s)).toHaveLength(1);
    }
    const { backend, sent } = scripted([status(503, {}, JSON.stringify({ status: "error", errorType: "timeout", error: "query timed out in expression evaluation" }))]);
    expect(await failure(callBackend(backend, request, { timeoutMs: 5000, random: () => 0 }))).toMatchObject({ kind: "query_timeout" });
    expect(sent).toHaveLength(1);
  });

  it("a refused or dropped connection is retried; a DNS failure is not", async () => {
    const r = scripted([refused(), refused(), refused()]);
    expect(await failure(callBackend(r.backend, request, { timeoutMs: 5000, random: () => 0 }))).toMatchObject({ kind: "unreachable" });
    expect(r.sent).toHaveLength(3);
    const d = scripted([dns()]);
    await failure(callBackend(d.backend, request, { timeoutMs: 5000, random: () => 0 }));
    expect(d.sent).toHaveLength(1);
  });
});

describe("a hung backend is waited for once, not by every panel", () => {
  it("after one call got no answer within the timeout, the next calls fail at once; an answer closes it", async () => {
    let hung = true;
    const sent: number[] = [];
    const backend: Backend = {
      target,
      send(_r, signal) {
        sent.push(Date.now());
        return hung ? new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })) : Promise.resolve(ok());
      },
    };
    const t0 = Date.now();
    expect(await failure(callBackend(backend, request, { timeoutMs: 300 }))).toMatchObject({ kind: "timeout" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const t1 = Date.now();
    const fast = await Promise.all(Array.from({ length: 5 }, () => failure(callBackend(backend, request, { timeoutMs: 300 }))));
    expect(fast.map((e) => e.kind)).toEqual(Array(5).fill("timeout"));
    expect(fast[0]!.message).toMatch(/has not answered any query for a while; this one was not sent/);
    expect(Date.now() - t1).toBeLessThan(100);
    expect(sent).toHaveLength(1);

    // After the cooldown (here: the timeout, 300 ms) one probe at a time goes through; it answers: back to normal.
    hung = false;
    await new Promise((r) => setTimeout(r, 320));
    await callBackend(backend, request, { timeoutMs: 300 });
    await Promise.all([callBackend(backend, request, { timeoutMs: 300 }), callBackend(backend, request, { timeoutMs: 300 })]);
    expect(sent).toHaveLength(4);
  });

  it("a backend that answers but is slow to send its body is not hung", async () => {
    let first = true;
    const backend: Backend = {
      target,
      send(_r, signal, onHeaders) {
        if (!first) return Promise.resolve(ok());
        first = false;
        onHeaders?.(); // status and headers arrived; the body never finishes
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
      },
    };
    expect(await failure(callBackend(backend, request, { timeoutMs: 200 }))).toMatchObject({ kind: "timeout" });
    await callBackend(backend, request, { timeoutMs: 200 }); // sent, not refused
  });

  it("one slow query while others answer is not a hung backend", async () => {
    let n = 0;
    const backend: Backend = {
      target,
      send: (_r, signal) =>
        n++ === 0 ? new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })) : new Promise((r) => setTimeout(() => r(ok()), 50)),
    };
    const slow = callBackend(backend, request, { timeoutMs: 300 });
    await callBackend(backend, request, { timeoutMs: 300 }); // answers while the slow one waits
    expect((await failure(slow)).message).toMatch(/^No answer from the Prometheus of cluster "Prod" within 0\.3 s$/);
    await callBackend(backend, request, { timeoutMs: 300 }); // still sent
  });
});

describe("per-cluster concurrency with a queue that serves users in turn", () => {
  it("at most APISCOPE_BACKEND_CONCURRENCY calls in flight; one user's backlog does not starve another", async () => {
    process.env.APISCOPE_BACKEND_CONCURRENCY = "2";
    resetLimitSettings();
    let inFlight = 0;
    let peak = 0;
    const order: string[] = [];
    const backend: Backend = {
      target,
      async send(req) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        order.push(req.params.get("query")!);
        return ok();
      },
    };
    const call = (user: string, q: string) => runAs({ key: user }, () => callBackend(backend, { ...request, params: new URLSearchParams({ query: q }) }, { timeoutMs: 10_000 }));
    const greedy = Array.from({ length: 20 }, (_, i) => call("user:greedy", `g${i}`));
    await new Promise((r) => setTimeout(r, 5));
    const polite = [call("user:polite", "p0"), call("user:polite", "p1")];
    await Promise.all([...greedy, ...polite]);
    expect(peak).toBe(2);
    // The polite user's two calls are served within the next few turns, not after the greedy user's 20.
    expect(order.indexOf("p1")).toBeLessThan(8);
  });

  it("a full queue answers at once: busy (throttled)", async () => {
    process.env.APISCOPE_BACKEND_CONCURRENCY = "1";
    process.env.APISCOPE_BACKEND_QUEUE = "2";
    resetLimitSettings();
    const { backend } = scripted([(s) => new Promise((r, j) => { const t = setTimeout(() => r(ok()), 200); s.addEventListener("abort", () => { clearTimeout(t); j(s.reason); }); })]);
    const calls = Array.from({ length: 4 }, () => callBackend(backend, request, { timeoutMs: 5000 }).then(() => "ok", (e: DataSourceError) => e.kind));
    expect(await Promise.all(calls)).toEqual(["ok", "ok", "ok", "throttled"]);
  });
});

describe("the per-user samples ceiling", () => {
  it("a user over APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE sends nothing more (429 rate_limited with Retry-After); others still do", async () => {
    process.env.APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE = "1000";
    resetLimitSettings();
    sampleLedger.charge("user:heavy", 1500, Date.now());
    const { backend, sent } = scripted([ok()]);
    const e = await failure(runAs({ key: "user:heavy" }, () => callBackend(backend, request, { timeoutMs: 1000 })));
    expect(e).toBeInstanceOf(LimitError);
    expect(e).toMatchObject({ kind: "rate_limited", status: 429 });
    expect((e as LimitError).retryAfterSeconds).toBeGreaterThan(0);
    expect(sent).toHaveLength(0);
    await runAs({ key: "user:light" }, () => callBackend(backend, request, { timeoutMs: 1000 }));
    expect(sent).toHaveLength(1);
  });
});
