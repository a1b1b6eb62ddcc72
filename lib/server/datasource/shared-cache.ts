// A results cache shared by every apiscope instance (Amplify runs several compute instances, each with
// its own in-process cache: anchors §6.4). Optional: the in-process cache and in-flight coalescing of
// cache.ts stay the default and the first level; the shared cache is looked up after a local miss, and
// identical queries from different instances go to the backend once:
//
//   1. GET the result: another instance may have it.
//   2. Else take the in-flight lock (SET NX PX): the winner looks once more (a holder may have stored its
//      result and released between our GET and our lock), else queries the backend, stores the result, releases.
//   3. The others poll for the result with a short backoff, bounded by the query timeout; if the lock is
//      released without a result (the holder failed) or expires (it died), they take the lock themselves,
//      and past their deadline they query the backend without it.
//
// A shared cache that is down or failing is skipped: every operation answers "unavailable" at once and the
// caller carries on from its own cache; the implementation logs one line per outage (redis-cache.ts).
//
// Configuration, read from process.env once:
//   APISCOPE_CACHE_URL                redis://[user:password@]host:port[/db] or rediss://… (TLS): share results,
//                                     range-query extents and in-flight locks through this Redis (keys
//                                     prefixed `apiscope:v1:`). Unset: each instance caches for itself.
//   APISCOPE_CACHE_FRESHNESS_SECONDS  range-query steps newer than now − this are always re-queried and never
//                                     reused from any cache, because late samples may still arrive (default 60).

import "server-only";
import { setTimeout as sleep } from "node:timers/promises";

export interface SharedHit {
  value: unknown;
  /** What is left of its TTL, in ms. */
  ttlMs: number;
}

export interface SharedLock {
  release(): Promise<void>;
}

/**
 * A key-value store shared between instances. `key`s are logical (they hold PromQL and may be long): the
 * store derives its own short keys from them. No method throws: failures answer "unavailable"/undefined.
 */
export interface SharedCache {
  get(key: string): Promise<SharedHit | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** The in-flight lock of `key`, for `ttlMs`. */
  lock(key: string, ttlMs: number): Promise<{ state: "acquired"; lock: SharedLock } | { state: "held" | "unavailable" }>;
  /** The result if it is there, else whether the in-flight lock is still held. One round trip. */
  peek(key: string): Promise<SharedHit | "locked" | "free" | "unavailable">;
  close(): Promise<void>;
}

export interface SharedLoadOptions<T> {
  /** Lock lifetime: longer than one load can take (the query timeout plus a margin). */
  lockMs: number;
  /** How long to wait for another instance's load before querying ourselves. */
  waitMs: number;
  /** TTL for a result this instance loaded. */
  ttlMs: (value: T) => number;
  /** A stored JSON value back into a result (validation, freezing). Throwing treats it as a miss. */
  revive: (value: unknown) => T;
  signal: AbortSignal;
  now?: () => number;
}

export interface SharedLoad<T> {
  value: T;
  /** "shared": another instance's result, nothing was queried; "loaded": `load` ran here. */
  source: "shared" | "loaded";
  /** For a shared result: what is left of its TTL. */
  ttlMs?: number;
}

const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 200;

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
}

function revived<T>(hit: SharedHit, revive: (value: unknown) => T): SharedLoad<T> | undefined {
  try {
    return { value: revive(hit.value), source: "shared", ttlMs: hit.ttlMs };
  } catch {
    return undefined; // an entry written by an incompatible version: query instead
  }
}

/** `load()` through the shared cache (see the protocol at the top); just `load()` without one. */
export async function loadShared<T>(shared: SharedCache | undefined, key: string, options: SharedLoadOptions<T>, load: () => Promise<T>): Promise<SharedLoad<T>> {
  if (!shared) return { value: await load(), source: "loaded" };
  const now = options.now ?? Date.now;
  const hit = await shared.get(key);
  const fromShared = hit && revived(hit, options.revive);
  if (fromShared) return fromShared;

  const deadline = now() + options.waitMs;
  let delay = POLL_FIRST_MS;
  for (;;) {
    options.signal.throwIfAborted();
    const attempt = now() >= deadline ? ({ state: "unavailable" } as const) : await shared.lock(key, options.lockMs);
    if (attempt.state !== "held") {
      // Ours (or no shared cache to coordinate through, or we waited long enough): query the backend —
      // unless the holder we just missed stored its result and released between our GET and our lock.
      if (attempt.state === "acquired") {
        const late = await shared.get(key);
        const stored = late && revived(late, options.revive);
        if (stored) {
          await attempt.lock.release();
          return stored;
        }
      }
      try {
        const value = await load();
        await shared.set(key, value, options.ttlMs(value));
        return { value, source: "loaded" };
      } finally {
        if (attempt.state === "acquired") await attempt.lock.release();
      }
    }
    // Another instance is loading it: wait for its result.
    for (;;) {
      await pause(Math.min(delay, Math.max(1, deadline - now())), options.signal);
      delay = Math.min(delay * 2, POLL_MAX_MS);
      const seen = await shared.peek(key);
      if (typeof seen === "object") {
        const result = revived(seen, options.revive);
        if (result) return result;
        break;
      }
      // Released without a result (the holder failed) or expired (it died), or the cache went away:
      // try to take over. Past the deadline, stop waiting.
      if (seen !== "locked" || now() >= deadline) break;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Configuration from the environment

export const DEFAULT_FRESHNESS_SECONDS = 60;

export interface CacheSettings {
  /** redis:// or rediss:// URL of the shared cache; undefined: in-process only. */
  url?: string;
  freshnessSeconds: number;
}

/** Settings from `env`; a bad value is reported through `log` and ignored (a cache setting never stops a panel). */
export function readCacheSettings(env: Record<string, string | undefined>, log: (line: string) => void = console.warn): CacheSettings {
  const settings: CacheSettings = { freshnessSeconds: DEFAULT_FRESHNESS_SECONDS };
  const url = env.APISCOPE_CACHE_URL?.trim();
  if (url) {
    if (/^rediss?:\/\/[^/]/i.test(url)) settings.url = url;
    else log("[apiscope] APISCOPE_CACHE_URL ignored: it must start with redis:// or rediss:// — serving from this instance's cache");
  }
  const freshness = env.APISCOPE_CACHE_FRESHNESS_SECONDS?.trim();
  if (freshness) {
    const seconds = Number(freshness);
    if (Number.isFinite(seconds) && seconds >= 0) settings.freshnessSeconds = seconds;
    else log(`[apiscope] APISCOPE_CACHE_FRESHNESS_SECONDS ignored: ${JSON.stringify(freshness)} is not a number of seconds ≥ 0 — using ${DEFAULT_FRESHNESS_SECONDS}`);
  }
  return settings;
}

let settings: CacheSettings | undefined;

/** The process-wide settings, read from process.env on first use. */
export function cacheSettings(): CacheSettings {
  return (settings ??= readCacheSettings(process.env));
}

/** Tests only: read process.env again on next use. */
export function resetCacheSettings(): void {
  settings = undefined;
}
