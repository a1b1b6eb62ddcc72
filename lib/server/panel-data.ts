// Turns a panel definition plus the dashboard's state into backend queries and a PanelData answer.
// Server-only: the browser sends the panel id and the view, never PromQL, so a permalink cannot be
// turned into an arbitrary (billed) query, and the exact PromQL that ran is returned for display.
//
// Histogram queries are not sent as they are: the planner (lib/server/plan) reads each histogram family
// once per view and derives them; the answer shows the equivalent PromQL and the read that served it.
import "server-only";
import type { PrometheusApi, QueryStats, RangeSeries } from "./datasource/types";
import type { ClusterLimits, PanelData, QueryResult } from "../api-schema";
import { pickVariant, type Capabilities } from "./capabilities";
import type { PanelDef, PanelQuery, QueryVariant } from "../panels/types";
import { injectMatchers, type LabelMatcher } from "./promql";
import type { QueryWindow } from "./query-window";
import { expandPlaceholders } from "./template";
import { chooseRead, derive, equivalentExpr, isDerived, runRead, type ChosenRead, type ReadResult, type ViewRange } from "./plan/planner";

export function buildExpr(template: string, window: QueryWindow, matchers: LabelMatcher[]): string {
  return injectMatchers(expandPlaceholders(template, window), matchers);
}

export interface RunPanelArgs {
  api: PrometheusApi;
  caps: Capabilities;
  panel: PanelDef;
  matchers: LabelMatcher[];
  /** The window of the panel's own PromQL queries: its step sized to the chart's pixels. */
  window: QueryWindow;
  /** The visible range and scrape interval: shared reads size their step from these alone. */
  range: ViewRange;
  /** The cluster's configured limits; sent only to panels that draw them. */
  limits?: ClusterLimits;
  signal?: AbortSignal;
}

interface Chosen {
  query: PanelQuery;
  variant: QueryVariant;
  index: number;
}

export async function runPanel({ api, caps, panel, matchers, window, range, limits, signal }: RunPanelArgs): Promise<PanelData> {
  const chosen: Chosen[] = panel.queries.flatMap((query) => {
    const variant = pickVariant(query, caps);
    return variant ? [{ query, variant, index: query.variants.indexOf(variant) }] : [];
  });
  const plans = new Map(chosen.filter((c) => isDerived(c.query)).map((c) => [c.query, chooseRead(c.query, caps, range)]));
  const firstRead = plans.values().next().value as ChosenRead | undefined;
  // A panel drawn from shared reads is drawn on their window (one step for every panel of the view).
  const panelWindow = firstRead ? firstRead.window : window;
  const base = {
    panelId: panel.id,
    window: panelWindow,
    limits: "limits" in panel.options && panel.options.limits?.length ? limits : undefined,
  };
  if (chosen.length === 0) {
    return { ...base, status: "absent", absentReason: panel.absentReason, queries: [], samplesProcessed: 0 };
  }
  // Queries of this panel that share a read wait for the same promise: the read's cost is counted once.
  const reads = new Map<string, Promise<ReadResult>>();
  const readOnce = (chosenRead: ChosenRead): Promise<ReadResult> => {
    const key = `${chosenRead.read.family}|${chosenRead.read.resolution}`;
    let pending = reads.get(key);
    if (!pending) {
      pending = runRead(api, chosenRead, matchers, signal);
      reads.set(key, pending);
    }
    return pending;
  };
  const results = await Promise.all(
    chosen.map((c) => {
      const plan = plans.get(c.query);
      return plan ? runDerived(c, plan, readOnce(plan), matchers) : runQuery(api, c, matchers, window, signal);
    }),
  );
  const perRead = new Map<string, { stats: QueryStats | null; cached: boolean }>();
  let samplesProcessed = 0;
  for (const r of results) {
    if (r.readExpr) {
      perRead.set(r.readExpr, { stats: r.stats, cached: r.cached });
      continue;
    }
    samplesProcessed += r.cached ? 0 : (r.stats?.samplesProcessed ?? 0);
  }
  for (const { stats, cached } of perRead.values()) samplesProcessed += cached ? 0 : (stats?.samplesProcessed ?? 0);
  return { ...base, status: "ok", queries: results, samplesProcessed };
}

function resultOf(c: Chosen, expr: string, series: RangeSeries[], answer: { stats: QueryResult["stats"]; warnings: string[]; cached?: boolean }): QueryResult {
  const { query, variant, index } = c;
  return {
    id: query.id,
    legend: query.legend,
    type: query.type ?? "range",
    expr,
    unit: query.unit,
    badAbove: query.badAbove,
    dashed: query.dashed,
    caption: query.caption,
    variant: index,
    note: variant.note,
    series,
    stats: answer.stats,
    cached: answer.cached ?? false,
    warnings: answer.warnings,
  };
}

async function runDerived(c: Chosen, plan: ChosenRead, pending: Promise<ReadResult>, matchers: LabelMatcher[]): Promise<QueryResult> {
  const { expr: readExpr, window, result } = await pending;
  const series = derive(c.query, plan.read, result.series, window);
  return { ...resultOf(c, equivalentExpr(c.query, window, matchers), series, result), readExpr };
}

async function runQuery(api: PrometheusApi, c: Chosen, matchers: LabelMatcher[], window: QueryWindow, signal?: AbortSignal): Promise<QueryResult> {
  const expr = buildExpr(c.variant.expr, window, matchers);
  if (c.query.type === "instant") {
    const instant = await api.query({ query: expr, time: window.evalTime, signal });
    return resultOf(c, expr, instant.samples.map((s) => ({ labels: s.labels, points: [[s.time, s.value]] })), instant);
  }
  const range = await api.queryRange({ query: expr, start: window.start, end: window.end, step: window.step, signal });
  return resultOf(c, expr, range.series, range);
}
