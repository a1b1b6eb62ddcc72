// Per-user budgets, counted in this process (see README "Security": with several instances each counts
// its own):
// - requests: a token bucket (RequestBuckets), `burst` requests at once, refilled at `perSecond`;
// - backend samples processed: a sliding minute (SampleLedger) in six 10-second slots. A backend answer
//   is charged when it is parsed, to the caller whose request sent it (caller.ts); a user over the
//   ceiling gets 429 for new requests and for further backend calls until enough of the minute has passed.
// Both are bounded in memory: an LRU of users, the least recently seen forgotten first (a forgotten user
// starts with a full bucket, which only ever errs on the generous side).
import "server-only";
import { LRUCache } from "lru-cache";
import { currentCaller } from "./caller";
import { limitSettings } from "./settings";

const MAX_USERS = 10_000;

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RequestBuckets {
  private readonly buckets = new LRUCache<string, Bucket>({ max: MAX_USERS });

  constructor(private readonly settings: () => { burst: number; perSecond: number }) {}

  /** Take one token for `key` at `nowMs`, or say when the next one will be there. */
  take(key: string, nowMs: number, cost = 1): Verdict {
    const { burst, perSecond } = this.settings();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: nowMs };
    const tokens = Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * perSecond);
    if (tokens >= cost) {
      this.buckets.set(key, { tokens: tokens - cost, at: nowMs });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: nowMs });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / perSecond)) };
  }

  clear(): void {
    this.buckets.clear();
  }
}

const SLOT_MS = 10_000;
const SLOTS = 6;

export class SampleLedger {
  /** Per user: samples per 10-second slot, keyed by slot number (ms / SLOT_MS). */
  private readonly users = new LRUCache<string, Map<number, number>>({ max: MAX_USERS });

  constructor(private readonly perMinute: () => number) {}

  private slots(key: string, nowMs: number): Map<number, number> {
    let slots = this.users.get(key);
    if (!slots) this.users.set(key, (slots = new Map()));
    const oldest = Math.floor(nowMs / SLOT_MS) - SLOTS + 1;
    for (const slot of slots.keys()) if (slot < oldest) slots.delete(slot);
    return slots;
  }

  charge(key: string, samples: number, nowMs: number): void {
    if (!(samples > 0) || this.perMinute() === 0) return;
    const slots = this.slots(key, nowMs);
    const slot = Math.floor(nowMs / SLOT_MS);
    slots.set(slot, (slots.get(slot) ?? 0) + samples);
  }

  /** Samples charged to `key` in the last minute. */
  spent(key: string, nowMs: number): number {
    if (!this.users.has(key)) return 0;
    let n = 0;
    for (const v of this.slots(key, nowMs).values()) n += v;
    return n;
  }

  /** ok while under the ceiling; else when enough of the minute will have passed to be under it again. */
  check(key: string, nowMs: number): Verdict {
    const ceiling = this.perMinute();
    if (ceiling === 0 || !this.users.has(key)) return { ok: true };
    const slots = this.slots(key, nowMs);
    let total = 0;
    for (const v of slots.values()) total += v;
    if (total < ceiling) return { ok: true };
    // Oldest slots leave the window first: wait until the ones that must leave have left.
    const ordered = [...slots.entries()].sort((a, b) => a[0] - b[0]);
    for (const [slot, v] of ordered) {
      total -= v;
      if (total < ceiling) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((slot + SLOTS) * SLOT_MS - nowMs) / 1000)) };
    }
    return { ok: false, retryAfterSeconds: 60 };
  }

  clear(): void {
    this.users.clear();
  }
}

export const requestBuckets = new RequestBuckets(() => {
  const s = limitSettings();
  return { burst: s.rateBurst, perSecond: s.ratePerSecond };
});

export const sampleLedger = new SampleLedger(() => limitSettings().samplesPerMinute);

/** Charge samples a backend answer processed to the caller of the request being handled. */
export function chargeSamples(samples: number, nowMs: number = Date.now()): void {
  const caller = currentCaller();
  if (caller) sampleLedger.charge(caller.key, samples, nowMs);
}

/** Tests: every user starts afresh. */
export function resetBudgets(): void {
  requestBuckets.clear();
  sampleLedger.clear();
}
