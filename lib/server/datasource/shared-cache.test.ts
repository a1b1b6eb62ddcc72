import { describe, expect, it } from "vitest";
import { DEFAULT_FRESHNESS_SECONDS, loadShared, readCacheSettings, type SharedCache, type SharedHit } from "./shared-cache";

/** A shared cache in memory whose `beforeLock` hook lets a test act between a caller's GET and its lock. */
function memoryShared(beforeLock: () => void = () => {}) {
  const values = new Map<string, SharedHit>();
  const locks = new Set<string>();
  const cache: SharedCache = {
    get: async (key) => values.get(key),
    set: async (key, value, ttlMs) => void values.set(key, { value, ttlMs }),
    lock: async (key) => {
      beforeLock();
      if (locks.has(key)) return { state: "held" };
      locks.add(key);
      return { state: "acquired", lock: { release: async () => void locks.delete(key) } };
    },
    peek: async (key) => values.get(key) ?? (locks.has(key) ? "locked" : "free"),
    close: async () => {},
  };
  return { cache, values, locks };
}

describe("loadShared", () => {
  const options = { lockMs: 1000, waitMs: 1000, ttlMs: () => 5000, revive: (v: unknown) => v as number, signal: new AbortController().signal };

  it("a result stored by another instance between our miss and our lock is used, not queried again", async () => {
    const mem = memoryShared(() => mem.values.set("q", { value: 42, ttlMs: 4000 }));
    let loads = 0;
    const got = await loadShared(mem.cache, "q", options, async () => ++loads);
    expect(got).toEqual({ value: 42, source: "shared", ttlMs: 4000 });
    expect(loads).toBe(0);
    expect(mem.locks.size).toBe(0); // the lock taken for nothing is released
  });

  it("a miss takes the lock, loads once, stores the result for the others and releases", async () => {
    const mem = memoryShared();
    let loads = 0;
    const got = await loadShared(mem.cache, "q", options, async () => ++loads);
    expect(got).toEqual({ value: 1, source: "loaded" });
    expect(loads).toBe(1);
    expect(mem.values.get("q")).toEqual({ value: 1, ttlMs: 5000 });
    expect(mem.locks.size).toBe(0);
  });
});

describe("cache settings from the environment", () => {
  const read = (env: Record<string, string | undefined>) => {
    const log: string[] = [];
    return { settings: readCacheSettings(env, (line) => log.push(line)), log };
  };

  it("defaults: no shared cache, 60 s freshness", () => {
    expect(read({})).toEqual({ settings: { freshnessSeconds: 60 }, log: [] });
    expect(DEFAULT_FRESHNESS_SECONDS).toBe(60);
  });

  it("redis:// and rediss:// URLs, and a freshness in seconds", () => {
    expect(read({ APISCOPE_CACHE_URL: " redis://cache:6379/2 ", APISCOPE_CACHE_FRESHNESS_SECONDS: "120" }).settings).toEqual({ url: "redis://cache:6379/2", freshnessSeconds: 120 });
    expect(read({ APISCOPE_CACHE_URL: "rediss://user:pw@cache.example:6380" }).settings.url).toBe("rediss://user:pw@cache.example:6380");
    expect(read({ APISCOPE_CACHE_FRESHNESS_SECONDS: "0" }).settings.freshnessSeconds).toBe(0);
  });

  it("a bad value is logged once and ignored, never an error", () => {
    const bad = read({ APISCOPE_CACHE_URL: "memcached://cache:11211", APISCOPE_CACHE_FRESHNESS_SECONDS: "soon" });
    expect(bad.settings).toEqual({ freshnessSeconds: 60 });
    expect(bad.log).toEqual([
      "[apiscope] APISCOPE_CACHE_URL ignored: it must start with redis:// or rediss:// — serving from this instance's cache",
      '[apiscope] APISCOPE_CACHE_FRESHNESS_SECONDS ignored: "soon" is not a number of seconds ≥ 0 — using 60',
    ]);
    expect(read({ APISCOPE_CACHE_FRESHNESS_SECONDS: "-5" }).settings.freshnessSeconds).toBe(60);
  });
});
