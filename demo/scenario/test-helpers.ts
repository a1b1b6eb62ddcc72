// Helpers for the scenario's tests: PromQL-like arithmetic over scrape() results.
import type { Sample, Scenario } from "./index";

export type LabelFilter = (labels: Record<string, string>) => boolean;
const all: LabelFilter = () => true;

export function sumOf(samples: readonly Sample[], name: string, filter: LabelFilter = all): number {
  let total = 0;
  for (const s of samples) if (s.name === name && filter(s.labels)) total += s.value;
  return total;
}

/** Per-second increase of a counter (summed over matching series) between t1 and t2 on one instance. */
export function rate(scenario: Scenario, instance: string, name: string, t1: number, t2: number, filter: LabelFilter = all): number {
  const a = sumOf(scenario.scrape(instance, t1), name, filter);
  const b = sumOf(scenario.scrape(instance, t2), name, filter);
  return (b - a) / (t2 - t1);
}

/** Cumulative bucket counts by `le` (summed over matching series), increase between t1 and t2, over instances. */
export function bucketIncrease(scenario: Scenario, instances: readonly string[], family: string, t1: number, t2: number, filter: LabelFilter = all): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const instance of instances) {
    for (const [t, sign] of [
      [t1, -1],
      [t2, 1],
    ] as const) {
      for (const s of scenario.scrape(instance, t)) {
        if (s.name !== `${family}_bucket` || !filter(s.labels)) continue;
        const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
        buckets.set(le, (buckets.get(le) ?? 0) + sign * s.value);
      }
    }
  }
  return buckets;
}

/** Prometheus' histogram_quantile over cumulative buckets. */
export function histogramQuantile(q: number, buckets: ReadonlyMap<number, number>): number {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  if (sorted.length < 2 || sorted[sorted.length - 1][0] !== Infinity) return NaN;
  const total = sorted[sorted.length - 1][1];
  if (total <= 0) return NaN;
  const rank = q * total;
  let i = sorted.findIndex(([, c]) => c >= rank);
  if (i === sorted.length - 1) return sorted[sorted.length - 2][0];
  if (i < 0) i = 0;
  const [upper, count] = sorted[i];
  const [lower, below] = i === 0 ? [upper > 0 ? 0 : upper, 0] : sorted[i - 1];
  if (count === below) return upper;
  return lower + ((upper - lower) * (rank - below)) / (count - below);
}
