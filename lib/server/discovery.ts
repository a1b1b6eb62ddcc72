// Clusters discovered inside a shared workspace: a configured entry with `discoverClusters: {label}` stands
// for every value of that label found on the workspace's API-server job (the label values API, through the
// data source: bounded by the entry's timeout and cached like every call). Each value becomes a cluster
// with the id `<entry id>:<value>`, the entry's backend, limits and allow rule, and `clusterLabel` = the
// value; a value that another entry of the same backend configures itself is left to that entry (its own
// name, limits and allow rule). At most MAX_DISCOVERED_CLUSTERS per entry, the first by name; the lists
// say when there were more.
//
// The browser names such a cluster only by its id: it is resolved here against the values the backend
// answered (never taken from the request), so it can neither pick a backend nor add a matcher; its value
// reaches PromQL only as the quoted equality matcher every shared-workspace cluster has (config.ts clusterMatchers).
import "server-only";
import type { Principal } from "../auth/rules";
import { backendKey, clusterLabelName, clustersFor, discoveredClustersOf, getClusters, setDiscoveredClusters, sharedBackendKey, type ClusterConfig } from "./config";
import { discoveryScope, resolveJob } from "./dashboard";
import { withDeadline } from "./deadline";
import { formatMatcher } from "./promql";

/** Discovered clusters listed per entry; beyond this the page says how many were left out. */
export const MAX_DISCOVERED_CLUSTERS = 200;
/** A cluster id travels in URLs and request parameters (lib/api-schema.ts: at most 100 characters). */
const MAX_ID_LENGTH = 100;
/** A page or cluster list waits this long for an entry's discovery, then lists the entry itself. */
export const LIST_DISCOVERY_DEADLINE_MS = 4_000;

export interface Discovery {
  entry: ClusterConfig;
  label: string;
  /** The label's values found on the API-server job (those the id cannot carry, or configured elsewhere, included). */
  found: number;
  /** The clusters listed: at most MAX_DISCOVERED_CLUSTERS, by value. */
  clusters: ClusterConfig[];
  /** Values left out by the cap. */
  capped: number;
}

const printable = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

/** Another entry of the same backend configures this label value as its own cluster. */
function configuredElsewhere(entry: ClusterConfig, label: string): Set<string> {
  const key = backendKey(entry);
  return new Set(
    getClusters()
      .filter((c) => c !== entry && c.clusterLabel !== undefined && clusterLabelName(c) === label && backendKey(c) === key)
      .map((c) => c.clusterLabel!),
  );
}

/**
 * The label's values on the backend's API-server job in the last hours, sorted: the backend's own job
 * discovery (dashboard.ts discoveryScope: once per shared backend, whichever of its entries or clusters
 * asks, through its lead entry's client), and one label-values call.
 */
export async function clusterLabelValues(cluster: ClusterConfig, label: string, signal?: AbortSignal): Promise<{ job: string | null; values: string[] }> {
  const scope = discoveryScope(cluster);
  const api = scope.api;
  const { job, range } = await resolveJob(scope, undefined, Math.floor(Date.now() / 1000));
  if (!job) return { job: null, values: [] };
  const values = await api.labelValues({ name: label, match: [`{${formatMatcher({ name: "job", op: "=", value: job })}}`], start: range.start, end: range.end, signal });
  return { job, values: [...values].sort() };
}

/** One entry's discovered clusters, checked against the backend's answer and remembered for getCluster(). */
export async function discoverClusters(entry: ClusterConfig, signal?: AbortSignal, max = MAX_DISCOVERED_CLUSTERS): Promise<Discovery> {
  const label = entry.discoverClusters?.label;
  if (!label) throw new Error(`cluster ${entry.id} does not discover clusters`);
  const { values } = await clusterLabelValues(entry, label, signal);
  const elsewhere = configuredElsewhere(entry, label);
  const usable = values.filter((v) => v !== "" && printable(v) && entry.id.length + 1 + v.length <= MAX_ID_LENGTH && !elsewhere.has(v));
  const clusters = usable.slice(0, max).map(
    (value): ClusterConfig => ({
      ...entry,
      id: `${entry.id}:${value}`,
      name: `${entry.name} · ${value}`,
      clusterLabel: value,
      clusterLabelName: label,
      discoverClusters: undefined,
    }),
  );
  setDiscoveredClusters(entry.id, clusters);
  return { entry, label, found: values.length, clusters, capped: usable.length - clusters.length };
}

/** `<entry>:<value>` ids: the entry's discovery is run (cached) so that getCluster() knows the value, or refuses it. */
export async function knowCluster(clusterId: string, signal?: AbortSignal): Promise<void> {
  const at = clusterId.indexOf(":");
  if (at <= 0) return;
  const entry = getClusters().find((c) => c.id === clusterId.slice(0, at));
  if (entry?.discoverClusters) await discoverClusters(entry, signal);
}

export interface ListedClusters {
  clusters: ClusterConfig[];
  /** What a page says about discovery: an entry capped, or one whose discovery did not answer. */
  notices: string[];
}

/**
 * The clusters a person's lists show (the dashboard's picker, the fleet's rows): the entries they may see,
 * each discovering entry replaced by its discovered clusters. An entry whose discovery fails, is slow or
 * finds nothing is listed itself: its dashboard and fleet row then say what is wrong.
 */
export async function listClusters(principal: Principal | null, max = MAX_DISCOVERED_CLUSTERS): Promise<ListedClusters> {
  const visible = clustersFor(principal);
  const notices: string[] = [];
  const lists = await Promise.all(
    visible.map(async (entry): Promise<ClusterConfig[]> => {
      if (!entry.discoverClusters) return [entry];
      try {
        const found = await withDeadline(LIST_DISCOVERY_DEADLINE_MS, undefined, () => new Error("discovery timed out"), (signal) => discoverClusters(entry, signal, max));
        if (found.capped > 0) {
          notices.push(`${entry.name}: ${found.clusters.length} of the ${found.clusters.length + found.capped} values of label ${found.label} are listed (the first by name; at most ${max}).`);
        }
        return found.clusters.length > 0 ? found.clusters : [entry];
      } catch {
        notices.push(`${entry.name}: its clusters (label ${entry.discoverClusters.label}) could not be discovered; the workspace is listed as one cluster.`);
        return [entry];
      }
    }),
  );
  return { clusters: lists.flat(), notices };
}

/**
 * Every label value apiscope lists on this cluster's shared backend: the configured entries' own values and
 * the values their discovering entries last found (the ones listed, within the cap).
 */
export function listedValues(cluster: ClusterConfig): Set<string> {
  const key = sharedBackendKey(cluster);
  const values = new Set<string>();
  for (const c of getClusters()) {
    if (sharedBackendKey(c) !== key) continue;
    if (c.clusterLabel !== undefined) values.add(c.clusterLabel);
    if (c.discoverClusters) for (const d of discoveredClustersOf(c.id)) values.add(d.clusterLabel!);
  }
  return values;
}

