// The one retry layer: the server retries a backend call (transport.ts) when another attempt can help —
// throttled (429), a gateway or backend passing failure (502, 503 other than "query timed out"), a
// dropped or refused connection — at most MAX_ATTEMPTS times within the call's time budget, with
// exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter") unless
// the backend says when to come back with Retry-After. The browser never retries what reached the server
// (app/providers.tsx).

import "server-only";
import { setTimeout } from "node:timers/promises";
export const MAX_ATTEMPTS = 3;

/** Statuses worth another attempt. 500 (a deterministic failure), 504 (the gateway already waited) and 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503;
}
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 4_000;

/** Delay before retry number `retry` (1 = first retry): uniform in [0, min(cap, base·2^(retry-1))). */
export function fullJitterDelayMs(retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (retry - 1)));
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `nowMs`; undefined if absent or unparsable. */
export function parseRetryAfterMs(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names a weekday or month ("Thu, 01 Jan 2026 00:00:05 GMT"); Date.parse alone accepts "-1".
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** An abortable wait (node:timers/promises): rejects with the signal's reason when it fires first. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await setTimeout(ms, undefined, { signal });
  } catch (error) {
    // timers/promises rejects with a generic AbortError; callers classify by the signal's own reason.
    throw signal.aborted ? signal.reason : error;
  }
}

/**
 * Wait for `work` but give up when `signal` fires. The work itself keeps running: it is shared (an alias
 * lookup, a credential refresh) and other callers may still want it.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
