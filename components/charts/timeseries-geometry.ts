// The geometry of a time-series chart (components/charts/TimeSeriesChart.tsx): the plot box, the scales,
// an SVG path per line broken where there is no data, a dot for each point with no neighbour, the value
// ticks, and the data's timestamp nearest to a pointer. Plain functions, so they are tested without a DOM.
import { scaleLinear, type ScaleLinear } from "d3-scale";
import { line as linePath } from "d3-shape";
import type { Point } from "@/lib/api-schema";
import { isDefined, isolatedPoints } from "./sparkline-shapes";

export interface GeometryLine {
  key: string;
  points: Point[];
}

/** Room for the value axis' labels (left), the time axis' labels (bottom), and the top label of a threshold. */
export const MARGIN = { top: 8, right: 12, bottom: 30, left: 76 } as const;

/** About this many value ticks: five on a 220 px chart never crowd each other. */
const VALUE_TICKS = 5;

export interface PlotBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface LineShape<L extends GeometryLine> {
  line: L;
  /** SVG path data; "" for a line with no defined point. */
  d: string;
  dots: (readonly [number, number])[];
}

export interface TimeSeriesGeometry<L extends GeometryLine> {
  plot: PlotBox;
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  valueTicks: number[];
  shapes: LineShape<L>[];
  /** Every line's timestamps, sorted, once each: where the pointer snaps to. */
  times: number[];
}

/**
 * Scales from zero (or the lowest value, if negative) to a round number above the highest value or
 * threshold: a limit line above the data stays on the chart, as the data's peak does under it.
 */
export function timeSeriesGeometry<L extends GeometryLine>(lines: L[], thresholds: readonly number[], start: number, end: number, width: number, height: number): TimeSeriesGeometry<L> {
  const plot: PlotBox = {
    left: MARGIN.left,
    right: Math.max(MARGIN.left + 1, width - MARGIN.right),
    top: MARGIN.top,
    bottom: Math.max(MARGIN.top + 1, height - MARGIN.bottom),
  };
  const values = [...lines.flatMap((l) => l.points.filter(isDefined).map((p) => p[1])), ...thresholds.filter(Number.isFinite)];
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const x = scaleLinear().domain([start, end]).range([plot.left, plot.right]);
  const y = scaleLinear()
    .domain([lo, hi > lo ? hi : lo + 1])
    .nice(VALUE_TICKS)
    .range([plot.bottom, plot.top]);
  const path = linePath<Point>()
    .defined(isDefined)
    .x((p) => x(p[0]))
    .y((p) => y(p[1] ?? 0));
  const shapes = lines.map((line) => ({ line, d: path(line.points) ?? "", dots: isolatedPoints(line.points).map(([t, v]) => [x(t), y(v)] as const) }));
  const times = [...new Set(lines.flatMap((l) => l.points.map((p) => p[0])))].sort((a, b) => a - b);
  return { plot, x, y, valueTicks: y.ticks(VALUE_TICKS), shapes, times };
}

/** The timestamp in `times` (sorted) nearest to `t`; null when there is none. */
export function nearestTime(times: readonly number[], t: number): number | null {
  if (times.length === 0 || !Number.isFinite(t)) return null;
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  const after = times[lo]!;
  const before = times[lo - 1];
  return before !== undefined && t - before <= after - t ? before : after;
}

/** Each line's value at `t`, highest first, for the tooltip: lines with no value there are left out. */
export function valuesAt<L extends GeometryLine>(lines: L[], t: number): { line: L; value: number }[] {
  const out: { line: L; value: number }[] = [];
  for (const line of lines) {
    const point = line.points.find((p) => p[0] === t);
    if (point && isDefined(point)) out.push({ line, value: point[1] });
  }
  return out.sort((a, b) => b.value - a.value);
}
