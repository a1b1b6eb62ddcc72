// From query results to drawn lines: which series survive `maxSeries`, in which order, dashed or not,
// and whether a line keeps its colour when the numbers change.
import { describe, expect, it } from "vitest";
import type { Point, QueryResult } from "@/lib/api-schema";
import { labelsKey, lastValue, linesFor, peak } from "./series-lines";

function result(id: string, legend: string, series: { labels: Record<string, string>; points: Point[] }[], over: Partial<QueryResult> = {}): QueryResult {
  return { id, legend, type: "range", expr: "x", variant: 0, series, stats: null, cached: false, warnings: [], ...over };
}

/** A series whose highest point is `top`. */
const s = (name: string, top: number, others: (number | null)[] = [0, top / 2]) => ({
  labels: { name },
  points: [[0, others[0] ?? null], [30, top], [60, others[1] ?? null]] as Point[],
});

describe("peak", () => {
  it("is the highest non-null value, wherever it is", () => {
    expect(peak([[0, 1], [30, 7], [60, 3]])).toBe(7);
    expect(peak([[0, null], [30, 2], [60, null], [90, 5]])).toBe(5);
  });
  it("works for negative values (no hidden floor at 0)", () => {
    expect(peak([[0, -5], [30, -2], [60, -9]])).toBe(-2);
  });
  it("is -Infinity with no value at all, so such a series ranks last", () => {
    expect(peak([])).toBe(-Infinity);
    expect(peak([[0, null], [30, null]])).toBe(-Infinity);
  });
});

describe("lastValue", () => {
  it("is the last non-null value, skipping trailing gaps", () => {
    expect(lastValue([[0, 1], [30, 4], [60, null], [90, null]])).toBe(4);
    expect(lastValue([[0, 1], [30, 2]])).toBe(2);
  });
  it("a last value of 0 is a value, not a gap", () => {
    expect(lastValue([[0, 5], [30, 0], [60, null]])).toBe(0);
  });
  it("is null with no value at all", () => {
    expect(lastValue([])).toBeNull();
    expect(lastValue([[0, null]])).toBeNull();
  });
});

describe("labelsKey", () => {
  it("does not depend on label order", () => {
    expect(labelsKey({ instance: "a:6443", resource: "pods", verb: "LIST" })).toBe(labelsKey({ verb: "LIST", resource: "pods", instance: "a:6443" }));
  });
  it("differs when a value or a label name differs", () => {
    const k = labelsKey({ resource: "pods", verb: "LIST" });
    expect(labelsKey({ resource: "pods", verb: "WATCH" })).not.toBe(k);
    expect(labelsKey({ resource: "pods", scope: "LIST" })).not.toBe(k);
    expect(labelsKey({ resource: "pods" })).not.toBe(k);
    expect(labelsKey({})).not.toBe(k);
  });
});

describe("linesFor", () => {
  it("without maxSeries: every series, in order, legends expanded, none hidden", () => {
    const { lines, hidden } = linesFor([result("q", "{{name}} ({{scope}})", [s("a", 1), { labels: { name: "b", scope: "cluster" }, points: [[0, 2]] }])]);
    expect(lines.map((l) => l.name)).toEqual(["a", "b (cluster)"]);
    expect(hidden).toBe(0);
    expect(lines[1]!.points).toEqual([[0, 2]]);
  });

  it("maxSeries keeps the series with the highest peaks, drawn in their original order", () => {
    // peaks: a 1, b 50, c 3, d 40, e 2 — the two busiest are b and d, and b comes first in the answer.
    const { lines, hidden } = linesFor([result("q", "{{name}}", [s("a", 1), s("b", 50), s("c", 3), s("d", 40), s("e", 2)])], 2);
    expect(lines.map((l) => l.name)).toEqual(["b", "d"]);
    expect(hidden).toBe(3);
  });

  it("ranks by peak, not by the last or the average value", () => {
    // "spike" has one high point and ends at 0; "steady" is higher on average and at the end.
    const spike = { labels: { name: "spike" }, points: [[0, 0], [30, 100], [60, 0], [90, 0]] as Point[] };
    const steady = { labels: { name: "steady" }, points: [[0, 60], [30, 60], [60, 60], [90, 60]] as Point[] };
    const low = { labels: { name: "low" }, points: [[0, 10], [30, 10], [60, 10], [90, 10]] as Point[] };
    expect(linesFor([result("q", "{{name}}", [steady, low, spike])], 1).lines.map((l) => l.name)).toEqual(["spike"]);
    expect(linesFor([result("q", "{{name}}", [low, spike, steady])], 2).lines.map((l) => l.name)).toEqual(["spike", "steady"]);
  });

  it("a series with no value at all is the first to go", () => {
    const empty = { labels: { name: "empty" }, points: [[0, null]] as Point[] };
    const { lines } = linesFor([result("q", "{{name}}", [empty, s("a", 0.001), s("b", 0.002)])], 2);
    expect(lines.map((l) => l.name)).toEqual(["a", "b"]);
  });

  it("ranks across all queries of the panel", () => {
    const { lines, hidden } = linesFor([result("p99", "{{name}} p99", [s("x", 5), s("y", 1)]), result("p90", "{{name}} p90", [s("x", 4), s("y", 0.5)])], 2);
    expect(lines.map((l) => l.name)).toEqual(["x p99", "x p90"]);
    expect(hidden).toBe(2);
  });

  it("maxSeries at or above the number of series keeps them all", () => {
    const r = [result("q", "{{name}}", [s("a", 1), s("b", 2), s("c", 3)])];
    expect(linesFor(r, 3)).toMatchObject({ hidden: 0, lines: [{ name: "a" }, { name: "b" }, { name: "c" }] });
    expect(linesFor(r, 10).hidden).toBe(0);
  });

  it("dashed comes from the query's own `dashed` field", () => {
    const { lines } = linesFor([
      result("p99", "{{name}} p99", [s("x", 5)]),
      result("p90", "{{name}} p90", [s("x", 4), s("y", 3)], { dashed: true }),
      result("p50", "{{name}} p50", [s("x", 2)], { dashed: false }),
    ]);
    expect(lines.map((l) => [l.name, l.dashed])).toEqual([
      ["x p99", false],
      ["x p90", true],
      ["y p90", true],
      ["x p50", false],
    ]);
  });

  it("the same labels in two queries are two lines with two keys", () => {
    const { lines } = linesFor([result("p99", "p99", [{ labels: { le: "1" }, points: [[0, 1]] }]), result("p90", "p90", [{ labels: { le: "1" }, points: [[0, 1]] }])]);
    expect(lines).toHaveLength(2);
    expect(new Set(lines.map((l) => l.key)).size).toBe(2);
  });

  it("keys are stable across refreshes, whatever the label order", () => {
    const a = linesFor([result("q", "{{resource}}", [{ labels: { resource: "pods", verb: "LIST" }, points: [[0, 1]] }])]);
    const b = linesFor([result("q", "{{resource}}", [{ labels: { verb: "LIST", resource: "pods" }, points: [[30, 9]] }])]);
    expect(b.lines[0]!.key).toBe(a.lines[0]!.key);
  });

  it("each drawn line gets its own colour", () => {
    const { lines } = linesFor([result("q", "{{name}}", ["a", "b", "c", "d", "e", "f", "g", "h"].map((n, i) => s(n, i + 1)))]);
    expect(new Set(lines.map((l) => l.color)).size).toBe(8);
    for (const l of lines) expect(l.color).toMatch(/^#[0-9a-fA-F]{6}$/);
  });

  it("colours stay with their series when the numbers change but the kept series do not", () => {
    const colours = (top: Record<string, number>) => {
      const r = [result("q", "{{name}}", Object.entries(top).map(([n, v]) => s(n, v)))];
      return Object.fromEntries(linesFor(r, 3).lines.map((l) => [l.name, l.color]));
    };
    // First refresh: a > b > c > d; second: the ranking among the kept three reverses, d stays hidden.
    const before = colours({ a: 30, b: 20, c: 10, d: 1 });
    const after = colours({ a: 11, b: 20, c: 29, d: 2 });
    expect(Object.keys(before)).toEqual(["a", "b", "c"]);
    expect(after).toEqual(before);
  });
});
