// From query results to drawable lines: legends expanded, colours fixed, the busiest N kept.
import type { QueryResult } from "@/lib/api-schema";
import type { Point } from "@/lib/api-schema";
import { legendFor } from "@/lib/format";
import type { ChartLine } from "./TimeSeriesChart";
import { colorAt } from "./palette";

export function peak(points: Point[]): number {
  let m = -Infinity;
  for (const [, v] of points) if (v !== null && v > m) m = v;
  return m;
}

export function lastValue(points: Point[]): number | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]![1];
    if (v !== null) return v;
  }
  return null;
}

/** A stable key for a label set: the same series gets the same key across queries and refreshes. */
export function labelsKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

export function linesFor(results: QueryResult[], maxSeries?: number): { lines: ChartLine[]; hidden: number } {
  const all = results.flatMap((r, qi) =>
    r.series.map((s) => ({
      key: `q${qi}|${labelsKey(s.labels)}`,
      name: legendFor(r.legend, s.labels),
      points: s.points,
      dashed: r.dashed === true,
      peak: peak(s.points),
    })),
  );
  const kept = maxSeries && all.length > maxSeries ? [...all].sort((a, b) => b.peak - a.peak).slice(0, maxSeries) : all;
  const keptKeys = new Set(kept.map((l) => l.key));
  const lines = all.filter((l) => keptKeys.has(l.key)).map((l, i) => ({ key: l.key, name: l.name, points: l.points, dashed: l.dashed, color: colorAt(i) }));
  return { lines, hidden: all.length - lines.length };
}
