// What a cluster's scrape actually has: which API-server job, which metric names, and which label names
// on the few metrics whose labels changed across Kubernetes versions. Found once per cluster and job
// with two cheap metadata calls (no samples processed), then cached, so each panel can pick the query
// variant that works on this cluster.
import "server-only";
import type { Labels, PrometheusApi } from "./datasource/types";
import { formatMatcher, type LabelMatcher } from "./promql";
import { COMPONENT_EVIDENCE, LAZY_METRICS, PANELS } from "../panels/catalog";
import type { ComponentId, PanelQuery, QueryVariant } from "../panels/types";
import { templateMetricNames } from "./template";

/** Job names kube-apiserver gets from common installers, most common first. */
export const KNOWN_APISERVER_JOBS = ["apiserver", "kube-apiserver", "kubernetes-apiservers"];

/** Metrics whose label names we must know to pick a variant. */
const LABEL_PROBES = ["apiserver_flowcontrol_request_execution_seconds_count", "etcd_request_duration_seconds_count"];

/** Histogram families the planner reads: their label sets and bucket counts size its reads. */
const HISTOGRAM_FAMILIES = [...new Set(PANELS.flatMap((p) => p.queries.flatMap((q) => (q.histogram ? [q.histogram.family] : []))))];

const TTL_MS = 5 * 60_000;

export interface HistogramShape {
  /** The label sets of the family's `_count` series: one per bucket set. */
  labelSets: readonly Labels[];
  /** How many `le` values its buckets have. */
  buckets: number;
  /** Those `le` values, as written (a sparse read puts its zero buckets back from them: plan/histogram.ts SparseBuckets). */
  les?: readonly string[];
}

export interface Capabilities {
  metrics: ReadonlySet<string>;
  /** label names seen per probed metric (bucket and count series share them) */
  labels: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per histogram family the planner reads: how wide a read of it is (no samples processed to learn it). */
  histograms: ReadonlyMap<string, HistogramShape>;
}

export interface Targets {
  jobs: string[];
  /** the job the dashboard should use when the URL names none */
  defaultJob: string | null;
}

const cache = new Map<string, { at: number; value: Promise<unknown> }>();

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.value as Promise<T>;
  // Keys carry a 5-minute window end, so old ones are never asked again: drop them as we go.
  for (const [k, e] of cache) if (now - e.at >= TTL_MS) cache.delete(k);
  const value = load();
  const entry = { at: now, value };
  cache.set(key, entry);
  // A failed discovery must not stick for five minutes (but never remove a newer entry).
  value.catch(() => cache.get(key) === entry && cache.delete(key));
  return value;
}

export function clearCapabilitiesCache(): void {
  cache.clear();
}

function selector(matchers: LabelMatcher[]): string {
  return `{${matchers.map(formatMatcher).join(",")}}`;
}

/** What marks a job as an API server's: it exposes one of these. */
const API_SERVER_EVIDENCE = ["apiserver_request_total", "apiserver_current_inflight_requests"];

/** The scrape these capabilities describe is an API server's (discoverJobs' evidence). */
export function hasApiServerMetrics(caps: Capabilities): boolean {
  return API_SERVER_EVIDENCE.some((m) => caps.metrics.has(m));
}

/** Jobs that expose API-server metrics, so the job variable can be offered and defaulted. */
export function discoverJobs(cacheKey: string, api: PrometheusApi, base: LabelMatcher[], start: number, end: number): Promise<Targets> {
  return cached(`jobs|${cacheKey}`, async () => {
    const match = [selector([...base, { name: "__name__", op: "=~", value: API_SERVER_EVIDENCE.join("|") }])];
    const jobs = [...(await api.labelValues({ name: "job", match, start, end }))].sort();
    const known = KNOWN_APISERVER_JOBS.find((j) => jobs.includes(j));
    return { jobs, defaultJob: known ?? jobs[0] ?? null };
  });
}

export function discoverInstances(cacheKey: string, api: PrometheusApi, scope: LabelMatcher[], start: number, end: number): Promise<string[]> {
  return cached(`instances|${cacheKey}`, async () => {
    const match = [selector([...scope, { name: "__name__", op: "=", value: "apiserver_request_total" }])];
    return [...(await api.labelValues({ name: "instance", match, start, end }))].sort();
  });
}

/** Where the histograms' bucket sets are asked: once for every cluster of a shared backend (dashboard.ts discoveryScope). */
export interface BucketScope {
  key: string;
  api: PrometheusApi;
  scope: LabelMatcher[];
  /** The scope holds other clusters too (a shared backend): its `le` values are theirs as well. */
  shared?: boolean;
}

/**
 * `scope` holds the cluster and job matchers: what exists for this job is what the panels can use. The
 * bucket sets per family (`buckets`: by default the same scope) size the planner's reads, so a shared
 * backend asks them once for all its clusters (the union of theirs); a sparse read needs a cluster's own.
 */
export function discoverCapabilities(cacheKey: string, api: PrometheusApi, scope: LabelMatcher[], start: number, end: number, buckets?: BucketScope): Promise<Capabilities> {
  return cached(`caps|${cacheKey}`, async () => {
    const probes = [...new Set([...LABEL_PROBES, ...HISTOGRAM_FAMILIES.map((f) => `${f}_count`)])];
    const byName = (m: string) => selector([...scope, { name: "__name__", op: "=", value: m }]);
    const [names, series, bucketBounds] = await Promise.all([
      api.labelValues({ name: "__name__", match: [selector(scope)], start, end }),
      api.series({ match: probes.map(byName), start, end }),
      discoverBucketBounds(buckets ?? { key: cacheKey, api, scope }, start, end),
    ]);
    const labels = new Map<string, Set<string>>();
    const labelSets = new Map<string, Labels[]>();
    for (const s of series) {
      const name = s.__name__;
      if (!name) continue;
      const set = labels.get(name) ?? new Set<string>();
      for (const l of Object.keys(s)) set.add(l);
      labels.set(name, set);
      labelSets.set(name, [...(labelSets.get(name) ?? []), s]);
    }
    const histograms = new Map<string, HistogramShape>(
      // A shared backend's `le` values are those of all its clusters: a sparse read of one cluster could put
      // back a zero bucket another version has and this one has not, so only a cluster's own are kept.
      HISTOGRAM_FAMILIES.map((f, i) => [f, { labelSets: labelSets.get(`${f}_count`) ?? [], buckets: bucketBounds[i]!.length, ...(buckets?.shared ? {} : { les: bucketBounds[i]! }) }]),
    );
    return { metrics: new Set(names), labels, histograms };
  });
}

/** Each family's `le` values in the scope, as written (HISTOGRAM_FAMILIES order). */
function discoverBucketBounds({ key, api, scope }: BucketScope, start: number, end: number): Promise<string[][]> {
  return cached(`buckets|${key}`, () =>
    Promise.all(HISTOGRAM_FAMILIES.map((f) => api.labelValues({ name: "le", match: [selector([...scope, { name: "__name__", op: "=", value: `${f}_bucket` }])], start, end }))),
  );
}

/**
 * Which of the recorded series `names` were already recorded at `at` for this job: one instant query,
 * `count by (__name__) ({__name__=~"…", <scope>})` (a sample per recorded series; Prometheus' lookback
 * finds the latest within 5 minutes before `at`), cached like the rest. Rules record only from when they
 * were loaded: a view reaching back before that reads the raw series (plan/recorded.ts).
 */
export function discoverRecordedCoverage(cacheKey: string, api: PrometheusApi, scope: LabelMatcher[], names: string[], at: number): Promise<ReadonlySet<string>> {
  return cached(`recorded|${cacheKey}`, async () => {
    const match = selector([...scope, { name: "__name__", op: "=~", value: names.map(escapeRegex).join("|") }]);
    const answer = await api.query({ query: `count by (__name__) (${match})`, time: at });
    return new Set(answer.samples.flatMap((s) => (s.labels.__name__ ? [s.labels.__name__] : [])));
  });
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function labelExists(caps: Capabilities, metric: string, label: string): boolean {
  // Bucket, count and sum series of one histogram carry the same labels (plus `le` on buckets).
  const family = metric.replace(/_(bucket|count|sum)$/, "");
  for (const probe of [metric, `${family}_count`, `${family}_bucket`]) {
    const set = caps.labels.get(probe);
    if (set) return set.has(label);
  }
  return false;
}

export function variantApplies(variant: QueryVariant, caps: Capabilities): boolean {
  const needed = templateMetricNames(variant.expr).filter((m) => !LAZY_METRICS.has(m));
  if (!needed.every((m) => caps.metrics.has(m))) return false;
  if (!(variant.requiresMetrics ?? []).every((m) => caps.metrics.has(m))) return false;
  return (variant.requiresLabels ?? []).every((r) => labelExists(caps, r.metric, r.label));
}

/** The first variant that works on this cluster, or null when the panel's metric is absent here. */
export function pickVariant(query: PanelQuery, caps: Capabilities): QueryVariant | null {
  return query.variants.find((v) => variantApplies(v, caps)) ?? null;
}

// ── Other components' jobs: the scheduler and the controller manager ─────────────────────────────────
// Their metrics come from scrape jobs of their own (EKS: the ksh and kcm endpoints of
// metrics.eks.amazonaws.com), named however the scrape config names them: a component's job is a job,
// other than the API server's, that exposes the component's evidence metric (catalog.ts COMPONENT_EVIDENCE).

export interface ComponentTarget {
  job: string;
  /** The metric names of that job: enough to pick the variants of the component's panels. */
  caps: Capabilities;
}

/** The job that exposes `component`'s metrics (the first by name if several do), or null when none does. */
export function discoverComponent(
  cacheKey: string,
  api: PrometheusApi,
  base: LabelMatcher[],
  component: ComponentId,
  apiserverJobs: readonly string[],
  start: number,
  end: number,
): Promise<ComponentTarget | null> {
  return cached(`component|${component}|${cacheKey}`, async () => {
    const match = [selector([...base, { name: "__name__", op: "=", value: COMPONENT_EVIDENCE[component] }])];
    const jobs = [...(await api.labelValues({ name: "job", match, start, end }))].filter((j) => !apiserverJobs.includes(j)).sort();
    const job = jobs[0];
    if (job === undefined) return null;
    const names = await api.labelValues({ name: "__name__", match: [selector([...base, { name: "job", op: "=", value: job }])], start, end });
    return { job, caps: { metrics: new Set(names), labels: new Map(), histograms: new Map() } };
  });
}
