// Latency / size / ratio distributions used to fill histogram buckets. Only the CDF and the mean are needed:
// bucket counts are round(n * cdf(le)), which is integer, cumulative and monotonic in `le` by construction.

export interface Dist {
  cdf(x: number): number;
  readonly mean: number;
}

/** erf with |error| < 1.5e-7 (Abramowitz & Stegun 7.1.26). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/**
 * Log-normal with the given median and shape. `cap` models a hard limit (the 60 s request timeout, the 15 s
 * APF queue timeout): every observation above it is recorded at the cap.
 */
export function lognormal(median: number, sigma: number, cap = Infinity): Dist {
  const mu = Math.log(median);
  const cdf = (x: number) => {
    if (x >= cap) return 1;
    if (x <= 0) return 0;
    return normalCdf((Math.log(x) - mu) / sigma);
  };
  const uncappedMean = Math.exp(mu + (sigma * sigma) / 2);
  const mean = Number.isFinite(cap)
    ? uncappedMean * normalCdf((Math.log(cap) - mu - sigma * sigma) / sigma) + cap * (1 - normalCdf((Math.log(cap) - mu) / sigma))
    : uncappedMean;
  return { cdf, mean };
}

/** Every observation exactly at x (e.g. a utilization of 0 while a priority level is idle). */
export function pointMass(x: number): Dist {
  return { cdf: (v) => (v >= x ? 1 : 0), mean: x };
}

/** Normal clipped to [lo, hi]: mass outside lands on the bounds (utilization ratios live in [0, 1]). */
export function clippedNormal(mean: number, sd: number, lo: number, hi: number): Dist {
  const m = Math.min(hi, Math.max(lo, mean));
  return {
    cdf: (x) => (x < lo ? 0 : x >= hi ? 1 : normalCdf((x - mean) / sd)),
    mean: m,
  };
}

export function mixture(parts: ReadonlyArray<readonly [weight: number, dist: Dist]>): Dist {
  const total = parts.reduce((s, [w]) => s + w, 0);
  const norm = parts.filter(([w]) => w > 0).map(([w, d]) => [w / total, d] as const);
  return {
    cdf: (x) => norm.reduce((s, [w, d]) => s + w * d.cdf(x), 0),
    mean: norm.reduce((s, [w, d]) => s + w * d.mean, 0),
  };
}

/** A log-normal by its median and shape (used to add latencies up before building a Dist). */
export interface LogNormalSpec {
  median: number;
  sigma: number;
}

/**
 * The sum of independent log-normals, approximated by the log-normal with the same mean and variance
 * (Fenton–Wilkinson). Parts with a median ≤ 0 are left out.
 */
export function sumOfLognormals(parts: readonly LogNormalSpec[]): LogNormalSpec {
  let mean = 0;
  let variance = 0;
  for (const p of parts) {
    if (!(p.median > 0)) continue;
    const s2 = p.sigma * p.sigma;
    const m = p.median * Math.exp(s2 / 2);
    mean += m;
    variance += (Math.exp(s2) - 1) * m * m;
  }
  if (mean <= 0) return { median: 0, sigma: 0 };
  const s2 = Math.log(1 + variance / (mean * mean));
  return { median: mean * Math.exp(-s2 / 2), sigma: Math.sqrt(s2) };
}

/** P(X > x) for a log-normal. */
export function lognormalTail(l: LogNormalSpec, x: number): number {
  if (!(l.median > 0)) return 0;
  return 1 - normalCdf((Math.log(x) - Math.log(l.median)) / Math.max(1e-9, l.sigma));
}

/** A log-normal conditioned on X < upper (the observations that finished before a timeout). */
export function truncatedLognormal(l: LogNormalSpec, upper: number): Dist {
  const mu = Math.log(l.median);
  const s = Math.max(1e-9, l.sigma);
  const below = normalCdf((Math.log(upper) - mu) / s);
  if (below <= 1e-12) return pointMass(upper);
  const mean = (Math.exp(mu + (s * s) / 2) * normalCdf((Math.log(upper) - mu - s * s) / s)) / below;
  return {
    cdf: (x) => (x >= upper ? 1 : x <= 0 ? 0 : Math.min(1, normalCdf((Math.log(x) - mu) / s) / below)),
    mean,
  };
}
