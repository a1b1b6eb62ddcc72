// The fleet overview: one row per configured cluster with a few instant readings, the worst cluster first.
//
// Each reading is the headline number of a dashboard panel (its value at the end of the view's window),
// computed by the same PromQL the panel's value is equivalent to, with the same window and matchers, as ONE
// instant query evaluated where the panel's last point is — so a fleet row and that cluster's dashboard
// agree, and a reading costs a few samples per series instead of the range the panel reads. Metric names
// are resolved per cluster through capabilities.ts exactly as panels resolve them (names differ between
// Kubernetes 1.24 and 1.35).
//
// Clusters of one shared backend (a workspace told apart by a label, configured or discovered) ask each
// reading ONCE for all of them: the reading's PromQL without the row's label matcher, grouped by the label
// (promql.ts groupByLabel), split per row by its value. Every row asks the same grouped query through the
// backend's lead client (config.ts sharedBackendLead), so the data source's cache and in-flight joining
// send it once, whichever row asks first, also when the browser asks one row per request. Rows whose
// version or scrape interval differ get other PromQL, hence their own grouped query. This only happens when
// the grouped query reads no cluster the fleet does not list (every value of the label on the job is one of
// its rows); otherwise, and for PromQL that cannot be grouped, each row asks its own queries. The cost is
// shown: each row's samples (a grouped query's on the row that sent it), and the total on the page.
//
// Bounded: at most FLEET_CONCURRENCY_PER_BACKEND clusters of one backend load at once (and the data
// source's per-cluster concurrency below that); every cluster has its own deadline, so one slow or
// unreachable cluster is marked as such and never delays the others' rows. The worst-first score and order
// live in lib/fleet-score.ts (the browser sorts rows as they arrive with the same functions).
import "server-only";
import type { ApiError, FleetResponse, FleetRow, FleetReadings } from "../api-schema";
import { fleetScore, worstFirst } from "../fleet-score";
import { PANELS_BY_ID } from "../panels/catalog";
import { counterQuery } from "../panels/histograms";
import type { LabelFilter, PanelQuery, QueryVariant } from "../panels/types";
import { pickVariant, type Capabilities } from "./capabilities";
import { DEFAULT_ETCD_QUOTA_BYTES, backendKey, clusterLabelName, sharedBackendLead, tierCeiling, type ClusterConfig } from "./config";
import { withDeadline } from "./deadline";
import { buildExpr, resolveView, type ViewContext } from "./dashboard";
import { clientFor } from "./datasource";
import { DataSourceError, type InstantSample, type PrometheusApi } from "./datasource/types";
import { clusterLabelValues, listedValues } from "./discovery";
import { errorResponse } from "./http";
import { FairGate } from "./limits/fair-queue";
import { chooseRead, equivalentExpr, isDerived } from "./plan/planner";
import { groupByLabel } from "./promql";
import { queryWindow, type QueryWindow } from "./query-window";

/** Clusters of one backend (Prometheus URL or AMP workspace) whose readings load at the same time. */
export const FLEET_CONCURRENCY_PER_BACKEND = 4;
/** A cluster's readings give up after this (or the cluster's own timeout, if shorter). */
export const FLEET_CLUSTER_TIMEOUT_MS = 15_000;
/** The width, in points, of the readings that are plain PromQL panels (the derived ones use the view's read). */
export const FLEET_POINTS = 300;

// ── Readings ───────────────────────────────────────────────────────────────────────────────────

interface PanelReadingRef {
  panel: string;
  query: string;
}

/** The panel queries a fleet row reads; each is the stat tile's (or chart's) value at the end of the window. */
const READINGS = {
  requestRate: { panel: "request-rate", query: "rate" },
  errorShare: { panel: "request-rate", query: "5xx" },
  throttledShare: { panel: "request-rate", query: "429" },
  clientErrorShare: { panel: "request-rate", query: "4xx" },
  apiP99: { panel: "api-latency-p99", query: "single" },
  etcdP99: { panel: "etcd-latency-p99", query: "p99" },
  seatUtilization: { panel: "apf-seat-utilization", query: "utilization" },
  inflight: { panel: "peak-inflight", query: "inflight" },
  // The largest of the etcd members (the panel's series per endpoint).
  etcdSize: { panel: "etcd-db-size", query: "size" },
  // Read only for a cluster with a Provisioned Control Plane tier.
  controlPlaneSeats: { panel: "apf-control-plane-seats", query: "in-use" },
} satisfies Record<string, PanelReadingRef>;

function panelQuery(ref: PanelReadingRef): PanelQuery {
  const query = PANELS_BY_ID.get(ref.panel)?.queries.find((q) => q.id === ref.query);
  if (!query) throw new Error(`fleet reading ${ref.panel}/${ref.query} is not in the catalogue`);
  return query;
}

/** The PromQL a reading runs on this cluster and where it is evaluated, or null when the metric is absent. */
export function readingQuery(query: PanelQuery, caps: Capabilities, view: Pick<ViewContext, "matchers" | "range">): { expr: string; time: number } | null {
  const variant: QueryVariant | null = pickVariant(query, caps);
  if (!variant) return null;
  const { range, matchers } = view;
  if (isDerived(query)) {
    // The same window the panel's shared read has: its last point is what the stat tile shows.
    const { window } = chooseRead(query, caps, range);
    return { expr: equivalentExpr(query, window, matchers), time: window.end };
  }
  const window: QueryWindow = queryWindow(range.from, range.to, FLEET_POINTS, range.scrapeInterval);
  return { expr: buildExpr(variant.expr, window, matchers), time: query.type === "instant" ? window.evalTime : window.end };
}

interface Cost {
  samples: number;
  queries: number;
}

/** A row of a shared backend: who asks the grouped readings, and the label value that is this row's share. */
interface SharedRead {
  api: PrometheusApi;
  label: string;
  value: string;
}

/** A resolved row, and whether its readings are its share of its backend's grouped ones. */
interface FleetView extends ViewContext {
  shared: SharedRead | null;
}

/**
 * Grouped when every value of the row's label on its job is a cluster the fleet lists on that backend, so
 * the grouped query costs no sample a row does not show (else each row asks on its own).
 */
async function sharedReadFor(view: ViewContext, signal: AbortSignal): Promise<SharedRead | null> {
  const { cluster } = view;
  const lead = cluster.clusterLabel === undefined ? undefined : sharedBackendLead(cluster);
  if (!lead) return null;
  const label = clusterLabelName(cluster);
  const { job, values } = await clusterLabelValues(lead, label, signal);
  const rowJob = view.matchers.find((m) => m.name === "job")?.value;
  const listed = listedValues(cluster);
  if (job !== rowJob || values.length < 2 || !values.every((v) => listed.has(v))) return null;
  return { api: clientFor(lead.id), label, value: cluster.clusterLabel! };
}

async function send(api: PrometheusApi, q: { expr: string; time: number }, cost: Cost, signal: AbortSignal): Promise<InstantSample[]> {
  const answer = await api.query({ query: q.expr, time: q.time, signal });
  if (!answer.cached) {
    cost.samples += answer.stats?.samplesProcessed ?? 0;
    cost.queries += 1;
  }
  return answer.samples;
}

/** This row's share of a reading asked for every value of the label (null: the PromQL cannot be grouped). */
async function groupedInstant(view: FleetView, shared: SharedRead, query: PanelQuery, cost: Cost, signal: AbortSignal): Promise<InstantSample[] | null | "ungrouped"> {
  const counter = query.counter;
  if (counter?.derive.kind === "share") {
    // A share is its two sums divided here, as the dashboard's planner divides them (deriveCounter): the
    // denominator is then the request-rate reading's own query, asked once for all three shares and it,
    // where `(part or vector(0)) / total` grouped would read the total twice per share.
    const sum = (where: LabelFilter[], id: string) => counterQuery({ id, legend: id }, counter.metric, { kind: "sum", where });
    const [part, total] = await Promise.all([
      groupedInstant(view, shared, sum(counter.derive.where, `${query.id}-part`), cost, signal),
      groupedInstant(view, shared, sum(counter.derive.of, `${query.id}-total`), cost, signal),
    ]);
    if (part === "ungrouped" || total === "ungrouped") return "ungrouped";
    const t = total?.[0];
    if (!t || t.value === null) return t ? [{ ...t, value: null }] : [];
    const share = (part?.[0]?.value ?? 0) / t.value;
    // NaN (0/0) and ±Inf (x/0) travel as null, as the wire format shows them.
    return [{ ...t, value: Number.isFinite(share) ? share : null }];
  }
  const unscoped = readingQuery(query, view.caps, { range: view.range, matchers: view.matchers.filter((m) => m.name !== shared.label) });
  if (!unscoped) return null;
  const grouped = groupByLabel(unscoped.expr, shared.label);
  if (!grouped) return "ungrouped";
  const samples = await send(shared.api, { expr: grouped, time: unscoped.time }, cost, signal);
  return samples.filter((s) => s.labels[shared.label] === shared.value);
}

async function instant(view: FleetView, query: PanelQuery, cost: Cost, signal: AbortSignal): Promise<InstantSample[] | null> {
  // Shared: the reading without this row's label matcher, grouped by the label; this row's value kept.
  const grouped = view.shared ? await groupedInstant(view, view.shared, query, cost, signal) : "ungrouped";
  if (grouped !== "ungrouped") return grouped;
  const q = readingQuery(query, view.caps, view);
  return q ? send(view.api, q, cost, signal) : null;
}

const single = (samples: InstantSample[] | null): number | null => samples?.find((s) => s.value !== null)?.value ?? null;

/** The sample with the highest value (null values skipped). */
function highest(samples: InstantSample[] | null): InstantSample | undefined {
  let best: InstantSample | undefined;
  for (const s of samples ?? []) if (s.value !== null && (best?.value ?? -Infinity) < s.value) best = s;
  return best;
}

/** In-flight as a share of the limit that applies to its kind (the peak-inflight panel's limits). */
function inflightShare(samples: InstantSample[] | null, cluster: ClusterConfig): { share: number; kind: string } | null {
  let worst: { share: number; kind: string } | null = null;
  for (const s of samples ?? []) {
    if (s.value === null) continue;
    const kind = s.labels.request_kind ?? s.labels.requestKind ?? "readOnly";
    const limit = kind === "mutating" ? cluster.inflightLimits.mutating : cluster.inflightLimits.readOnly;
    const share = s.value / limit;
    if (!worst || share > worst.share) worst = { share, kind };
  }
  return worst;
}

/** All readings of one resolved cluster, in parallel (the data source bounds its own calls). */
async function readCluster(view: FleetView, cost: Cost, signal: AbortSignal): Promise<FleetReadings> {
  const get = (ref: PanelReadingRef) => instant(view, panelQuery(ref), cost, signal);
  const tier = tierCeiling(view.cluster);
  const [rate, errors, throttled, clientErrors, apiP99, etcdP99, seats, inflight, etcdSize, controlPlaneSeats] = await Promise.all([
    get(READINGS.requestRate),
    get(READINGS.errorShare),
    get(READINGS.throttledShare),
    get(READINGS.clientErrorShare),
    get(READINGS.apiP99),
    get(READINGS.etcdP99),
    get(READINGS.seatUtilization),
    get(READINGS.inflight),
    get(READINGS.etcdSize),
    tier ? get(READINGS.controlPlaneSeats) : null,
  ]);
  const busiestLevel = highest(seats);
  const inflightWorst = inflightShare(inflight, view.cluster);
  const quota = view.cluster.etcdQuotaBytes ?? DEFAULT_ETCD_QUOTA_BYTES;
  const size = highest(etcdSize)?.value ?? null;
  return {
    requestRate: single(rate),
    errorShare: single(errors),
    throttledShare: single(throttled),
    clientErrorShare: single(clientErrors),
    apiP99Seconds: single(apiP99),
    etcdP99Seconds: single(etcdP99),
    seatUtilizationPercent: busiestLevel?.value ?? null,
    seatLevel: busiestLevel?.labels.priority_level ?? null,
    inflightShare: inflightWorst?.share ?? null,
    inflightKind: inflightWorst?.kind ?? null,
    etcdSizeBytes: size,
    etcdQuotaBytes: quota,
    tier: tier ? { name: tier.tier, seats: tier.seats, inUse: single(controlPlaneSeats), note: tier.note } : null,
  };
}

// ── Loading the fleet ─────────────────────────────────────────────────────────────────────────────

class ClusterTimeout extends DataSourceError {
  constructor(ms: number) {
    super("timeout", `No answer within ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`, {
      hint: "The cluster's backend is slow or unreachable; open its dashboard to see which panels answer.",
    });
  }
}

/**
 * Process-wide, so rows asked for in separate requests (the fleet page asks one per cluster) share the bound:
 * the data source's own gate (limits/fair-queue.ts) with the fleet's bound, whose waits end with the request.
 */
const backendGates = new Map<string, FairGate>();
const FLEET_GATE_LIMITS = { concurrency: FLEET_CONCURRENCY_PER_BACKEND, queue: 10_000, queuePerUser: 10_000 };

async function withBackendSlot<T>(cluster: ClusterConfig, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
  const key = backendKey(cluster);
  let gate = backendGates.get(key);
  if (!gate) backendGates.set(key, (gate = new FairGate(() => FLEET_GATE_LIMITS)));
  const release = await gate.acquire("fleet", signal);
  try {
    return await task();
  } finally {
    release();
  }
}

async function loadRow(cluster: ClusterConfig, start: number, end: number, signal?: AbortSignal): Promise<FleetRow> {
  const cost: Cost = { samples: 0, queries: 0 };
  const started = Date.now();
  const base = { id: cluster.id, name: cluster.name, kind: cluster.kind };
  const timeoutMs = Math.min(cluster.timeoutMs, FLEET_CLUSTER_TIMEOUT_MS);
  try {
    const readings = await withDeadline(timeoutMs, signal, () => new ClusterTimeout(timeoutMs), async (s) => {
      const view = await resolveView({ cluster: cluster.id, start, end });
      return readCluster({ ...view, shared: await sharedReadFor(view, s) }, cost, s);
    });
    return { ...base, status: "ok", readings, score: fleetScore(readings), samplesProcessed: cost.samples, queries: cost.queries, ms: Date.now() - started };
  } catch (error) {
    if (signal?.aborted) throw error;
    // What a panel of this cluster would say (cleaned of hosts and secrets, logged in full on the server).
    const { kind, message, hint } = ((await errorResponse(error).json()) as ApiError).error;
    return { ...base, status: "error", error: { kind, message, hint }, score: null, samplesProcessed: cost.samples, queries: cost.queries, ms: Date.now() - started };
  }
}

/** The fleet's rows, worst first, and what they cost the backends. */
export async function loadFleet(clusters: readonly ClusterConfig[], start: number, end: number, signal?: AbortSignal): Promise<FleetResponse> {
  const rows = await Promise.all(clusters.map((cluster) => withBackendSlot(cluster, signal, () => loadRow(cluster, start, end, signal))));
  rows.sort(worstFirst);
  return {
    start,
    end,
    rows,
    samplesProcessed: rows.reduce((n, r) => n + r.samplesProcessed, 0),
    queries: rows.reduce((n, r) => n + r.queries, 0),
  };
}
