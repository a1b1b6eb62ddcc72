// A panel's answer, on the server: which cluster, which job, what the scrape has, the panel's window, and
// its queries — PromQL variants sent as they are (the exact PromQL that ran is returned for display), and
// derived queries served by the planner's shared reads (lib/server/plan). The browser sends the panel id
// and the view, never PromQL, so a permalink cannot be turned into an arbitrary (billed) query. Route
// handlers call these and stay thin.
import "server-only";
import { setMaxListeners } from "node:events";
import type { ClusterLimits, PanelBatchRequest, PanelData, PanelRequest, QueryResult, TargetsResponse } from "../api-schema";
import { PANELS, PANELS_BY_ID } from "../panels/catalog";
import { CHART_KINDS } from "../panels/kinds";
import type { ComponentId, PanelDef, PanelQuery, QueryVariant } from "../panels/types";
import { discoverCapabilities, discoverComponent, discoverInstances, discoverJobs, discoverRecordedCoverage, hasApiServerMetrics, pickVariant, type Capabilities } from "./capabilities";
import { auditTarget } from "./audit-target";
import { DEFAULT_ETCD_QUOTA_BYTES, clusterLabelName, clusterMatchers, getCluster, sharedBackendKey, sharedBackendLead, tierCeiling, type ClusterConfig } from "./config";
import { badRequest } from "./limits/errors";
import { clientFor } from "./datasource";
import { DataSourceError, isLastingRefusal, type PrometheusApi, type QueryStats, type RangeSeries } from "./datasource/types";
import { chooseRead, derive, derivedNote, earliestRecordedPoint, equivalentExpr, isDerived, runRead, type ChosenRead, type ReadResult, type ViewRange } from "./plan/planner";
import { NO_RECORDED, recordedCandidates, type UsableRecorded } from "./plan/recorded";
import { injectMatchers, type LabelMatcher } from "./promql";
import { queryWindow, type QueryWindow } from "./query-window";
import { expandPlaceholders } from "./template";

/** Discovery looks at the last 6 hours around the view; a job that existed then exists now. */
const DISCOVERY_LOOKBACK = 6 * 3600;

/** Discovery windows are rounded to 5 minutes so its cache key (and the backend's) stays put. */
function discoveryRange(end: number): { start: number; end: number } {
  const e = Math.ceil(end / 300) * 300;
  return { start: e - DISCOVERY_LOOKBACK, end: e };
}

/**
 * Where a cluster's backend-wide discovery is asked (its API-server jobs, its histograms' bucket sets). The
 * clusters of one shared backend (a workspace told apart by a label: configured, discovered, or the
 * discovering entry itself) share it, whichever asks first: one cache key per backend and label, asked
 * through the backend's lead entry's client, with no cluster matcher. A cluster of its own backend asks for
 * itself. What differs per cluster of a workspace (which metric names and label sets it has: its
 * Kubernetes version) is still asked per cluster, in resolveView.
 */
export interface DiscoveryScope {
  /** Cache key of the scope: the cluster's id, or `backend|<backend and label>` (no id has "|" in it). */
  key: string;
  api: PrometheusApi;
  /** The cluster's label matcher, or none for a shared backend's scope. */
  matchers: LabelMatcher[];
}

export function discoveryScope(cluster: ClusterConfig): DiscoveryScope {
  const lead = sharedBackendLead(cluster);
  if (lead) return { key: `backend|${sharedBackendKey(cluster)}`, api: clientFor(lead.id), matchers: [] };
  return { key: cluster.id, api: clientFor(cluster.id), matchers: clusterMatchers(cluster) };
}

/**
 * The API-server jobs in this scope and the one to use: the asked-for job if it exists, else the default.
 * Discovery looks at the view's end, or now when the end is in the future (nothing exists there yet). A
 * window where no job has data (a range in 1970, before the cluster existed) takes the jobs of now: its
 * panels then run their queries and answer, truthfully, that the window is empty.
 */
export async function resolveJob(scope: DiscoveryScope, jobParam: string | undefined, end: number) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  let r = discoveryRange(Math.min(end, nowSeconds));
  let found = await discoverJobs(`${scope.key}|${r.end}`, scope.api, scope.matchers, r.start, r.end);
  if (found.jobs.length === 0 && r.end < discoveryRange(nowSeconds).end) {
    r = discoveryRange(nowSeconds);
    found = await discoverJobs(`${scope.key}|${r.end}`, scope.api, scope.matchers, r.start, r.end);
  }
  const { jobs, defaultJob } = found;
  return { jobs, job: jobParam && jobs.includes(jobParam) ? jobParam : defaultJob, range: r };
}

export async function resolveTargets(clusterId: string, jobParam: string | undefined, end: number): Promise<TargetsResponse> {
  const cluster = getCluster(clusterId);
  const api = clientFor(clusterId);
  const { jobs, job, range: r } = await resolveJob(discoveryScope(cluster), jobParam, end);
  const scope: LabelMatcher[] = [...clusterMatchers(cluster), { name: "job", op: "=", value: job ?? "" }];
  const instances = job ? await discoverInstances(`${clusterId}|${job}|${r.end}`, api, scope, r.start, r.end) : [];
  return { jobs, job, instances };
}

/** Everything a panel's answer depends on besides the panel: resolved once per request. */
export interface ViewContext {
  cluster: ClusterConfig;
  api: PrometheusApi;
  caps: Capabilities;
  matchers: LabelMatcher[];
  range: ViewRange;
  limits: ClusterLimits;
  /** Recorded series that cover this view's reads (plan/recorded.ts). */
  recorded: UsableRecorded;
  /** Where a component's panels read (its own job, no instance filter), found on first use; null: not scraped. */
  component(id: ComponentId): Promise<{ caps: Capabilities; matchers: LabelMatcher[] } | null>;
}

/**
 * The recorded series this view's reads may use: those that exist for the job (capabilities), keep the
 * view's matchers' labels, and were already recorded at the earliest point a read they could serve needs
 * (one cheap instant query, cached like the capabilities). None when the cluster opts out, no rule is
 * loaded, or no read could use them (every step finer than 5 minutes): then no query at all.
 */
async function recordedInView(cluster: ClusterConfig, api: PrometheusApi, caps: Capabilities, scope: LabelMatcher[], matchers: LabelMatcher[], range: ViewRange): Promise<UsableRecorded> {
  if (cluster.recordedSeries === false) return NO_RECORDED;
  const names = recordedCandidates(caps.metrics, matchers).map((rs) => rs.record);
  const at = names.length ? earliestRecordedPoint(range, new Set(names)) : null;
  if (at === null) return NO_RECORDED;
  const scopeKey = scope.map((m) => `${m.name}${m.op}${m.value}`).join(",");
  return discoverRecordedCoverage(`${cluster.id}|${scopeKey}|${at}`, api, scope, names, at);
}

/** The cluster's configured limits, as the panels that draw them receive them. */
function clusterLimits(cluster: ClusterConfig): ClusterLimits {
  const tier = tierCeiling(cluster);
  return {
    inflightReadOnly: cluster.inflightLimits.readOnly,
    inflightMutating: cluster.inflightLimits.mutating,
    etcdQuotaBytes: cluster.etcdQuotaBytes ?? DEFAULT_ETCD_QUOTA_BYTES,
    ...(tier ? { tierSeats: tier.seats, notes: { tierSeats: tier.note } } : {}),
  };
}

/**
 * The cluster, its API-server job, what its scrape has, and the visible range of a request. `job` and
 * `instance` are used only as discovered (the same discovery /api/targets answers from), never as a new
 * cache key with backend queries behind it: a job that is not one is replaced by the default job (the
 * dashboard says so), an instance that is not one is a 400.
 */
export async function resolveView(req: Omit<PanelRequest, "width">): Promise<ViewContext> {
  const cluster = getCluster(req.cluster);
  const api = clientFor(req.cluster);
  const shared = discoveryScope(cluster);
  const noJob = () =>
    new DataSourceError("not_found", "No API-server metrics found on this backend in the last 6 hours.", {
      hint: `Check that kube-apiserver /metrics is scraped (job "apiserver", "kube-apiserver" or "kubernetes-apiservers")${
        cluster.clusterLabel !== undefined ? ` with label ${clusterLabelName(cluster)}=${JSON.stringify(cluster.clusterLabel)}` : ""
      }.`,
    });
  // The metric names and probed label sets are this cluster's own (one workspace may hold 1.24 and 1.35);
  // the bucket sets, which only size reads, are asked once in the discovery scope (an upper bound there).
  const capabilitiesOf = (job: string, r: { start: number; end: number }) =>
    discoverCapabilities(`${req.cluster}|${job}|${r.end}`, api, [...clusterMatchers(cluster), { name: "job", op: "=", value: job }], r.start, r.end, {
      key: `${shared.key}|${job}|${r.end}`,
      api: shared.api,
      scope: [...shared.matchers, { name: "job", op: "=", value: job }],
      shared: shared.key !== cluster.id,
    });
  let { jobs, job, range: r } = await resolveJob(shared, req.job, req.end);
  let caps = job ? await capabilitiesOf(job, r) : null;
  if (shared.matchers.length === 0 && cluster.clusterLabel !== undefined && !(caps && hasApiServerMetrics(caps))) {
    // The workspace's job is not this cluster's (its API servers scraped under another job name): its own.
    ({ jobs, job, range: r } = await resolveJob({ key: req.cluster, api, matchers: clusterMatchers(cluster) }, req.job, req.end));
    caps = job ? await capabilitiesOf(job, r) : null;
  }
  if (!job || !caps) throw noJob();
  const cacheKey = `${req.cluster}|${r.end}`;
  const scope: LabelMatcher[] = [...clusterMatchers(cluster), { name: "job", op: "=", value: job }];
  if (req.instance) {
    const instances = await discoverInstances(`${req.cluster}|${job}|${r.end}`, api, scope, r.start, r.end);
    if (!instances.includes(req.instance)) {
      throw badRequest("That instance is not an API server of this job in this range", "Pick an API server from the dashboard's instance list (GET /api/targets), or leave it out for all of them.");
    }
  }
  const matchers = req.instance ? [...scope, { name: "instance", op: "=" as const, value: req.instance }] : scope;
  // Nothing exists after now: instant queries for a range ending in the future are evaluated now.
  const to = Math.min(req.end, Math.floor(Date.now() / 1000));
  const range = { from: req.start, to, scrapeInterval: cluster.scrapeIntervalSeconds };
  const recorded = await recordedInView(cluster, api, caps, scope, matchers, range);
  const components = new Map<ComponentId, ReturnType<ViewContext["component"]>>();
  const component: ViewContext["component"] = (id) => {
    let found = components.get(id);
    if (!found) {
      found = discoverComponent(cacheKey, api, clusterMatchers(cluster), id, jobs, r.start, r.end).then((target) =>
        target ? { caps: target.caps, matchers: [...clusterMatchers(cluster), { name: "job", op: "=" as const, value: target.job }] } : null,
      );
      components.set(id, found);
    }
    return found;
  };
  return { cluster, api, caps, matchers, range, limits: clusterLimits(cluster), recorded, component };
}

export function panelById(panelId: string): PanelDef {
  const panel = PANELS_BY_ID.get(panelId);
  if (!panel) {
    throw new DataSourceError("config", `There is no panel "${panelId}".`, { hint: "Open the dashboard and pick the panel from there." });
  }
  return panel;
}

/** A panel's answer in a resolved view; `points` sizes the step of its own PromQL queries. */
export async function panelInView(view: ViewContext, panel: PanelDef, points: number, signal?: AbortSignal): Promise<PanelData> {
  const { api, range, limits } = view;
  const window = queryWindow(range.from, range.to, points, range.scrapeInterval);
  const { caps, matchers, recorded } = await panelSource(view, panel);
  const data = runPanel({ api, caps, panel, matchers, window, range, limits, recorded, signal });
  if (!("rowAudit" in panel.options && panel.options.rowAudit)) return data;
  const audit = auditTarget(view.cluster);
  return data.then((d) => ({ ...d, audit }));
}

const NOTHING_SCRAPED: Capabilities = { metrics: new Set(), labels: new Map(), histograms: new Map() };

/**
 * What a panel reads in a view: a component's panel its own job (where no job exposes it, no variant
 * applies and it is absent), and never the recorded series, which are the API server's.
 */
async function panelSource(view: ViewContext, panel: PanelDef): Promise<{ caps: Capabilities; matchers: LabelMatcher[]; recorded: UsableRecorded }> {
  if (!panel.component) return { caps: view.caps, matchers: view.matchers, recorded: view.recorded };
  const target = (await view.component(panel.component)) ?? { caps: NOTHING_SCRAPED, matchers: view.matchers };
  return { ...target, recorded: NO_RECORDED };
}

export type PanelOutcome = { ok: true; data: PanelData } | { ok: false; error: unknown };

/** Several panels of one view at once: the view resolved once, every panel in parallel, each its own outcome. */
export async function panelsData(req: PanelBatchRequest, signal?: AbortSignal): Promise<Map<string, PanelOutcome>> {
  // Every query of every panel in the batch waits on this one request's signal.
  if (signal) setMaxListeners(0, signal);
  const view = await resolveView(req);
  const outcomes = await Promise.all(
    req.p.map(async ({ id, width }): Promise<[string, PanelOutcome]> => {
      try {
        const panel = panelById(id);
        return [id, { ok: true, data: await panelInView(view, panel, width * CHART_KINDS[panel.chart].pointsPerPixel, signal) }];
      } catch (error) {
        if (signal?.aborted) throw error;
        return [id, { ok: false, error }];
      }
    }),
  );
  return new Map(outcomes);
}

/**
 * Starts the backend work of a view that does not depend on the panels' widths: the cluster's job and
 * capabilities, the components' jobs, and every shared read of the planner (the bulk of a load's samples
 * and time). The page calls it while the browser is still loading its scripts (lib/server/prefetch.ts);
 * the panels' requests then find the same queries in the data source's cache or in flight, so nothing is
 * sent twice. The panels' own PromQL is sized to their pixels, which only the browser knows: left to them.
 */
export async function warmView(req: Omit<PanelRequest, "width">, signal?: AbortSignal): Promise<void> {
  // Every read of the view waits on this one signal.
  if (signal) setMaxListeners(0, signal);
  const view = await resolveView(req);
  // Panels sharing a read ask for it each: the data source sends it once (in-flight coalescing).
  await Promise.allSettled(
    PANELS.map(async (panel) => {
      const { caps, matchers, recorded } = await panelSource(view, panel);
      const reads = panel.queries.filter((q) => isDerived(q) && pickVariant(q, caps));
      await Promise.allSettled(reads.map((q) => runRead(view.api, chooseRead(q, caps, view.range, recorded), matchers, signal)));
    }),
  );
}

export async function panelData(panelId: string, req: PanelRequest, signal?: AbortSignal): Promise<PanelData> {
  const panel = panelById(panelId);
  const view = await resolveView(req);
  return panelInView(view, panel, req.width * CHART_KINDS[panel.chart].pointsPerPixel, signal);
}

// ── Running a panel's queries ─────────────────────────────────────────────────────────────────────

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
  /** Recorded series the view's shared reads may use (none by default). */
  recorded?: UsableRecorded;
  signal?: AbortSignal;
}

interface Chosen {
  query: PanelQuery;
  variant: QueryVariant;
  index: number;
}

export async function runPanel({ api, caps, panel, matchers, window, range, limits, recorded, signal }: RunPanelArgs): Promise<PanelData> {
  const chosen: Chosen[] = panel.queries.flatMap((query) => {
    const variant = pickVariant(query, caps);
    return variant ? [{ query, variant, index: query.variants.indexOf(variant) }] : [];
  });
  const plans = new Map(chosen.filter((c) => isDerived(c.query)).map((c) => [c.query, chooseRead(c.query, caps, range, recorded)]));
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
  // The window of the reads that served the panel: the planned one, or its fallback's (runDerived).
  let servedWindow: QueryWindow | undefined;
  const results = await Promise.all(
    chosen.map(async (c) => {
      const plan = plans.get(c.query);
      if (!plan) return runQuery(api, c, matchers, window, signal);
      const derived = await runDerived(c, plan, readOnce, matchers);
      servedWindow ??= derived.window;
      return derived.result;
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
  return { ...base, window: servedWindow ?? base.window, status: "ok", queries: results, samplesProcessed };
}

function resultOf(c: Chosen, expr: string, series: RangeSeries[], answer: { stats: QueryResult["stats"]; warnings: string[]; cached?: boolean }, note = c.variant.note): QueryResult {
  const { query, index } = c;
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
    note,
    series,
    stats: answer.stats,
    cached: answer.cached ?? false,
    warnings: answer.warnings,
  };
}

async function runDerived(c: Chosen, plan: ChosenRead, readOnce: (read: ChosenRead) => Promise<ReadResult>, matchers: LabelMatcher[]): Promise<{ result: QueryResult; window: QueryWindow }> {
  let used = plan;
  let read: ReadResult;
  try {
    read = await readOnce(plan);
  } catch (err) {
    // A sparse read's answer over the response limit (a busy cluster, few zeros), or too heavy for the
    // backend to evaluate in time (its wide grouping; seen at 6 h on a loaded 2-core Prometheus): the
    // query's own, narrower read.
    if (!plan.fallback || !isLastingRefusal(err)) throw err;
    used = plan.fallback;
    read = await readOnce(used);
  }
  const { expr: readExpr, window, result } = read;
  const series = derive(c.query, used.read, result.series, window, used.sparse);
  const expr = equivalentExpr(c.query, window, matchers, used.recorded);
  return { result: { ...resultOf(c, expr, series, result, derivedNote(c.variant.note, used)), readExpr }, window };
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
