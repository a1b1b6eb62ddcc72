// The ad-hoc explorer on the server: the user's PromQL, checked with the Prometheus grammar (lezer-promql)
// before anything is sent, run as written against the chosen cluster's backend (scoped to the cluster's
// `cluster` label on a shared AMP workspace), read-only endpoints only, with a bounded number of points,
// charged to the user's samples budget — and on AMP refused by the backend itself, before it is billed,
// when it would process more than the budget has left.
import "server-only";
import { parser } from "@prometheus-io/lezer-promql";
import type { ExploreError, ExploreMetaRequest, ExploreMetaResponse, ExploreQueryRequest, ExploreQueryResult, ExploreSyntaxPosition } from "../api-schema";
import { authSettings } from "../auth/settings";
import { clusterMatchers, getCluster, type ClusterConfig } from "./config";
import { clientFor } from "./datasource";
import { DataSourceError } from "./datasource/types";
import { jsonResponse } from "./http";
import { sampleLedger } from "./limits/budget";
import { currentCallerKey } from "./limits/caller";
import { LimitError } from "./limits/errors";
import { limitSettings } from "./limits/settings";
import { formatMatcher, injectMatchers, type LabelMatcher } from "./promql";
import { MAX_POINTS_PER_SERIES, queryWindow, type QueryWindow } from "./query-window";

// ── Checking an expression ────────────────────────────────────────────────────────────────────────

/** A PromQL expression that does not parse: where, what was found there, and what was expected. */
export class ExploreSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: ExploreSyntaxPosition,
    readonly hint: string,
  ) {
    super(message);
    this.name = "ExploreSyntaxError";
  }
}

const CLOSER: Record<string, string> = { "(": ")", "{": "}", "[": "]" };
const OPENER: Record<string, string> = { ")": "(", "}": "{", "]": "[" };

/**
 * What the brackets and quotes of `expr` say is missing, if anything: lezer marks where parsing failed but
 * not what it wanted, and an unclosed or mismatched bracket is the commonest cause of all.
 */
export function bracketProblem(expr: string): { offset: number; expected: string } | null {
  const open: { char: string; at: number }[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === "#") {
      while (i < expr.length && expr[i] !== "\n") i++;
    } else if (c === '"' || c === "'" || c === "`") {
      const start = i;
      for (i++; i < expr.length && expr[i] !== c; i++) if (expr[i] === "\\" && c !== "`") i++;
      if (i >= expr.length) return { offset: start, expected: `a closing ${c} for the string that starts here` };
    } else if (c in CLOSER) {
      open.push({ char: c, at: i });
    } else if (c in OPENER) {
      const top = open.pop();
      if (!top) return { offset: i, expected: `nothing here: this "${c}" closes no "${OPENER[c]}"` };
      if (top.char !== OPENER[c]) return { offset: i, expected: `"${CLOSER[top.char]}" to close the "${top.char}" at ${placeOf(expr, top.at)}` };
    }
  }
  const last = open.pop();
  return last ? { offset: expr.length, expected: `"${CLOSER[last.char]}" to close the "${last.char}" at ${placeOf(expr, last.at)}` } : null;
}

function columnOf(expr: string, offset: number): number {
  return offset - (expr.lastIndexOf("\n", offset - 1) + 1) + 1;
}

/** "column 4", or "line 1, column 4" in a query of several lines. */
function placeOf(expr: string, offset: number): string {
  const { line, column } = lineColumn(expr, offset);
  return expr.includes("\n") ? `line ${line}, column ${column}` : `column ${column}`;
}

/** 1-based line and column of a 0-based offset. */
export function lineColumn(expr: string, offset: number): { line: number; column: number } {
  const before = expr.slice(0, offset);
  return { line: before.split("\n").length, column: columnOf(expr, offset) };
}

/** What stands at `offset`, for "found …". */
function foundAt(expr: string, offset: number): string {
  const rest = expr.slice(offset).trimStart();
  if (!rest) return "the end of the query";
  const token = /^([A-Za-z_:][\w:]*|\d[\w.]*|\S)/.exec(rest)![0];
  return JSON.stringify(token);
}

/** The first syntax error of `expr`, or null when it parses. */
export function syntaxProblem(expr: string): ExploreSyntaxError | null {
  if (!expr.trim()) {
    return new ExploreSyntaxError("The query is empty", { offset: 0, line: 1, column: 1 }, "Type a PromQL expression, e.g. up or rate(apiserver_request_total[5m]).");
  }
  let errorAt = -1;
  parser.parse(expr).iterate({
    enter(node) {
      if (errorAt >= 0) return false;
      if (node.type.isError) errorAt = node.from;
      return undefined;
    },
  });
  if (errorAt < 0) return null;
  const brackets = bracketProblem(expr);
  const offset = brackets ? brackets.offset : errorAt;
  const expected = brackets?.expected ?? "an expression, an operator or a closing bracket";
  const where = lineColumn(expr, offset);
  return new ExploreSyntaxError(
    `PromQL syntax error at line ${where.line}, column ${where.column}: found ${foundAt(expr, offset)}, expected ${expected}`,
    { offset, ...where },
    "Fix the query at the marked position; nothing was sent to the backend.",
  );
}

// ── Scope and limits ──────────────────────────────────────────────────────────────────────────────

/** The explorer runs any query a user types: never on a dashboard that is open to the network. */
export function explorerRefusal(): LimitError | null {
  let settings;
  try {
    settings = authSettings();
  } catch {
    return null; // the sign-in guard answers a broken configuration itself
  }
  if (settings.mode !== "none" || !settings.explicit) return null;
  return new LimitError("bad_request", "The explorer needs sign-in: this dashboard is open to anyone who can reach it (APISCOPE_AUTH=none)", {
    hint: "Set APISCOPE_AUTH=oidc or proxy to use the explorer; the dashboard's panels stay available.",
  });
}

/** Clusters sharing one AMP workspace are told apart by their cluster label: always ANDed in. */
const clusterScope = clusterMatchers;

/** The user's expression as it is sent: as written, within the cluster's label on a shared workspace. */
export function scopedExpr(cluster: ClusterConfig, expr: string): string {
  const scope = clusterScope(cluster);
  return scope.length ? injectMatchers(expr, scope, { always: true }) : expr;
}

/** Samples this caller may still have processed this minute (undefined: no ceiling configured). */
function samplesLeft(): number | undefined {
  const { samplesPerMinute } = limitSettings();
  if (samplesPerMinute === 0) return undefined;
  return Math.max(1, samplesPerMinute - sampleLedger.spent(currentCallerKey(), Date.now()));
}

function overBudget(processed: number, left: number): LimitError {
  const perMinute = limitSettings().samplesPerMinute;
  return new LimitError(
    "rate_limited",
    `Over your sample budget: this query processed ${processed.toLocaleString("en-US")} samples, more than the ${left.toLocaleString("en-US")} left of your ${perMinute.toLocaleString("en-US")} per minute`,
    { hint: "Narrow the time range, raise the step or select fewer series, then run it again in a minute.", retryAfterSeconds: 60 },
  );
}

function refusedByBudget(left: number): LimitError {
  const perMinute = limitSettings().samplesPerMinute;
  return new LimitError(
    "rate_limited",
    `Over your sample budget: the backend refused this query before running it, as it would process more than the ${left.toLocaleString("en-US")} samples left of your ${perMinute.toLocaleString("en-US")} per minute (nothing was billed)`,
    { hint: "Narrow the time range, raise the step or select fewer series, then run it again in a minute.", retryAfterSeconds: 60 },
  );
}

/** The query's window: an explicit step (an "Open in explorer" link reproduces its panel's), else sized to the width. */
export function exploreWindow(req: Pick<ExploreQueryRequest, "start" | "end" | "width" | "step">, scrapeInterval: number, nowSeconds: number): QueryWindow {
  const to = Math.max(req.start + 1, Math.min(req.end, nowSeconds));
  if (req.step === undefined) return queryWindow(req.start, to, req.width, scrapeInterval);
  const step = req.step;
  const start = Math.floor(req.start / step) * step;
  const end = Math.ceil(to / step) * step;
  if ((end - start) / step + 1 > MAX_POINTS_PER_SERIES) {
    throw new LimitError("bad_request", `A step of ${step} s gives more than ${MAX_POINTS_PER_SERIES.toLocaleString("en-US")} points over this range`, {
      hint: `Raise the step to at least ${Math.ceil((end - start) / (MAX_POINTS_PER_SERIES - 1))} s, or leave it out to size it to the graph.`,
    });
  }
  return { start, end, step, rateInterval: step + scrapeInterval, evalTime: Math.max(start, Math.floor(to / step) * step) };
}

function checkSize(series: { points: unknown[] }[]): void {
  const { maxPanelSeries, maxPanelPoints } = limitSettings();
  const points = series.reduce((n, s) => n + s.points.length, 0);
  if (series.length > maxPanelSeries || points > maxPanelPoints) {
    throw new LimitError("too_large", `The answer is too large: ${series.length.toLocaleString("en-US")} series, ${points.toLocaleString("en-US")} points`, {
      hint: `Aggregate (sum by (…)), filter with label matchers or narrow the range: at most ${maxPanelSeries.toLocaleString("en-US")} series and ${maxPanelPoints.toLocaleString("en-US")} points (APISCOPE_MAX_PANEL_SERIES, APISCOPE_MAX_PANEL_POINTS).`,
    });
  }
}

// ── Running a query ───────────────────────────────────────────────────────────────────────────────

export async function runExploreQuery(req: ExploreQueryRequest, signal?: AbortSignal): Promise<ExploreQueryResult> {
  const problem = syntaxProblem(req.expr);
  if (problem) throw problem;
  const cluster = getCluster(req.cluster);
  const api = clientFor(req.cluster);
  const expr = scopedExpr(cluster, req.expr);
  const window = exploreWindow(req, cluster.scrapeIntervalSeconds, Math.floor(Date.now() / 1000));
  const left = samplesLeft();
  // AMP takes a ceiling per query: the cluster's own, lowered to what the user's budget has left.
  const clusterCeiling = cluster.kind === "amp" ? (cluster.maxSamplesProcessed ?? Infinity) : undefined;
  let answer;
  try {
    answer =
      req.mode === "instant"
        ? await api.query({ query: expr, time: window.evalTime, maxSamplesProcessed: left, signal }).then((r) => ({
            ...r,
            series: r.samples.map((s) => ({ labels: s.labels, points: [[s.time, s.value]] as [number, number | null][] })),
          }))
        : await api.queryRange({ query: expr, start: window.start, end: window.end, step: window.step, maxSamplesProcessed: left, signal });
  } catch (error) {
    // AMP refused it at the ceiling it was sent: when that was the user's budget, say so (nothing was billed).
    const budgetWasTheCeiling = clusterCeiling !== undefined && left !== undefined && left < clusterCeiling;
    if (error instanceof DataSourceError && error.kind === "too_many_samples" && error.status !== undefined && budgetWasTheCeiling) throw refusedByBudget(left);
    throw error;
  }
  const samplesProcessed = answer.cached ? 0 : (answer.stats?.samplesProcessed ?? 0);
  // A backend that cannot be told the ceiling (plain Prometheus) ran it: its answer is still refused.
  if (left !== undefined && samplesProcessed > left) throw overBudget(samplesProcessed, left);
  checkSize(answer.series);
  return {
    expr,
    mode: req.mode,
    window,
    series: answer.series.map((s) => ({ labels: s.labels, points: s.points })),
    stats: answer.stats,
    samplesProcessed,
    cached: answer.cached ?? false,
    warnings: answer.warnings,
    ceiling: clusterCeiling !== undefined && Math.min(clusterCeiling, left ?? Infinity) < Infinity ? Math.min(clusterCeiling, left ?? Infinity) : null,
  };
}

// ── Autocomplete: label names, label values, series, metadata ─────────────────────────────────────

/** Autocomplete looks at most this far back from the view's end, in 5-minute steps (one cache key per 5 minutes). */
const META_LOOKBACK = 6 * 3600;

function metaRange(start: number, end: number, nowSeconds: number): { start: number; end: number } {
  const e = Math.ceil(Math.min(end, nowSeconds) / 300) * 300;
  return { start: Math.max(Math.floor(start / 300) * 300, e - META_LOOKBACK), end: e };
}

/** match[] selectors: each one vector selector (checked like a query), scoped to the cluster. */
function scopedSelectors(cluster: ClusterConfig, match: string[]): string[] {
  const selectors = match.map((m) => {
    const problem = syntaxProblem(m);
    if (problem) throw problem;
    const top = parser.parse(m).topNode.firstChild;
    if (top?.name !== "VectorSelector") {
      throw new LimitError("bad_request", `match[] must be a series selector such as up{job="x"} (got ${JSON.stringify(m.slice(0, 60))})`, { hint: "Send a metric name with optional label matchers." });
    }
    return scopedExpr(cluster, m);
  });
  const scope = clusterScope(cluster);
  return selectors.length === 0 && scope.length ? [`{${scope.map(formatMatcher).join(",")}}`] : selectors;
}

function bounded<T>(items: readonly T[], limit: number): { items: T[]; truncated: boolean } {
  return { items: items.slice(0, limit), truncated: items.length > limit };
}

export async function exploreMeta(req: ExploreMetaRequest, signal?: AbortSignal): Promise<ExploreMetaResponse> {
  const cluster = getCluster(req.cluster);
  const api = clientFor(req.cluster);
  const range = metaRange(req.start, req.end, Math.floor(Date.now() / 1000));
  const match = scopedSelectors(cluster, req.match);
  switch (req.kind) {
    case "labels": {
      const { items, truncated } = bounded(await api.labelNames({ match, ...range, signal }), req.limit);
      return { kind: req.kind, values: items, truncated };
    }
    case "label-values": {
      const { items, truncated } = bounded(await api.labelValues({ name: req.name!, match, ...range, signal }), req.limit);
      return { kind: req.kind, values: items, truncated };
    }
    case "series": {
      if (req.match.length === 0) throw new DataSourceError("bad_query", "series needs a match[] selector", { hint: "Name a metric, e.g. match=up." });
      const { items, truncated } = bounded(await api.series({ match, ...range, signal }), req.limit);
      return { kind: req.kind, series: items, truncated };
    }
    case "metadata": {
      // On a shared workspace metadata is not per cluster: it describes metric names, not series.
      const metadata = await api.metadata({ limit: req.limit, signal });
      return { kind: req.kind, metadata, truncated: Object.keys(metadata).length >= req.limit };
    }
  }
}

// ── Route plumbing ────────────────────────────────────────────────────────────────────────────────

/**
 * The explorer's routes' work: refused on an open dashboard, and a syntax error answered as a 400 that
 * carries its position (the editor marks it) instead of a bare message.
 */
export async function exploreAnswer(work: () => Promise<Response>): Promise<Response> {
  const refused = explorerRefusal();
  if (refused) throw refused;
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ExploreSyntaxError)) throw error;
    const body: ExploreError = { error: { kind: "bad_query", message: error.message, hint: error.hint, position: error.position } };
    return jsonResponse(body, { status: 400 });
  }
}
