import { describe, expect, it } from "vitest";
import type { Series as RangeSeries } from "./api-schema";
import {
  bandPixelEdges,
  bucketAtY,
  buildHeatmapMatrix,
  colorLevel,
  formatBound,
  formatBucketRange,
  formatCount,
  formatCountShort,
  legendStops,
  logBands,
  nearestTimeIndex,
  paletteIndex,
  parseLe,
  yTicks,
} from "./heatmap";

const T0 = 1_700_000_000;

/** One cumulative series per `le`; values[i] is the point at T0 + 30 i. */
function bucketSeries(le: string, values: (number | null)[], extraLabels: Record<string, string> = {}): RangeSeries {
  return { labels: { le, ...extraLabels }, points: values.map((v, i) => [T0 + 30 * i, v]) };
}

/** Cumulative series for a set of le with per-bucket (non-cumulative) counts at one time. */
function cumulativeFromCounts(les: string[], perBucket: number[]): RangeSeries[] {
  let running = 0;
  return les.map((le, i) => {
    running += perBucket[i];
    return bucketSeries(le, [running]);
  });
}

const KUBE_PROMETHEUS_STACK_LE = ["0.005", "0.025", "0.05", "0.1", "1", "5", "10", "30", "60", "+Inf"];
const K8S_125_LE = [
  "0.005", "0.025", "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1.0", "1.25", "1.5", "2", "3", "4", "5", "6", "8",
  "10", "15", "20", "30", "45", "60", "+Inf",
];
const K8S_123_LE = [
  "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1.0", "1.25", "1.5", "2", "3", "4", "5", "6", "8", "10", "15", "20", "30",
  "45", "60", "+Inf",
];

describe("parseLe", () => {
  it("reads every spelling of the same bound as one number", () => {
    expect(parseLe("1")).toBe(1);
    expect(parseLe("1.0")).toBe(1);
    expect(parseLe("1e+00")).toBe(1);
    expect(parseLe(" 0.25 ")).toBe(0.25);
  });
  it("reads +Inf, Inf and Infinity as Infinity", () => {
    for (const v of ["+Inf", "Inf", "inf", "+Infinity"]) expect(parseLe(v)).toBe(Infinity);
  });
  it("rejects what is not a number", () => {
    expect(parseLe(undefined)).toBeNull();
    expect(parseLe("")).toBeNull();
    expect(parseLe("fast")).toBeNull();
  });
});

describe("buildHeatmapMatrix", () => {
  it("merges le=\"1\" and le=\"1.0\" by summing them", () => {
    const m = buildHeatmapMatrix([
      bucketSeries("0.5", [2]),
      bucketSeries("1", [5], { instance: "a" }),
      bucketSeries("1.0", [3], { instance: "b" }),
      bucketSeries("1e+00", [1], { instance: "c" }),
      bucketSeries("+Inf", [12]),
    ]);
    expect(m.bounds.map((b) => b.upper)).toEqual([0.5, 1, Infinity]);
    expect(m.counts).toEqual([[2], [7], [3]]);
  });

  it("sorts le numerically, not alphabetically", () => {
    const m = buildHeatmapMatrix([
      bucketSeries("10", [9]),
      bucketSeries("+Inf", [10]),
      bucketSeries("2.5", [4]),
      bucketSeries("0.1", [1]),
    ]);
    expect(m.bounds).toEqual([
      { lower: 0, upper: 0.1 },
      { lower: 0.1, upper: 2.5 },
      { lower: 2.5, upper: 10 },
      { lower: 10, upper: Infinity },
    ]);
    expect(m.counts).toEqual([[1], [3], [5], [1]]);
  });

  it("de-cumulates exactly per time step", () => {
    const m = buildHeatmapMatrix([
      bucketSeries("0.1", [10, 0, 1.5]),
      bucketSeries("1", [15, 4, 1.5]),
      bucketSeries("+Inf", [16, 4, 2.75]),
    ]);
    expect(m.times).toEqual([T0, T0 + 30, T0 + 60]);
    expect(m.counts).toEqual([
      [10, 0, 1.5],
      [5, 4, 0],
      [1, 0, 1.25],
    ]);
    expect(m.max).toBe(10);
    expect(m.minPositive).toBe(1);
    expect(m.total).toBeCloseTo(16 + 4 + 2.75, 12);
  });

  it("gives exactly the difference of the two cumulative values, as floating point computes it", () => {
    const m = buildHeatmapMatrix([bucketSeries("0.1", [1.1]), bucketSeries("+Inf", [3.3])]);
    // 3.3 − 1.1 in binary floating point; rounding to 2.2 would hide a real (if tiny) count.
    expect(m.counts[1][0]).toBe(2.1999999999999997);
  });

  it("clamps the tiny negatives rate extrapolation produces to 0", () => {
    const m = buildHeatmapMatrix([
      bucketSeries("0.1", [100.0004]),
      bucketSeries("1", [100]),
      bucketSeries("+Inf", [101]),
    ]);
    expect(m.counts).toEqual([[100.0004], [0], [1]]);
    expect(m.total).toBeCloseTo(101.0004, 9);
  });

  it("leaves a cell null (not 0) where its bucket or the one below has no value", () => {
    const m = buildHeatmapMatrix([
      bucketSeries("0.1", [1, null, 3]),
      bucketSeries("1", [2, 5, null]),
      { labels: { le: "+Inf" }, points: [[T0, 4], [T0 + 60, 9]] }, // no point at T0 + 30
    ]);
    expect(m.times).toEqual([T0, T0 + 30, T0 + 60]);
    expect(m.counts).toEqual([
      [1, null, 3],
      [1, null, null],
      [2, null, null],
    ]);
  });

  it("uses the union of every series' timestamps", () => {
    const m = buildHeatmapMatrix([
      { labels: { le: "1" }, points: [[T0 + 60, 1], [T0, 1]] },
      { labels: { le: "+Inf" }, points: [[T0 + 30, 2], [T0 + 60, 2]] },
    ]);
    expect(m.times).toEqual([T0, T0 + 30, T0 + 60]);
    expect(m.counts).toEqual([
      [1, null, 1],
      [null, null, 1],
    ]);
  });

  it("keeps a merged bucket's value when only one of its parts is null at that time", () => {
    const m = buildHeatmapMatrix([
      bucketSeries("1", [null, 2]),
      bucketSeries("1.0", [3, null]),
      bucketSeries("+Inf", [4, 4]),
    ]);
    expect(m.counts).toEqual([
      [3, 2],
      [1, 2],
    ]);
  });

  it("ignores series without a numeric le and returns an empty matrix for no input", () => {
    expect(buildHeatmapMatrix([])).toEqual({ times: [], bounds: [], counts: [], max: 0, minPositive: 0, total: 0 });
    const m = buildHeatmapMatrix([{ labels: {}, points: [[T0, 5]] }, bucketSeries("+Inf", [5])]);
    expect(m.bounds).toEqual([{ lower: 0, upper: Infinity }]);
    expect(m.counts).toEqual([[5]]);
  });

  it.each([
    ["kube-prometheus-stack (10 buckets)", KUBE_PROMETHEUS_STACK_LE],
    ["Kubernetes 1.25+ (24 buckets)", K8S_125_LE],
    ["Kubernetes 1.23–1.24 (22 buckets)", K8S_123_LE],
  ])("handles the %s le set, in any order", (_name, les) => {
    const perBucket = les.map((_, i) => (i * 7) % 5);
    const shuffled = [...cumulativeFromCounts(les, perBucket)].reverse();
    const m = buildHeatmapMatrix(shuffled);
    expect(m.bounds).toHaveLength(les.length);
    expect(m.bounds.map((b) => b.upper)).toEqual(les.map((le) => (le === "+Inf" ? Infinity : Number(le))));
    expect(m.bounds[0].lower).toBe(0);
    m.bounds.slice(1).forEach((b, i) => expect(b.lower).toBe(m.bounds[i].upper));
    expect(m.counts.map((row) => row[0])).toEqual(perBucket);
    expect(m.total).toBe(perBucket.reduce((a, b) => a + b, 0));
  });
});

describe("formatBound / formatCount", () => {
  it("labels bounds in ms below a second and s above", () => {
    expect(formatBound(0.005)).toBe("5 ms");
    expect(formatBound(0.025)).toBe("25 ms");
    expect(formatBound(0.25)).toBe("250 ms");
    expect(formatBound(1)).toBe("1 s");
    expect(formatBound(1.25)).toBe("1.25 s");
    expect(formatBound(60)).toBe("60 s");
    expect(formatBound(0.0005)).toBe("500 µs");
    expect(formatBound(Infinity)).toBe("+Inf");
    expect(formatBound(0)).toBe("0");
  });
  it("formats bucket ranges", () => {
    expect(formatBucketRange({ lower: 0.5, upper: 1 })).toBe("500 ms – 1 s");
    expect(formatBucketRange({ lower: 0, upper: 0.005 })).toBe("0 – 5 ms");
    expect(formatBucketRange({ lower: 60, upper: Infinity })).toBe("60 s – +Inf");
  });
  it("formats counts with at most 3 decimals and no grouping", () => {
    expect(formatCount(1234.5)).toBe("1234.5");
    expect(formatCount(12345678)).toBe("12345678");
    expect(formatCount(2.0000000001)).toBe("2");
    expect(formatCount(0.12345)).toBe("0.123");
    expect(formatCount(0)).toBe("0");
  });
  it("shortens legend counts", () => {
    expect(formatCountShort(950)).toBe("950");
    expect(formatCountShort(1234)).toBe("1.2k");
    expect(formatCountShort(35_400)).toBe("35k");
    expect(formatCountShort(1_500_000)).toBe("1.5M");
    expect(formatCountShort(2.345)).toBe("2.3");
    expect(formatCountShort(0)).toBe("0");
  });
});

describe("logBands", () => {
  const bounds = buildHeatmapMatrix(cumulativeFromCounts(KUBE_PROMETHEUS_STACK_LE, KUBE_PROMETHEUS_STACK_LE.map(() => 1))).bounds;
  const { edges } = logBands(bounds);

  it("gives each finite bucket the height log(upper / lower)", () => {
    expect(edges).toHaveLength(bounds.length + 1);
    expect(edges[2] - edges[1]).toBeCloseTo(Math.log(0.025 / 0.005), 12);
    expect(edges[5] - edges[4]).toBeCloseTo(Math.log(1 / 0.1), 12);
  });
  it("gives the first bucket (lower 0) the next bucket's ratio", () => {
    expect(edges[0]).toBe(0);
    expect(edges[1] - edges[0]).toBeCloseTo(Math.log(5), 12);
  });
  it("gives +Inf a typical (median) ratio on top", () => {
    const finiteRatios = [5, 2, 2, 10, 5, 2, 3, 2].map(Math.log).sort((a, b) => a - b);
    const median = (finiteRatios[3] + finiteRatios[4]) / 2;
    expect(edges[10] - edges[9]).toBeCloseTo(median, 12);
  });
  it("stays usable with a single +Inf bucket", () => {
    const single = logBands([{ lower: 0, upper: Infinity }]);
    expect(single.edges[1]).toBeGreaterThan(0);
  });
  it("maps pixels bottom-up and finds the bucket under a pixel", () => {
    const px = bandPixelEdges({ edges: [0, 1, 3] }, 300);
    expect(px).toEqual([300, 200, 0]);
    expect(bucketAtY(px, 250)).toBe(0);
    expect(bucketAtY(px, 100)).toBe(1);
    expect(bucketAtY(px, 301)).toBe(-1);
  });
  it("thins y tick labels, keeping decades and +Inf", () => {
    const k125 = buildHeatmapMatrix(cumulativeFromCounts(K8S_125_LE, K8S_125_LE.map(() => 1))).bounds;
    const px = bandPixelEdges(logBands(k125), 200);
    const ticks = yTicks(k125, px, 14);
    const labels = ticks.map((t) => t.label);
    expect(labels).toContain("+Inf");
    expect(labels).toContain("1 s");
    expect(labels).toContain("10 s");
    for (let i = 1; i < ticks.length; i++) expect(Math.abs(ticks[i].position - ticks[i - 1].position)).toBeGreaterThanOrEqual(14);
  });
});

describe("colour scale", () => {
  it("leaves 0 and null undrawn and maps max to 1 on a log scale", () => {
    expect(colorLevel(0, 100)).toBeNull();
    expect(colorLevel(null, 100)).toBeNull();
    expect(colorLevel(100, 100)).toBe(1);
    expect(colorLevel(9, 99)).toBeCloseTo(0.5, 12); // log(1 + 9) / log(1 + 99)
    expect(colorLevel(500, 100)).toBe(1);
    expect(colorLevel(5, 10000)).toBeGreaterThan(0.15); // a small slow band stays visible
  });
  it("quantizes to palette steps 1..n, 0 meaning not drawn", () => {
    expect(paletteIndex(null, 64)).toBe(0);
    expect(paletteIndex(1e-9, 64)).toBe(1);
    expect(paletteIndex(1, 64)).toBe(64);
  });
  it("produces legend stops from the smallest visible count to max", () => {
    const stops = legendStops(2, 1000, 5);
    expect(stops).toHaveLength(5);
    expect(stops[0].count).toBeCloseTo(2, 9);
    expect(stops[4].count).toBeCloseTo(1000, 9);
    expect(stops[4].level).toBe(1);
    expect(legendStops(0, 0)).toEqual([]);
  });
});

describe("nearestTimeIndex", () => {
  it("finds the nearest time, the earlier one on a tie", () => {
    expect(nearestTimeIndex([10, 20, 30], 24)).toBe(1);
    expect(nearestTimeIndex([10, 20, 30], 26)).toBe(2);
    expect(nearestTimeIndex([10, 20, 30], 25)).toBe(1);
    expect(nearestTimeIndex([10, 20, 30], -5)).toBe(0);
    expect(nearestTimeIndex([10, 20, 30], 99)).toBe(2);
    expect(nearestTimeIndex([], 5)).toBe(-1);
  });
});
