// Turns a panel definition plus the dashboard's state into backend queries and a PanelData answer.
// Server-only: the browser sends the panel id and the view, never PromQL, so a permalink cannot be
// turned into an arbitrary (billed) query, and the exact PromQL that ran is returned for display.
import type { PrometheusApi, RangeSeries } from "./datasource/types";
import type { PanelData, QueryResult } from "./api-schema";
import { pickVariant, type Capabilities } from "./capabilities";
import type { PanelDef } from "./panels/types";
import { injectMatchers, type LabelMatcher } from "./promql";
import type { QueryWindow } from "./query-window";
import { expandPlaceholders } from "./panels/template";

export function buildExpr(template: string, window: QueryWindow, matchers: LabelMatcher[]): string {
  return injectMatchers(expandPlaceholders(template, window), matchers);
}

export interface RunPanelArgs {
  api: PrometheusApi;
  caps: Capabilities;
  panel: PanelDef;
  matchers: LabelMatcher[];
  window: QueryWindow;
  inflightLimits?: { readOnly: number; mutating: number };
  signal?: AbortSignal;
}

export async function runPanel({ api, caps, panel, matchers, window, inflightLimits, signal }: RunPanelArgs): Promise<PanelData> {
  const chosen = panel.queries.map((q) => ({ query: q, variant: pickVariant(q, caps) }));
  const base = {
    panelId: panel.id,
    window,
    inflightLimits: panel.showInflightLimits ? inflightLimits : undefined,
  };
  if (chosen.every((c) => c.variant === null)) {
    return { ...base, status: "absent", absentReason: panel.absentReason, queries: [], samplesProcessed: 0 };
  }
  const results = await Promise.all(
    chosen
      .filter((c) => c.variant !== null)
      .map(async ({ query, variant }): Promise<QueryResult> => {
        const expr = buildExpr(variant!.expr, window, matchers);
        const type = query.type ?? "range";
        let series: RangeSeries[];
        let r: { stats: QueryResult["stats"]; warnings: string[]; cached?: boolean };
        if (type === "instant") {
          const instant = await api.query({ query: expr, time: window.evalTime, signal });
          series = instant.samples.map((s) => ({ labels: s.labels, points: [[s.time, s.value]] }));
          r = instant;
        } else {
          const range = await api.queryRange({ query: expr, start: window.start, end: window.end, step: window.step, signal });
          series = range.series;
          r = range;
        }
        const { stats, warnings, cached = false } = r;
        return { id: query.id, legend: query.legend, type, expr, unit: query.unit, badAbove: query.badAbove, note: variant!.note, series, stats, cached, warnings };
      }),
  );
  const samplesProcessed = results.reduce((n, r) => n + (r.cached ? 0 : (r.stats?.samplesProcessed ?? 0)), 0);
  return { ...base, status: "ok", queries: results, samplesProcessed };
}
