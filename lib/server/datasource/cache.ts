// Result cache and request coalescing. A dashboard opened by several SREs during an incident sends the
// same queries many times; on AMP each one is billed by samples processed and counts against a TPS quota.
//
// - Identical concurrent calls share one backend request. The shared request is aborted only when every
//   caller waiting for it has gone away, so one closed browser tab does not fail the others.
// - Finished results live in a small LRU. Windows touching "now" change with every scrape and get a short
//   TTL; windows entirely in the past (older than now − 5 min, i.e. after late samples have arrived) are
//   immutable and get a long one.

import "server-only";
export const RESULT_CACHE_MAX_ENTRIES = 500;
export const RECENT_TTL_MS = 15_000;
export const HISTORICAL_TTL_MS = 10 * 60_000;
const SETTLED_AFTER_SECONDS = 5 * 60;

/** TTL for a result whose window ends at `endSeconds` (unix s). */
export function ttlForWindowEnd(endSeconds: number, nowMs: number = Date.now()): number {
  return endSeconds < nowMs / 1000 - SETTLED_AFTER_SECONDS ? HISTORICAL_TTL_MS : RECENT_TTL_MS;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Least-recently-used map with per-entry expiry. A Map iterates in insertion order, so the first key is the LRU one. */
export class LruCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

interface InFlight<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

export interface CachedLoad<T> {
  value: T;
  /** "hit": from the LRU; "joined": shared another caller's request; "loaded": this call went to the backend. */
  source: "hit" | "joined" | "loaded";
}

export class CoalescingCache<T> {
  private readonly results: LruCache<T>;
  private readonly inFlight = new Map<string, InFlight<T>>();

  constructor(maxEntries = RESULT_CACHE_MAX_ENTRIES, now: () => number = Date.now) {
    this.results = new LruCache<T>(maxEntries, now);
  }

  /**
   * The cached value for `key`, else the result of an identical call already in flight, else `load()`.
   * `load` receives a signal that fires when all interested callers have aborted; `ttlMs` decides how
   * long a successful result stays cached (errors are never cached).
   */
  async get(key: string, load: (signal: AbortSignal) => Promise<T>, ttlMs: (value: T) => number, callerSignal?: AbortSignal): Promise<CachedLoad<T>> {
    callerSignal?.throwIfAborted();
    const cached = this.results.get(key);
    if (cached !== undefined) return { value: cached, source: "hit" };

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
        if (!controller.signal.aborted) this.results.set(key, value, ttlMs(value));
        return value;
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
    this.inFlight.clear();
  }

  get size(): number {
    return this.results.size;
  }
}
