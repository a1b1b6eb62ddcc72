import { describe, expect, it } from "vitest";
import { MARGIN, nearestTime, timeSeriesGeometry, valuesAt } from "./timeseries-geometry";

// A 400 × 230 chart: the plot spans x 76–388 and y 8–200.
const geometry = (points: [number, number | null][], thresholds: number[] = []) => timeSeriesGeometry([{ key: "v", points }], thresholds, 0, 600, 400, 230);

describe("timeSeriesGeometry", () => {
  it("puts the plot inside the axes' margins", () => {
    expect(geometry([[0, 1]]).plot).toEqual({ left: MARGIN.left, right: 388, top: 8, bottom: 200 });
  });

  it("scales time across the plot and values from zero to a round number above the peak", () => {
    const g = geometry([[0, 0], [300, 37], [600, 10]]);
    expect(g.y.domain()).toEqual([0, 40]);
    expect(g.valueTicks).toEqual([0, 10, 20, 30, 40]);
    // x = 76 + t/600·312; y = 200 − v/40·192.
    expect(g.shapes[0]!.d).toBe("M76,200L232,22.4L388,152");
  });

  it("breaks the line where there is no data, and dots a point with no neighbour", () => {
    const g = geometry([[0, 10], [120, 10], [240, null], [360, 20], [480, null], [600, 10]]);
    expect(g.shapes[0]!.d.match(/M/g)).toHaveLength(3);
    expect(g.shapes[0]!.dots).toEqual([
      [g.x(360), g.y(20)],
      [g.x(600), g.y(10)],
    ]);
  });

  it("keeps a threshold above the data on the chart", () => {
    expect(geometry([[0, 3], [600, 4]], [100]).y.domain()).toEqual([0, 100]);
  });

  it("reaches below zero for negative values, and has a scale with no data at all", () => {
    expect(geometry([[0, -15], [600, 5]]).y.domain()).toEqual([-15, 5]);
    expect(geometry([]).y.domain()).toEqual([0, 1]);
    expect(geometry([]).shapes[0]!.d).toBe("");
  });

  it("lists every line's timestamps once, sorted", () => {
    const g = timeSeriesGeometry(
      [
        { key: "a", points: [[60, 1], [0, 1]] },
        { key: "b", points: [[0, 2], [120, null]] },
      ],
      [],
      0,
      120,
      300,
      200,
    );
    expect(g.times).toEqual([0, 60, 120]);
  });
});

describe("nearestTime", () => {
  it("snaps to the closest timestamp, the earlier one on a tie", () => {
    const times = [0, 60, 120];
    expect(nearestTime(times, 29)).toBe(0);
    expect(nearestTime(times, 30)).toBe(0);
    expect(nearestTime(times, 31)).toBe(60);
    expect(nearestTime(times, -50)).toBe(0);
    expect(nearestTime(times, 500)).toBe(120);
    expect(nearestTime([], 10)).toBeNull();
  });
});

describe("valuesAt", () => {
  it("gives each line's value at the time, highest first, leaving out lines without one", () => {
    const lines = [
      { key: "a", points: [[0, 1], [60, 5]] as [number, number | null][] },
      { key: "b", points: [[0, 3], [60, null]] as [number, number | null][] },
      { key: "c", points: [[0, 2]] as [number, number | null][] },
    ];
    expect(valuesAt(lines, 0).map((v) => [v.line.key, v.value])).toEqual([["b", 3], ["c", 2], ["a", 1]]);
    expect(valuesAt(lines, 60).map((v) => v.line.key)).toEqual(["a"]);
  });
});
