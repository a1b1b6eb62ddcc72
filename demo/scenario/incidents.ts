// The incidents the scenario can tell, one cause each (the causes of shared/seeds/004, the guide): what each
// one is, when it happens relative to `end`, and the "truths" a test can check findings against. The LIST
// storm (the default) is modelled by model.ts exactly as before; every other kind, and `healthy`, by
// incident-model.ts on a shared baseline (see README.md, "Incident kinds").

import { STORM, watchSpecs, type ClusterSize } from "./cluster";
import type { Timeline } from "./timeline";

export const INCIDENT_KINDS = ["list-storm", "apf-saturation", "etcd-slow", "webhook-slow", "watch-surge", "asymmetric", "healthy"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
export const DEFAULT_INCIDENT: IncidentKind = "list-storm";

export function isIncidentKind(v: unknown): v is IncidentKind {
  return typeof v === "string" && (INCIDENT_KINDS as readonly string[]).includes(v);
}

/** When an incident happens: seconds before `end`; `endsBeforeEnd: null` = still going at `end` (and after). */
export interface IncidentWindow {
  startsBeforeEnd: number;
  endsBeforeEnd: number | null;
  /** Seconds the incident takes to build up after its start … */
  rampUpSeconds: number;
  /** … and to fade after its end. */
  rampDownSeconds: number;
}

/**
 * apf-saturation: a DaemonSet in kube-system floods `workload-high`, the level kube-controller-manager,
 * kube-scheduler and the endpoint controller use (the guide's warning: a high-priority name tag for all of
 * kube-system lets one bad agent there compete with critical traffic). Its requests are cheap to return
 * (a label selector matches a handful of EndpointSlices) but expensive to serve: read from etcd
 * (resourceVersion="") and scanned in full, so APF's work estimator charges 9 seats each.
 */
export const APF_SATURATION = {
  agent: "kube-system/node-inventory",
  user: "system:serviceaccount:kube-system:node-inventory",
  namespace: "kube-system",
  flowSchema: "kube-system-service-accounts",
  priorityLevel: "workload-high",
  /** Flow schemas of critical traffic sharing the level. */
  victims: ["kube-controller-manager", "kube-scheduler", "endpoint-controller"],
  verb: "LIST",
  group: "discovery.k8s.io",
  version: "v1",
  resource: "endpointslices",
  scope: "cluster",
  /** Every node's agent LISTs every 5 s: 1,000 nodes → 200 LIST/s cluster-wide. */
  listsPerNodePerSecond: 1 / 5,
  /** EndpointSlices scanned per LIST (all of them), and returned (the selector's matches). */
  fetchedPerList: 900,
  returnedPerList: 4,
  /** ceil(900 / 100 objects per seat), APF's LIST work estimate (at most 10). */
  seatsPerList: 9,
  window: { startsBeforeEnd: 90 * 60, endsBeforeEnd: 25 * 60, rampUpSeconds: 180, rampDownSeconds: 180 },
} as const;

/**
 * etcd-slow: etcd's disk slows down (its volume ran out of I/O credits on a 5.9 GB, fragmented database):
 * WAL fsync and backend commits take ~40× longer, reads wait behind them (~12×). Every request that
 * touches etcd (writes, GETs, LISTs with resourceVersion="") slows with it; requests served from the watch
 * cache do not. The fix (end − 20 min): a defragmentation onto a faster volume; the database shrinks to 2.2 GB.
 */
export const ETCD_SLOW = {
  cause: "etcd disk (WAL fsync / backend commit) latency",
  /** Factors on the median etcd latency of each operation at full intensity. */
  writeSlowdown: 40,
  readSlowdown: 12,
  /** Extra log-normal spread of etcd latencies during the incident (fsync stalls have a long tail). */
  extraSigma: 0.25,
  /** /readyz checks etcd: this share of probes fails at full intensity. */
  readyzFailures: 0.03,
  dbSizeBeforeBytes: 5.9e9,
  dbSizeAfterBytes: 2.2e9,
  window: { startsBeforeEnd: 90 * 60, endsBeforeEnd: 20 * 60, rampUpSeconds: 300, rampDownSeconds: 120 },
} as const;

/**
 * webhook-slow: the validating webhook `validation.gatekeeper.sh` (rules: every resource, CREATE and UPDATE;
 * kube-system and kube-node-lease exempt; failurePolicy Fail, timeoutSeconds 10) has an overloaded backend:
 * calls take ~4 s (p90 ≈ 8–9 s), ~5 % hit the 10 s timeout and the write fails with 500 (fail closed).
 * Reads, DELETEs, subresource writes (status, binding, token) and the exempt namespaces' leases are unaffected.
 */
export const WEBHOOK_SLOW = {
  webhook: "validation.gatekeeper.sh",
  type: "validating",
  failurePolicy: "Fail",
  timeoutSeconds: 10,
  operations: ["CREATE", "UPDATE"],
  exemptNamespaces: ["kube-system", "kube-node-lease"],
  /** The webhook's own latency at full intensity (log-normal, capped at the timeout). */
  medianSeconds: 4,
  sigma: 0.55,
  /** The status a timed-out call is recorded with (webhook_request_total code, rejection_code) and the request's. */
  callErrorCode: "400",
  requestCode: "500",
  window: { startsBeforeEnd: 90 * 60, endsBeforeEnd: 25 * 60, rampUpSeconds: 120, rampDownSeconds: 120 },
} as const;

/**
 * watch-surge: the node group is replaced by eight times as many nodes of an eighth of the size (the guide:
 * 8 xlarge nodes instead of one 8xlarge multiply WATCH calls by 8). Every node's kubelet, kube-proxy and
 * agents open their WATCHes (after an initial LIST each), renew their leases and report status: WATCHes,
 * watch events, lease writes and memory grow ~8×; the workload's pods stay the same.
 */
export const WATCH_SURGE = {
  nodesBefore: 1000,
  nodesAfter: 8000,
  multiplier: 8,
  window: { startsBeforeEnd: 90 * 60, endsBeforeEnd: null, rampUpSeconds: 900, rampDownSeconds: 0 },
} as const;

/**
 * asymmetric: a rolling upgrade restarts `instances[1]`, then `instances[2]` two minutes later, before the
 * first is ready again: every client reconnects to `instances[0]`, and long-lived connections (HTTP/2,
 * WATCH) stay there. The restarted servers only win back new connections, slowly. The busy server runs
 * out of CPU: every request on it is several times slower, and its in-flight requests near their limit.
 */
export const ASYMMETRIC = {
  /** Shares of client connections the two restarted servers win back (per group of three servers). */
  regainedShares: [0.12, 0.1],
  regainSeconds: 1200,
  /** The second restart follows the first after this many seconds. */
  secondRestartAfter: 120,
  /** A server with this many times an even share of clients is out of CPU: every request is maxSlowdown × slower. */
  fullSlowdownAt: 2.2,
  maxSlowdown: 85,
  /** A server with fewer clients than an even share is up to this much faster. */
  idleSpeedup: 0.3,
  window: { startsBeforeEnd: 90 * 60, endsBeforeEnd: null, rampUpSeconds: 0, rampDownSeconds: 0 },
} as const;

const LIST_STORM_WINDOW: IncidentWindow = {
  startsBeforeEnd: STORM.startsBeforeEnd,
  endsBeforeEnd: STORM.fixedBeforeEnd,
  rampUpSeconds: STORM.rolloutSeconds,
  rampDownSeconds: STORM.rolloutSeconds,
};

/** healthy has no incident; its timeline's stormStart/stormEnd mark the same reference window as the others. */
const REFERENCE_WINDOW: IncidentWindow = { startsBeforeEnd: 90 * 60, endsBeforeEnd: 25 * 60, rampUpSeconds: 0, rampDownSeconds: 0 };

export function incidentWindow(kind: IncidentKind): IncidentWindow {
  switch (kind) {
    case "list-storm":
      return LIST_STORM_WINDOW;
    case "apf-saturation":
      return APF_SATURATION.window;
    case "etcd-slow":
      return ETCD_SLOW.window;
    case "webhook-slow":
      return WEBHOOK_SLOW.window;
    case "watch-surge":
      return WATCH_SURGE.window;
    case "asymmetric":
      return ASYMMETRIC.window;
    case "healthy":
      return REFERENCE_WINDOW;
  }
}

const ramp = (t: number, from: number, seconds: number) => (seconds <= 0 ? (t >= from ? 1 : 0) : Math.min(1, Math.max(0, (t - from) / seconds)));

/** 0 → 1 as the incident builds up, 1 → 0 after its end; always 0 for healthy. */
export function incidentIntensity(kind: IncidentKind, tl: Timeline, t: number): number {
  if (kind === "healthy" || tl.incidentStart === null) return 0;
  const w = incidentWindow(kind);
  const up = ramp(t, tl.incidentStart, w.rampUpSeconds);
  return tl.incidentEnd === null ? up : up * (1 - ramp(t, tl.incidentEnd, w.rampDownSeconds));
}

/** Cluster size at time t: watch-surge grows the node count (pods stay). */
export function sizeAt(kind: IncidentKind, base: ClusterSize, tl: Timeline, t: number): ClusterSize {
  if (kind !== "watch-surge") return base;
  const i = incidentIntensity(kind, tl, t);
  if (i <= 0) return base;
  const factor = 1 + (WATCH_SURGE.nodesAfter / WATCH_SURGE.nodesBefore - 1) * i;
  return { nodes: base.nodes * factor, pods: base.pods, scale: base.scale };
}

// ------------------------------------------------------------------------------------------------------------
// Truths: what happened, where, and how big, for tests to check findings against (absolute times, instances).

interface TruthsBase {
  kind: IncidentKind;
  /** One line, as a human would put it. */
  summary: string;
  /** Unix seconds; null for healthy. */
  start: number | null;
  /** When it was fixed (the fade starts there); null if it is still going at `end` (or for healthy). */
  end: number | null;
  /** Seconds the incident takes to reach full strength after `start`. */
  rampUpSeconds: number;
  /** A window at full strength, well inside the incident (tests measure here); null for healthy. */
  steady: { from: number; to: number } | null;
  /** The API server(s) most affected. */
  instances: readonly string[];
}

export interface ListStormTruths extends TruthsBase {
  kind: "list-storm";
  flowSchema: string;
  priorityLevel: string;
  verb: "LIST";
  resource: string;
  scope: "cluster";
  hotInstance: string;
  listsPerSecond: number;
  objectsPerList: number;
  expected: { hotUtilizationAtLeast: number; listP99AtLeastSeconds: number; queueWaitP99AtLeastSeconds: number };
}

export interface ApfSaturationTruths extends TruthsBase {
  kind: "apf-saturation";
  agent: string;
  user: string;
  namespace: string;
  flowSchema: string;
  priorityLevel: string;
  victims: readonly string[];
  verb: "LIST";
  group: string;
  resource: string;
  scope: "cluster";
  listsPerSecond: number;
  seatsPerList: number;
  objectsPerList: { fetched: number; returned: number };
  expected: {
    /** Executing seats / current limit of the level, every server. */
    utilizationAtLeast: number;
    /** Share of the level's executing seats held by the flow schema. */
    flowSeatShareAtLeast: number;
    /** Queue wait p99 of the flow schema. */
    queueWaitP99AtLeastSeconds: number;
    /** Rejections of the flow schema, per second, cluster-wide. */
    rejectedPerSecondAtLeast: number;
    /** The victims' queue wait p99 stays below this. */
    victimWaitP99BelowSeconds: number;
  };
}

export interface EtcdSlowTruths extends TruthsBase {
  kind: "etcd-slow";
  cause: string;
  writeSlowdown: number;
  readSlowdown: number;
  dbSize: { beforeBytes: number; afterBytes: number };
  expected: {
    /** etcd p99 over all operations (buckets summed over servers) before the incident … */
    baselineEtcdP99Seconds: number;
    /** … and at full strength (approximate: tests accept ×0.5 … ×2). */
    etcdP99Seconds: number;
    /** API p99 (non-WATCH/CONNECT) at full strength, approximate: it follows etcd. */
    apiP99Seconds: number;
    /** Reads served from the watch cache keep their latency: their p99 stays below this. */
    cachedReadP99BelowSeconds: number;
  };
}

export interface WebhookSlowTruths extends TruthsBase {
  kind: "webhook-slow";
  webhook: string;
  type: string;
  failurePolicy: "Fail";
  timeoutSeconds: number;
  operations: readonly string[];
  exemptNamespaces: readonly string[];
  /** The other webhooks, unaffected. */
  unaffectedWebhooks: readonly string[];
  expected: {
    /** The webhook's p90 from the histogram at full strength (≥ 1.27 buckets). Before 1.27 the top finite bucket is 2.5 s. */
    p90Seconds: number;
    p90AtLeastSeconds: number;
    /** Share of its calls that time out and fail the write. */
    timeoutShare: number;
    /** The request status those writes get. */
    requestCode: string;
    /** Other webhooks' p90 stays below this. */
    otherWebhooksP90BelowSeconds: number;
  };
}

export interface WatchSurgeTruths extends TruthsBase {
  kind: "watch-surge";
  multiplier: number;
  nodes: { before: number; after: number };
  expected: {
    /** WATCHes (apiserver_longrunning_requests{verb="WATCH"}, all servers) before and at full strength. */
    watchesBefore: number;
    watchesAfter: number;
    /** after / before. */
    watchRatio: number;
  };
}

export interface AsymmetricTruths extends TruthsBase {
  kind: "asymmetric";
  busyInstance: string;
  restarts: ReadonlyArray<{ instance: string; at: number }>;
  expected: {
    /** Share of client connections on the busy server at steady state. */
    busyShare: number;
    /** Its long-running requests ÷ each other server's, at steady state. */
    longrunningRatioAtLeast: number;
    /** Its in-flight requests (read-only + mutating) ÷ each other server's. */
    inflightRatioAtLeast: number;
    /**
     * Its mutating in-flight ÷ the 200 limit at steady state (node lease renewals that now take ~1 s). From 1.26
     * node-high borrows the seats it needs; on 1.24 its 98 seats cap it (and it rejects: 429s on the busy server).
     */
    mutatingInflightShareOfLimit: number;
    mutatingInflightShareOfLimit124: number;
    /** Its API p99 ÷ the others'. */
    latencyRatioAtLeast: number;
  };
}

export interface HealthyTruths extends TruthsBase {
  kind: "healthy";
}

export type IncidentTruths = ListStormTruths | ApfSaturationTruths | EtcdSlowTruths | WebhookSlowTruths | WatchSurgeTruths | AsymmetricTruths | HealthyTruths;

const SUMMARIES: Record<IncidentKind, string> = {
  "list-storm": "A DaemonSet LISTs all 50,000 pods cluster-wide from every node once a minute, saturating workload-low.",
  "apf-saturation": "A kube-system DaemonSet floods the workload-high priority level (flow schema kube-system-service-accounts), competing with kube-controller-manager and kube-scheduler.",
  "etcd-slow": "etcd's disk is slow: etcd latency rises first, and every request that touches etcd slows with it.",
  "webhook-slow": "The validating webhook validation.gatekeeper.sh is slow (p90 near its 10 s timeout) and fails closed: matched writes wait, some fail with 500.",
  "watch-surge": "The node group is replaced by 8× as many small nodes: WATCHes, watch events and lease writes multiply ~8×.",
  asymmetric: "A rolling restart leaves every client connected to one API server: it carries ~80 % of the load and runs out of CPU.",
  healthy: "No incident: the baseline only.",
};

export function incidentSummary(kind: IncidentKind): string {
  return SUMMARIES[kind];
}

/** The truths of a scenario. `expected` magnitudes are those the scenario's own tests verify. */
export function incidentTruths(kind: IncidentKind, tl: Timeline, instances: readonly string[], size: ClusterSize): IncidentTruths {
  const w = incidentWindow(kind);
  const steady = (from: number, to: number | null) => ({ from, to: to ?? tl.end });
  const base = {
    summary: SUMMARIES[kind],
    start: tl.incidentStart,
    end: tl.incidentEnd,
    rampUpSeconds: kind === "healthy" ? 0 : w.rampUpSeconds,
  };
  const start = tl.incidentStart ?? tl.stormStart;
  const groupRole = (role: number) => instances.filter((_, i) => i % 3 === role);
  switch (kind) {
    case "list-storm":
      return {
        ...base,
        kind,
        steady: steady(start + 1800, start + 2100),
        instances: [tl.hotInstance],
        flowSchema: STORM.flowSchema,
        priorityLevel: STORM.priorityLevel,
        verb: "LIST",
        resource: STORM.resource,
        scope: "cluster",
        hotInstance: tl.hotInstance,
        listsPerSecond: size.nodes * STORM.listsPerNodePerSecond,
        objectsPerList: size.pods,
        expected: { hotUtilizationAtLeast: 0.95, listP99AtLeastSeconds: 10, queueWaitP99AtLeastSeconds: 10 },
      };
    case "apf-saturation":
      return {
        ...base,
        kind,
        steady: steady(start + 1200, start + 1500),
        instances,
        agent: APF_SATURATION.agent,
        user: APF_SATURATION.user,
        namespace: APF_SATURATION.namespace,
        flowSchema: APF_SATURATION.flowSchema,
        priorityLevel: APF_SATURATION.priorityLevel,
        victims: APF_SATURATION.victims,
        verb: "LIST",
        group: APF_SATURATION.group,
        resource: APF_SATURATION.resource,
        scope: "cluster",
        listsPerSecond: size.nodes * APF_SATURATION.listsPerNodePerSecond,
        seatsPerList: APF_SATURATION.seatsPerList,
        objectsPerList: { fetched: APF_SATURATION.fetchedPerList * size.scale, returned: APF_SATURATION.returnedPerList },
        expected: { utilizationAtLeast: 0.95, flowSeatShareAtLeast: 0.8, queueWaitP99AtLeastSeconds: 5, rejectedPerSecondAtLeast: 5, victimWaitP99BelowSeconds: 1 },
      };
    case "etcd-slow":
      return {
        ...base,
        kind,
        steady: steady(start + 1200, start + 1500),
        instances,
        cause: ETCD_SLOW.cause,
        writeSlowdown: ETCD_SLOW.writeSlowdown,
        readSlowdown: ETCD_SLOW.readSlowdown,
        dbSize: { beforeBytes: ETCD_SLOW.dbSizeBeforeBytes, afterBytes: ETCD_SLOW.dbSizeAfterBytes },
        expected: { baselineEtcdP99Seconds: 0.025, etcdP99Seconds: 1.7, apiP99Seconds: 1.5, cachedReadP99BelowSeconds: 0.25 },
      };
    case "webhook-slow":
      return {
        ...base,
        kind,
        steady: steady(start + 1200, start + 1500),
        instances,
        webhook: WEBHOOK_SLOW.webhook,
        type: WEBHOOK_SLOW.type,
        failurePolicy: WEBHOOK_SLOW.failurePolicy,
        timeoutSeconds: WEBHOOK_SLOW.timeoutSeconds,
        operations: WEBHOOK_SLOW.operations,
        exemptNamespaces: WEBHOOK_SLOW.exemptNamespaces,
        unaffectedWebhooks: ["namespace.sidecar-injector.istio.io", "vpa.k8s.io"],
        expected: { p90Seconds: 9, p90AtLeastSeconds: 8, timeoutShare: 0.05, requestCode: WEBHOOK_SLOW.requestCode, otherWebhooksP90BelowSeconds: 0.1 },
      };
    case "watch-surge": {
      const after = { ...size, nodes: size.nodes * (WATCH_SURGE.nodesAfter / WATCH_SURGE.nodesBefore) };
      const watches = (c: ClusterSize) =>
        Math.round(watchSpecs(size.scale).reduce((n, w) => n + w.clients.reduce((m, cl) => m + (cl.afterFix ? 0 : cl.count(c) * (cl.perServer ? instances.length : 1)), 0), 0));
      return {
        ...base,
        kind,
        steady: steady(start + w.rampUpSeconds + 600, start + w.rampUpSeconds + 900),
        instances,
        multiplier: WATCH_SURGE.multiplier,
        nodes: { before: size.nodes, after: after.nodes },
        expected: { watchesBefore: watches(size), watchesAfter: watches(after), watchRatio: watches(after) / watches(size) },
      };
    }
    case "asymmetric":
      return {
        ...base,
        kind,
        steady: steady(start + 3000, start + 3300),
        instances: groupRole(0),
        busyInstance: instances[0],
        restarts: tl.restarts,
        expected: { busyShare: 0.8, longrunningRatioAtLeast: 5, inflightRatioAtLeast: 5, mutatingInflightShareOfLimit: 0.8, mutatingInflightShareOfLimit124: 0.6, latencyRatioAtLeast: 10 },
      };
    case "healthy":
      return { ...base, kind, steady: null, instances: [] };
  }
}
