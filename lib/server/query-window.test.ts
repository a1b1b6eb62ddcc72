import { describe, expect, it } from "vitest";
import { MIN_SCRAPES_PER_STEP, niceStep, queryWindow, rateInterval, tilingWindow } from "./query-window";

const END = 1_700_000_000;
/** A multiple of 300 s (and so of every smaller nice step). */
const ON_STEP = 1_699_999_800;

describe("queryWindow", () => {
  it("sizes the step to the pixels when they ask for more than the scrape floor: 6 h on 720 px is 30 s, on 180 px 120 s", () => {
    // 6 h / 720 points = 30 s, above the floor of two 15 s scrapes
    expect(queryWindow(END - 6 * 3600, END, 720, 15).step).toBe(30);
    // 6 h / 180 points = 120 s
    expect(queryWindow(END - 6 * 3600, END, 180, 15).step).toBe(120);
    // 6 h / 100 points = 216 s, rounded up to the next nice step
    expect(queryWindow(END - 6 * 3600, END, 100, 15).step).toBe(300);
  });
  it("never goes below two scrape intervals, so each window holds the two samples rate() needs", () => {
    const w = queryWindow(END - 600, END, 2000, 30);
    expect(MIN_SCRAPES_PER_STEP).toBe(2);
    expect(w.step).toBe(60);
  });
  it("aligns start down and end up to the step", () => {
    const w = queryWindow(1_700_000_007, 1_700_003_607, 100, 15);
    expect(w.start % w.step).toBe(0);
    expect(w.end % w.step).toBe(0);
    expect(w.start).toBeLessThanOrEqual(1_700_000_007);
    expect(w.end).toBeGreaterThanOrEqual(1_700_003_607);
  });
  it("evaluates instant queries at the user's end rounded DOWN to the step: never past the newest sample", () => {
    const w = queryWindow(1_700_000_007, 1_700_003_607, 100, 15);
    expect(w.step).toBe(60);
    expect(w.evalTime).toBe(1_700_003_580);
    expect(w.evalTime % w.step).toBe(0);
    expect(w.evalTime).toBeLessThanOrEqual(1_700_003_607);
    expect(w.evalTime).toBeGreaterThan(1_700_003_607 - w.step);
    // an end already on the step is kept as it is
    expect(queryWindow(ON_STEP - 3600, ON_STEP, 300, 15).evalTime).toBe(ON_STEP);
  });
  it("gives every viewer of a moving range the same instant query within a step", () => {
    // "Last 24 hours" opened at 20 different seconds of one 300 s step: one evalTime, one cache key.
    const times = new Set<number>();
    for (let s = 0; s < 300; s += 15) times.add(queryWindow(ON_STEP + s - 86_400, ON_STEP + s, 700, 30).evalTime);
    expect([...times]).toEqual([ON_STEP]);
    // and the instant query's $__range (evalTime − start) does not change either
    const a = queryWindow(ON_STEP + 7 - 86_400, ON_STEP + 7, 700, 30);
    const b = queryWindow(ON_STEP + 290 - 86_400, ON_STEP + 290, 700, 30);
    expect(a.evalTime - a.start).toBe(b.evalTime - b.start);
  });
  it("keeps under Prometheus' 11,000 points per series on a year-long range", () => {
    const year = 365 * 86400;
    const w = queryWindow(0, year, 1_000_000, 15);
    expect((w.end - w.start) / w.step).toBeLessThanOrEqual(11_000);
  });
  it("gives the same window for nearby widths above the floor, so the cache hits", () => {
    // 24 h over 700 or 650 points: 123 s and 133 s both round up to 300 s
    const a = queryWindow(END - 86400, END, 700, 30);
    const b = queryWindow(END - 86400, END, 650, 30);
    expect(a.step).toBe(300);
    expect(a).toEqual(b);
    // …and a clearly different width gets a different step
    expect(queryWindow(END - 86400, END, 2000, 30).step).toBe(60);
  });
});

describe("windows", () => {
  it("are the step plus one scrape, so consecutive windows share exactly the boundary sample", () => {
    expect(rateInterval(30, 15)).toBe(45);
    expect(rateInterval(300, 30)).toBe(330);
    expect(queryWindow(END - 3600, END, 300, 15).rateInterval).toBe(45);
  });
  it("are written one millisecond short, so a sample exactly a window's length back is not read twice", () => {
    expect(tilingWindow(60)).toBe("59999ms");
    expect(tilingWindow(30)).toBe("29999ms");
  });
  it("round steps up to a nice value", () => {
    expect(niceStep(31)).toBe(60);
    expect(niceStep(60)).toBe(60);
    expect(niceStep(90_000)).toBe(172_800);
  });
});
