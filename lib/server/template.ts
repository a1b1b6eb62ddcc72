// Panel PromQL templates: Grafana-style placeholders filled from the query window before parsing.
import "server-only";
import { metricNames } from "./promql";
import { promDuration, tilingWindow, type QueryWindow } from "./query-window";

/** Fill `$__rate_interval`, `$__range` and `$__step`. */
export function expandPlaceholders(expr: string, window: Pick<QueryWindow, "start" | "step" | "rateInterval" | "evalTime">): string {
  return expr
    .replaceAll("$__rate_interval", tilingWindow(window.rateInterval))
    // The whole visible range, ending where instant queries are evaluated.
    .replaceAll("$__range", promDuration(Math.max(window.evalTime - window.start, window.step)))
    .replaceAll("$__step", promDuration(window.step));
}

const ANY_WINDOW = { start: 0, evalTime: 3600, step: 60, rateInterval: 120 };

/** Metric names a template reads (placeholders do not change which metrics). */
export function templateMetricNames(expr: string): string[] {
  return metricNames(expandPlaceholders(expr, ANY_WINDOW));
}
