// Result cache and request coalescing. A dashboard opened by several SREs during an incident sends the
// same queries many times; on AMP each one is billed by samples processed and counts against a TPS quota.
//
// - Identical concurrent calls share one backend request. The shared request is aborted only when every
//   caller waiting for it has gone away, so one closed browser tab does not fail the others.
// - Finished results live in an LRU (lru-cache) bounded by entries and by points held. Windows touching
//   "now" change with every scrape and get a short TTL; windows entirely in the past (older than
//   now − 5 min, i.e. after late samples have arrived) are immutable and get a long one.
// - Next to the results, the same cache instance holds the step-aligned extents of range queries
//   (range-slices.ts), so a refresh of a moving window queries only the steps it has not seen.
//   They share the cache's lifetime: a test's `new CoalescingCache()` is isolated, clear() forgets both.

import "server-only";
import { LRUCache } from "lru-cache";
import type { ExtentSet } from "./range-slices";

export const RESULT_CACHE_MAX_ENTRIES = 500;
/** Points (range) or samples (instant) held by all cached results together: ~60 bytes each, ~90 MB. */
export const RESULT_CACHE_MAX_POINTS = 1_500_000;
/**
 * A single result bigger than this is returned but not cached; extents of one query are trimmed to it.
 * Above the planner's largest shared read (MERGED_READ_MAX_POINTS, 300 k estimated), which every panel of a
 * view reads: an uncached one would be fetched again by each of them.
 */
export const MAX_POINTS_PER_KEY = 400_000;
export const EXTENT_CACHE_MAX_KEYS = 1_000;
export const EXTENT_CACHE_MAX_POINTS = 1_500_000;
export const RECENT_TTL_MS = 15_000;
export const HISTORICAL_TTL_MS = 10 * 60_000;
/** Extents only hold steps older than the freshness horizon, which no longer change: keep them as long as history. */
export const EXTENT_TTL_MS = HISTORICAL_TTL_MS;
const SETTLED_AFTER_SECONDS = 5 * 60;

/** TTL for a result whose window ends at `endSeconds` (unix s). */
export function ttlForWindowEnd(endSeconds: number, nowMs: number = Date.now()): number {
  return endSeconds < nowMs / 1000 - SETTLED_AFTER_SECONDS ? HISTORICAL_TTL_MS : RECENT_TTL_MS;
}

/**
 * What a cached value weighs, in points: the points of a range result (plus one per series), the samples
 * of an instant result, the extents of a range query, the length of a list; 1 at least. Envelopes with a
 * `value` field (the client's cache entries) are looked through.
 */
export function pointCount(value: unknown): number {
  return Math.max(1, countPoints(value, 0));
}

function countPoints(value: unknown, depth: number): number {
  if (!value || typeof value !== "object" || depth > 3) return 0;
  if (Array.isArray(value)) {
    let n = value.length;
    for (const item of value) if (item && typeof item === "object" && Array.isArray((item as { points?: unknown }).points)) n += (item as { points: unknown[] }).points.length;
    return n;
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.series)) return countPoints(record.series, depth + 1);
  if (Array.isArray(record.samples)) return record.samples.length;
  if (Array.isArray(record.extents)) return record.extents.reduce<number>((n, extent) => n + countPoints(extent, depth + 1), 0);
  if ("value" in record) return countPoints(record.value, depth + 1);
  return 0;
}

/**
 * Freeze a result shared between callers so a caller sorting in place fails loudly: result → series list →
 * series → labels/points (the [time, value] tuples are left alone: freezing millions of them costs real time).
 */
export function freezeShared<T>(value: T, depth = 3): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (depth > 0) for (const child of Object.values(value)) freezeShared(child, depth - 1);
  }
  return value;
}

interface InFlight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

export interface CachedLoad<T> {
  value: T;
  /** "hit": from the LRU; "joined": shared another caller's request; "loaded": this call ran `load`. */
  source: "hit" | "joined" | "loaded";
}

export interface CoalescingCacheOptions {
  maxEntries?: number;
  /** Bound on the sum of `sizeOf` over the cached values. */
  maxPoints?: number;
  /** Values bigger than this are not cached. */
  maxPointsPerEntry?: number;
  sizeOf?: (value: unknown) => number;
  /** Clock for the TTLs (ms); tests pass a fake one. It must not start at 0 (lru-cache reads 0 as "no TTL"). */
  now?: () => number;
  /** Errors worth remembering for REFUSAL_TTL_MS: the same call would fail the same way (none by default). */
  remembers?: (error: unknown) => boolean;
}

/** How long a remembered refusal answers for its call. */
export const REFUSAL_TTL_MS = 30_000;

function lruOptions(now: (() => number) | undefined) {
  // lru-cache debounces its clock by 1 ms through a timer; a fake clock must be read every time.
  return now ? { perf: { now }, ttlResolution: 0 } : {};
}

export class CoalescingCache<T> {
  private readonly results: LRUCache<string, T & {}>;
  private readonly inFlight = new Map<string, InFlight<T>>();
  /** Calls that failed in a way that would repeat (options.remembers): failed again without a backend call. */
  private readonly refusals: LRUCache<string, { error: unknown }>;
  private readonly remembers: (error: unknown) => boolean;
  /** Step-aligned extents of range queries, per query (see range-slices.ts); bounded by points too. */
  readonly extents: LRUCache<string, ExtentSet>;

  constructor(options: CoalescingCacheOptions = {}) {
    const sizeOf = options.sizeOf ?? pointCount;
    this.results = new LRUCache<string, T & {}>({
      max: options.maxEntries ?? RESULT_CACHE_MAX_ENTRIES,
      maxSize: options.maxPoints ?? RESULT_CACHE_MAX_POINTS,
      maxEntrySize: options.maxPointsPerEntry ?? MAX_POINTS_PER_KEY,
      sizeCalculation: (value) => Math.max(1, Math.ceil(sizeOf(value))),
      ...lruOptions(options.now),
    });
    this.remembers = options.remembers ?? (() => false);
    this.refusals = new LRUCache<string, { error: unknown }>({ max: RESULT_CACHE_MAX_ENTRIES, ttl: REFUSAL_TTL_MS, ...lruOptions(options.now) });
    this.extents = new LRUCache<string, ExtentSet>({
      max: EXTENT_CACHE_MAX_KEYS,
      maxSize: EXTENT_CACHE_MAX_POINTS,
      maxEntrySize: MAX_POINTS_PER_KEY,
      sizeCalculation: (value) => pointCount(value),
      ...lruOptions(options.now),
    });
  }

  /**
   * The cached value for `key`, else the result of an identical call already in flight, else `load()`.
   * `load` receives a signal that fires when all interested callers have aborted; `ttlMs` decides how
   * long a successful result stays cached; errors are not cached, except those `remembers` picks, for
   * REFUSAL_TTL_MS.
   */
  async get(key: string, load: (signal: AbortSignal) => Promise<T>, ttlMs: (value: T) => number, callerSignal?: AbortSignal): Promise<CachedLoad<T>> {
    callerSignal?.throwIfAborted();
    const cached = this.results.get(key);
    if (cached !== undefined) return { value: cached, source: "hit" };
    const refused = this.refusals.get(key);
    if (refused) throw refused.error;

    let flight = this.inFlight.get(key);
    const source = flight ? "joined" : "loaded";
    if (!flight) flight = this.start(key, load, ttlMs);
    return { value: await this.wait(key, flight, callerSignal), source };
  }

  private start(key: string, load: (signal: AbortSignal) => Promise<T>, ttlMs: (value: T) => number): InFlight<T> {
    const controller = new AbortController();
    const flight: InFlight<T> = { controller, waiters: 0, promise: undefined as unknown as Promise<T> };
    flight.promise = load(controller.signal)
      .then((value) => {
        const ttl = Math.round(ttlMs(value));
        if (!controller.signal.aborted && value !== undefined && value !== null && ttl > 0) this.results.set(key, value, { ttl });
        return value;
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted && this.remembers(error)) this.refusals.set(key, { error });
        throw error;
      })
      .finally(() => {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      });
    // Waiters attach their own handlers; this one keeps an abandoned flight from being an unhandled rejection.
    flight.promise.catch(() => {});
    this.inFlight.set(key, flight);
    return flight;
  }

  private wait(key: string, flight: InFlight<T>, callerSignal?: AbortSignal): Promise<T> {
    flight.waiters++;
    if (!callerSignal) return flight.promise;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        reject(callerSignal.reason);
        if (--flight.waiters === 0) {
          // Nobody wants this answer any more: stop the backend work, and let the next caller start afresh.
          if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
          flight.controller.abort(callerSignal.reason);
        }
      };
      callerSignal.addEventListener("abort", onAbort, { once: true });
      flight.promise.then(resolve, reject).finally(() => callerSignal.removeEventListener("abort", onAbort));
    });
  }

  clear(): void {
    this.results.clear();
    this.refusals.clear();
    this.extents.clear();
    this.inFlight.clear();
  }

  /** Cached results (not extents). */
  get size(): number {
    return this.results.size;
  }

  /** Points held by cached results. */
  get points(): number {
    return this.results.calculatedSize;
  }
}
