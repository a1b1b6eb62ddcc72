import { describe, expect, it } from "vitest";
import { parseTimeParam, resolveRange } from "./time-range";

const NOW = 1_795_000_000;

describe("parseTimeParam (Grafana habits)", () => {
  it("understands now and relative expressions", () => {
    expect(parseTimeParam("now", NOW)).toBe(NOW);
    expect(parseTimeParam("now-6h", NOW)).toBe(NOW - 6 * 3600);
    expect(parseTimeParam("now-15m", NOW)).toBe(NOW - 900);
    expect(parseTimeParam("now-7d", NOW)).toBe(NOW - 7 * 86400);
  });
  it("understands epoch milliseconds and seconds", () => {
    expect(parseTimeParam("1795000000000", NOW)).toBe(1_795_000_000);
    expect(parseTimeParam("1795000000", NOW)).toBe(1_795_000_000);
  });
  it("understands ISO 8601", () => {
    expect(parseTimeParam("2026-11-23T14:00:00Z", NOW)).toBe(Date.UTC(2026, 10, 23, 14) / 1000);
  });
  it("rejects what it cannot read", () => {
    for (const bad of ["yesterday", "now-", "now-3x", "2026-13-45T99:00:00Z", "<script>", ""]) expect(parseTimeParam(bad, NOW)).toBeNull();
  });
});

describe("resolveRange", () => {
  it("falls back to the last hour with a notice for bad input", () => {
    for (const [from, to] of [
      ["garbage", "now"],
      ["now", "now-1h"],
      ["0", String(NOW * 1000)],
    ] as const) {
      const r = resolveRange(from, to, NOW);
      expect(r.notice).toBeTruthy();
      expect(r.to - r.from).toBe(3600);
    }
  });
  it("accepts a good range unchanged", () => {
    const r = resolveRange("now-3h", "now", NOW);
    expect(r).toMatchObject({ from: NOW - 10800, to: NOW, notice: null });
  });
});

describe("resolveRange: a range that cannot be drawn falls back to the default with a notice", () => {
  const fallback = (r: ReturnType<typeof resolveRange>) => {
    expect(r.notice).toBeTruthy();
    expect(r).toMatchObject({ from: NOW - 3600, to: NOW, fromParam: "now-1h", toParam: "now" });
  };
  it("before 1970, or beyond what a Date holds", () => {
    fallback(resolveRange("now-200000000d", "now-199999999d", NOW));
    fallback(resolveRange("now-60y", "now-59y", NOW));
    fallback(resolveRange(`now-${"9".repeat(400)}d`, "now", NOW));
    fallback(resolveRange("now-1h", `now-${"9".repeat(30)}s`, NOW));
  });
  it("ending more than a year from now", () => {
    fallback(resolveRange(String((NOW + 400 * 86400) * 1000), String((NOW + 401 * 86400) * 1000), NOW));
    fallback(resolveRange("9999-12-30T00:00:00Z", "9999-12-31T00:00:00Z", NOW));
  });
  it("a sub-minute range at the very start of 1970 is not widened below zero", () => {
    fallback(resolveRange("1970-01-01T00:00:00Z", "1970-01-01T00:00:30Z", NOW));
  });
  it("a window in 1970 that can be drawn is kept (its panels answer empty)", () => {
    expect(resolveRange("1970-01-01T00:00:00Z", "1970-01-01T01:00:00Z", NOW)).toMatchObject({ from: 0, to: 3600, notice: null });
  });

  it("fuzz: every generated from/to resolves to a drawable range, or to the default with a notice", () => {
    // A deterministic generator (xorshift), so a failure names a reproducible input.
    let state = 0x2545f491;
    const rand = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join("");
    const param = (): string =>
      pick([
        () => "now",
        () => `now-${digits(1 + Math.floor(rand() * 12))}${pick(["s", "m", "h", "d", "w", "y"])}`,
        () => digits(10 + Math.floor(rand() * 5)),
        () => new Date((rand() * 2 - 0.5) * 4e12).toISOString(),
        () => `${pick(["0001", "1969", "2024", "9999", "275760"])}-${pick(["01", "13", "12"])}-${pick(["01", "31", "00"])}`,
        () => pick(["", " ", "now-", "now+1h", "-1", "NaN", "Infinity", "1e21", "now-1h ", "\u0000", "<script>"]),
      ])();
    const format = (t: number) => new Date(t * 1000).toISOString();
    for (let i = 0; i < 5000; i++) {
      const from = param();
      const to = param();
      const r = resolveRange(from, to, NOW);
      const where = `${JSON.stringify(from)} → ${JSON.stringify(to)}: ${JSON.stringify(r)}`;
      expect(Number.isFinite(r.from) && Number.isFinite(r.to), where).toBe(true);
      expect(r.from, where).toBeGreaterThanOrEqual(0);
      expect(r.to, where).toBeGreaterThan(r.from);
      expect(r.to - r.from, where).toBeLessThanOrEqual(32 * 86400);
      expect(r.to, where).toBeLessThanOrEqual(NOW + 366 * 86400);
      expect(() => [format(r.from), format(r.to)], where).not.toThrow();
      // The corrected parameters resolve to the same range without a further notice.
      const again = resolveRange(r.fromParam, r.toParam, NOW);
      expect(again.notice, where).toBeNull();
    }
  });
});
