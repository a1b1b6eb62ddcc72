// How a panel's time range becomes a backend query: a step sized to the pixels that show it, start and
// end aligned to that step (so identical views hit the same cache entries here and in Thanos/Cortex/AMP
// query frontends), and rate windows that just tile the range, so each raw sample is read about once.

import "server-only";
/** Steps we round up to: a small set keeps neighbouring panel widths on the same cache key. */
const NICE_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A step of at least two scrapes: a window then holds three samples, one shared with its neighbour. */
export const MIN_SCRAPES_PER_STEP = 2;

/** Prometheus refuses range queries with more than 11,000 points per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface QueryWindow {
  /** unix seconds, multiple of step */
  start: number;
  /** unix seconds, multiple of step */
  end: number;
  step: number;
  /** seconds; the `[...]` of rate()/increase()/max_over_time(): step + scrape, so windows just tile the range */
  rateInterval: number;
  /**
   * When instant queries (tables, rankings) are evaluated: the user's end rounded DOWN to the step. Down,
   * never up: `end` (rounded up) could fall past the newest sample and beyond Prometheus' 5-minute
   * lookback. Rounded, so every viewer of a moving "last N hours" shares one instant query per step (and
   * one cache entry) instead of one per second of the clock.
   */
  evalTime: number;
}


export function niceStep(seconds: number): number {
  for (const s of NICE_STEPS) if (s >= seconds) return s;
  return Math.ceil(seconds / 86400) * 86400;
}

/**
 * @param from, to  unix seconds of the visible range
 * @param maxPoints the chart's width in pixels (one point per pixel is all a screen can show)
 * @param scrapeInterval the backend's scrape interval: the step is at least two of them, so every window
 *   holds the two samples rate() needs and no point is lost
 */
export function queryWindow(from: number, to: number, maxPoints: number, scrapeInterval: number): QueryWindow {
  const range = Math.max(to - from, scrapeInterval);
  const wanted = Math.max(range / Math.max(maxPoints, 1), MIN_SCRAPES_PER_STEP * scrapeInterval, range / MAX_POINTS_PER_SERIES);
  const step = niceStep(wanted);
  const start = Math.floor(from / step) * step;
  const end = Math.ceil(to / step) * step;
  return { start, end, step, rateInterval: rateInterval(step, scrapeInterval), evalTime: Math.max(start, Math.floor(to / step) * step) };
}

/**
 * The window of rate(), increase() and *_over_time(): the step plus one scrape interval, written one
 * millisecond short (tilingWindow). Consecutive windows then share exactly one sample, the one at the
 * step boundary, so the counter's delta across the boundary is inside a window and no increment is lost
 * — windows equal to the step would drop it and leave rate()'s extrapolation to guess, which for rare
 * slow buckets moves whole heatmap cells. Grafana's $__rate_interval, max(step + scrape, 4 × scrape),
 * reads every raw sample four times at a step of one scrape; here a sample is read 1 + scrape/step
 * times: 1.5 at the smallest step of two scrapes, ~1 at coarse steps.
 */
export function rateInterval(step: number, scrapeInterval: number): number {
  return step + scrapeInterval;
}

/** "90s" style PromQL duration, whole seconds. */
export function promDuration(seconds: number): string {
  return `${Math.round(seconds)}s`;
}

/**
 * The `[…]` of a window that tiles the range with its neighbours: one millisecond short of its length.
 * Prometheus 2.x selects [t − w, t] with both ends included, so a sample exactly on a step boundary
 * (scrapes aligned to the step, as in backfilled data) would be read by two windows; 3.x and AMP select
 * (t − w, t], where the missing millisecond changes nothing.
 */
export function tilingWindow(seconds: number): string {
  return `${tilingMilliseconds(seconds)}ms`;
}

/** The length of that window in milliseconds: what rate() divides an increase over it by (as seconds). */
export function tilingMilliseconds(seconds: number): number {
  return Math.round(seconds * 1000) - 1;
}
