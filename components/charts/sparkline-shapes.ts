// The geometry of a sparkline (components/charts/Sparkline.tsx): an SVG path per line, broken where there
// is no data, and a dot for each point with no neighbour.
import { scaleLinear } from "d3-scale";
import { line as linePath } from "d3-shape";
import type { Point } from "@/lib/api-schema";

export interface SparkLine {
  key: string;
  color: string;
  points: Point[];
  dashed?: boolean;
}

export interface SparkShape {
  line: SparkLine;
  /** SVG path data; "" for a line with no defined point. */
  d: string;
  dots: (readonly [number, number])[];
}

const PAD = 2;

type Defined = [number, number];
/** A point with a value to draw (not a gap). */
export const isDefined = (p: Point): p is Defined => p[1] !== null && Number.isFinite(p[1]);

/** Points with no defined neighbour: a line through them would draw nothing, so they get a dot. */
export function isolatedPoints(points: Point[]): Defined[] {
  return points.filter((p, i): p is Defined => isDefined(p) && !(points[i - 1] && isDefined(points[i - 1]!)) && !(points[i + 1] && isDefined(points[i + 1]!)));
}

/** Shapes for `lines` over [start, end] in a width × height box; like the full chart, y starts at zero. */
export function sparklineShapes(lines: SparkLine[], start: number, end: number, width: number, height: number): SparkShape[] {
  const max = Math.max(0, ...lines.flatMap((l) => l.points.filter(isDefined).map((p) => p[1])));
  const x = scaleLinear().domain([start, end]).range([PAD, Math.max(PAD, width - PAD)]);
  // A round top, as the full chart's axis has: a flat line sits below the frame's edge, not on it.
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .nice(4)
    .range([height - PAD, PAD]);
  const path = linePath<Point>()
    .defined(isDefined)
    .x((p) => x(p[0]))
    .y((p) => y(p[1] ?? 0));
  return lines.map((line) => ({ line, d: path(line.points) ?? "", dots: isolatedPoints(line.points).map(([t, v]) => [x(t), y(v)] as const) }));
}
