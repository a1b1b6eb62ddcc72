import { describe, expect, it } from "vitest";
import {
  compareLabels,
  compareUtf8,
  extentFromResult,
  isSplittable,
  lastStep,
  MAX_EXTENTS_PER_QUERY,
  mergeExtents,
  planRange,
  sliceExtent,
  stepPhase,
  sumStats,
  updateExtents,
  usesAtModifier,
  type Extent,
} from "./range-slices";
import type { Labels, Point, RangeSeries } from "./types";

// A synthetic backend: each series exists from `from` to `to` (inclusive) and has value f(t) there. Its
// answer for a window is what Prometheus' range evaluation gives: the grid points in the window where the
// series exists, series without a point left out, series sorted by labels.
interface SyntheticSeries {
  labels: Labels;
  from: number;
  to: number;
}
function query(all: SyntheticSeries[], start: number, end: number, step: number): { series: RangeSeries[]; warnings: string[] } {
  const series: RangeSeries[] = [];
  for (const s of all) {
    const points: Point[] = [];
    for (let t = start; t <= end; t += step) if (t >= s.from && t <= s.to) points.push([t, t % 7 === 0 ? null : t / 10 + s.from]);
    if (points.length > 0) series.push({ labels: s.labels, points });
  }
  series.sort((a, b) => compareLabels(a.labels, b.labels));
  return { series, warnings: [] };
}

const T = 1_800_000_000; // a multiple of 30 and of 60
const STEP = 30;

describe("which range queries can be split at step boundaries", () => {
  it("integer, step-aligned windows without an @ modifier", () => {
    expect(isSplittable({ query: "sum(rate(x[5m]))", start: T, end: T + 3600, step: 30 })).toBe(true);
    expect(isSplittable({ query: "rate(x[5m])", start: T + 0.5, end: T + 3600, step: 30 })).toBe(false);
    expect(isSplittable({ query: "rate(x[5m])", start: T, end: T + 3600, step: 0.5 })).toBe(false);
    expect(isSplittable({ query: "rate(x[5m] @ end())", start: T, end: T + 3600, step: 30 })).toBe(false);
    expect(isSplittable({ query: "max_over_time(x[1h:1m])", start: T, end: T + 3600, step: 30 })).toBe(true);
  });
  it("sees @ only outside strings and comments", () => {
    expect(usesAtModifier('x{email="a@b.c"}')).toBe(false);
    expect(usesAtModifier("x{email='a@b.c', q=\"\\\"@\"}")).toBe(false);
    expect(usesAtModifier("x{re=`@`}")).toBe(false);
    expect(usesAtModifier("x # @ start() in a comment\n+ y")).toBe(false);
    expect(usesAtModifier('x{a="\\""} @ 1700000000')).toBe(true);
    expect(usesAtModifier("x @ start()")).toBe(true);
  });
  it("grid helpers", () => {
    expect(stepPhase(T + 7, 30)).toBe(7);
    expect(stepPhase(T, 30)).toBe(0);
    expect(lastStep(T, T + 100, 30)).toBe(T + 90);
  });
});

describe("label order (Prometheus labels.Compare)", () => {
  it("sorts names and values byte-wise, shorter label sets first on a tie", () => {
    // "A" (0x41) < "_" (0x5f) < "a" (0x61): a label named `Zone` sorts before __name__.
    expect(compareLabels({ __name__: "x", Zone: "b" }, { __name__: "x", a: "a" })).toBeLessThan(0);
    expect(compareLabels({ verb: "GET" }, { verb: "LIST" })).toBeLessThan(0);
    expect(compareLabels({ verb: "GET" }, { verb: "GET", code: "200" })).toBeGreaterThan(0); // code < verb
    expect(compareLabels({ a: "1" }, { a: "1", b: "2" })).toBeLessThan(0);
    expect(compareLabels({ a: "1", b: "2" }, { b: "2", a: "1" })).toBe(0);
  });
  it("compares as UTF-8 bytes, not UTF-16 units", () => {
    expect(compareUtf8("\uffff", "\u{10000}")).toBeLessThan(0); // UTF-16 would put the surrogate pair first
    expect(compareUtf8("é", "z")).toBeGreaterThan(0);
    expect(compareUtf8("ab", "abc")).toBeLessThan(0);
  });
});

const extent = (start: number, end: number, all: SyntheticSeries[], step = STEP): Extent => extentFromResult({ start, end }, query(all, start, end, step));

describe("planning a window from stored extents", () => {
  const one: SyntheticSeries[] = [{ labels: { a: "1" }, from: 0, to: Infinity }];

  it("cold: one call for the whole window, ending at its last step", () => {
    expect(planRange({ start: T, end: T + 100, step: STEP }, [], T + 10_000)).toEqual({ reused: [], fetch: [{ start: T, end: T + 90 }] });
  });

  it("a window moving forward: only the new steps", () => {
    const stored = [extent(T, T + 3600, one)];
    const plan = planRange({ start: T + 60, end: T + 3660, step: STEP }, stored, T + 10_000);
    expect(plan.fetch).toEqual([{ start: T + 3630, end: T + 3660 }]);
    expect(plan.reused.map((e) => [e.start, e.end])).toEqual([[T + 60, T + 3600]]);
    expect(plan.reused[0]!.series[0]!.points[0]![0]).toBe(T + 60);
  });

  it("the fresh tail: stored steps after now − freshness are fetched again", () => {
    const stored = [extent(T, T + 3600, one)];
    const plan = planRange({ start: T, end: T + 3600, step: STEP }, stored, T + 3545);
    expect(plan.fetch).toEqual([{ start: T + 3570, end: T + 3600 }]);
    expect(plan.reused.map((e) => [e.start, e.end])).toEqual([[T, T + 3540]]);
  });

  it("gaps before, between and after extents", () => {
    const stored = [extent(T + 300, T + 600, one), extent(T + 900, T + 1200, one)];
    const plan = planRange({ start: T, end: T + 1500, step: STEP }, stored, T + 10_000);
    expect(plan.fetch).toEqual([
      { start: T, end: T + 270 },
      { start: T + 630, end: T + 870 },
      { start: T + 1230, end: T + 1500 },
    ]);
    expect(plan.reused.map((e) => [e.start, e.end])).toEqual([[T + 300, T + 600], [T + 900, T + 1200]]);
  });

  it("too fragmented: one call across the gaps, reusing only what lies outside it", () => {
    const stored = [extent(T, T + 60, one), extent(T + 120, T + 150, one), extent(T + 210, T + 240, one), extent(T + 300, T + 330, one)];
    const plan = planRange({ start: T, end: T + 600, step: STEP }, stored, T + 10_000, 3);
    expect(plan.fetch).toEqual([{ start: T + 90, end: T + 600 }]);
    expect(plan.reused.map((e) => [e.start, e.end])).toEqual([[T, T + 60]]);
  });

  it("a window entirely inside stored steps: nothing to fetch", () => {
    const plan = planRange({ start: T + 300, end: T + 600, step: STEP }, [extent(T, T + 3600, one)], T + 10_000);
    expect(plan.fetch).toEqual([]);
  });

  it("a slice leaves out series with no point in it, keeps series with no float points at all", () => {
    const e: Extent = {
      start: T,
      end: T + 90,
      series: [
        { labels: { a: "early" }, points: [[T, 1]] },
        { labels: { a: "histograms-only" }, points: [] },
        { labels: { a: "late" }, points: [[T + 60, 1], [T + 90, 2]] },
      ],
      warnings: [],
      sorted: true,
    };
    const slice = sliceExtent(e, T + 30, T + 60);
    expect(slice.series).toEqual([{ labels: { a: "histograms-only" }, points: [] }, { labels: { a: "late" }, points: [[T + 60, 1]] }]);
    expect([slice.start, slice.end]).toEqual([T + 30, T + 60]);
  });
});

describe("merging pieces", () => {
  it("series appearing and disappearing across pieces: the union, points in time order, sorted by labels", () => {
    const all: SyntheticSeries[] = [
      { labels: { __name__: "x", verb: "LIST" }, from: T + 600, to: T + 1200 }, // only in the middle piece
      { labels: { __name__: "x", verb: "GET" }, from: 0, to: T + 500 }, // disappears
      { labels: { __name__: "x", verb: "WATCH" }, from: T + 1100, to: Infinity }, // appears
      { labels: { __name__: "x", Zone: "z" }, from: 0, to: Infinity }, // sorts first (uppercase < _)
    ];
    const pieces = [extent(T + 1230, T + 1800, all), extent(T, T + 570, all), extent(T + 600, T + 1200, all)];
    const merged = mergeExtents(pieces);
    expect(merged.series).toEqual(query(all, T, T + 1800, STEP).series);
    expect(merged.series.map((s) => s.labels.verb ?? s.labels.Zone)).toEqual(["z", "GET", "LIST", "WATCH"]);
  });

  it("a series appearing later that sorts first goes first (Prometheus' order, not first-seen)", () => {
    const all: SyntheticSeries[] = [
      { labels: { verb: "LIST" }, from: 0, to: Infinity },
      { labels: { verb: "GET" }, from: T + 900, to: Infinity },
      { labels: {}, from: T + 1500, to: T + 1600 },
    ];
    const merged = mergeExtents([extent(T, T + 600, all), extent(T + 630, T + 1200, all), extent(T + 1230, T + 1800, all)]);
    expect(merged.series.map((s) => s.labels)).toEqual([{}, { verb: "GET" }, { verb: "LIST" }]);
    expect(merged.series).toEqual(query(all, T, T + 1800, STEP).series);
  });

  it("warnings of every piece, once each", () => {
    const a: Extent = { start: T, end: T, series: [], warnings: ["w1", "w2"], sorted: true };
    const b: Extent = { start: T + 30, end: T + 30, series: [], warnings: ["w2", "w3"], sorted: true };
    expect(mergeExtents([a, b]).warnings).toEqual(["w1", "w2", "w3"]);
  });

  it("a backend that does not sort by labels: first-seen order, not re-sorted", () => {
    const a: Extent = { start: T, end: T, series: [{ labels: { v: "b" }, points: [[T, 1]] }, { labels: { v: "a" }, points: [[T, 2]] }], warnings: [], sorted: false };
    const b: Extent = { start: T + 30, end: T + 30, series: [{ labels: { v: "c" }, points: [[T + 30, 3]] }, { labels: { v: "a" }, points: [[T + 30, 4]] }], warnings: [], sorted: false };
    expect(extentFromResult({ start: T, end: T }, { series: a.series, warnings: [] }).sorted).toBe(false);
    expect(mergeExtents([b, a]).series.map((s) => [s.labels.v, s.points.length])).toEqual([["b", 1], ["a", 2], ["c", 1]]);
  });

  it("stats: the sum of the calls made, the largest peak; null when no call reported any", () => {
    expect(sumStats([{ samplesProcessed: 10, peakSamples: 4 }, { samplesProcessed: 5, peakSamples: 9 }, null])).toEqual({ samplesProcessed: 15, peakSamples: 9 });
    expect(sumStats([{ samplesProcessed: 3 }])).toEqual({ samplesProcessed: 3 });
    expect(sumStats([null])).toBeNull();
    expect(sumStats([])).toBeNull();
  });
});

describe("storing extents", () => {
  const one: SyntheticSeries[] = [{ labels: { a: "1" }, from: 0, to: Infinity }];
  const spans = (extents: Extent[]) => extents.map((e) => [e.start - T, e.end - T]);

  it("cuts fetched steps at the freshness horizon and joins adjacent extents", () => {
    let stored = updateExtents([], [extent(T, T + 3600, one)], STEP, T + 3545, 1e9);
    expect(spans(stored)).toEqual([[0, 3540]]);
    expect(stored[0]!.series[0]!.points.at(-1)![0]).toBe(T + 3540);
    stored = updateExtents(stored, [extent(T + 3570, T + 3660, one)], STEP, T + 3605, 1e9);
    expect(spans(stored)).toEqual([[0, 3600]]);
    expect(stored[0]!.series[0]!.points).toEqual(query(one, T, T + 3600, STEP).series[0]!.points);
  });

  it("nothing is stored for a window entirely after the horizon", () => {
    expect(updateExtents([], [extent(T + 600, T + 900, one)], STEP, T + 500, 1e9)).toEqual([]);
  });

  it("newly fetched steps replace what was stored for them", () => {
    const old: Extent = { start: T, end: T + 120, series: [{ labels: { a: "1" }, points: [[T, 1], [T + 30, 1], [T + 60, 1], [T + 90, 1], [T + 120, 1]] }], warnings: [], sorted: true };
    const fresh: Extent = { start: T + 30, end: T + 60, series: [{ labels: { a: "1" }, points: [[T + 30, 2], [T + 60, 2]] }, { labels: { a: "2" }, points: [[T + 60, 5]] }], warnings: ["late"], sorted: true };
    const [joined, ...rest] = updateExtents([old], [fresh], STEP, T + 10_000, 1e9);
    expect(rest).toEqual([]);
    expect([joined!.start, joined!.end]).toEqual([T, T + 120]);
    expect(joined!.series).toEqual([
      { labels: { a: "1" }, points: [[T, 1], [T + 30, 2], [T + 60, 2], [T + 90, 1], [T + 120, 1]] },
      { labels: { a: "2" }, points: [[T + 60, 5]] },
    ]);
    expect(joined!.warnings).toEqual(["late"]);
  });

  it("keeps disjoint extents apart, in time order", () => {
    const stored = updateExtents([extent(T + 900, T + 1200, one)], [extent(T, T + 300, one)], STEP, T + 10_000, 1e9);
    expect(spans(stored)).toEqual([[0, 300], [900, 1200]]);
  });

  it("bounded by points: the newest steps are kept", () => {
    const two: SyntheticSeries[] = [{ labels: { a: "1" }, from: 0, to: Infinity }, { labels: { a: "2" }, from: 0, to: Infinity }];
    // 2 series × 121 steps = 242 points (+2): over a budget of 100, the newest 49 steps fit (2 + 98).
    const stored = updateExtents([], [extent(T, T + 3600, two)], STEP, T + 10_000, 100);
    expect(spans(stored)).toEqual([[3600 - 48 * 30, 3600]]);
    expect(stored[0]!.series.map((s) => s.points.length)).toEqual([49, 49]);
    // Older extents go first.
    const older = updateExtents([extent(T - 7200, T - 7000, two)], [extent(T, T + 3600, two)], STEP, T + 10_000, 245);
    expect(spans(older)).toEqual([[0, 3600]]);
  });

  it("at most MAX_EXTENTS_PER_QUERY extents, the newest", () => {
    const many = Array.from({ length: MAX_EXTENTS_PER_QUERY + 4 }, (_, i) => extent(T + i * 120, T + i * 120 + 30, one));
    const stored = updateExtents([], many, STEP, T + 100_000, 1e9);
    expect(stored).toHaveLength(MAX_EXTENTS_PER_QUERY);
    expect(stored.at(-1)!.start).toBe(T + (MAX_EXTENTS_PER_QUERY + 3) * 120);
  });
});

describe("a dashboard refreshed every 30 s: every answer equals a cold query of its window", () => {
  it("moving windows, series coming and going, a fresh tail, jumps back and forth", () => {
    const all: SyntheticSeries[] = [
      { labels: { verb: "GET" }, from: 0, to: Infinity },
      { labels: { verb: "LIST", client: "daemonset" }, from: T + 1800, to: T + 5400 },
      { labels: { verb: "WATCH" }, from: T + 5000, to: Infinity },
      { labels: { verb: "PATCH" }, from: T + 3000, to: T + 3030 },
    ];
    const freshness = 60;
    let stored: Extent[] = [];
    let fetchedSteps = 0;
    let coldSteps = 0;
    // [start, end, now]: "last 1 hour" auto-refreshed every 30 s, then a zoom into the past and out again.
    const views: Array<[number, number, number]> = [];
    for (let now = T + 3600; now <= T + 7200; now += 30) views.push([now - 3600, now, now]);
    views.push([T + 990, T + 2790, T + 7200], [T, T + 7200, T + 7230]);

    for (const [start, end, now] of views) {
      const horizon = now - freshness;
      const plan = planRange({ start, end, step: STEP }, stored, horizon);
      const pieces = plan.fetch.map((span) => extent(span.start, span.end, all));
      for (const span of plan.fetch) fetchedSteps += (span.end - span.start) / STEP + 1;
      coldSteps += (lastStep(start, end, STEP) - start) / STEP + 1;
      const merged = mergeExtents([...plan.reused, ...pieces]);
      expect(merged.series, `window ${start - T}..${end - T}`).toEqual(query(all, start, end, STEP).series);
      stored = updateExtents(stored, pieces, STEP, horizon, 1e9);
    }
    // Each refresh fetched the new step and the fresh tail, not the hour.
    expect(fetchedSteps / coldSteps).toBeLessThan(0.1);
  });
});
