// Hand-computed cases for every rule of lib/server/plan/histogram.ts. Each expected value is worked out in
// the comment next to it, and chosen so that breaking the rule under test changes the answer.
import { describe, expect, it } from "vitest";
import { buildHeatmapMatrix } from "../../heatmap";
import type { Labels, Point, RangeSeries } from "../datasource/types";
import {
  SMALL_DELTA_TOLERANCE,
  groupBuckets,
  heatmapCounts,
  histogramQuantile,
  parseBucketBound,
  quantileOverRange,
  quantileSeries,
  type Bucket,
} from "./histogram";

const s = (labels: Labels, points: Point[]): RangeSeries => ({ labels, points });
const B = (pairs: [number, number][]): Bucket[] => pairs.map(([le, count]) => ({ le, count }));
const INF = Infinity;

describe("parseBucketBound (Go strconv.ParseFloat)", () => {
  it("reads decimal and infinite bounds", () => {
    expect(parseBucketBound("0.005")).toBe(0.005);
    expect(parseBucketBound("1")).toBe(1);
    expect(parseBucketBound("1.0")).toBe(1);
    expect(parseBucketBound("1e-3")).toBe(0.001);
    expect(parseBucketBound(".5")).toBe(0.5);
    expect(parseBucketBound("+Inf")).toBe(INF);
    expect(parseBucketBound("inf")).toBe(INF); // Number("inf") is NaN
    expect(parseBucketBound("Infinity")).toBe(INF);
    expect(parseBucketBound("-Inf")).toBe(-INF);
    expect(parseBucketBound("0x1p-3")).toBe(0.125);
    expect(parseBucketBound("NaN")).toBeNaN();
  });
  it("rejects what ParseFloat rejects, even when Number accepts it", () => {
    for (const bad of [undefined, "", " 1", "1 ", "0x10", "1e400", "+nan", "infin", "1_000", "abc"]) expect(parseBucketBound(bad)).toBeNull();
  });
});

describe("histogramQuantile (Prometheus 2.42 bucketQuantile)", () => {
  const basic = B([[1, 10], [2, 15], [INF, 20]]);

  it("q NaN → NaN, q < 0 → -Inf, q > 1 → +Inf, checked before the buckets", () => {
    expect(histogramQuantile(NaN, basic)).toBeNaN();
    expect(histogramQuantile(-0.1, basic)).toBe(-INF);
    expect(histogramQuantile(1.1, basic)).toBe(INF);
    const noInf = B([[1, 10], [2, 15]]);
    expect(histogramQuantile(-0.1, noInf)).toBe(-INF);
    expect(histogramQuantile(1.1, B([[1, 0], [INF, 0]]))).toBe(INF);
  });

  it("interpolates linearly inside the bucket", () => {
    // rank 0.6 × 20 = 12, in (1, 2] holding 15 − 10 = 5: 1 + (12 − 10) / 5 = 1.4
    expect(histogramQuantile(0.6, basic)).toBeCloseTo(1.4, 12);
  });

  it("interpolates the first bucket from 0 when its upper bound is above 0", () => {
    // rank 5 of 10 in (0, 1]: 0.5 (not 1, its upper bound)
    expect(histogramQuantile(0.25, basic)).toBe(0.5);
  });

  it("returns the first bucket's upper bound when it is ≤ 0", () => {
    const negative = B([[-1, 10], [1, 20], [INF, 20]]);
    expect(histogramQuantile(0.25, negative)).toBe(-1); // rank 5 in the first bucket: no interpolation from 0
    expect(histogramQuantile(0.75, negative)).toBe(0); // rank 15 in (-1, 1]: -1 + 2 × 5/10
    expect(histogramQuantile(0.25, B([[0, 10], [1, 20], [INF, 20]]))).toBe(0);
  });

  it("a rank in the +Inf bucket returns the second-highest upper bound", () => {
    expect(histogramQuantile(0.9, basic)).toBe(2); // rank 18 > 15
  });

  it("the bucket is the first whose count ≥ rank (a flat run returns its lowest bound)", () => {
    // rank 10 = count of le=1 and le=2: the first wins → 1 (with > it would be 2 + 0 = 2)
    expect(histogramQuantile(0.5, B([[1, 10], [2, 10], [3, 20], [INF, 20]]))).toBe(1);
    expect(histogramQuantile(1, B([[1, 10], [2, 20], [INF, 20]]))).toBe(2);
  });

  it("q = 0 is 0 from a non-empty first bucket, and NaN (0/0) from an empty one", () => {
    expect(histogramQuantile(0, basic)).toBe(0);
    expect(histogramQuantile(0, B([[1, 0], [2, 5], [INF, 5]]))).toBeNaN();
  });

  it("sorts the buckets by upper bound", () => {
    // the same histogram in reverse order: 1.4; unsorted, the "highest" bucket would be le=1 (not +Inf) → NaN
    expect(histogramQuantile(0.6, [...basic].reverse())).toBeCloseTo(1.4, 12);
    expect(histogramQuantile(0.6, B([[2, 15], [INF, 20], [1, 10]]))).toBeCloseTo(1.4, 12);
  });

  it("the highest bucket must be +Inf", () => {
    expect(histogramQuantile(0.5, B([[1, 10], [2, 20]]))).toBeNaN();
  });

  it("fewer than 2 buckets (after coalescing) → NaN", () => {
    expect(histogramQuantile(0.5, B([[INF, 20]]))).toBeNaN();
    expect(histogramQuantile(0.5, B([[INF, 5], [INF, 15]]))).toBeNaN(); // one bucket once coalesced
    expect(histogramQuantile(0.5, [])).toBeNaN();
  });

  it("coalesces buckets with the same upper bound (counts added)", () => {
    // le=1 holds 2 + 3 = 5: rank 2.5 → 0.5. Not coalesced: [1:2, 1:3, 2:10, +Inf:10] finds the second "1"
    // (count 3 ≥ 2.5) and returns 1 + 0 × … = 1.
    expect(histogramQuantile(0.25, B([[1, 2], [1, 3], [2, 10], [INF, 10]]))).toBe(0.5);
  });

  it("forces monotonic counts (each bucket raised to the highest count below it)", () => {
    // [1:10, 2:4, +Inf:10] → [10, 10, 10]: rank 5 → 0.5. Without: binary search skips to +Inf → 2
    expect(histogramQuantile(0.5, B([[1, 10], [2, 4], [INF, 10]]))).toBe(0.5);
    // +Inf below le=1: observations become 10, rank 5 → 0.5 (with 6 observations, rank 3 → 0.3)
    expect(histogramQuantile(0.5, B([[1, 10], [INF, 6]]))).toBe(0.5);
    // raised to the running maximum, not to the (original) bucket just below: [10, 4, 6, 7, 8, 20] →
    // [10, 10, 10, 10, 10, 20], rank 9 → 0.9. Raising 4 alone leaves 6, 7, 8 < 9 and the search ends in +Inf → 5.
    expect(histogramQuantile(0.45, B([[1, 10], [2, 4], [3, 6], [4, 7], [5, 8], [INF, 20]]))).toBeCloseTo(0.9, 12);
  });

  it("no observations → NaN", () => {
    expect(histogramQuantile(0.5, B([[1, 0], [2, 0], [INF, 0]]))).toBeNaN();
    // (there interpolation would give 0/0 anyway; here the first bound −1 would come back without the check)
    expect(histogramQuantile(0.5, B([[-1, 0], [1, 0], [INF, 0]]))).toBeNaN();
  });

  it("small deltas count as a difference in 2.42, and are ignored with Prometheus ≥ 2.49's tolerance", () => {
    // le=2 and le=3 are 1e-11 above le=1 (relative 5e-13 of 20 observations); rank = 10 + 5e-12.
    // 2.42: the rank falls inside (1, 2], halfway → 1.5. ≥ 2.49: all three count 10, the rank is above
    // them → the +Inf bucket → 3.
    const drift = B([[1, 10], [2, 10 + 1e-11], [3, 10 + 1e-11], [INF, 20]]);
    const q = (10 + 5e-12) / 20;
    expect(histogramQuantile(q, drift)).toBeCloseTo(1.5, 2);
    expect(histogramQuantile(q, drift, { smallDeltaTolerance: SMALL_DELTA_TOLERANCE })).toBe(3);
  });

  it("NaN counts go through Go's comparisons and binary search", () => {
    // ensureMonotonic leaves the NaN; sort.Search probes le=2 (NaN ≥ 2.5 false) then le=4 → bucket (2, 4],
    // count 10 − NaN → NaN. A linear scan would stop at le=1 and return 0.5.
    expect(histogramQuantile(0.25, B([[1, 5], [2, NaN], [4, 10], [INF, 10]]))).toBeNaN();
    // NaN observations: no count is ≥ NaN → the +Inf bucket → the second-highest bound
    expect(histogramQuantile(0.5, B([[1, 10], [2, 20], [INF, NaN]]))).toBe(2);
  });

  it("drops a bucket whose upper bound is NaN", () => {
    expect(histogramQuantile(0.25, B([[NaN, 3], [1, 10], [INF, 20]]))).toBe(0.5);
  });
});

describe("groupBuckets (sum by (by…, le))", () => {
  const input = [
    s({ instance: "a", verb: "GET", le: "1" }, [[60, 1], [120, 2], [180, 3]]),
    s({ instance: "b", verb: "GET", le: "1" }, [[60, 10], [180, 30], [240, 40]]),
    s({ instance: "a", verb: "LIST", le: "1" }, [[60, 100], [120, null]]),
    s({ instance: "a", verb: "GET", le: "+Inf" }, [[60, 5]]),
  ];

  it("sums per timestamp the series sharing the by labels and le", () => {
    expect(groupBuckets(input, ["verb"])).toEqual([
      s({ le: "+Inf", verb: "GET" }, [[60, 5]]),
      // 60: 1 + 10; 120: only a has a point → 2; 180: 3 + 30; 240: only b → 40
      s({ le: "1", verb: "GET" }, [[60, 11], [120, 2], [180, 33], [240, 40]]),
      s({ le: "1", verb: "LIST" }, [[60, 100], [120, null]]),
    ]);
  });

  it("a null part (NaN/±Inf in Prometheus) makes the sum null; all parts missing → no point", () => {
    const out = groupBuckets(input, [], (l) => l.le === "1");
    // 60: 1 + 10 + 100; 120: 2 + null → null; 180: 33; 240: 40
    expect(out).toEqual([s({ le: "1" }, [[60, 111], [120, null], [180, 33], [240, 40]])]);
  });

  it("applies the filter to the input labels", () => {
    expect(groupBuckets(input, ["instance"], (l) => l.verb === "LIST")).toEqual([s({ instance: "a", le: "1" }, [[60, 100], [120, null]])]);
  });

  it("an empty label value is no label, and le spellings stay apart (as in PromQL)", () => {
    const out = groupBuckets(
      [s({ verb: "", le: "1" }, [[0, 1]]), s({ le: "1" }, [[0, 2]]), s({ le: "1.0" }, [[0, 4]])],
      ["verb"],
    );
    expect(out).toEqual([s({ le: "1" }, [[0, 3]]), s({ le: "1.0" }, [[0, 4]])]);
  });
});

describe("quantileSeries", () => {
  // Two servers; buckets le=1, 2, +Inf, cumulative increases per step.
  const hist = (labels: Labels, byLe: Record<string, Point[]>): RangeSeries[] =>
    Object.entries(byLe).map(([le, points]) => s({ ...labels, le }, points));
  const a = hist({ instance: "a", verb: "GET" }, {
    "1": [[60, 10], [120, 0], [180, 4]],
    "2": [[60, 15], [120, 0], [180, 8]],
    "+Inf": [[60, 20], [120, 0], [180, 10]],
  });
  const b = hist({ instance: "b", verb: "GET" }, {
    "1": [[60, 0], [120, 6], [180, 0]],
    "2": [[60, 10], [120, 6], [180, 0]],
    "+Inf": [[60, 10], [120, 8], [180, 0]],
  });
  const list = hist({ instance: "a", verb: "LIST" }, { "1": [[60, 1]], "+Inf": [[60, 2], [120, 2]] });

  it("per step and group, the quantile of the summed buckets", () => {
    const out = quantileSeries([...a, ...b, ...list], 0.5, ["verb"]);
    expect(out.map((x) => x.labels)).toEqual([{ verb: "GET" }, { verb: "LIST" }]);
    const get = out[0]!.points;
    // 60: [10, 25, 30], rank 15 → (1, 2]: 1 + 5/15; 120: [6, 6, 8], rank 4 → 4/6; 180: [4, 8, 10], rank 5 → 1.25
    expect(get.map(([t]) => t)).toEqual([60, 120, 180]);
    expect(get[0]![1]).toBeCloseTo(1 + 5 / 15, 12);
    expect(get[1]![1]).toBeCloseTo(4 / 6, 12);
    expect(get[2]![1]).toBeCloseTo(1.25, 12);
    // LIST at 60: [1, 2], rank 1 → 1; at 120 only its +Inf bucket: one bucket → NaN, kept as a null point
    expect(out[1]!.points).toEqual([[60, 1], [120, null]]);
  });

  it("a step with no observations is a null point, a step with no bucket is no point", () => {
    const out = quantileSeries(a, 0.5, ["instance"]);
    expect(out).toHaveLength(1);
    expect(out[0]!.labels).toEqual({ instance: "a" });
    expect(out[0]!.points[1]).toEqual([120, null]); // [0, 0, 0]: NaN
    const sparse = quantileSeries([s({ le: "1" }, [[60, 1]]), s({ le: "+Inf" }, [[60, 2], [120, 2]]), s({ le: "+Inf" }, [[180, 1]])], 0.5, []);
    // 60: [1, 2] → 1; 120: the +Inf bucket alone → NaN; 180: the other +Inf series (same group) alone → NaN
    expect(sparse).toEqual([s({}, [[60, 1], [120, null], [180, null]])]);
    expect(quantileSeries([s({ le: "+Inf" }, [[60, 2]]), s({ le: "2" }, [[120, 2]])], 0.5, [])[0]!.points).toEqual([[60, null], [120, null]]); // 120: no +Inf bucket
  });

  it("worstOf: the highest per-server quantile; a server with NaN is skipped unless all are", () => {
    const out = quantileSeries([...a, ...b], 0.5, ["verb"], { worstOf: "instance" });
    expect(out.map((x) => x.labels)).toEqual([{ verb: "GET" }]);
    const [p60, p120, p180] = out[0]!.points;
    // 60: a [10,15,20] rank 10 → 1; b [0,10,10] rank 5 → 1.5 → max 1.5 (the sum would give 1.33)
    expect(p60![1]).toBe(1.5);
    // 120: a NaN (no observations), b [6,6,8] rank 4 → 4/6 → 0.667, not NaN
    expect(p120![1]).toBeCloseTo(4 / 6, 12);
    // 180: a [4,8,10] rank 5 → 1.25; b NaN → 1.25
    expect(p180![1]).toBe(1.25);
    const allQuiet = quantileSeries(a, 0.5, [], { worstOf: "instance", filter: (l) => l.instance === "a" });
    expect(allQuiet[0]!.points[1]).toEqual([120, null]);
  });

  it("the filter selects the input series; q outside [0, 1] is ±Inf, null on the wire", () => {
    const onlyB = quantileSeries([...a, ...b], 0.5, [], { filter: (l) => l.instance === "b" });
    expect(onlyB[0]!.points).toEqual([[60, 1.5], [120, 4 / 6], [180, null]]);
    expect(quantileSeries(a, 2, [])[0]!.points.every(([, v]) => v === null)).toBe(true);
  });

  it("coalesces le spellings of one bound and ignores unparseable ones", () => {
    const mixed = [s({ le: "1" }, [[0, 3]]), s({ le: "1.0" }, [[0, 2]]), s({ le: "+Inf" }, [[0, 10]]), s({ le: "bogus" }, [[0, 1000]])];
    // le=1 holds 3 + 2 of 10: rank 2.5 → 0.5 (uncoalesced, [1:3, 1:2 → 3, +Inf:10] would give 2.5/3)
    expect(quantileSeries(mixed, 0.25, [])[0]!.points).toEqual([[0, 0.5]]);
  });

  it("a null bucket count is NaN, as Prometheus' sum makes it", () => {
    const out = quantileSeries([s({ le: "1" }, [[0, 10]]), s({ le: "2" }, [[0, 20]]), s({ le: "+Inf" }, [[0, null]])], 0.5, []);
    expect(out[0]!.points).toEqual([[0, 2]]); // NaN observations → the +Inf bucket → second-highest bound
  });
});

describe("quantileOverRange", () => {
  const inc = (instance: string, byLe: Record<string, number[]>) =>
    Object.entries(byLe).map(([le, values]) => s({ instance, le }, values.map((v, i): Point => [60 * (i + 1), v])));
  // Server a: a fast first step, a slow second one. Server b: slow throughout.
  const a = inc("a", { "1": [90, 0], "2": [100, 10], "+Inf": [100, 10] });
  const b = inc("b", { "1": [0, 0], "2": [5, 5], "+Inf": [10, 10] });

  it("sums each bucket over the range, then takes the quantile", () => {
    // a + b over both steps: le=1 90, le=2 120, +Inf 130; rank 65 in (0, 1]: 65/90.
    // (The mean of the per-step quantiles would be something else entirely.)
    const [all] = quantileOverRange([...a, ...b], 0.5, []);
    expect(all!.labels).toEqual({});
    expect(all!.value).toBeCloseTo(65 / 90, 12);
    // per server: a: [90, 110, 110] rank 55 → 55/90; b: [0, 10, 20] rank 10 → 1 + 10/10 = 2
    const per = quantileOverRange([...a, ...b], 0.5, ["instance"]);
    expect(per.map((p) => p.labels.instance)).toEqual(["a", "b"]);
    expect(per[0]!.value).toBeCloseTo(55 / 90, 12);
    expect(per[1]!.value).toBe(2);
  });

  it("worstOf keeps the highest server per group", () => {
    expect(quantileOverRange([...a, ...b], 0.5, [], { worstOf: "instance" })).toEqual([{ labels: {}, value: 2 }]);
    expect(quantileOverRange([...a, ...b], 0.5, [], { worstOf: "instance", filter: (l) => l.instance === "a" })[0]!.value).toBeCloseTo(55 / 90, 12);
  });

  it("a null step makes its bucket NaN over the range, which bucketQuantile then meets; no observations is null", () => {
    const nullAt = (le: string) => a.map((x) => (x.labels.le === le ? s(x.labels, [[60, x.points[0]![1]], [120, null]]) : x));
    // +Inf NaN: no count ≥ NaN → the second-highest bound, 2
    expect(quantileOverRange(nullAt("+Inf"), 0.5, [])).toEqual([{ labels: {}, value: 2 }]);
    // le=1 NaN: [NaN, 110, 110], rank 55, the search lands in (1, 2] with count 110 − NaN → NaN → null
    expect(quantileOverRange(nullAt("1"), 0.5, [])).toEqual([{ labels: {}, value: null }]);
    expect(quantileOverRange(inc("c", { "1": [0, 0], "+Inf": [0, 0] }), 0.5, [])).toEqual([{ labels: {}, value: null }]);
  });
});

describe("heatmapCounts", () => {
  const input = [
    // two servers, le written out of numeric (and string) order
    s({ instance: "a", le: "10" }, [[60, 8], [120, 9]]),
    s({ instance: "a", le: "2" }, [[60, 5], [120, 9.5]]),
    s({ instance: "a", le: "+Inf" }, [[60, 9], [120, 10]]),
    s({ instance: "b", le: "10" }, [[60, 2]]),
    s({ instance: "b", le: "2" }, [[60, 1]]),
    s({ instance: "b", le: "+Inf" }, [[60, 2]]),
  ];

  it("sums by le, sorts numerically with +Inf last, and de-cumulates", () => {
    const m = heatmapCounts(input);
    expect(m.times).toEqual([60, 120]);
    expect(m.bounds).toEqual([
      { lower: 0, upper: 2 },
      { lower: 2, upper: 10 },
      { lower: 10, upper: INF },
    ]);
    // 60: cumulative [6, 10, 11] → [6, 4, 1]. 120: [9.5, 9, 10] → [9.5, −0.5 → 0, 1]
    expect(m.counts).toEqual([
      [6, 9.5],
      [4, 0],
      [1, 1],
    ]);
    expect(m.max).toBe(9.5);
    expect(m.total).toBe(6 + 4 + 1 + 9.5 + 0 + 1);
  });

  it("is what lib/heatmap.ts makes of Prometheus' sum by (le), and honours the filter", () => {
    const promSumByLe = [
      s({ le: "+Inf" }, [[60, 11], [120, 10]]),
      s({ le: "10" }, [[60, 10], [120, 9]]),
      s({ le: "2" }, [[60, 6], [120, 9.5]]),
    ];
    expect(heatmapCounts(input)).toEqual(buildHeatmapMatrix(promSumByLe));
    expect(heatmapCounts(input, { filter: (l) => l.instance === "b" }).counts).toEqual([[1], [1], [0]]);
  });

  it("a null part makes its le sum null (Prometheus' sum), which buildHeatmapMatrix alone would skip", () => {
    const withNull = [...input, s({ instance: "c", le: "2" }, [[60, null]])];
    // le=2 at 60 is null, so its cell and the one above (10 − null) are unknown
    expect(heatmapCounts(withNull).counts.map((row) => row[0])).toEqual([null, null, 1]);
    expect(buildHeatmapMatrix(withNull).counts.map((row) => row[0])).toEqual([6, 4, 1]);
  });

  it("a missing cumulative value leaves the cell null, not 0", () => {
    const m = heatmapCounts([s({ le: "1" }, [[60, 1]]), s({ le: "+Inf" }, [[60, 3], [120, 4]])]);
    expect(m.counts).toEqual([
      [1, null],
      [2, null],
    ]);
  });
});

describe("sparse reads (zero buckets left out, every +Inf kept): the zeros put back", () => {
  const LES = ["0.1", "0.5", "1", "+Inf"];
  // The unfiltered read: two calls over three steps. GET: at 10 all below 0.5 except none below 0.1 (the
  // 0.1 bucket is 0), at 20 idle (every bucket 0), at 30 one slow request. LIST: only at 30.
  const dense = [
    s({ verb: "GET", le: "0.1" }, [[10, 0], [20, 0], [30, 0]]),
    s({ verb: "GET", le: "0.5" }, [[10, 4], [20, 0], [30, 0]]),
    s({ verb: "GET", le: "1" }, [[10, 4], [20, 0], [30, 0]]),
    s({ verb: "GET", le: "+Inf" }, [[10, 4], [20, 0], [30, 1]]),
    s({ verb: "LIST", le: "0.1" }, [[30, 0]]),
    s({ verb: "LIST", le: "0.5" }, [[30, 2]]),
    s({ verb: "LIST", le: "1" }, [[30, 2]]),
    s({ verb: "LIST", le: "+Inf" }, [[30, 2]]),
  ];
  // What `(sum … > 0) or sum …{le="+Inf"}` answers for the same data.
  const sparse = dense
    .map((x) => ({ labels: x.labels, points: x.points.filter(([, v]) => x.labels.le === "+Inf" || (v ?? 0) > 0) }))
    .filter((x) => x.points.length > 0);
  const opts = { sparse: { les: LES } };

  it("quantiles equal the unfiltered read's, NaN where a group saw nothing", () => {
    // GET p50 at 10: rank 2 of 4 in (0.1, 0.5] → 0.1 + 0.4 × 2/4 = 0.3 — from 0 instead (0.2) had the zero
    // 0.1 bucket stayed missing. At 20 all zero → NaN (null), at 30 the one request is above 1 → 1.
    const want = quantileSeries(dense, 0.5, ["verb"]);
    expect(quantileSeries(sparse, 0.5, ["verb"], opts)).toEqual(want);
    expect(want.find((x) => x.labels.verb === "GET")!.points).toEqual([[10, 0.30000000000000004], [20, null], [30, 1]]);
    expect(quantileSeries(sparse, 0.5, ["verb"])).not.toEqual(want);
  });

  it("heatmap buckets and rankings over the range equal the unfiltered read's", () => {
    expect(groupBuckets(sparse, [], undefined, opts.sparse)).toEqual(groupBuckets(dense, []));
    expect(quantileOverRange(sparse, 0.99, ["verb"], opts)).toEqual(quantileOverRange(dense, 0.99, ["verb"]));
  });

  it("puts back no bucket above a group's smallest one with a point: above it, a missing le is not the group's", () => {
    // A layout without 0.5: its 1 bucket is 3, so the missing 0.5 cannot have been 0 (cumulative): left out.
    const other = [s({ verb: "PUT", le: "0.1" }, [[10, 1]]), s({ verb: "PUT", le: "1" }, [[10, 3]]), s({ verb: "PUT", le: "+Inf" }, [[10, 3]])];
    const les = groupBuckets(other, ["verb"], undefined, opts.sparse).map((x) => x.labels.le);
    expect(les.sort()).toEqual(["+Inf", "0.1", "1"]);
  });
});
