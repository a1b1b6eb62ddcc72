// Server-side composition of the dashboard: which cluster, which job, what the scrape has, and a panel's
// data. Route handlers call these and stay thin.
import "server-only";
import { getCluster, type ClusterConfig } from "./config";
import { clientFor } from "./datasource";
import { DataSourceError, type PrometheusApi } from "./datasource/types";
import type { ClusterLimits, PanelData, PanelRequest, TargetsResponse } from "../api-schema";
import { discoverCapabilities, discoverInstances, discoverJobs, type Capabilities } from "./capabilities";
import { PANELS_BY_ID } from "../panels/catalog";
import type { PanelDef } from "../panels/types";
import type { ViewRange } from "./plan/planner";
import type { LabelMatcher } from "./promql";
import { CHART_KINDS } from "../panels/kinds";
import { queryWindow } from "./query-window";
import { runPanel } from "./panel-data";

/** Discovery looks at the last 6 hours around the view; a job that existed then exists now. */
const DISCOVERY_LOOKBACK = 6 * 3600;

/** Clusters sharing one AMP workspace are told apart by their `cluster` label. */
function clusterMatchers(cluster: ClusterConfig): LabelMatcher[] {
  return cluster.clusterLabel ? [{ name: "cluster", op: "=", value: cluster.clusterLabel }] : [];
}

/** Discovery windows are rounded to 5 minutes so its cache key (and the backend's) stays put. */
function discoveryRange(end: number): { start: number; end: number } {
  const e = Math.ceil(end / 300) * 300;
  return { start: e - DISCOVERY_LOOKBACK, end: e };
}

/** The API-server jobs on this cluster and the one to use: the asked-for job if it exists, else the default. */
async function resolveJob(cluster: ClusterConfig, api: PrometheusApi, jobParam: string | undefined, end: number) {
  const r = discoveryRange(end);
  const { jobs, defaultJob } = await discoverJobs(`${cluster.id}|${r.end}`, api, clusterMatchers(cluster), r.start, r.end);
  return { jobs, job: jobParam && jobs.includes(jobParam) ? jobParam : defaultJob };
}

export async function resolveTargets(clusterId: string, jobParam: string | undefined, end: number): Promise<TargetsResponse> {
  const cluster = getCluster(clusterId);
  const api = clientFor(clusterId);
  const { jobs, job } = await resolveJob(cluster, api, jobParam, end);
  const r = discoveryRange(end);
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
}

/** The cluster, its API-server job, what its scrape has, and the visible range of a request. */
export async function resolveView(req: Omit<PanelRequest, "width">): Promise<ViewContext> {
  const cluster = getCluster(req.cluster);
  const api = clientFor(req.cluster);
  const { job } = await resolveJob(cluster, api, req.job, req.end);
  if (!job) {
    throw new DataSourceError("not_found", "No API-server metrics found on this backend in the last 6 hours.", {
      hint: `Check that kube-apiserver /metrics is scraped (job "apiserver", "kube-apiserver" or "kubernetes-apiservers")${
        cluster.clusterLabel ? ` with label cluster="${cluster.clusterLabel}"` : ""
      }.`,
    });
  }
  const scope: LabelMatcher[] = [...clusterMatchers(cluster), { name: "job", op: "=", value: job }];
  const r = discoveryRange(req.end);
  const caps = await discoverCapabilities(`${req.cluster}|${job}|${r.end}`, api, scope, r.start, r.end);
  const matchers = req.instance ? [...scope, { name: "instance", op: "=" as const, value: req.instance }] : scope;
  // Nothing exists after now: instant queries for a range ending in the future are evaluated now.
  const to = Math.min(req.end, Math.floor(Date.now() / 1000));
  const limits = { inflightReadOnly: cluster.inflightLimits.readOnly, inflightMutating: cluster.inflightLimits.mutating };
  return { cluster, api, caps, matchers, range: { from: req.start, to, scrapeInterval: cluster.scrapeIntervalSeconds }, limits };
}

export function panelById(panelId: string): PanelDef {
  const panel = PANELS_BY_ID.get(panelId);
  if (!panel) {
    throw new DataSourceError("config", `There is no panel "${panelId}".`, { hint: "Open the dashboard and pick the panel from there." });
  }
  return panel;
}

/** A panel's answer in a resolved view; `points` sizes the step of its own PromQL queries. */
export function panelInView(view: ViewContext, panel: PanelDef, points: number, signal?: AbortSignal): Promise<PanelData> {
  const { api, caps, matchers, range, limits } = view;
  const window = queryWindow(range.from, range.to, points, range.scrapeInterval);
  return runPanel({ api, caps, panel, matchers, window, range, limits, signal });
}

export async function panelData(panelId: string, req: PanelRequest, signal?: AbortSignal): Promise<PanelData> {
  const panel = panelById(panelId);
  const view = await resolveView(req);
  return panelInView(view, panel, req.width * CHART_KINDS[panel.chart].pointsPerPixel, signal);
}
