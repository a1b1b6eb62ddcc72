// Turns a panel definition plus the dashboard's state into backend queries and a PanelData answer.
// Server-only: the browser sends the panel id and the view, never PromQL, so a permalink cannot be
// turned into an arbitrary (billed) query, and the exact PromQL that ran is returned for display.
import "server-only";
import type { PrometheusApi, RangeSeries } from "./datasource/types";
import type { ClusterLimits, PanelData, QueryResult } from "../api-schema";
import { pickVariant, type Capabilities } from "./capabilities";
import type { PanelDef, PanelQuery, QueryVariant } from "../panels/types";
import { injectMatchers, type LabelMatcher } from "./promql";
import type { QueryWindow } from "./query-window";
import { expandPlaceholders } from "./template";

export function buildExpr(template: string, window: QueryWindow, matchers: LabelMatcher[]): string {
  return injectMatchers(expandPlaceholders(template, window), matchers);
}

export interface RunPanelArgs {
  api: PrometheusApi;
  caps: Capabilities;
  panel: PanelDef;
  matchers: LabelMatcher[];
  window: QueryWindow;
  /** The cluster's configured limits; sent only to panels that draw them. */
  limits?: ClusterLimits;
  signal?: AbortSignal;
}

export async function runPanel({ api, caps, panel, matchers, window, limits, signal }: RunPanelArgs): Promise<PanelData> {
  const chosen = panel.queries.flatMap((query) => {
    const variant = pickVariant(query, caps);
    return variant ? [{ query, variant, index: query.variants.indexOf(variant) }] : [];
  });
  const base = {
    panelId: panel.id,
    window,
    limits: "limits" in panel.options && panel.options.limits?.length ? limits : undefined,
  };
  if (chosen.length === 0) {
    return { ...base, status: "absent", absentReason: panel.absentReason, queries: [], samplesProcessed: 0 };
  }
  const results = await Promise.all(chosen.map(({ query, variant, index }) => runQuery(api, query, variant, index, matchers, window, signal)));
  const samplesProcessed = results.reduce((n, r) => n + (r.cached ? 0 : (r.stats?.samplesProcessed ?? 0)), 0);
  return { ...base, status: "ok", queries: results, samplesProcessed };
}

async function runQuery(
  api: PrometheusApi,
  query: PanelQuery,
  variant: QueryVariant,
  index: number,
  matchers: LabelMatcher[],
  window: QueryWindow,
  signal?: AbortSignal,
): Promise<QueryResult> {
  const expr = buildExpr(variant.expr, window, matchers);
  const type = query.type ?? "range";
  let series: RangeSeries[];
  let answer: { stats: QueryResult["stats"]; warnings: string[]; cached?: boolean };
  if (type === "instant") {
    const instant = await api.query({ query: expr, time: window.evalTime, signal });
    series = instant.samples.map((s) => ({ labels: s.labels, points: [[s.time, s.value]] }));
    answer = instant;
  } else {
    const range = await api.queryRange({ query: expr, start: window.start, end: window.end, step: window.step, signal });
    series = range.series;
    answer = range;
  }
  const { stats, warnings, cached = false } = answer;
  return { id: query.id, legend: query.legend, type, expr, unit: query.unit, badAbove: query.badAbove, dashed: query.dashed, caption: query.caption, variant: index, note: variant.note, series, stats, cached, warnings };
}
