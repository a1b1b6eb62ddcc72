// A dashboard page load's backend work, started by the page itself while the browser is still
// downloading and running the page's scripts. Without it nothing reaches the backend until the dashboard
// has mounted, measured its panels and sent their first batch (~0.6–1 s after the HTML on a fast machine),
// and the view's discovery (job, capabilities, recorded coverage) then runs before any read: two waits
// in a row. With it both overlap the scripts, and the panels' requests find the same queries cached or
// in flight (the data source coalesces identical queries, also across instances through Redis).
//
// It starts exactly the view the browser will ask for: the URL parsed by the browser's own parser, the
// cluster picked the same way, the range resolved against the same "now", which the page hands the
// browser (Dashboard's `serverNow`) so a relative range resolves to the same seconds on both sides.
//
// Only what does not depend on the panels' widths is started (dashboard.ts warmView): the shared reads,
// not the panels' own PromQL. It runs as the page's caller, through the same budgets as their API
// requests; a caller over them gets no prefetch (the panels' own requests then say why). It never
// delays the page and never fails it: the panels report whatever went wrong themselves.
import "server-only";
import type { ClusterSummary } from "../api-schema";
import { parseDashboardParams, pickCluster } from "../dashboard-state";
import { resolveRange } from "../time-range";
import { warmView } from "./dashboard";
import { cacheSettings } from "./datasource/shared-cache";
import { runAs } from "./limits/caller";
import { DataSourceError } from "./datasource/types";
import { LimitError } from "./limits/errors";
import { admitRequest, boundView, isFutureWindow, type RequestLike } from "./limits/guard";

/** A prefetch never outlives the longest a panel request may take. */
const PREFETCH_DEADLINE_MS = 30_000;

export type PrefetchMode = "on" | "off";

/**
 * APISCOPE_PREFETCH=on|off; by default on, except on AWS Lambda (Amplify Hosting's compute) without a
 * shared cache: there the panels' requests may land on another instance, which would send the same reads
 * again, and a function's work after its answer may be frozen.
 */
export function prefetchMode(env: Record<string, string | undefined> = process.env, sharedCache = cacheSettings().url !== undefined): PrefetchMode {
  const set = env.APISCOPE_PREFETCH?.trim().toLowerCase();
  if (set === "on" || set === "off") return set;
  const onLambda = Boolean(env.AWS_LAMBDA_FUNCTION_NAME || env.AWS_EXECUTION_ENV?.startsWith("AWS_Lambda"));
  return onLambda && !sharedCache ? "off" : "on";
}

/** The view the dashboard will ask for first, as a panel request names it; null when it will ask for none. */
export function firstView(search: URLSearchParams, clusters: readonly ClusterSummary[], nowSeconds: number) {
  const { state } = parseDashboardParams(search);
  const cluster = pickCluster(state.cluster, clusters);
  if (cluster === null) return null;
  const range = resolveRange(state.from, state.to, nowSeconds);
  // As components/panel-batcher.ts viewParams.
  return { cluster, job: state.job ?? undefined, instance: state.instance ?? undefined, start: Math.floor(range.from), end: Math.ceil(range.to) };
}

/**
 * Starts the first view's shared backend work; resolves when it is done (or given up), never rejects.
 * `request`: the page request's headers and cookies, read by the page (the limits count the prefetch
 * against the same caller as its panels' requests).
 */
export async function prefetchDashboard(search: URLSearchParams, clusters: readonly ClusterSummary[] | undefined, nowSeconds: number, request: RequestLike): Promise<void> {
  if (!clusters?.length || prefetchMode() === "off") return;
  try {
    const view = firstView(search, clusters, nowSeconds);
    if (!view || isFutureWindow(view.start, nowSeconds)) return;
    boundView(view); // a range over the limit: the panels' requests will say so
    const admitted = await admitRequest(request);
    if (admitted instanceof Response) return;
    await runAs({ ...admitted.caller, prefetch: true }, () => warmView(view, AbortSignal.timeout(PREFETCH_DEADLINE_MS)));
  } catch (err) {
    // A backend's or the view's problem: the panels' own requests for the same view meet it and show it.
    if (err instanceof DataSourceError || err instanceof LimitError) return;
    console.warn(`[apiscope] prefetch of the dashboard's first view failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
