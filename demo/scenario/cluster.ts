// The static shape of the simulated cluster: API servers, APF configuration, resources, and the request and
// WATCH traffic that clients generate. Rates are cluster-wide at baseline; the timeline (timeline.ts) decides
// how they are split between API servers and how the incident changes them.

export type Verb = "GET" | "LIST" | "WATCH" | "CREATE" | "UPDATE" | "PATCH" | "DELETE" | "CONNECT";
export type Scope = "resource" | "namespace" | "cluster" | "";

export interface ResourceInfo {
  group: string;
  version: string;
  resource: string;
  kind: string;
  /** Go type used by etcd metrics on ≤1.25 (`*core.Pod`), and its list type. */
  goType: string;
  /** Objects stored at scale 1 (apiserver_storage_objects). Scaled by node count when `perNode`. */
  stored: number;
  storedPerNode?: boolean;
}

/** `pods`, `leases.coordination.k8s.io`: the form used by storage metrics and etcd `type` on 1.26–1.33. */
export function groupResource(r: ResourceInfo): string {
  return r.group === "" ? r.resource : `${r.resource}.${r.group}`;
}

const core = (resource: string, kind: string, stored: number, storedPerNode = false): ResourceInfo => ({
  group: "",
  version: "v1",
  resource,
  kind,
  goType: `*core.${kind}`,
  stored,
  storedPerNode,
});
const grouped = (group: string, version: string, resource: string, kind: string, goPkg: string, stored: number, storedPerNode = false): ResourceInfo => ({
  group,
  version,
  resource,
  kind,
  goType: `*${goPkg}.${kind}`,
  stored,
  storedPerNode,
});

/** Resources at scale 1. Counts are for a 1,000-node cluster with 50,000 pods. */
export const RESOURCES = {
  pods: core("pods", "Pod", 50, true),
  nodes: core("nodes", "Node", 1, true),
  configmaps: core("configmaps", "ConfigMap", 2600),
  secrets: core("secrets", "Secret", 3100),
  events: core("events", "Event", 21000),
  services: core("services", "Service", 820),
  endpoints: core("endpoints", "Endpoints", 820),
  namespaces: core("namespaces", "Namespace", 160),
  serviceaccounts: core("serviceaccounts", "ServiceAccount", 640),
  persistentvolumeclaims: core("persistentvolumeclaims", "PersistentVolumeClaim", 310),
  persistentvolumes: core("persistentvolumes", "PersistentVolume", 310),
  leases: grouped("coordination.k8s.io", "v1", "leases", "Lease", "coordination", 1, true),
  endpointslices: grouped("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", "discovery", 900),
  deployments: grouped("apps", "v1", "deployments", "Deployment", "apps", 1200),
  replicasets: grouped("apps", "v1", "replicasets", "ReplicaSet", "apps", 4100),
  daemonsets: grouped("apps", "v1", "daemonsets", "DaemonSet", "apps", 14),
  statefulsets: grouped("apps", "v1", "statefulsets", "StatefulSet", "apps", 42),
  jobs: grouped("batch", "v1", "jobs", "Job", "batch", 96),
  csidrivers: grouped("storage.k8s.io", "v1", "csidrivers", "CSIDriver", "storage", 3),
  runtimeclasses: grouped("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", "node", 2),
  customresourcedefinitions: grouped("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", "apiextensions", 64),
  apiservices: grouped("apiregistration.k8s.io", "v1", "apiservices", "APIService", "apiregistration", 42),
  flowschemas: grouped("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", "flowcontrol", 13),
} satisfies Record<string, ResourceInfo>;

// ---------------------------------------------------------------------------------------------------------
// API Priority and Fairness: the default (1.30) configuration, for 600 server seats (400 read + 200 write).

export interface PriorityLevel {
  name: string;
  nominal: number;
  lower: number;
  upper: number;
  /** current_limit_seats while everything is quiet (taken from the real 1.30 scrape). */
  idleCurrent: number;
  exempt: boolean;
}

export const SERVER_SEATS = 600;

export const PRIORITY_LEVELS: readonly PriorityLevel[] = [
  { name: "catch-all", nominal: 13, lower: 13, upper: 613, idleCurrent: 29, exempt: false },
  { name: "exempt", nominal: 0, lower: 0, upper: 600, idleCurrent: 17, exempt: true },
  { name: "global-default", nominal: 49, lower: 24, upper: 649, idleCurrent: 54, exempt: false },
  { name: "leader-election", nominal: 25, lower: 25, upper: 625, idleCurrent: 57, exempt: false },
  { name: "node-high", nominal: 98, lower: 73, upper: 698, idleCurrent: 166, exempt: false },
  { name: "system", nominal: 74, lower: 50, upper: 674, idleCurrent: 113, exempt: false },
  { name: "workload-high", nominal: 98, lower: 49, upper: 698, idleCurrent: 111, exempt: false },
  { name: "workload-low", nominal: 245, lower: 24, upper: 845, idleCurrent: 54, exempt: false },
];

export interface FlowSchema {
  name: string;
  priorityLevel: string;
}

export const FLOW_SCHEMAS: readonly FlowSchema[] = [
  { name: "exempt", priorityLevel: "exempt" },
  { name: "probes", priorityLevel: "exempt" },
  { name: "system-leader-election", priorityLevel: "leader-election" },
  { name: "endpoint-controller", priorityLevel: "workload-high" },
  { name: "workload-leader-election", priorityLevel: "leader-election" },
  { name: "system-node-high", priorityLevel: "node-high" },
  { name: "system-nodes", priorityLevel: "system" },
  { name: "kube-controller-manager", priorityLevel: "workload-high" },
  { name: "kube-scheduler", priorityLevel: "workload-high" },
  { name: "kube-system-service-accounts", priorityLevel: "workload-high" },
  { name: "service-accounts", priorityLevel: "workload-low" },
  { name: "global-default", priorityLevel: "global-default" },
  { name: "catch-all", priorityLevel: "catch-all" },
];

/** The incident: a DaemonSet agent LISTs every pod cluster-wide once a minute from every node. */
export const STORM = {
  flowSchema: "service-accounts",
  priorityLevel: "workload-low",
  verb: "LIST",
  group: "",
  version: "v1",
  resource: "pods",
  scope: "cluster",
  /** Each node's agent LISTs once a minute: 1,000 nodes → ~16.7 LIST/s. */
  listsPerNodePerSecond: 1 / 60,
  /** Objects per LIST = every pod in the cluster (50,000 at scale 1). */
  podsPerNode: 50,
  /** The storm starts this long before `end`… */
  startsBeforeEnd: 90 * 60,
  /** …and the agent is fixed (switches to an informer) this long before `end`. */
  fixedBeforeEnd: 25 * 60,
  /** One pod WATCH per agent after the fix. */
  watchesPerNodeAfterFix: 1,
  /** Minutes the DaemonSet rollouts take (the storm ramps up and down over this). */
  rolloutSeconds: 180,
} as const;

/** One API server is restarted this long before `end`; clients rebalance unevenly afterwards. */
export const RESTART = { beforeEnd: 2 * 60 * 60, processStartsBeforeGrid: 23 } as const;

// ---------------------------------------------------------------------------------------------------------
// Request streams

export type EtcdOperation = "get" | "create" | "update" | "delete" | "list";

export interface LatencySpec {
  /** Median seconds on an idle server. */
  median: number;
  sigma: number;
  /** How much slower the request gets on a fully loaded server: median × (1 + loadFactor × load). */
  loadFactor: number;
}

export interface ListSpec {
  /** Objects per LIST as a function of the cluster size (pods scale with nodes). */
  returned: (c: ClusterSize) => number;
  fetched: (c: ClusterSize) => number;
  evaluated: (c: ClusterSize) => number;
  bytesPerObject: number;
}

export interface WebhookCall {
  webhook: string;
}

export interface RequestStream {
  key: string;
  verb: Verb;
  resource: ResourceInfo | null; // null: non-resource URL (probes)
  subresource: string;
  scope: Scope;
  flowSchema: string;
  /** Requests/s cluster-wide (split by client share), or per API server for `perServer` traffic. */
  rate: (c: ClusterSize) => number;
  perServer?: boolean;
  latency: LatencySpec;
  /** Main response code and the fractions of the others. */
  code: string;
  otherCodes?: ReadonlyArray<readonly [code: string, fraction: number]>;
  etcd?: { operation: EtcdOperation; latency: LatencySpec };
  list?: ListSpec;
  webhooks?: readonly string[];
  /** The incident's LIST stream; its rate and APF effects come from the storm model. */
  storm?: boolean;
}

export interface ClusterSize {
  nodes: number;
  pods: number;
  scale: number;
}

export function clusterSize(scale: number): ClusterSize {
  const nodes = 1000 * scale;
  return { nodes, pods: STORM.podsPerNode * nodes, scale };
}

const L = (median: number, sigma: number, loadFactor: number): LatencySpec => ({ median, sigma, loadFactor });
const R = RESOURCES;

/** Everything except WATCH (watches are long-running: see WATCHES). */
export function requestStreams(scale: number): RequestStream[] {
  const streams: RequestStream[] = [
    // kubelets: node heartbeats (leases renewed every 10 s), node status, pod status, projected tokens, events
    { key: "kubelet-lease-update", verb: "UPDATE", resource: R.leases, subresource: "", scope: "resource", flowSchema: "system-node-high", rate: (c) => c.nodes / 10, latency: L(0.012, 1.15, 0.8), code: "200", otherCodes: [["409", 0.002]], etcd: { operation: "update", latency: L(0.0045, 0.7, 1.2) } },
    { key: "kubelet-lease-get", verb: "GET", resource: R.leases, subresource: "", scope: "resource", flowSchema: "system-node-high", rate: (c) => c.nodes / 200, latency: L(0.004, 0.9, 0.8), code: "200", etcd: { operation: "get", latency: L(0.0025, 0.7, 1.2) } },
    { key: "kubelet-node-status", verb: "PATCH", resource: R.nodes, subresource: "status", scope: "resource", flowSchema: "system-node-high", rate: (c) => c.nodes / 300, latency: L(0.014, 0.9, 0.8), code: "200", etcd: { operation: "update", latency: L(0.006, 0.7, 1.2) } },
    { key: "kubelet-node-get", verb: "GET", resource: R.nodes, subresource: "", scope: "resource", flowSchema: "system-node-high", rate: (c) => c.nodes / 300, latency: L(0.0045, 0.9, 0.8), code: "200" },
    { key: "kubelet-pod-status", verb: "PATCH", resource: R.pods, subresource: "status", scope: "resource", flowSchema: "system-nodes", rate: (c) => c.pods / 10000, latency: L(0.016, 0.9, 0.8), code: "200", otherCodes: [["404", 0.01]], etcd: { operation: "update", latency: L(0.0065, 0.7, 1.2) } },
    { key: "kubelet-token", verb: "CREATE", resource: R.serviceaccounts, subresource: "token", scope: "resource", flowSchema: "system-nodes", rate: (c) => c.pods / 2880, latency: L(0.009, 0.8, 0.8), code: "201" },
    { key: "kubelet-events", verb: "CREATE", resource: R.events, subresource: "", scope: "namespace", flowSchema: "system-nodes", rate: (c) => c.nodes / 125, latency: L(0.008, 0.9, 0.8), code: "201", etcd: { operation: "create", latency: L(0.005, 0.7, 1.2) } },
    { key: "kubelet-pod-delete", verb: "DELETE", resource: R.pods, subresource: "", scope: "resource", flowSchema: "system-nodes", rate: (c) => c.pods / 100000, latency: L(0.018, 0.9, 0.8), code: "200", otherCodes: [["404", 0.02]], etcd: { operation: "delete", latency: L(0.006, 0.7, 1.2) } },
    // control plane: leader election, controllers, scheduler
    { key: "leader-election-get", verb: "GET", resource: R.leases, subresource: "", scope: "resource", flowSchema: "system-leader-election", rate: () => 1, latency: L(0.004, 0.9, 0.8), code: "200", etcd: { operation: "get", latency: L(0.0025, 0.7, 1.2) } },
    { key: "leader-election-update", verb: "UPDATE", resource: R.leases, subresource: "", scope: "resource", flowSchema: "system-leader-election", rate: () => 1, latency: L(0.011, 0.95, 0.8), code: "200", etcd: { operation: "update", latency: L(0.0045, 0.7, 1.2) } },
    { key: "operator-leader-election", verb: "UPDATE", resource: R.leases, subresource: "", scope: "resource", flowSchema: "workload-leader-election", rate: () => 0.6, latency: L(0.011, 0.95, 0.8), code: "200", otherCodes: [["409", 0.01]], etcd: { operation: "update", latency: L(0.0045, 0.7, 1.2) } },
    { key: "apiserver-identity-lease", verb: "UPDATE", resource: R.leases, subresource: "", scope: "resource", flowSchema: "exempt", perServer: true, rate: () => 0.1, latency: L(0.011, 0.95, 0.8), code: "200", etcd: { operation: "update", latency: L(0.0045, 0.7, 1.2) } },
    { key: "endpointslice-controller", verb: "UPDATE", resource: R.endpointslices, subresource: "", scope: "resource", flowSchema: "endpoint-controller", rate: (c) => 2 * c.scale, latency: L(0.012, 0.9, 0.8), code: "200", otherCodes: [["409", 0.03]], etcd: { operation: "update", latency: L(0.006, 0.7, 1.2) } },
    { key: "replicaset-status", verb: "UPDATE", resource: R.replicasets, subresource: "status", scope: "resource", flowSchema: "kube-controller-manager", rate: (c) => 1 * c.scale, latency: L(0.012, 0.9, 0.8), code: "200", otherCodes: [["409", 0.02]], etcd: { operation: "update", latency: L(0.006, 0.7, 1.2) }, webhooks: ["validation.gatekeeper.sh"] },
    { key: "controller-pod-get", verb: "GET", resource: R.pods, subresource: "", scope: "resource", flowSchema: "kube-controller-manager", rate: (c) => 2 * c.scale, latency: L(0.005, 1.0, 1.5), code: "200", otherCodes: [["404", 0.1]], etcd: { operation: "get", latency: L(0.003, 0.7, 1.2) } },
    { key: "replicaset-pod-create", verb: "CREATE", resource: R.pods, subresource: "", scope: "namespace", flowSchema: "kube-controller-manager", rate: (c) => c.pods / 100000, latency: L(0.045, 0.7, 0.8), code: "201", otherCodes: [["409", 0.01]], etcd: { operation: "create", latency: L(0.007, 0.7, 1.2) }, webhooks: ["validation.gatekeeper.sh", "namespace.sidecar-injector.istio.io", "vpa.k8s.io"] },
    { key: "gc-pod-delete", verb: "DELETE", resource: R.pods, subresource: "", scope: "resource", flowSchema: "kube-controller-manager", rate: (c) => c.pods / 250000, latency: L(0.018, 0.9, 0.8), code: "200", otherCodes: [["404", 0.05]], etcd: { operation: "delete", latency: L(0.006, 0.7, 1.2) } },
    { key: "scheduler-binding", verb: "CREATE", resource: R.pods, subresource: "binding", scope: "resource", flowSchema: "kube-scheduler", rate: (c) => c.pods / 100000, latency: L(0.012, 0.8, 0.8), code: "201", etcd: { operation: "update", latency: L(0.0065, 0.7, 1.2) } },
    { key: "addon-configmap-get", verb: "GET", resource: R.configmaps, subresource: "", scope: "resource", flowSchema: "kube-system-service-accounts", rate: (c) => 2 * c.scale, latency: L(0.004, 1.0, 1.5), code: "200", otherCodes: [["404", 0.05]], etcd: { operation: "get", latency: L(0.0025, 0.7, 1.2) } },
    // workloads' own service accounts (the storm's flow schema), humans, the apiserver itself, probes
    { key: "workload-secret-get", verb: "GET", resource: R.secrets, subresource: "", scope: "resource", flowSchema: "service-accounts", rate: (c) => 3 * c.scale, latency: L(0.004, 1.0, 1.5), code: "200", otherCodes: [["404", 0.03]], etcd: { operation: "get", latency: L(0.0025, 0.7, 1.2) } },
    { key: "workload-pod-list-ns", verb: "LIST", resource: R.pods, subresource: "", scope: "namespace", flowSchema: "service-accounts", rate: (c) => 1 * c.scale, latency: L(0.03, 0.9, 1.5), code: "200", list: { returned: () => 40, fetched: () => 320, evaluated: () => 320, bytesPerObject: 4500 } },
    { key: "workload-configmap-list-ns", verb: "LIST", resource: R.configmaps, subresource: "", scope: "namespace", flowSchema: "service-accounts", rate: (c) => 0.5 * c.scale, latency: L(0.012, 0.9, 1.5), code: "200", list: { returned: () => 15, fetched: () => 15, evaluated: () => 15, bytesPerObject: 2200 } },
    { key: "storm-pod-list", verb: "LIST", resource: R.pods, subresource: "", scope: "cluster", flowSchema: STORM.flowSchema, rate: (c) => c.nodes * STORM.listsPerNodePerSecond, latency: L(40, 0.2, 0), code: "200", etcd: { operation: "list", latency: L(1.3, 0.3, 2) }, list: { returned: (c) => c.pods, fetched: (c) => c.pods, evaluated: (c) => c.pods, bytesPerObject: 4500 }, storm: true },
    { key: "ci-pod-list-cluster", verb: "LIST", resource: R.pods, subresource: "", scope: "cluster", flowSchema: "global-default", rate: () => 1 / 300, latency: L(2.2, 0.3, 1.5), code: "200", etcd: { operation: "list", latency: L(1.3, 0.3, 2) }, list: { returned: (c) => c.pods, fetched: (c) => c.pods, evaluated: (c) => c.pods, bytesPerObject: 4500 } },
    { key: "human-pod-get", verb: "GET", resource: R.pods, subresource: "", scope: "resource", flowSchema: "global-default", rate: () => 0.3, latency: L(0.005, 1.0, 1.5), code: "200", otherCodes: [["404", 0.15]], etcd: { operation: "get", latency: L(0.003, 0.7, 1.2) } },
    { key: "human-deployment-list", verb: "LIST", resource: R.deployments, subresource: "", scope: "namespace", flowSchema: "global-default", rate: () => 0.2, latency: L(0.015, 0.9, 1.5), code: "200", list: { returned: () => 10, fetched: () => 10, evaluated: () => 10, bytesPerObject: 6000 } },
    { key: "human-exec", verb: "CONNECT", resource: R.pods, subresource: "exec", scope: "resource", flowSchema: "global-default", rate: () => 0.02, latency: L(25, 1.2, 0), code: "101" },
    // the apiserver re-reads kube-system/extension-apiserver-authentication; an unauthenticated client is refused
    { key: "apiserver-configmap-get", verb: "GET", resource: R.configmaps, subresource: "", scope: "resource", flowSchema: "exempt", perServer: true, rate: () => 0.6, latency: L(0.003, 0.8, 1.5), code: "200" },
    { key: "anonymous-configmap-get", verb: "GET", resource: R.configmaps, subresource: "", scope: "resource", flowSchema: "catch-all", rate: () => 0.05, latency: L(0.003, 0.8, 1.5), code: "200", otherCodes: [["403", 0.5]] },
    { key: "readyz-probe", verb: "GET", resource: null, subresource: "/readyz", scope: "", flowSchema: "probes", perServer: true, rate: () => 1.2, latency: L(0.006, 0.6, 1), code: "200", otherCodes: [["500", 0.001]] },
  ];
  // scale > 1: every extra unit brings its own custom resource with a controller in its own flow schema
  for (let k = 1; k < scale; k++) {
    const crd = scaledCustomResource(k);
    const fs = scaledFlowSchema(k).name;
    streams.push(
      { key: `crd-${k}-get`, verb: "GET", resource: crd, subresource: "", scope: "resource", flowSchema: fs, rate: () => 3, latency: L(0.005, 1.0, 1.5), code: "200", otherCodes: [["404", 0.05]], etcd: { operation: "get", latency: L(0.003, 0.7, 1.2) } },
      { key: `crd-${k}-update`, verb: "UPDATE", resource: crd, subresource: "status", scope: "resource", flowSchema: fs, rate: () => 1.5, latency: L(0.012, 0.9, 0.8), code: "200", otherCodes: [["409", 0.02]], etcd: { operation: "update", latency: L(0.006, 0.7, 1.2) } },
      { key: `crd-${k}-list`, verb: "LIST", resource: crd, subresource: "", scope: "namespace", flowSchema: fs, rate: () => 0.3, latency: L(0.02, 0.9, 1.5), code: "200", list: { returned: () => 30, fetched: () => 30, evaluated: () => 30, bytesPerObject: 3000 } },
    );
  }
  return streams;
}

export function scaledCustomResource(k: number): ResourceInfo {
  return grouped(`scale${k}.example.com`, "v1", "widgets", "Widget", `scale${k}`, 500);
}

export function scaledFlowSchema(k: number): FlowSchema {
  return { name: `widget-controller-${k}`, priorityLevel: k % 2 === 0 ? "global-default" : "workload-high" };
}

export function flowSchemas(scale: number): FlowSchema[] {
  const out = [...FLOW_SCHEMAS];
  for (let k = 1; k < scale; k++) out.push(scaledFlowSchema(k));
  return out;
}

export function storedResources(scale: number): ResourceInfo[] {
  const out: ResourceInfo[] = Object.values(RESOURCES);
  for (let k = 1; k < scale; k++) out.push(scaledCustomResource(k));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// WATCH (long-running) traffic

export interface WatchClient {
  flowSchema: string;
  /** Open watches cluster-wide. */
  count: (c: ClusterSize) => number;
  /** Only after the agent fix (informer watches). */
  afterFix?: boolean;
  /** Held by each API server itself (e.g. the apiserver watching APF config), not balanced across servers. */
  perServer?: boolean;
}

export interface WatchSpec {
  key: string;
  resource: ResourceInfo;
  scope: Scope;
  clients: readonly WatchClient[];
  /** Object changes per second cluster-wide; each change is sent to every watcher (watch events). */
  changesPerSecond: (c: ClusterSize) => number;
  /** Emit apiserver_request_duration_seconds for this WATCH (only pods, to respect the series budget). */
  durationHistogram?: boolean;
}

/** A watch lasts 5–10 minutes (the client-go watch timeout) before the client re-establishes it. */
export const WATCH_MEAN_LIFETIME_SECONDS = 450;

export function watchSpecs(scale: number): WatchSpec[] {
  const perNode = (n: number) => (c: ClusterSize) => n * c.nodes;
  const fixed = (n: number) => (c: ClusterSize) => n * c.scale;
  const specs: WatchSpec[] = [
    {
      key: "pods",
      resource: R.pods,
      scope: "cluster",
      clients: [
        { flowSchema: "system-nodes", count: perNode(1) },
        { flowSchema: "kube-controller-manager", count: fixed(15) },
        { flowSchema: STORM.flowSchema, count: perNode(STORM.watchesPerNodeAfterFix), afterFix: true },
      ],
      changesPerSecond: (c) => c.pods / 7000,
      durationHistogram: true,
    },
    {
      key: "nodes",
      resource: R.nodes,
      scope: "cluster",
      clients: [
        { flowSchema: "system-nodes", count: perNode(1) },
        { flowSchema: "kube-controller-manager", count: fixed(19) },
      ],
      changesPerSecond: (c) => c.nodes / 300,
    },
    { key: "services", resource: R.services, scope: "cluster", clients: [{ flowSchema: "system-nodes", count: perNode(1) }, { flowSchema: "kube-system-service-accounts", count: perNode(1) }], changesPerSecond: () => 0.01 },
    { key: "endpointslices", resource: R.endpointslices, scope: "cluster", clients: [{ flowSchema: "kube-system-service-accounts", count: perNode(1) }, { flowSchema: "kube-controller-manager", count: fixed(8) }], changesPerSecond: (c) => 2 * c.scale },
    { key: "configmaps", resource: R.configmaps, scope: "namespace", clients: [{ flowSchema: "system-nodes", count: perNode(1.5) }], changesPerSecond: () => 0.002 },
    { key: "secrets", resource: R.secrets, scope: "namespace", clients: [{ flowSchema: "system-nodes", count: perNode(0.8) }], changesPerSecond: () => 0.001 },
    { key: "csidrivers", resource: R.csidrivers, scope: "cluster", clients: [{ flowSchema: "system-nodes", count: perNode(1) }], changesPerSecond: () => 0 },
    { key: "runtimeclasses", resource: R.runtimeclasses, scope: "cluster", clients: [{ flowSchema: "system-nodes", count: perNode(1) }], changesPerSecond: () => 0 },
    { key: "leases", resource: R.leases, scope: "namespace", clients: [{ flowSchema: "kube-controller-manager", count: fixed(20) }], changesPerSecond: (c) => c.nodes / 10 },
    { key: "namespaces", resource: R.namespaces, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(40) }], changesPerSecond: () => 0.001 },
    { key: "deployments", resource: R.deployments, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(12) }], changesPerSecond: (c) => 0.3 * c.scale },
    { key: "replicasets", resource: R.replicasets, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(12) }], changesPerSecond: (c) => 1 * c.scale },
    { key: "daemonsets", resource: R.daemonsets, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(10) }], changesPerSecond: () => 0.05 },
    { key: "statefulsets", resource: R.statefulsets, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(10) }], changesPerSecond: () => 0.02 },
    { key: "jobs", resource: R.jobs, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(8) }], changesPerSecond: () => 0.05 },
    { key: "serviceaccounts", resource: R.serviceaccounts, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(10) }], changesPerSecond: () => 0.005 },
    { key: "persistentvolumeclaims", resource: R.persistentvolumeclaims, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(12) }], changesPerSecond: () => 0.01 },
    { key: "persistentvolumes", resource: R.persistentvolumes, scope: "cluster", clients: [{ flowSchema: "kube-controller-manager", count: fixed(10) }], changesPerSecond: () => 0.01 },
    { key: "customresourcedefinitions", resource: R.customresourcedefinitions, scope: "cluster", clients: [{ flowSchema: "kube-system-service-accounts", count: fixed(15) }], changesPerSecond: () => 0.0005 },
    { key: "flowschemas", resource: R.flowschemas, scope: "cluster", clients: [{ flowSchema: "exempt", count: () => 2, perServer: true }], changesPerSecond: () => 0.0002 },
  ];
  for (let k = 1; k < scale; k++) {
    specs.push({
      key: `crd-${k}`,
      resource: scaledCustomResource(k),
      scope: "cluster",
      clients: [{ flowSchema: scaledFlowSchema(k).name, count: () => 6 }],
      changesPerSecond: () => 1.5,
    });
  }
  return specs;
}

/** CONNECT sessions (kubectl exec) kept open at any time, per API server. */
export const OPEN_EXEC_SESSIONS = 2;

// ---------------------------------------------------------------------------------------------------------
// Admission webhooks, aggregated APIs, deprecated APIs

export interface WebhookSpec {
  name: string;
  type: "validating" | "admit";
  latency: LatencySpec;
}

export const WEBHOOKS: readonly WebhookSpec[] = [
  { name: "validation.gatekeeper.sh", type: "validating", latency: L(0.009, 0.6, 0.5) },
  { name: "namespace.sidecar-injector.istio.io", type: "admit", latency: L(0.014, 0.5, 0.5) },
  { name: "vpa.k8s.io", type: "admit", latency: L(0.005, 0.5, 0.5) },
];

export const APISERVICES = [
  "v1.",
  "v1.apps",
  "v1.batch",
  "v1.coordination.k8s.io",
  "v1.discovery.k8s.io",
  "v1.storage.k8s.io",
  "v1beta1.metrics.k8s.io",
  "v2.autoscaling",
] as const;

/** The aggregated API that flaps during the storm (metrics-server times out while the servers are saturated). */
export const FLAPPING_APISERVICE = "v1beta1.metrics.k8s.io";

export interface DeprecatedApi {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  removed_release: string;
}

/** A deprecated API that some old client still calls, per Kubernetes minor. */
export function deprecatedApiFor(minor: number): DeprecatedApi {
  if (minor <= 24) return { group: "policy", version: "v1beta1", resource: "podsecuritypolicies", subresource: "", removed_release: "1.25" };
  if (minor <= 28) return { group: "flowcontrol.apiserver.k8s.io", version: "v1beta2", resource: "flowschemas", subresource: "", removed_release: "1.29" };
  if (minor <= 31) return { group: "flowcontrol.apiserver.k8s.io", version: "v1beta3", resource: "flowschemas", subresource: "", removed_release: "1.32" };
  return { group: "resource.k8s.io", version: "v1beta1", resource: "resourceclaims", subresource: "", removed_release: "1.37" };
}

// ---------------------------------------------------------------------------------------------------------
// API servers

/** Instance labels: the first three are fixed; `scale` adds more. */
export function instanceNames(scale: number): string[] {
  const base = ["10.0.17.21:443", "10.0.41.87:443", "10.0.66.142:443"];
  const out: string[] = [];
  for (let i = 0; i < 3 * scale; i++) out.push(i < 3 ? base[i] : `10.1.${Math.floor(i / 200)}.${(i % 200) + 10}:443`);
  return out;
}
