import { describe, expect, it } from "vitest";
import { CoalescingCache, HISTORICAL_TTL_MS, LruCache, RECENT_TTL_MS, ttlForWindowEnd } from "./cache";

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

describe("LruCache", () => {
  it("evicts the least recently used entry", () => {
    const cache = new LruCache<number>(2);
    cache.set("a", 1, 1000);
    cache.set("b", 2, 1000);
    expect(cache.get("a")).toBe(1); // a is now more recent than b
    cache.set("c", 3, 1000);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
  });
  it("expires entries after their TTL", () => {
    let now = 0;
    const cache = new LruCache<number>(10, () => now);
    cache.set("a", 1, 100);
    now = 99;
    expect(cache.get("a")).toBe(1);
    now = 100;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
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
