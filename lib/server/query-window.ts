// How a panel's time range becomes a backend query: a step sized to the pixels that show it, start and
// end aligned to that step (so identical views hit the same cache entries here and in Thanos/Cortex/AMP
// query frontends), and Grafana's $__rate_interval rule so a zoomed-out view does not alias.

import "server-only";
/** Steps we round up to: a small set keeps neighbouring panel widths on the same cache key. */
const NICE_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Prometheus refuses range queries with more than 11,000 points per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface QueryWindow {
  /** unix seconds, multiple of step */
  start: number;
  /** unix seconds, multiple of step */
  end: number;
  step: number;
  /** seconds; the `[...]` of rate()/increase() */
  rateInterval: number;
  /**
   * When instant queries (tables, rankings) are evaluated: the user's own end, not `end` rounded up to a
   * step, which could fall past the newest sample and beyond Prometheus' 5-minute lookback.
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
 * @param scrapeInterval the backend's scrape interval: no step below it carries new data
 */
export function queryWindow(from: number, to: number, maxPoints: number, scrapeInterval: number): QueryWindow {
  const range = Math.max(to - from, scrapeInterval);
  const wanted = Math.max(range / Math.max(maxPoints, 1), scrapeInterval, range / MAX_POINTS_PER_SERIES);
  const step = niceStep(wanted);
  const start = Math.floor(from / step) * step;
  const end = Math.ceil(to / step) * step;
  return { start, end, step, rateInterval: rateInterval(step, scrapeInterval), evalTime: Math.floor(to) };
}

/** Grafana's $__rate_interval: max(step + scrape, 4 × scrape). */
export function rateInterval(step: number, scrapeInterval: number): number {
  return Math.max(step + scrapeInterval, 4 * scrapeInterval);
}

/** "90s" style PromQL duration, whole seconds. */
export function promDuration(seconds: number): string {
  return `${Math.round(seconds)}s`;
}
