// The shared cache against a real redis-server and a real Prometheus: several "instances" (clients with
// their own in-process caches and their own Redis connections, as separate processes would have) share
// results, extents and in-flight locks; Redis dying costs no panel anything.
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../../test-support/prometheus";
import { startRedis, type RunningRedis } from "../../../test-support/redis";
import type { PrometheusClusterConfig } from "../config";
import type { FetchFn } from "./backend";
import { CoalescingCache, HISTORICAL_TTL_MS } from "./cache";
import { clientFor, createPrometheusClient, resetDataSourceState } from "./index";
import { RedisSharedCache } from "./redis-cache";
import { setEnv } from "./testing/env";
import { startFixturePrometheus, type FixturePrometheus } from "./testing/fixture";
import { DataSourceError } from "./types";

let prometheus: FixturePrometheus;
let redis: RunningRedis;
const open: RedisSharedCache[] = [];

beforeAll(async () => {
  [prometheus, redis] = await Promise.all([startFixturePrometheus(), startRedis()]);
});

afterAll(async () => {
  await redis?.stop();
  await prometheus?.stop();
});

async function admin<T>(work: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(redis.url, { maxRetriesPerRequest: 0, lazyConnect: true });
  r.on("error", () => {});
  try {
    await r.connect();
    return await work(r);
  } finally {
    r.disconnect();
  }
}

beforeEach(async () => {
  await admin((r) => r.flushall());
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

interface Call {
  path: string;
  params: URLSearchParams;
}

/** One apiscope instance: its own in-process cache and Redis connection, a fetch that counts backend calls. */
function instance(options: { timeoutMs?: number; url?: string; redisUrl?: string; quietMs?: number; fetch?: (real: FetchFn) => FetchFn } = {}) {
  const calls: Call[] = [];
  const log: string[] = [];
  const realFetch: FetchFn = (input, init) => fetch(input, init);
  const inner = options.fetch ? options.fetch(realFetch) : realFetch;
  const counting: FetchFn = (input, init) => {
    const url = new URL(String(input));
    calls.push({ path: url.pathname, params: new URLSearchParams(typeof init?.body === "string" ? init.body : url.search) });
    return inner(input, init);
  };
  const shared = new RedisSharedCache({ url: options.redisUrl ?? redis.url, log: (line) => log.push(line), quietAfterFailureMs: options.quietMs });
  open.push(shared);
  const cluster: PrometheusClusterConfig = {
    id: "shared",
    name: "Shared",
    kind: "prometheus",
    url: options.url ?? prometheus.url,
    auth: { type: "none" },
    scrapeIntervalSeconds: 30,
    timeoutMs: options.timeoutMs ?? 5000,
    inflightLimits: { readOnly: 400, mutating: 200 },
  };
  const api = createPrometheusClient(cluster, { cache: new CoalescingCache(), shared, fetch: counting });
  return { api, calls, log, shared };
}

/** A cold load: a new instance with nothing cached anywhere. */
function coldClient() {
  const calls: Call[] = [];
  const cluster: PrometheusClusterConfig = {
    id: "cold",
    name: "Cold",
    kind: "prometheus",
    url: prometheus.url,
    auth: { type: "none" },
    scrapeIntervalSeconds: 30,
    timeoutMs: 5000,
    inflightLimits: { readOnly: 400, mutating: 200 },
  };
  const api = createPrometheusClient(cluster, {
    cache: new CoalescingCache(),
    shared: null,
    fetch: (input, init) => (calls.push({ path: String(input), params: new URLSearchParams(String(init?.body ?? "")) }), fetch(input, init)),
  });
  return { api, calls };
}

const unavailable = /^\[apiscope\] shared cache unavailable: redis:\/\/127\.0\.0\.1:\d+: .+ — serving from this instance's cache$/;

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe("results shared between instances through Redis", () => {
  it("a second instance is served from Redis with no backend call (range, instant, metadata)", async () => {
    const a = instance();
    const b = instance();
    const q = { query: "apiscope_test_requests", start: prometheus.start, end: prometheus.end, step: 30 };
    const first = await a.api.queryRange(q);
    expect(a.calls).toHaveLength(1);
    expect(first.cached).toBeUndefined();
    expect(first.series.map((s) => s.points.length)).toEqual([240, 240]);

    const second = await b.api.queryRange(q);
    expect(b.calls).toHaveLength(0);
    expect(second.cached).toBe(true);
    expect(second.series).toEqual(first.series);
    expect(second.stats).toEqual(first.stats);
    expect(Object.isFrozen(second.series[0]!.points)).toBe(true);

    const instant = { query: "sum(apiscope_test_requests)", time: prometheus.end };
    const i1 = await a.api.query(instant);
    const i2 = await b.api.query(instant);
    expect(i2).toEqual({ ...i1, cached: true });
    const window = { name: "verb", start: prometheus.start, end: prometheus.end };
    expect(await a.api.labelValues(window)).toEqual(["GET", "LIST"]);
    expect(await b.api.labelValues(window)).toEqual(["GET", "LIST"]);
    expect(a.calls.map((c) => c.path)).toEqual(["/api/v1/query_range", "/api/v1/query", "/api/v1/label/verb/values"]);
    expect(b.calls).toHaveLength(0);
    expect([...a.log, ...b.log]).toEqual([]);

    // In Redis under apiscope:v1:, with the TTL rule (a window long past: the long TTL).
    const keys = await admin((r) => r.keys("*"));
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith("apiscope:v1:"))).toBe(true);
    const ttls = await admin((r) => Promise.all(keys.map((k) => r.pttl(k))));
    expect(Math.max(...ttls)).toBeLessThanOrEqual(HISTORICAL_TTL_MS);
    expect(Math.min(...ttls)).toBeGreaterThan(0);
  });

  it("a window moved forward on another instance queries only the new steps, from the extents in Redis", async () => {
    const a = instance();
    const b = instance();
    const step = 30;
    const w1 = { query: "apiscope_test_requests * 2", start: prometheus.start, end: prometheus.start + 3600, step };
    const w2 = { ...w1, start: w1.start + 300, end: w1.end + 300 };
    await a.api.queryRange(w1);
    const refreshed = await b.api.queryRange(w2);
    expect(b.calls).toHaveLength(1);
    expect(Number(b.calls[0]!.params.get("start"))).toBe(w1.end + step);
    expect(Number(b.calls[0]!.params.get("end"))).toBe(w2.end);

    const cold = coldClient();
    const expected = await cold.api.queryRange(w2);
    expect(cold.calls).toHaveLength(1);
    expect(refreshed.series).toEqual(expected.series);
    expect(refreshed.cached).toBeUndefined();
    expect(refreshed.stats!.samplesProcessed).toBeGreaterThan(0);
    expect(refreshed.stats!.samplesProcessed).toBeLessThan(expected.stats!.samplesProcessed / 5);
  });

  it("identical concurrent queries from two instances go to the backend once", async () => {
    const slow = (real: FetchFn): FetchFn => async (input, init) => {
      await sleep(300);
      return real(input, init);
    };
    const a = instance({ fetch: slow });
    const b = instance({ fetch: slow });
    const q = { query: "apiscope_test_requests + 1", start: prometheus.start, end: prometheus.end, step: 60 };
    const [ra, rb] = await Promise.all([a.api.queryRange(q), b.api.queryRange(q)]);
    expect(a.calls.length + b.calls.length).toBe(1);
    expect(ra.series).toEqual(rb.series);
    expect([ra.cached, rb.cached].filter((c) => c === true)).toHaveLength(1); // the waiter queried nothing

    const instant = { query: "count(apiscope_test_requests)", time: prometheus.end };
    const [ia, ib] = await Promise.all([a.api.query(instant), b.api.query(instant)]);
    expect(a.calls.length + b.calls.length).toBe(2);
    expect(ia.samples).toEqual([{ labels: {}, time: prometheus.end, value: 2 }]);
    expect(ib.samples).toEqual(ia.samples);
  });

  it("a lock holder that fails releases the lock: the waiting instance queries at once, not at its deadline", async () => {
    const failing = (): FetchFn => async () => {
      await sleep(300);
      return new Response("upstream broke", { status: 503 });
    };
    const a = instance({ timeoutMs: 4000, fetch: failing });
    const b = instance({ timeoutMs: 4000 });
    const q = { query: "apiscope_test_requests - 1", start: prometheus.start, end: prometheus.end, step: 30 };
    const holder = a.api.queryRange(q).catch((error: unknown) => error);
    await until(() => a.calls.length === 1, 2000, "the first instance to take the lock");
    const waiter = await timed(b.api.queryRange(q));
    expect(await holder).toBeInstanceOf(DataSourceError);
    expect(b.calls).toHaveLength(1);
    expect(waiter.value.series).toHaveLength(2);
    expect(waiter.ms).toBeGreaterThan(150); // it did wait for the holder…
    expect(waiter.ms).toBeLessThan(2000); // …but not for its 4 s deadline
  });

  it("a lock holder that hangs (a dead instance): the waiting instance queries itself after its timeout", async () => {
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    const hanging = (): FetchFn => async () => {
      await blocked; // ignores its abort signal, as a frozen process would
      return new Response("gone", { status: 503 });
    };
    const a = instance({ timeoutMs: 1500, fetch: hanging });
    const b = instance({ timeoutMs: 1500 });
    const q = { query: "apiscope_test_requests / 2", start: prometheus.start, end: prometheus.end, step: 30 };
    void a.api.queryRange(q).catch(() => {});
    await until(() => a.calls.length === 1, 2000, "the first instance to take the lock");
    try {
      const waiter = await timed(b.api.queryRange(q));
      expect(b.calls).toHaveLength(1);
      expect(waiter.value.series.map((s) => s.points.length)).toEqual([240, 240]);
      expect(waiter.ms).toBeGreaterThan(1300);
      expect(waiter.ms).toBeLessThan(3500);
    } finally {
      unblock();
    }
  });
});

describe("Redis going away", () => {
  it("killed mid-run: queries still answer at full speed, one log line per outage, and a line when it is back", async () => {
    const a = instance();
    const q = (n: number) => ({ query: `apiscope_test_requests * ${n}`, start: prometheus.start, end: prometheus.end, step: 60 });
    await a.api.queryRange(q(1));
    expect(a.log).toEqual([]);

    await redis.kill();
    const b = instance(); // an instance starting during the outage
    for (const n of [2, 3, 4]) {
      const { value, ms } = await timed(a.api.queryRange(q(n)));
      expect(value.series).toHaveLength(2);
      expect(ms).toBeLessThan(1000);
    }
    const fromB = await timed(b.api.queryRange(q(1)));
    expect(fromB.value.series).toHaveLength(2);
    expect(fromB.ms).toBeLessThan(1000);
    expect(b.calls).toHaveLength(1); // Redis is gone: b queried for itself
    await a.api.query({ query: "up", time: prometheus.end });
    expect(a.calls).toHaveLength(5);
    expect(a.log, a.log.join("\n")).toHaveLength(1);
    expect(a.log[0]).toMatch(unavailable);
    expect(b.log).toHaveLength(1);
    expect(b.log[0]).toMatch(unavailable);

    await redis.restart();
    await until(() => a.log.length === 2, 8000, "the shared cache to come back");
    expect(a.log[1]).toMatch(/^\[apiscope\] shared cache available again: redis:\/\/127\.0\.0\.1:\d+$/);
    await a.api.queryRange(q(5));
    const c = instance();
    expect((await c.api.queryRange(q(5))).cached).toBe(true);
    expect(c.calls).toHaveLength(0);
    expect(a.log).toHaveLength(2);
  });

  it("hung (SIGSTOP, connections open): one call waits for the command timeout, the next ones skip Redis", async () => {
    const a = instance({ quietMs: 1000 });
    const q = (n: number) => ({ query: `apiscope_test_requests + ${n}`, start: prometheus.start, end: prometheus.end, step: 120 });
    await a.api.queryRange(q(0));
    redis.pause();
    try {
      const first = await timed(a.api.queryRange(q(1)));
      expect(first.value.series).toHaveLength(2);
      expect(first.ms).toBeLessThan(1500); // one 500 ms command timeout, then Redis is skipped
      for (const n of [2, 3]) {
        const next = await timed(a.api.queryRange(q(n)));
        expect(next.value.series).toHaveLength(2);
        expect(next.ms).toBeLessThan(300);
      }
      expect(a.log).toHaveLength(1);
      expect(a.log[0]).toMatch(unavailable);
      expect(a.log[0]).toContain("no reply in time");
    } finally {
      redis.resume();
    }
    await sleep(1100); // past the quiet period: the next call tries Redis again, and it answers
    await a.api.queryRange(q(4));
    expect(a.log).toHaveLength(2);
    expect(a.log[1]).toMatch(/shared cache available again/);
    const b = instance();
    expect((await b.api.queryRange(q(4))).cached).toBe(true);
    expect(b.calls).toHaveLength(0);
  });

  it("never reachable: answers, one log line, no latency to speak of", async () => {
    const port = await freePort();
    const lonely = instance({ redisUrl: `redis://127.0.0.1:${port}` });
    for (const step of [30, 60, 120]) {
      const { value, ms } = await timed(lonely.api.queryRange({ query: "apiscope_test_requests", start: prometheus.start, end: prometheus.end, step }));
      expect(value.series).toHaveLength(2);
      expect(ms).toBeLessThan(1000);
    }
    expect(lonely.calls).toHaveLength(3);
    expect(lonely.log).toHaveLength(1);
    expect(lonely.log[0]).toMatch(unavailable);
    expect(lonely.log[0]).toContain("ECONNREFUSED");
  });
});

describe("configuration", () => {
  it("APISCOPE_CACHE_URL makes clientFor() share through that Redis", async () => {
    const restore = setEnv({
      APISCOPE_CONFIG: undefined,
      APISCOPE_AMP_WORKSPACE_ID: undefined,
      APISCOPE_AMP_REGION: undefined,
      APISCOPE_CLUSTER_NAME: undefined,
      APISCOPE_PROMETHEUS_URL: prometheus.url,
      APISCOPE_CACHE_URL: redis.url,
    });
    try {
      resetDataSourceState();
      const q = { query: "max(apiscope_test_requests)", start: prometheus.start, end: prometheus.end, step: 30 };
      expect((await clientFor("default").queryRange(q)).cached).toBeUndefined();
      expect((await admin((r) => r.keys("apiscope:v1:*"))).length).toBeGreaterThan(0);
      // Another process: nothing in memory, everything in Redis.
      resetDataSourceState();
      expect((await clientFor("default").queryRange(q)).cached).toBe(true);
    } finally {
      restore();
      resetDataSourceState();
    }
  });
});
