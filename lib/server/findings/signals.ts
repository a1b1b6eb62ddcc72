// Reading panel answers as signals: the series of a query, when a condition held (for how many steps in a
// row), peaks and means. Pure functions over PanelData, so the rules read like their descriptions.
import "server-only";
import type { PanelData, Point } from "../../api-schema";
import { MIN_STEPS } from "./thresholds";

export type Labels = Record<string, string>;
export interface Series {
  labels: Labels;
  points: Point[];
}

/** The series of one query of a panel (empty when the panel is absent or the query did not run). */
export function seriesOf(data: PanelData | undefined, queryId: string): Series[] {
  return data?.queries.find((q) => q.id === queryId)?.series ?? [];
}

/** The single value of each series of an instant-style query (rankings). */
export function valuesOf(data: PanelData | undefined, queryId: string): { labels: Labels; value: number }[] {
  return seriesOf(data, queryId).flatMap((s) => {
    const v = s.points[s.points.length - 1]?.[1];
    return v === null || v === undefined || !Number.isFinite(v) ? [] : [{ labels: s.labels, value: v }];
  });
}

export function peak(points: Point[]): number | null {
  let m: number | null = null;
  for (const [, v] of points) if (v !== null && (m === null || v > m)) m = v;
  return m;
}

export function meanOf(points: Point[], from = -Infinity, to = Infinity): number | null {
  let sum = 0;
  let n = 0;
  for (const [t, v] of points) if (v !== null && t >= from && t <= to) (sum += v), n++;
  return n ? sum / n : null;
}

export function valueAt(points: Point[], t: number): number | null {
  return points.find(([pt]) => pt === t)?.[1] ?? null;
}

/** When a condition held: its first and last step, the steps it held, and the peak while it held. */
export interface Episode {
  since: number;
  /** last step it held */
  last: number;
  steps: number;
  peak: number;
}

/**
 * The longest run of at least MIN_STEPS consecutive points satisfying `holds` (a missing point breaks a
 * run); null when there is none.
 */
export function episode(points: Point[], holds: (v: number) => boolean, minSteps = MIN_STEPS): Episode | null {
  let best: Episode | null = null;
  let run: Episode | null = null;
  for (const [t, v] of points) {
    if (v === null || !holds(v)) {
      run = null;
      continue;
    }
    const current: Episode = run === null ? { since: t, last: t, steps: 1, peak: v } : { since: run.since, last: t, steps: run.steps + 1, peak: Math.max(run.peak, v) };
    run = current;
    if (current.steps >= minSteps && (!best || current.steps > best.steps)) best = current;
  }
  return best;
}

/** Point-by-point sum of several series (steps where none has a value are left out). */
export function sumSeries(series: Series[]): Point[] {
  const byTime = new Map<number, number>();
  for (const s of series) for (const [t, v] of s.points) if (v !== null) byTime.set(t, (byTime.get(t) ?? 0) + v);
  return [...byTime].sort((a, b) => a[0] - b[0]);
}

/** Pearson correlation of two series over their common steps; null with fewer than 3 or a flat one. */
export function correlation(a: Point[], b: Point[]): number | null {
  const other = new Map(b.filter(([, v]) => v !== null) as [number, number][]);
  const pairs = a.flatMap(([t, v]) => (v !== null && other.has(t) ? [[v, other.get(t)!] as const] : []));
  if (pairs.length < 3) return null;
  const mx = pairs.reduce((s, [x]) => s + x, 0) / pairs.length;
  const my = pairs.reduce((s, [, y]) => s + y, 0) / pairs.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** The label some series carry under one of several names across Kubernetes versions. */
export function labelOf(labels: Labels, ...names: string[]): string {
  for (const n of names) if (labels[n]) return labels[n]!;
  return "";
}
