import { describe, expect, it } from "vitest";
import { CoalescingCache, HISTORICAL_TTL_MS, pointCount, RECENT_TTL_MS, REFUSAL_TTL_MS, ttlForWindowEnd } from "./cache";

describe("ttlForWindowEnd", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  const nowSeconds = now / 1000;
  it("is short for windows touching now, long for windows entirely older than now - 5 min", () => {
    expect(ttlForWindowEnd(nowSeconds, now)).toBe(RECENT_TTL_MS);
    expect(ttlForWindowEnd(nowSeconds - 299, now)).toBe(RECENT_TTL_MS);
    expect(ttlForWindowEnd(nowSeconds - 301, now)).toBe(HISTORICAL_TTL_MS);
    expect(RECENT_TTL_MS).toBe(15_000);
    expect(HISTORICAL_TTL_MS).toBe(600_000);
  });
});

describe("CoalescingCache's LRU (lru-cache)", () => {
  const put = (cache: CoalescingCache<unknown>, key: string, value: unknown, ttl = 1000) => cache.get(key, async () => value, () => ttl);

  it("evicts the least recently used entry", async () => {
    const cache = new CoalescingCache<unknown>({ maxEntries: 2 });
    await put(cache, "a", 1);
    await put(cache, "b", 2);
    expect((await put(cache, "a", "reloaded")).source).toBe("hit"); // a is now more recent than b
    await put(cache, "c", 3); // evicts b
    expect(await put(cache, "a", "x")).toEqual({ value: 1, source: "hit" });
    expect(await put(cache, "c", "x")).toEqual({ value: 3, source: "hit" });
    expect(await put(cache, "b", "reloaded")).toEqual({ value: "reloaded", source: "loaded" });
    expect(cache.size).toBe(2);
  });

  it("expires entries after their own TTL", async () => {
    let now = 1_000; // lru-cache reads a start time of 0 as "no TTL"
    const cache = new CoalescingCache<unknown>({ now: () => now });
    await put(cache, "short", "s", 100);
    await put(cache, "long", "l", 10_000);
    now += 100;
    expect((await put(cache, "short", "s2", 100)).source).toBe("hit");
    now += 1;
    expect(await put(cache, "short", "s2", 100)).toEqual({ value: "s2", source: "loaded" });
    expect((await put(cache, "long", "l2")).source).toBe("hit");
    now += 10_000;
    expect(await put(cache, "long", "l2")).toEqual({ value: "l2", source: "loaded" });
  });

  it("is bounded by points held, and does not keep a result bigger than one entry may be", async () => {
    const range = (points: number) => ({ series: [{ labels: {}, points: Array.from({ length: points }, (_, i) => [i, i]) }], stats: null, warnings: [] });
    expect(pointCount(range(99))).toBe(100); // points plus one per series
    expect(pointCount({ samples: [1, 2, 3] })).toBe(3);
    expect(pointCount({ value: range(9), ttlMs: 5 })).toBe(10); // the client's cache entries
    expect(pointCount({ step: 30, extents: [{ series: range(4).series }, { series: range(5).series }] })).toBe(11);
    expect(pointCount(["a", "b"])).toBe(2);
    expect(pointCount(undefined)).toBe(1);

    const cache = new CoalescingCache<unknown>({ maxPoints: 250, maxPointsPerEntry: 150 });
    await put(cache, "a", range(99));
    await put(cache, "b", range(99));
    expect(cache.points).toBe(200);
    await put(cache, "c", range(99)); // 300 > 250: the least recently used goes
    expect(cache.points).toBe(200);
    expect((await put(cache, "a", "reloaded")).source).toBe("loaded");
    const big = await put(cache, "big", range(199));
    expect(big.source).toBe("loaded"); // returned to its caller…
    expect((await put(cache, "big", "again")).source).toBe("loaded"); // …but never cached
  });

  it("clear() forgets results and range extents", async () => {
    const cache = new CoalescingCache<unknown>();
    await put(cache, "a", 1);
    cache.extents.set("x", { step: 30, extents: [] }, { ttl: 1000 });
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.extents.size).toBe(0);
  });
});

describe("CoalescingCache", () => {
  const deferred = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };

  it("shares one load between identical concurrent calls, then serves the cache", async () => {
    const cache = new CoalescingCache<string>();
    const gate = deferred<string>();
    let loads = 0;
    const load = () => (loads++, gate.promise);
    const first = cache.get("k", load, () => 1000);
    const second = cache.get("k", load, () => 1000);
    gate.resolve("v");
    expect(await first).toEqual({ value: "v", source: "loaded" });
    expect(await second).toEqual({ value: "v", source: "joined" });
    expect(await cache.get("k", load, () => 1000)).toEqual({ value: "v", source: "hit" });
    expect(loads).toBe(1);
  });

  it("does not cache errors", async () => {
    const cache = new CoalescingCache<string>();
    await expect(cache.get("k", () => Promise.reject(new Error("boom")), () => 1000)).rejects.toThrow("boom");
    expect(await cache.get("k", async () => "ok", () => 1000)).toEqual({ value: "ok", source: "loaded" });
  });

  it("remembers the errors it is told to for REFUSAL_TTL_MS: the same call fails again without loading", async () => {
    let now = 1_000;
    const cache = new CoalescingCache<string>({ now: () => now, remembers: (e) => e instanceof Error && e.message === "too large" });
    let loads = 0;
    const tooLarge = () => (loads++, Promise.reject(new Error("too large")));
    await expect(cache.get("k", tooLarge, () => 1000)).rejects.toThrow("too large");
    await expect(cache.get("k", async () => "ok", () => 1000)).rejects.toThrow("too large");
    expect(loads).toBe(1);
    // Another error is not remembered; after the TTL the call is sent again.
    await expect(cache.get("j", () => Promise.reject(new Error("boom")), () => 1000)).rejects.toThrow("boom");
    expect((await cache.get("j", async () => "ok", () => 1000)).source).toBe("loaded");
    now += REFUSAL_TTL_MS + 1;
    expect(await cache.get("k", async () => "ok", () => 1000)).toEqual({ value: "ok", source: "loaded" });
  });

  it("keeps the shared load running while any caller still waits, aborts it when all have gone", async () => {
    const cache = new CoalescingCache<string>();
    let loadSignal!: AbortSignal;
    const gate = deferred<string>();
    const load = (signal: AbortSignal) => ((loadSignal = signal), gate.promise);
    const a = new AbortController();
    const b = new AbortController();
    const first = cache.get("k", load, () => 1000, a.signal);
    const second = cache.get("k", load, () => 1000, b.signal);

    a.abort(new Error("tab closed"));
    await expect(first).rejects.toThrow("tab closed");
    expect(loadSignal.aborted).toBe(false);

    b.abort(new Error("second tab closed"));
    await expect(second).rejects.toThrow("second tab closed");
    expect(loadSignal.aborted).toBe(true);

    // the abandoned flight is gone: a new caller starts a fresh load
    gate.resolve("late");
    expect(await cache.get("k", async () => "fresh", () => 1000)).toEqual({ value: "fresh", source: "loaded" });
  });

  it("rejects at once for an already aborted caller", async () => {
    const cache = new CoalescingCache<string>();
    await expect(cache.get("k", async () => "v", () => 1000, AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});
