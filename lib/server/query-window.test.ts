import { describe, expect, it } from "vitest";
import { niceStep, queryWindow, rateInterval } from "./query-window";

describe("queryWindow", () => {
  it("sizes the step to the pixels: 6 h on 720 px is a 30 s step", () => {
    const w = queryWindow(1_700_000_000 - 6 * 3600, 1_700_000_000, 720, 30);
    expect(w.step).toBe(30);
  });
  it("never goes below the scrape interval", () => {
    const w = queryWindow(1_700_000_000 - 600, 1_700_000_000, 2000, 30);
    expect(w.step).toBe(30);
  });
  it("aligns start down and end up to the step", () => {
    const w = queryWindow(1_700_000_007, 1_700_003_607, 100, 15);
    expect(w.start % w.step).toBe(0);
    expect(w.end % w.step).toBe(0);
    expect(w.start).toBeLessThanOrEqual(1_700_000_007);
    expect(w.end).toBeGreaterThanOrEqual(1_700_003_607);
  });
  it("keeps under Prometheus' 11,000 points per series on a year-long range", () => {
    const year = 365 * 86400;
    const w = queryWindow(0, year, 1_000_000, 15);
    expect((w.end - w.start) / w.step).toBeLessThanOrEqual(11_000);
  });
  it("gives the same window for nearby widths, so the cache hits", () => {
    const a = queryWindow(1_700_000_000 - 3600, 1_700_000_000, 700, 30);
    const b = queryWindow(1_700_000_000 - 3600, 1_700_000_000, 650, 30);
    expect(a).toEqual(b);
  });
  it("uses Grafana's rate interval rule", () => {
    expect(rateInterval(30, 30)).toBe(120);
    expect(rateInterval(300, 30)).toBe(330);
    expect(niceStep(31)).toBe(60);
  });
});
