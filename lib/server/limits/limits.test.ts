import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PanelData } from "../../api-schema";
import { RequestBuckets, SampleLedger } from "./budget";
import { runAs, currentCallerKey } from "./caller";
import { LimitError } from "./errors";
import { FairGate, QueueFull } from "./fair-queue";
import { addressKey, boundView, isFutureWindow, jsonAnswer, panelAnswer } from "./guard";
import { HangDetector } from "./hang";
import { publicText, redactSecrets } from "./redact";
import { LIMIT_DEFAULTS, loadLimitSettings, resetLimitSettings } from "./settings";

beforeEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("APISCOPE_")) delete process.env[k];
  resetLimitSettings();
});
afterEach(() => resetLimitSettings());

describe("settings", () => {
  it("defaults", () => {
    expect(LIMIT_DEFAULTS).toMatchObject({
      maxResponseBytes: 16 * 1024 * 1024,
      maxInflightResponseBytes: 48 * 1024 * 1024,
      maxPanelSeries: 5_000,
      maxPanelPoints: 600_000,
      maxPanelBytes: 16 * 1024 * 1024,
      maxRangeSeconds: 32 * 86_400,
      maxWidth: 4_000,
      rateBurst: 240,
      ratePerSecond: 8,
      samplesPerMinute: 200_000_000,
      backendConcurrency: 8,
    });
    expect(loadLimitSettings({}).settings).toEqual(LIMIT_DEFAULTS);
  });
  it("reads the environment; a bad value is named and the default kept", () => {
    const { settings, problems } = loadLimitSettings({ APISCOPE_MAX_RESPONSE_BYTES: "1_048_576", APISCOPE_MAX_RANGE_DAYS: "7", APISCOPE_RATE_LIMIT_BURST: "lots", APISCOPE_MAX_WIDTH: "99999" });
    expect(settings.maxResponseBytes).toBe(1_048_576);
    expect(settings.maxRangeSeconds).toBe(7 * 86_400);
    expect(settings.rateBurst).toBe(240);
    expect(settings.maxWidth).toBe(4_000);
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith("APISCOPE_RATE_LIMIT_BURST"))).toMatch(/^APISCOPE_RATE_LIMIT_BURST="lots" is not a whole number from 1 to 1000000; using 240$/);
    expect(problems.some((p) => p.startsWith("APISCOPE_MAX_WIDTH="))).toBe(true);
  });
  it("the range cannot be raised past the browser's own 32 days", () => {
    expect(loadLimitSettings({ APISCOPE_MAX_RANGE_DAYS: "90" }).settings.maxRangeSeconds).toBe(32 * 86_400);
  });
});

describe("redactSecrets: the log keeps what happened, not the credentials", () => {
  it("SigV4 parts, tokens, key ids, passwords in URLs", () => {
    const line = [
      "Authorization=AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/aps/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
      "x-amz-security-token:IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD",
      "X-Amz-Credential=ASIAXXXXXXXXXXXXXXXX%2F20260101&X-Amz-Signature=abc123&X-Amz-Security-Token=FwoGZXIvYXdz",
      "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
      "Authorization: Basic YWRtaW46aHVudGVyMg==",
      "key ASIAIOSFODNN7EXAMPLE in text",
      "http://admin:hunter2@prom.internal:9090/api/v1/query",
      '{"password":"hunter2","session_token":"tok"}',
    ].join("\n");
    const out = redactSecrets(line);
    for (const secret of ["AKIAIOSFODNN7EXAMPLE", "fe5f80f77d5fa3", "IQoJb3JpZ2lu", "ASIAXXXX", "abc123", "FwoGZXIvYXdz", "eyJhbGci", "YWRtaW46aHVudGVyMg", "ASIAIOSFODNN7EXAMPLE", "hunter2", '"tok"']) {
      expect(out, secret).not.toContain(secret);
    }
    // what helps debugging stays: the scope that was signed for, the host
    expect(out).toContain("/20260101/us-east-1/aps/aws4_request");
    expect(out).toContain("prom.internal:9090/api/v1/query");
  });
});

describe("publicText: what the browser may read", () => {
  it("no hosts, ports, addresses, URLs, paths, workspace ids, ARNs or raw bytes", () => {
    const cases: [string, string][] = [
      ["Cannot reach 127.0.0.1:19701 (cluster \"t\")", 'Cannot reach [address] (cluster "t")'],
      ["AMP workspace ws-12345678-abcd-1234-abcd-123456789012 (us-east-1, aps-workspaces.us-east-1.amazonaws.com)", "AMP workspace [workspace] (us-east-1, [address])"],
      ["upstream=10.1.2.3:9090 via [fd00::1]:443 and fd00:1:2:3::4", "upstream=[address] via [address] and [address]"],
      ["open /etc/apiscope/clusters.json: no such file", "open [path]: no such file"],
      ["see https://thanos.example/prometheus/api/v1/query?x=1", "see [address]"],
      ["prometheus.monitoring.svc:9090 and prometheus:9090 and thanos.corp", "[address] and [address] and [address]"],
      ["User: arn:aws:sts::123456789012:assumed-role/apiscope/i-1 is not authorized", "User: [arn] is not authorized"],
      ["\u0000\u00ff<html>\ufffd\ufffdgarbage", "ÿ<html> garbage"],
    ];
    for (const [input, expected] of cases) expect(publicText(input), input).toBe(expected);
  });
  it("leaves PromQL errors readable", () => {
    const parse = 'invalid parameter "query": 1:14: parse error: unexpected "}" in label matching, expected string';
    expect(publicText(parse)).toBe(parse);
    expect(publicText("sum(rate(x[5m])) / sum(rate(y[5m]))")).toBe("sum(rate(x[5m])) / sum(rate(y[5m]))");
  });
  it("is bounded", () => expect(publicText("x".repeat(10_000)).length).toBe(400));
});

describe("request buckets", () => {
  it("a burst, then one request per 1/rate seconds, per user", () => {
    const b = new RequestBuckets(() => ({ burst: 3, perSecond: 2 }));
    const t = 1_000_000;
    expect([1, 2, 3].map(() => b.take("a", t).ok)).toEqual([true, true, true]);
    expect(b.take("a", t)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(b.take("b", t).ok).toBe(true); // another user is unaffected
    expect(b.take("a", t + 500).ok).toBe(true); // half a second: one token back
    expect(b.take("a", t + 500).ok).toBe(false);
    expect(b.take("a", t + 60_000).ok).toBe(true);
  });
});

describe("sample ledger", () => {
  it("a sliding minute per user; Retry-After says when enough has left the window", () => {
    const l = new SampleLedger(() => 1000);
    const t = 600_000; // a slot boundary
    l.charge("a", 600, t);
    l.charge("a", 600, t + 20_000);
    expect(l.spent("a", t + 20_000)).toBe(1200);
    expect(l.check("a", t + 20_000)).toEqual({ ok: false, retryAfterSeconds: 40 });
    expect(l.check("b", t + 20_000)).toEqual({ ok: true });
    expect(l.check("a", t + 60_000)).toEqual({ ok: true }); // the first slot left the window
    expect(l.spent("a", t + 90_000)).toBe(0);
  });
  it("0 is no ceiling", () => {
    const l = new SampleLedger(() => 0);
    l.charge("a", 1e12, 0);
    expect(l.check("a", 0)).toEqual({ ok: true });
  });
});

describe("caller context", () => {
  it("flows through awaits", async () => {
    expect(currentCallerKey()).toBe("-");
    const seen = await runAs({ key: "user:x" }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentCallerKey();
    });
    expect(seen).toBe("user:x");
  });
});

describe("fair gate", () => {
  it("bounded queues: per user and in total", async () => {
    const gate = new FairGate(() => ({ concurrency: 1, queue: 3, queuePerUser: 2 }));
    const release = await gate.acquire("a");
    const waits = [gate.acquire("a"), gate.acquire("a")];
    await expect(gate.acquire("a")).rejects.toBeInstanceOf(QueueFull);
    waits.push(gate.acquire("b"));
    await expect(gate.acquire("c")).rejects.toMatchObject({ scope: "cluster" });
    expect(gate.waiting).toBe(3);
    release();
    (await waits[0]!)();
    (await waits[2]!)(); // b is served before a's second call
    (await waits[1]!)();
    expect(gate.inFlight).toBe(0);
  });
  it("an aborted wait leaves the queue", async () => {
    const gate = new FairGate(() => ({ concurrency: 1, queue: 10, queuePerUser: 10 }));
    const release = await gate.acquire("a");
    const controller = new AbortController();
    const waiting = gate.acquire("a", controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
    expect(gate.waiting).toBe(0);
    release();
    expect(gate.inFlight).toBe(0);
  });
});

describe("hang detector", () => {
  it("hung only when nothing answered since the call was sent; cooldown, then one probe at a time", () => {
    const d = new HangDetector(() => 1000);
    d.answered(100);
    d.noAnswer(50, 2000); // sent before the last answer: not hung
    expect(d.enter(2000)).toBe("go");
    d.noAnswer(200, 2000);
    expect(d.enter(2500)).toBe("refuse");
    expect(d.enter(3100)).toBe("probe");
    expect(d.enter(3100)).toBe("refuse");
    d.done("probe");
    d.answered(3200);
    expect(d.enter(3200)).toBe("go");
  });
});

describe("what a request may ask for", () => {
  it("a range longer than APISCOPE_MAX_RANGE_DAYS is a 400; a width over APISCOPE_MAX_WIDTH is reduced", () => {
    process.env.APISCOPE_MAX_RANGE_DAYS = "7";
    resetLimitSettings();
    expect(() => boundView({ start: 0, end: 8 * 86_400 })).toThrow(expect.objectContaining({ kind: "bad_request", status: 400, message: expect.stringContaining("at most 7 days") }));
    expect(boundView({ start: 0, end: 7 * 86_400, width: 8000 })).toEqual({ start: 0, end: 7 * 86_400, width: 4000 });
  });
  it("a window starting now or later is in the future", () => {
    expect(isFutureWindow(999, 999.5)).toBe(false);
    expect(isFutureWindow(1000, 999.5)).toBe(true);
    expect(isFutureWindow(1000, 1000)).toBe(true);
  });
  it("IPv4 (also v4-mapped) as is, IPv6 by its /64", () => {
    expect(addressKey("::ffff:10.0.0.7")).toBe("10.0.0.7");
    expect(addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2::5")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
  });
});

describe("answers to the browser are bounded", () => {
  const panel = (series: number, points: number): PanelData => ({
    panelId: "p",
    status: "ok",
    window: { start: 0, end: 60, step: 15, rateInterval: 30, evalTime: 60 },
    queries: [
      {
        id: "q",
        legend: "",
        type: "range",
        expr: "up",
        variant: 0,
        series: Array.from({ length: series }, (_, i) => ({ labels: { i: String(i) }, points: Array.from({ length: points }, (_, j) => [j, j] as [number, number]) })),
        stats: null,
        cached: false,
        warnings: [],
      },
    ],
    samplesProcessed: 0,
  });
  it("series, points and bytes: over any of them is too_large (422), saying what to do", async () => {
    process.env.APISCOPE_MAX_PANEL_SERIES = "10";
    process.env.APISCOPE_MAX_PANEL_POINTS = "1000";
    process.env.APISCOPE_MAX_PANEL_BYTES = String(64 * 1024);
    resetLimitSettings();
    const res = panelAnswer(panel(10, 100), "no-store");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(((await res.json()) as PanelData).queries[0]!.series).toHaveLength(10);
    for (const [s, p] of [[11, 1], [1, 1001]] as const) {
      expect(() => panelAnswer(panel(s, p), "no-store")).toThrow(LimitError);
      expect(() => panelAnswer(panel(s, p), "no-store")).toThrow(/^The answer is too large: narrow the range or the instance/);
    }
    expect(() => jsonAnswer({ big: "x".repeat(70 * 1024) })).toThrow(expect.objectContaining({ kind: "too_large", status: 422 }));
  });
});
