import { describe, expect, it } from "vitest";
import { abortable, fullJitterDelayMs, MAX_ATTEMPTS, parseRetryAfterMs, sleep } from "./retry";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads delta-seconds", () => {
    expect(parseRetryAfterMs("1", now)).toBe(1000);
    expect(parseRetryAfterMs(" 30 ", now)).toBe(30_000);
  });
  it("reads an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfterMs("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfterMs("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
  });
  it("ignores absent or unparsable values", () => {
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs("", now)).toBeUndefined();
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs("-1", now)).toBeUndefined();
  });
});

describe("fullJitterDelayMs", () => {
  it("is uniform between 0 and an exponentially growing cap", () => {
    expect(fullJitterDelayMs(1, () => 0)).toBe(0);
    expect(fullJitterDelayMs(1, () => 0.999)).toBe(249);
    expect(fullJitterDelayMs(2, () => 0.999)).toBe(499);
    expect(fullJitterDelayMs(3, () => 0.5)).toBe(500);
    expect(fullJitterDelayMs(20, () => 0.999)).toBe(3996); // capped at 4 s
  });
  it("allows three attempts in all", () => expect(MAX_ATTEMPTS).toBe(3));
});

describe("sleep", () => {
  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error("gone"));
    await expect(pending).rejects.toThrow("gone");
  });
});

describe("abortable", () => {
  it("passes the result through, or gives up on abort without cancelling the shared work", async () => {
    expect(await abortable(Promise.resolve(1), new AbortController().signal)).toBe(1);
    const controller = new AbortController();
    let finished = false;
    const work = new Promise((r) => setTimeout(r, 30)).then(() => (finished = true));
    const waiting = abortable(work, controller.signal);
    controller.abort(new Error("timeout"));
    await expect(waiting).rejects.toThrow("timeout");
    await work;
    expect(finished).toBe(true);
  });
});
