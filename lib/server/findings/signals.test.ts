import { describe, expect, it } from "vitest";
import { correlation, episode, meanOf, peak, sumSeries } from "./signals";

describe("episode", () => {
  it("is the longest run of at least two steps, with its first and last step and its peak", () => {
    const points: [number, number | null][] = [[0, 1], [60, 5], [120, 1], [180, 6], [240, 7], [300, 9], [360, 2]];
    expect(episode(points, (v) => v >= 5)).toEqual({ since: 180, last: 300, steps: 3, peak: 9 });
  });
  it("ignores one-step blips and breaks runs at missing points", () => {
    expect(episode([[0, 9], [60, 1], [120, 9]], (v) => v > 5)).toBeNull();
    expect(episode([[0, 9], [60, null], [120, 9]], (v) => v > 5)).toBeNull();
    expect(episode([[0, 9]], (v) => v > 5, 1)).toEqual({ since: 0, last: 0, steps: 1, peak: 9 });
  });
});

describe("series maths", () => {
  it("sums series point by point, skipping nulls", () => {
    expect(sumSeries([{ labels: {}, points: [[0, 1], [60, 2]] }, { labels: {}, points: [[0, 3], [60, null], [120, 4]] }])).toEqual([[0, 4], [60, 2], [120, 4]]);
  });
  it("takes peaks and means over a window", () => {
    expect(peak([[0, null], [60, 3], [120, 2]])).toBe(3);
    expect(peak([[0, null]])).toBeNull();
    expect(meanOf([[0, 2], [60, 4], [120, 9]], 0, 60)).toBe(3);
  });
  it("correlates over common steps: +1 for lines moving together, −1 against, null when flat", () => {
    const a: [number, number][] = [[0, 1], [60, 2], [120, 3], [180, 4]];
    expect(correlation(a, [[0, 10], [60, 20], [120, 30], [180, 40]])).toBeCloseTo(1, 12);
    expect(correlation(a, [[0, 4], [60, 3], [120, 2], [180, 1]])).toBeCloseTo(-1, 12);
    expect(correlation(a, [[0, 5], [60, 5], [120, 5], [180, 5]])).toBeNull();
    expect(correlation(a, [[0, 5], [999, 5]])).toBeNull();
  });
});
