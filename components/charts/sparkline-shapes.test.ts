import { describe, expect, it } from "vitest";
import { isolatedPoints, sparklineShapes } from "./sparkline-shapes";

describe("isolatedPoints", () => {
  it("keeps the defined points with no defined neighbour, ends included", () => {
    expect(isolatedPoints([[0, 1], [60, null], [120, 2], [180, 3], [240, null], [300, 4]])).toEqual([[0, 1], [300, 4]]);
    expect(isolatedPoints([[0, null], [60, 5], [120, null]])).toEqual([[60, 5]]);
    expect(isolatedPoints([[0, 1], [60, 2]])).toEqual([]);
  });
});

describe("sparklineShapes", () => {
  const shape = (points: [number, number | null][]) => sparklineShapes([{ key: "v", color: "#123", points }], 0, 300, 104, 24)[0]!;

  it("draws from zero to the peak across the window, broken where there is no data", () => {
    const s = shape([[0, 0], [60, 10], [120, null], [180, 5], [240, 10]]);
    // x = 2 + t/300·100, y = 22 − v/10·20; a new "M" after the gap.
    expect(s.d).toBe("M2,22L22,2M62,12L82,2");
    expect(s.dots).toEqual([]);
  });

  it("a lone point gets a dot, or a one-step event would be invisible", () => {
    const dots = shape([[0, null], [60, 4], [120, null]]).dots;
    expect(dots).toHaveLength(1);
    expect(dots[0]![0]).toBeCloseTo(22, 9);
    expect(dots[0]![1]).toBeCloseTo(2, 9);
  });

  it("the top of the scale is a round number above the peak", () => {
    // 0–2018 becomes 0–2500 (ticks of 500): the line sits at 2018/2500 of the height, y = 22 − 0.8072·20.
    expect(shape([[0, 2018], [300, 2018]]).d).toBe("M2,5.856L102,5.856");
  });

  it("lines share one y scale, so the smaller one reads smaller", () => {
    const [a, b] = sparklineShapes([{ key: "a", color: "#1", points: [[0, 10], [300, 10]] }, { key: "b", color: "#2", points: [[0, 5], [300, 5]] }], 0, 300, 104, 24);
    expect(a!.d).toBe("M2,2L102,2");
    expect(b!.d).toBe("M2,12L102,12");
  });
});
