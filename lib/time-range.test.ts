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
