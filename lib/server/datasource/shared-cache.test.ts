import { describe, expect, it } from "vitest";
import { DEFAULT_FRESHNESS_SECONDS, readCacheSettings } from "./shared-cache";

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
