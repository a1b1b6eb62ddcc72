// The physics of every incident kind except the LIST storm (model.ts keeps that one, byte for byte), and of
// `healthy`. One step of one API server, like model.ts, on a shared baseline: the storm's cluster without
// the storm and its restart, clients spread evenly, plus the metric families the causes need
// (webhook request/rejection counters, watch-cache counters, LISTs served from the watch cache, etcd's
// database size).
//
// What differs from model.ts, on purpose:
// - APF is modelled from demand: each flow's seats are arrivals × execution time × seats per request (APF's
//   LIST work estimate: one seat per 100 objects scanned, 1…10). A level whose demand exceeds its current
//   limit is shared max-min fairly between its flows (fair queuing); flows that get less than they ask for
//   queue (waits up to the 15 s queue timeout) and the excess is rejected (429). From 1.26 levels under
//   pressure borrow seats from levels with spare ones.
// - Latencies add up: API latency = queue wait + the server's own work + etcd time + webhook time (each
//   log-normal, summed with Fenton–Wilkinson), so a slow etcd or webhook shows in the API latency of exactly
//   the requests that wait for it.
// - WATCH events count what each watcher receives (a kubelet watches its own node's pods and its own Node),
//   and LISTs served from the watch cache count in apiserver_cache_list_*, not apiserver_storage_list_*.

import {
  APISERVICES,
  FLAPPING_APISERVICE,
  OPEN_EXEC_SESSIONS,
  PRIORITY_LEVELS,
  RESOURCES,
  WATCH_MEAN_LIFETIME_SECONDS,
  WEBHOOKS,
  clusterSize,
  deprecatedApiFor,
  flowSchemas,
  groupResource,
  instanceNames,
  requestStreams,
  storedResources,
  watchSpecs,
  type ClusterSize,
  type FlowSchema,
  type LatencySpec,
  type PriorityLevel,
  type RequestStream,
  type ResourceInfo,
  type WatchClient,
  type WatchSpec,
  type WebhookSpec,
} from "./cluster";
import { CatalogueBuilder, NO_HISTOGRAM, type FamilyInfo, type HistogramHandle, type Labels, type SeriesInfo } from "./catalogue";
import { lognormal, lognormalTail, pointMass, sumOfLognormals, truncatedLognormal, type Dist, type LogNormalSpec } from "./distributions";
import type { StepModel } from "./engine";
import { APF_SATURATION, ASYMMETRIC, ETCD_SLOW, WEBHOOK_SLOW, incidentIntensity, sizeAt, type IncidentKind } from "./incidents";
import {
  DEFAULT_HISTORY_SECONDS,
  GiB,
  NANOS_PER_SECOND,
  QUEUE_TIMEOUT_SECONDS,
  REQUEST_TIMEOUT_SECONDS,
  add,
  admissionOperation,
  observe,
  requestLabels,
  set,
  utilizationDist,
  type ModelConfig,
} from "./model";
import { Noise, hashString } from "./noise";
import { buildControlPlane, writeControlPlane, type ControlPlaneHandles } from "./control-plane";
import { asymmetricShare, buildIncidentTimeline, evenShare, type Timeline } from "./timeline";
import { versionProfile, type VersionProfile } from "./versions";

export type ModelledKind = Exclude<IncidentKind, "list-storm">;

/** APF's LIST work estimate: one seat per 100 objects it has to look at, at least 1, at most 10. */
const OBJECTS_PER_SEAT = 100;
const MAX_SEATS = 10;
/** A level whose seats are borrowed is sized for its demand plus this margin (APF's smoothed demand + spread). */
const BORROW_HEADROOM = 1.25;
/** A saturated level runs at most this share of its seats (requests finish and start in between). */
const MAX_UTILIZATION = 0.985;
/** A WATCH's initial phase (APF counts it as executing). */
const WATCH_INIT: LatencySpec = { median: 0.0015, sigma: 0.8, loadFactor: 1 };
const GATEKEEPER = "validation.gatekeeper.sh";
/** Writes in kube-system and kube-node-lease, exempt from gatekeeper (its namespaceSelector). */
const GATEKEEPER_EXEMPT = new Set(["kubelet-lease-update", "leader-election-update", "apiserver-identity-lease"]);

// ------------------------------------------------------------------------------------------------------------
// The streams of this model: the storm's cluster without the storm, plus the busy cluster's heavy readers,
// plus what an incident adds.

interface IncidentStream extends RequestStream {
  /** APF seats per request. */
  seats: number;
  /** A LIST served from the watch cache (no etcd, counted in apiserver_cache_list_*). */
  fromCache: boolean;
  /** The cache index a LIST from the cache uses ("" = none). */
  cacheIndex: string;
  /** apf-saturation's flood: rate × intensity, and its own flow (by user) inside its flow schema. */
  noisy?: boolean;
  /** watch-surge: the LIST a new client does before it WATCHes (rate = new clients of this watch + flow). */
  initialListOf?: { watch: string; flowSchema: string };
}

const L = (median: number, sigma: number, loadFactor: number): LatencySpec => ({ median, sigma, loadFactor });

function seatsFor(s: RequestStream, size: ClusterSize): number {
  if (s.verb !== "LIST" || !s.list) return 1;
  return Math.min(MAX_SEATS, Math.max(1, Math.ceil(s.list.fetched(size) / OBJECTS_PER_SEAT)));
}

function incidentStreams(kind: ModelledKind, scale: number, specs: readonly WatchSpec[]): IncidentStream[] {
  const size = clusterSize(scale);
  const decorate = (s: RequestStream, extra: Partial<IncidentStream> = {}): IncidentStream => ({
    ...s,
    seats: seatsFor(s, size),
    fromCache: s.verb === "LIST" && !s.etcd,
    cacheIndex: "",
    ...extra,
  });
  const out: IncidentStream[] = [];
  for (const s of requestStreams(scale)) {
    if (s.storm) continue;
    // gatekeeper's rules: every resource (no subresources), CREATE and UPDATE, outside its exempt namespaces.
    const matched = (s.verb === "CREATE" || s.verb === "UPDATE" || s.verb === "PATCH") && s.subresource === "" && s.resource !== null && !GATEKEEPER_EXEMPT.has(s.key);
    const webhooks = matched && !(s.webhooks ?? []).includes(GATEKEEPER) ? [GATEKEEPER, ...(s.webhooks ?? [])] : s.webhooks;
    out.push(decorate({ ...s, ...(webhooks ? { webhooks } : {}) }));
  }
  const R = RESOURCES;
  if (kind === "apf-saturation") {
    const a = APF_SATURATION;
    out.push(
      decorate(
        {
          key: "noisy-endpointslice-list",
          verb: "LIST",
          resource: R.endpointslices,
          subresource: "",
          scope: "cluster",
          flowSchema: a.flowSchema,
          rate: (c) => c.nodes * a.listsPerNodePerSecond,
          latency: L(0.7, 0.35, 1.0),
          code: "200",
          etcd: { operation: "list", latency: L(0.12, 0.5, 1.5) },
          list: { returned: () => a.returnedPerList, fetched: (c) => a.fetchedPerList * c.scale, evaluated: (c) => a.fetchedPerList * c.scale, bytesPerObject: 3000 },
        },
        { noisy: true, seats: a.seatsPerList },
      ),
    );
  }
  if (kind === "watch-surge") {
    // Every new node's clients LIST (from the watch cache, resourceVersion=0) before they WATCH.
    const initial: Record<string, { latency: LatencySpec; fetched: (c: ClusterSize) => number; returned: number; bytes: number; index: string }> = {
      pods: { latency: L(0.012, 0.6, 1.5), fetched: (c) => c.pods / c.nodes, returned: 50, bytes: 4500, index: "f:spec.nodeName" },
      nodes: { latency: L(0.02, 0.6, 1.5), fetched: (c) => c.nodes, returned: 1, bytes: 20000, index: "" },
      services: { latency: L(0.03, 0.6, 1.5), fetched: () => 820, returned: 820, bytes: 1500, index: "" },
      endpointslices: { latency: L(0.04, 0.6, 1.5), fetched: () => 900, returned: 900, bytes: 3000, index: "" },
      configmaps: { latency: L(0.004, 0.6, 1.5), fetched: () => 16, returned: 1, bytes: 2200, index: "" },
      secrets: { latency: L(0.004, 0.6, 1.5), fetched: () => 19, returned: 1, bytes: 1500, index: "" },
      csidrivers: { latency: L(0.003, 0.5, 1.5), fetched: () => 3, returned: 3, bytes: 800, index: "" },
      runtimeclasses: { latency: L(0.003, 0.5, 1.5), fetched: () => 2, returned: 2, bytes: 500, index: "" },
    };
    for (const w of specs) {
      const i = initial[w.key];
      if (!i) continue;
      for (const client of w.clients) {
        if (client.perServer || !isPerNode(client)) continue;
        const s: RequestStream = {
          key: `initial-list-${w.key}-${client.flowSchema}`,
          verb: "LIST",
          resource: w.resource,
          subresource: "",
          scope: w.scope,
          flowSchema: client.flowSchema,
          rate: () => 0,
          latency: i.latency,
          code: "200",
          list: { returned: () => i.returned, fetched: i.fetched, evaluated: i.fetched, bytesPerObject: i.bytes },
        };
        out.push(decorate(s, { cacheIndex: i.index, initialListOf: { watch: w.key, flowSchema: client.flowSchema } }));
      }
    }
  }
  return out;
}

/** Clients whose count grows with the node count (kubelets, kube-proxy, node agents). */
function isPerNode(client: WatchClient): boolean {
  const a = client.count({ nodes: 1000, pods: 50000, scale: 1 });
  const b = client.count({ nodes: 2000, pods: 50000, scale: 1 });
  return b > a * 1.5;
}

/**
 * Share of a resource's changes one watcher of this client receives: a kubelet watches its own node's pods
 * and its own Node, and single ConfigMaps/Secrets (per object); everyone else watches everything.
 */
function selectivity(spec: WatchSpec, client: WatchClient, size: ClusterSize, stored: number): number {
  if (client.flowSchema !== "system-nodes") return 1;
  if (spec.key === "pods" || spec.key === "nodes") return 1 / size.nodes;
  if (spec.key === "configmaps" || spec.key === "secrets") return 1 / Math.max(1, stored);
  return 1;
}

// ------------------------------------------------------------------------------------------------------------
// Handles

interface FlowHandles {
  index: number;
  fs: FlowSchema;
  pl: PriorityLevel;
  key: number;
  executingRequests: number;
  executingSeats: number;
  concurrencyInUse: number;
  inqueue: number;
  dispatched: number;
  rejectedQueueFull: number;
  rejectedTimeOut: number;
  waitExecuted: HistogramHandle;
  waitRejected: HistogramHandle;
  execRegular: HistogramHandle;
  execWatch: HistogramHandle;
  queueLength: HistogramHandle;
}

interface LevelHandles {
  pl: PriorityLevel;
  index: number;
  nominal: number;
  current: number;
  lower: number;
  upper: number;
  concurrencyLimit: number;
  seatUtilization: HistogramHandle;
}

interface WebhookHandles {
  spec: WebhookSpec;
  ok: HistogramHandle;
  failed: HistogramHandle;
  requestsOk: number;
  requestsFailed: number;
  rejections: number;
}

interface StreamHandles {
  spec: IncidentStream;
  key: number;
  readOnly: boolean;
  fs: FlowHandles;
  /** Allocation unit: the flow schema, or the noisy agent's own flow in it. */
  unit: number;
  codes: Array<{ fraction: number; slot: number }>;
  mainCode: number;
  tooManyRequests: number;
  gatewayTimeout: number;
  internalError: number;
  terminated429: number;
  terminated504: number;
  duration: HistogramHandle;
  responseSizes: HistogramHandle;
  etcd: HistogramHandle;
  storageList: { total: number; fetched: number; evaluated: number; returned: number } | null;
  cacheList: { total: number; fetched: number; returned: number } | null;
  webhooks: WebhookHandles[];
  /** /readyz checks etcd. */
  readyz: boolean;
}

interface WatchHandles {
  spec: WatchSpec;
  key: number;
  longrunning: number;
  longrunningGauge: number;
  registeredWatchers: number;
  requestTotal: number;
  duration: HistogramHandle;
  events: number;
  dispatched: number;
  initializations: number;
  terminated: number;
  storedForSelectivity: number;
  clients: Array<{ client: WatchClient; fs: FlowHandles; salt: number }>;
}

interface StoredHandles {
  resource: ResourceInfo;
  key: number;
  storageObjects: number;
  resourceObjects: number;
  etcdObjectCounts: number;
}

interface Ctx {
  instance: number;
  t: number;
  dt: number;
  n: number;
  salt: number;
  uptime: boolean;
  processStart: number;
  /** The process (re)started inside this step: every watch it holds is new. */
  freshProcess: boolean;
  share: number;
  previousShare: number;
  size: ClusterSize;
  previousSize: ClusterSize;
  intensity: number;
  /** 0..1, slows every request like model.ts's load (CPU). */
  load: number;
  /** Multiplies every latency (asymmetric: a server out of CPU). */
  slow: number;
  /** 0..1, how far past its CPU a server is (asymmetric). */
  overload: number;
  etcdWrite: number;
  etcdRead: number;
  etcdSigma: number;
  /** webhook-slow intensity. */
  webhook: number;
}

/** Per stream, between the demand pass and the write pass. */
interface StreamStep {
  arrivals: number;
  /** The request's own latency at this server (slowed by load), and what it waits for beyond it (etcd, webhooks). */
  base: LogNormalSpec;
  extras: LogNormalSpec[];
  /** Time inside APF: 0.8 × base (the rest is before APF and writing the response) + extras. */
  exec: LogNormalSpec;
  /** etcd time this request waits for, beyond its baseline (included in exec). */
  etcd: Dist | null;
  webhook: { failShare: number; extra: LogNormalSpec | null; dists: Array<{ ok: Dist; failShare: number }> } | null;
  /** Seats and requests demanded, averaged over the step. */
  seats: number;
  requests: number;
}

interface UnitState {
  /** Served fraction of arrivals. */
  served: number;
  /** Queue wait of served requests. */
  wait: LogNormalSpec;
  inqueue: number;
  throttled: boolean;
}

export class IncidentModel implements StepModel {
  readonly profile: VersionProfile;
  readonly instances: readonly string[];
  readonly timeline: Timeline;
  readonly series: readonly SeriesInfo[];
  readonly families: ReadonlyMap<string, FamilyInfo>;
  readonly cumulative: Uint8Array;
  readonly size: ClusterSize;
  readonly origin: number;
  readonly kind: ModelledKind;

  private readonly noise: Noise;
  private readonly template: Float64Array;
  private readonly flows: FlowHandles[] = [];
  private readonly levels: LevelHandles[] = [];
  private readonly streams: StreamHandles[] = [];
  private readonly watches: WatchHandles[] = [];
  private readonly stored: StoredHandles[] = [];
  /** Allocation units: one per flow schema, plus the noisy agent's flow. */
  private readonly units: Array<{ flow: number; noisy: boolean }> = [];
  private readonly misc: {
    inflightReadOnly: number;
    inflightMutating: number;
    inqueueReadOnly: number;
    inqueueMutating: number;
    execSessions: number;
    cpu: number;
    memory: number;
    startTime: number;
    goroutines: number;
    threads: number;
    apiservices: Array<{ name: string; slot: number }>;
    deprecatedApi: number;
  };
  /** etcd's size, gatekeeper's denials, the scheduler and the controller manager (control-plane.ts). */
  private readonly controlPlane: ControlPlaneHandles;
  private readonly processStartBefore: number[];
  private readonly restartOf: Map<number, number>;

  constructor(readonly config: ModelConfig & { incident: ModelledKind }) {
    this.kind = config.incident;
    this.profile = versionProfile(config.k8sVersion, config.showHiddenMetricsForVersion);
    this.instances = instanceNames(config.scale);
    this.size = clusterSize(config.scale);
    const start = config.end - config.historySeconds;
    this.origin = Math.min(start, config.end - DEFAULT_HISTORY_SECONDS);
    this.processStartBefore = this.instances.map((_, i) => this.origin - (3 * 86400 + i * 7 * 3600 + 1234));
    this.timeline = buildIncidentTimeline(this.kind, config.end, config.historySeconds, this.instances, this.processStartBefore[2]);
    this.restartOf = new Map(this.timeline.restarts.map((r) => [this.instances.indexOf(r.instance), r.at - 23]));
    this.noise = new Noise(config.seed);

    const b = new CatalogueBuilder(this.profile);
    const specs = watchSpecs(config.scale).map((w) => ({ ...w, clients: w.clients.filter((c) => !c.afterFix) }));
    this.buildApf(b, specs);
    this.buildStreams(b, incidentStreams(this.kind, config.scale, specs));
    this.buildWatches(b, specs);
    this.buildStored(b);
    this.misc = this.buildMisc(b);
    this.controlPlane = buildControlPlane(b, this.profile);

    this.series = b.series;
    this.families = b.families;
    this.cumulative = Uint8Array.from(b.series, (s) => (s.cumulative ? 1 : 0));
    this.template = Float64Array.from(b.series, (s) => (s.cumulative ? 0 : NaN));
  }

  processStart(instance: number, t: number): number {
    const restart = this.restartOf.get(instance);
    if (restart !== undefined && t >= restart) return restart;
    return this.processStartBefore[instance];
  }

  newBuffer(): Float64Array {
    return this.template.slice();
  }

  initial(instance: number, out: Float64Array): void {
    const t = this.origin;
    out.set(this.template);
    const processStart = this.processStart(instance, t);
    this.compute(this.context(instance, t, t - processStart, true), out);
    const gauges = this.newBuffer();
    this.compute(this.context(instance, t, this.config.stepSeconds, false), gauges);
    for (let i = 0; i < out.length; i++) if (!this.cumulative[i]) out[i] = gauges[i];
  }

  step(instance: number, t: number, out: Float64Array): void {
    out.set(this.template);
    const processStart = this.processStart(instance, t);
    const dt = Math.min(this.config.stepSeconds, t - processStart);
    this.compute(this.context(instance, t, dt, false), out);
  }

  private shareAt(instance: number, t: number): number {
    if (this.kind === "asymmetric" && this.timeline.incidentStart !== null && t >= this.timeline.incidentStart) {
      return asymmetricShare(this.timeline, instance, this.instances.length, t);
    }
    return evenShare(instance, this.instances.length);
  }

  private context(instance: number, t: number, dt: number, uptime: boolean): Ctx {
    const tl = this.timeline;
    const step = this.config.stepSeconds;
    const intensity = uptime ? 0 : incidentIntensity(this.kind, tl, t - dt / 2);
    const processStart = this.processStart(instance, t);
    const share = uptime ? evenShare(instance, this.instances.length) : this.shareAt(instance, t);
    const c: Ctx = {
      instance,
      t,
      dt,
      n: Math.round(t / step),
      salt: uptime ? 1_000_003 + instance : instance + 1,
      uptime,
      processStart,
      freshProcess: t - dt <= processStart,
      share,
      previousShare: uptime ? share : this.shareAt(instance, t - step),
      size: uptime ? this.size : sizeAt(this.kind, this.size, tl, t),
      previousSize: uptime ? this.size : sizeAt(this.kind, this.size, tl, t - step),
      intensity,
      load: 0,
      slow: 1,
      overload: 0,
      etcdWrite: 1,
      etcdRead: 1,
      etcdSigma: 0,
      webhook: 0,
    };
    switch (this.kind) {
      case "apf-saturation":
        // 200 LIST/s of every EndpointSlice from etcd: CPU on the servers, range reads on etcd.
        c.load = 0.5 * intensity;
        c.etcdWrite = 1 + 0.5 * intensity;
        c.etcdRead = 1 + 0.5 * intensity;
        break;
      case "etcd-slow":
        c.etcdWrite = 1 + (ETCD_SLOW.writeSlowdown - 1) * intensity;
        c.etcdRead = 1 + (ETCD_SLOW.readSlowdown - 1) * intensity;
        c.etcdSigma = ETCD_SLOW.extraSigma * intensity;
        break;
      case "webhook-slow":
        c.webhook = intensity;
        break;
      case "watch-surge":
        c.load = 0.25 * intensity;
        break;
      case "asymmetric": {
        // Out of CPU from `fullSlowdownAt` times an even share: every request waits for a core (up to
        // maxSlowdown × slower); a server with fewer clients than usual is a little faster.
        const relative = share * this.instances.length;
        const a = ASYMMETRIC;
        const x = Math.max(0, Math.min(1, (relative - 1) / (a.fullSlowdownAt - 1)));
        c.overload = x;
        c.slow = relative >= 1 ? 1 + (a.maxSlowdown - 1) * x * x : 1 - a.idleSpeedup * (1 - relative);
        break;
      }
      case "healthy":
        break;
    }
    return c;
  }

  // ----------------------------------------------------------------------------------------------------------
  // Catalogue

  private buildApf(b: CatalogueBuilder, specs: readonly WatchSpec[]): void {
    const buckets = this.profile.buckets;
    const plByName = new Map<string, PriorityLevel>(PRIORITY_LEVELS.map((pl) => [pl.name, pl]));
    for (const pl of PRIORITY_LEVELS) {
      const labels = { priority_level: pl.name };
      const hasLimit = this.profile.seatBorrowing || !pl.exempt;
      this.levels.push({
        pl,
        index: this.levels.length,
        nominal: b.gauge("apiserver_flowcontrol_nominal_limit_seats", labels),
        current: b.gauge("apiserver_flowcontrol_current_limit_seats", labels),
        lower: b.gauge("apiserver_flowcontrol_lower_limit_seats", labels),
        upper: b.gauge("apiserver_flowcontrol_upper_limit_seats", labels),
        concurrencyLimit: hasLimit ? b.gauge("apiserver_flowcontrol_request_concurrency_limit", labels) : -1,
        seatUtilization: b.histogram("apiserver_flowcontrol_priority_level_seat_utilization", { ...labels, phase: "executing" }, buckets.seatUtilization),
      });
    }
    const watching = new Set(specs.flatMap((w) => w.clients.map((c) => c.flowSchema)));
    for (const fs of flowSchemas(this.config.scale)) {
      const pl = plByName.get(fs.priorityLevel)!;
      const labels = { priority_level: pl.name, flow_schema: fs.name };
      const queues = !pl.exempt;
      this.flows.push({
        index: this.flows.length,
        fs,
        pl,
        key: hashString(`fs:${fs.name}`),
        executingRequests: b.gauge("apiserver_flowcontrol_current_executing_requests", labels),
        executingSeats: b.gauge("apiserver_flowcontrol_current_executing_seats", labels),
        concurrencyInUse: b.gauge("apiserver_flowcontrol_request_concurrency_in_use", labels),
        inqueue: b.gauge("apiserver_flowcontrol_current_inqueue_requests", labels),
        dispatched: b.counter("apiserver_flowcontrol_dispatched_requests_total", labels),
        rejectedQueueFull: b.counter("apiserver_flowcontrol_rejected_requests_total", { ...labels, reason: "queue-full" }, { lazy: true }),
        rejectedTimeOut: b.counter("apiserver_flowcontrol_rejected_requests_total", { ...labels, reason: "time-out" }, { lazy: true }),
        waitExecuted: queues ? b.histogram("apiserver_flowcontrol_request_wait_duration_seconds", { ...labels, execute: "true" }, buckets.apfDuration) : NO_HISTOGRAM,
        waitRejected: queues ? b.histogram("apiserver_flowcontrol_request_wait_duration_seconds", { ...labels, execute: "false" }, buckets.apfDuration, { lazy: true }) : NO_HISTOGRAM,
        execRegular: b.histogram("apiserver_flowcontrol_request_execution_seconds", { ...labels, type: "regular" }, buckets.apfDuration),
        execWatch: watching.has(fs.name) ? b.histogram("apiserver_flowcontrol_request_execution_seconds", { ...labels, type: "watch" }, buckets.apfDuration) : NO_HISTOGRAM,
        queueLength: queues ? b.histogram("apiserver_flowcontrol_request_queue_length_after_enqueue", labels, buckets.queueLength) : NO_HISTOGRAM,
      });
      this.units.push({ flow: this.flows.length - 1, noisy: false });
    }
  }

  private flow(name: string): FlowHandles {
    const f = this.flows.find((x) => x.fs.name === name);
    if (!f) throw new Error(`unknown flow schema ${name}`);
    return f;
  }

  private buildStreams(b: CatalogueBuilder, specs: readonly IncidentStream[]): void {
    const buckets = this.profile.buckets;
    for (const spec of specs) {
      const labels = requestLabels(spec.verb, spec.resource, spec.subresource, spec.scope);
      const codeSlot = (code: string, lazy = false) => b.counter("apiserver_request_total", { ...labels, code }, { lazy });
      const { dry_run: _dryRun, ...withoutDryRun } = labels;
      const terminationSlot = (code: string) => b.counter("apiserver_request_terminations_total", { ...withoutDryRun, code }, { lazy: true });
      const r = spec.resource;
      const fs = this.flow(spec.flowSchema);
      let unit = fs.index;
      if (spec.noisy) {
        this.units.push({ flow: fs.index, noisy: true });
        unit = this.units.length - 1;
      }
      const apf = spec.verb !== "CONNECT";
      const webhooks = (spec.webhooks ?? []).map((name): WebhookHandles => {
        const webhook = WEBHOOKS.find((w) => w.name === name)!;
        const operation = admissionOperation(spec.verb);
        const l = (rejected: string) => ({ name, type: webhook.type, operation, rejected });
        const failing = name === WEBHOOK_SLOW.webhook && this.kind === "webhook-slow";
        return {
          spec: webhook,
          ok: b.histogram("apiserver_admission_webhook_admission_duration_seconds", l("false"), buckets.webhookDuration),
          failed: failing ? b.histogram("apiserver_admission_webhook_admission_duration_seconds", l("true"), buckets.webhookDuration, { lazy: true }) : NO_HISTOGRAM,
          requestsOk: b.counter("apiserver_admission_webhook_request_total", { name, type: webhook.type, operation, code: "200", rejected: "false" }),
          requestsFailed: failing ? b.counter("apiserver_admission_webhook_request_total", { name, type: webhook.type, operation, code: WEBHOOK_SLOW.callErrorCode, rejected: "true" }, { lazy: true }) : -1,
          rejections: failing
            ? b.counter("apiserver_admission_webhook_rejection_count", { name, type: webhook.type, operation, error_type: "calling_webhook_error", rejection_code: WEBHOOK_SLOW.callErrorCode }, { lazy: true })
            : -1,
        };
      });
      this.streams.push({
        spec,
        key: hashString(`stream:${spec.key}`),
        readOnly: spec.verb === "GET" || spec.verb === "LIST",
        fs,
        unit,
        mainCode: codeSlot(spec.code),
        codes: (spec.otherCodes ?? []).map(([code, fraction]) => ({ fraction, slot: codeSlot(code, true) })),
        tooManyRequests: apf ? codeSlot("429", true) : -1,
        gatewayTimeout: apf ? codeSlot("504", true) : -1,
        internalError: webhooks.some((w) => w.requestsFailed >= 0) ? codeSlot(WEBHOOK_SLOW.requestCode, true) : -1,
        terminated429: apf ? terminationSlot("429") : -1,
        terminated504: apf ? terminationSlot("504") : -1,
        duration: b.histogram("apiserver_request_duration_seconds", labels, buckets.requestDuration),
        responseSizes: spec.verb === "LIST" ? b.histogram("apiserver_response_sizes", withoutDryRun, buckets.responseSizes) : NO_HISTOGRAM,
        etcd: spec.etcd && r ? b.histogram("etcd_request_duration_seconds", this.etcdLabels(spec.etcd.operation, r), buckets.etcdRequestDuration) : NO_HISTOGRAM,
        storageList:
          spec.list && r && !spec.fromCache
            ? {
                total: b.counter("apiserver_storage_list_total", this.storageLabels(r)),
                fetched: b.counter("apiserver_storage_list_fetched_objects_total", this.storageLabels(r)),
                evaluated: b.counter("apiserver_storage_list_evaluated_objects_total", this.storageLabels(r)),
                returned: b.counter("apiserver_storage_list_returned_objects_total", this.storageLabels(r)),
              }
            : null,
        cacheList:
          spec.list && r && spec.fromCache
            ? {
                total: b.counter("apiserver_cache_list_total", { ...this.cacheLabels(r), index: spec.cacheIndex }),
                fetched: b.counter("apiserver_cache_list_fetched_objects_total", { ...this.cacheLabels(r), index: spec.cacheIndex }),
                returned: b.counter("apiserver_cache_list_returned_objects_total", this.cacheLabels(r)),
              }
            : null,
        webhooks,
        readyz: spec.resource === null && spec.subresource === "/readyz",
      });
    }
  }

  private buildWatches(b: CatalogueBuilder, specs: readonly WatchSpec[]): void {
    for (const spec of specs) {
      const r = spec.resource;
      const labels = requestLabels("WATCH", r, "", spec.scope);
      const { dry_run: _dryRun, ...longrunningLabels } = labels;
      const kindLabels = { group: r.group, version: r.version, kind: r.kind };
      const cache = this.watchCacheLabels(r);
      this.watches.push({
        spec,
        key: hashString(`watch:${spec.key}`),
        longrunning: b.gauge("apiserver_longrunning_requests", longrunningLabels),
        longrunningGauge: b.gauge("apiserver_longrunning_gauge", longrunningLabels),
        registeredWatchers: b.gauge("apiserver_registered_watchers", kindLabels),
        requestTotal: b.counter("apiserver_request_total", { ...labels, code: "0" }),
        duration: spec.durationHistogram ? b.histogram("apiserver_request_duration_seconds", labels, this.profile.buckets.requestDuration) : NO_HISTOGRAM,
        events: b.counter("apiserver_watch_events_total", this.profile.watchEventsByResource ? { group: r.group, version: r.version, resource: r.resource } : kindLabels),
        dispatched: b.counter("apiserver_watch_cache_events_dispatched_total", cache),
        initializations: b.counter("apiserver_watch_cache_initializations_total", cache),
        terminated: b.counter("apiserver_terminated_watchers_total", cache, { lazy: true }),
        storedForSelectivity: r.storedPerNode ? r.stored : r.stored * this.config.scale,
        clients: spec.clients.map((client) => ({ client, fs: this.flow(client.flowSchema), salt: 3 + (hashString(client.flowSchema) % 997) })),
      });
    }
  }

  private buildStored(b: CatalogueBuilder): void {
    for (const r of storedResources(this.config.scale)) {
      this.stored.push({
        resource: r,
        key: hashString(`stored:${groupResource(r)}`),
        storageObjects: b.gauge("apiserver_storage_objects", { resource: groupResource(r) }),
        resourceObjects: b.gauge("apiserver_resource_objects", { group: r.group, resource: r.resource }),
        etcdObjectCounts: b.gauge("etcd_object_counts", { resource: groupResource(r) }),
      });
    }
  }

  private buildMisc(b: CatalogueBuilder) {
    const exec = requestLabels("CONNECT", RESOURCES.pods, "exec", "resource");
    const { dry_run: _dryRun, ...execLabels } = exec;
    const deprecated = deprecatedApiFor(this.profile.minor);
    return {
      inflightReadOnly: b.gauge("apiserver_current_inflight_requests", { request_kind: "readOnly" }),
      inflightMutating: b.gauge("apiserver_current_inflight_requests", { request_kind: "mutating" }),
      inqueueReadOnly: b.gauge("apiserver_current_inqueue_requests", { request_kind: "readOnly" }),
      inqueueMutating: b.gauge("apiserver_current_inqueue_requests", { request_kind: "mutating" }),
      execSessions: b.gauge("apiserver_longrunning_requests", execLabels),
      cpu: b.counter("process_cpu_seconds_total", {}, { integer: false }),
      memory: b.gauge("process_resident_memory_bytes", {}),
      startTime: b.gauge("process_start_time_seconds", {}),
      goroutines: b.gauge("go_goroutines", {}),
      threads: b.gauge("go_threads", {}),
      apiservices: APISERVICES.map((name) => ({ name, slot: b.gauge("aggregator_unavailable_apiservice", { name }) })),
      deprecatedApi: b.gauge("apiserver_requested_deprecated_apis", { ...deprecated }),
    };
  }

  private etcdLabels(operation: string, r: ResourceInfo): Labels {
    switch (this.profile.etcdTypeStyle) {
      case "goType":
        return { operation, type: operation === "list" ? `${r.goType}List` : r.goType };
      case "groupResource":
        return { operation, type: groupResource(r) };
      case "groupAndResource":
        return { operation, group: r.group, resource: r.resource };
    }
  }

  private storageLabels(r: ResourceInfo): Labels {
    return this.profile.storageLabelsByGroup ? { group: r.group, resource: r.resource } : { resource: groupResource(r) };
  }

  /** apiserver_cache_list_*: the storage prefix up to 1.33 (`/pods`, `/minions`, `/apiextensions.k8s.io/…`), then group and resource. */
  private cacheLabels(r: ResourceInfo): Labels {
    return this.profile.storageLabelsByGroup ? { group: r.group, resource: r.resource } : { resource_prefix: storagePrefix(r) };
  }

  /** Watch-cache counters name the object type like etcd's `type` did (Go type ≤ 1.25, group-resource, then group + resource). */
  private watchCacheLabels(r: ResourceInfo): Labels {
    switch (this.profile.etcdTypeStyle) {
      case "goType":
        return { resource: r.goType };
      case "groupResource":
        return { resource: groupResource(r) };
      case "groupAndResource":
        return { group: r.group, resource: r.resource };
    }
  }

  // ----------------------------------------------------------------------------------------------------------
  // One step

  private compute(c: Ctx, out: Float64Array): void {
    const unitCount = this.units.length;
    const seats = new Float64Array(unitCount);
    const requests = new Float64Array(unitCount);
    const readOnlyRequests = new Float64Array(unitCount);

    // 1. WATCHes: gauges, events, new clients (their initial LISTs), watch starts through APF.
    const newClients = new Map<string, number>();
    let watches = 0;
    let eventsPerSecond = 0;
    for (const w of this.watches) {
      const r = this.computeWatch(c, w, out, newClients, seats, requests, readOnlyRequests);
      watches += r.open;
      eventsPerSecond += r.eventsPerSecond;
    }

    // 2. Requests: arrivals, latencies, demand.
    const steps: StreamStep[] = this.streams.map((s) => this.demand(c, s, newClients));
    for (let i = 0; i < this.streams.length; i++) {
      const s = this.streams[i];
      if (s.spec.verb === "CONNECT") continue;
      seats[s.unit] += steps[i].seats;
      requests[s.unit] += steps[i].requests;
      if (s.readOnly) readOnlyRequests[s.unit] += steps[i].requests;
    }

    // 3. APF: limits, saturation, fair shares, waits.
    const levelDemand = new Float64Array(this.levels.length);
    const levelOf = (unit: number) => this.flows[this.units[unit].flow].pl;
    const levelIndex = new Map(this.levels.map((l) => [l.pl.name, l.index]));
    for (let u = 0; u < unitCount; u++) levelDemand[levelIndex.get(levelOf(u).name)!] += seats[u];
    const limits = this.currentLimits(c, levelDemand);
    const units = this.allocate(c, seats, limits);
    // Requests waiting in the queues (Little's law on the wait).
    const arrivalRate = new Float64Array(unitCount);
    for (let i = 0; i < this.streams.length; i++) if (this.streams[i].spec.verb !== "CONNECT") arrivalRate[this.streams[i].unit] += steps[i].arrivals / Math.max(1e-9, c.dt);
    for (let u = 0; u < unitCount; u++) {
      const st = units[u];
      if (st.throttled || st.wait.median > 0.01) st.inqueue = arrivalRate[u] * lognormal(st.wait.median, st.wait.sigma, QUEUE_TIMEOUT_SECONDS).mean;
    }

    // 4. Counters and histograms of every request.
    let arrivals = 0;
    let listObjects = 0;
    for (let i = 0; i < this.streams.length; i++) {
      const r = this.write(c, this.streams[i], steps[i], units[this.streams[i].unit], out);
      arrivals += steps[i].arrivals;
      listObjects += r.listObjects;
    }

    // 5. APF gauges, in-flight, the process.
    const flowCount = this.flows.length;
    const flowSeats = new Float64Array(flowCount);
    const flowRequests = new Float64Array(flowCount);
    const flowReadOnly = new Float64Array(flowCount);
    const flowInqueue = new Float64Array(flowCount);
    const flowPinned = new Float64Array(flowCount);
    for (let u = 0; u < unitCount; u++) {
      const f = this.units[u].flow;
      const st = units[u];
      const granted = seats[u] * st.served;
      flowSeats[f] += granted;
      flowRequests[f] += requests[u] * st.served;
      flowReadOnly[f] += readOnlyRequests[u] * st.served;
      flowInqueue[f] += st.inqueue;
      if (st.throttled) flowPinned[f] += granted;
    }
    const seatsByLevel = new Float64Array(this.levels.length);
    let readOnly = 0;
    let mutating = 0;
    let queuedReadOnly = 0;
    let queuedMutating = 0;
    let executingTotal = 0;
    for (let fi = 0; fi < flowCount; fi++) {
      const f = this.flows[fi];
      const li = levelIndex.get(f.pl.name)!;
      const mean = flowSeats[fi];
      const spread = Math.sqrt(Math.max(0, mean - flowPinned[fi])) * 0.5 + flowPinned[fi] * 0.004;
      const noisy = Math.max(0, Math.round(mean + spread * this.noise.gaussian(f.key, c.n, c.salt * 31 + 1)));
      const gaugeSeats = f.pl.exempt ? noisy : Math.min(noisy, limits[li]);
      const perSeat = mean > 0 ? flowRequests[fi] / mean : 1;
      const gaugeRequests = Math.round(gaugeSeats * perSeat);
      const roShare = flowRequests[fi] > 0 ? flowReadOnly[fi] / flowRequests[fi] : 0;
      set(out, f.executingRequests, gaugeRequests);
      set(out, f.executingSeats, gaugeSeats);
      set(out, f.concurrencyInUse, gaugeSeats);
      const queued = flowInqueue[fi] > 0.5 ? Math.max(0, Math.round(flowInqueue[fi] * (1 + 0.12 * this.noise.gaussian(f.key, c.n, c.salt * 31 + 2)))) : 0;
      set(out, f.inqueue, queued);
      seatsByLevel[li] += gaugeSeats;
      readOnly += gaugeRequests * roShare;
      mutating += gaugeRequests * (1 - roShare);
      queuedReadOnly += queued * roShare;
      queuedMutating += queued * (1 - roShare);
      executingTotal += gaugeRequests;
    }
    for (const l of this.levels) {
      const current = limits[l.index];
      set(out, l.nominal, l.pl.nominal);
      set(out, l.current, current);
      set(out, l.lower, l.pl.lower);
      set(out, l.upper, l.pl.upper);
      set(out, l.concurrencyLimit, l.pl.nominal);
      observe(out, l.seatUtilization, c.dt * NANOS_PER_SECOND, utilizationDist(seatsByLevel[l.index], Math.max(1, current)));
    }
    const watermark = (v: number, salt: number) => Math.round(v * 1.04 + 1 + Math.abs(this.noise.gaussian(hashString("watermark"), c.n, c.salt * 31 + salt)) * 2);
    set(out, this.misc.inflightReadOnly, watermark(readOnly, 1));
    set(out, this.misc.inflightMutating, watermark(mutating, 2));
    set(out, this.misc.inqueueReadOnly, Math.round(queuedReadOnly));
    set(out, this.misc.inqueueMutating, Math.round(queuedMutating));

    const requestsPerSecond = arrivals / c.dt + watches / WATCH_MEAN_LIFETIME_SECONDS;
    this.computeProcess(c, out, requestsPerSecond, watches, executingTotal, listObjects / c.dt, eventsPerSecond);
    this.computeStoredObjects(c, out);
    this.computeAggregator(c, out);
    // The scheduler's flows are workload-high: apf-saturation throttles its binds; elsewhere, the server's CPU.
    const stress = this.kind === "apf-saturation" ? c.intensity : Math.max(c.load, c.overload);
    writeControlPlane(this.controlPlane, { instance: c.instance, t: c.t, dt: c.dt, n: c.n, uptime: c.uptime, stress }, this.noise, out, this.dbSizeBase(c));
    const sessions = Math.max(0, Math.round(OPEN_EXEC_SESSIONS * c.share * 3 + this.noise.gaussian(hashString("exec"), c.n, c.salt)));
    set(out, this.misc.execSessions, sessions);
  }

  private computeWatch(
    c: Ctx,
    w: WatchHandles,
    out: Float64Array,
    newClients: Map<string, number>,
    seats: Float64Array,
    requests: Float64Array,
    readOnlyRequests: Float64Array,
  ): { open: number; eventsPerSecond: number } {
    const spec = w.spec;
    const countOf = (client: WatchClient, share: number, size: ClusterSize) => client.count(size) * (client.perServer ? 1 : share);
    const open = (share: number, size: ClusterSize) => w.clients.reduce((sum, { client }) => sum + countOf(client, share, size), 0);
    const now = open(c.share, c.size);
    const before = c.uptime ? now : open(c.previousShare, c.previousSize);
    const churn = c.freshProcess ? now : Math.max(0, now - before);
    const started = this.noise.round((now / WATCH_MEAN_LIFETIME_SECONDS) * c.dt + churn, w.key, c.n, c.salt * 64 + 1);
    add(out, w.requestTotal, started);
    observe(out, w.duration, started, lognormal(0.0012 * c.slow, 0.9));
    // What the watchers receive, and what the cache dispatches (every change once, whoever watches).
    const changes = spec.changesPerSecond(c.size);
    let received = 0;
    for (const { client } of w.clients) received += countOf(client, c.share, c.size) * selectivity(spec, client, c.size, w.storedForSelectivity);
    const eventsPerSecond = changes * received;
    add(out, w.events, this.noise.round(eventsPerSecond * c.dt, w.key, c.n, c.salt * 64 + 2));
    add(out, w.dispatched, this.noise.round(changes * c.dt, w.key, c.n, c.salt * 64 + 3));
    // The cache is (re)built once when the process starts.
    if (c.freshProcess) add(out, w.initializations, 1);
    // Watchers too slow to keep up are closed (a server out of CPU, or fan-out to far more watchers than usual).
    const pressure = Math.max(c.overload, this.kind === "watch-surge" ? c.intensity * 0.5 : 0);
    if (pressure > 0) add(out, w.terminated, this.noise.round(now * 0.0004 * pressure * (c.dt / 60), w.key, c.n, c.salt * 64 + 5));
    // Each client's WATCH passes APF once when it starts (its initialization phase).
    const total = w.clients.reduce((sum, x) => sum + countOf(x.client, c.share, c.size), 0);
    const init = { median: WATCH_INIT.median * c.slow * (1 + WATCH_INIT.loadFactor * c.load), sigma: WATCH_INIT.sigma };
    const initDist = lognormal(init.median, init.sigma);
    for (const { client, fs, salt } of w.clients) {
      const count = countOf(client, c.share, c.size);
      const n = this.noise.round((started * count) / Math.max(1, total), w.key, c.n, c.salt * 64 + salt);
      add(out, fs.dispatched, n);
      observe(out, fs.execWatch, n, initDist);
      observe(out, fs.waitExecuted, n, lognormal(0.0002, 1.0));
      observe(out, fs.queueLength, n, lognormal(1.2, 0.5));
      const inFlight = (n / Math.max(1e-9, c.dt)) * initDist.mean;
      seats[fs.index] += inFlight;
      requests[fs.index] += inFlight;
      readOnlyRequests[fs.index] += inFlight;
      if (!client.perServer) {
        const grown = Math.max(0, countOf(client, c.share, c.size) - countOf(client, c.share, c.previousSize));
        if (grown > 0) newClients.set(`${spec.key}|${client.flowSchema}`, grown);
      }
    }
    if (!c.uptime) {
      const gauge = Math.max(0, Math.round(now * (1 + 0.002 * this.noise.gaussian(w.key, c.n, c.salt * 64 + 4))));
      set(out, w.longrunning, gauge);
      set(out, w.longrunningGauge, gauge);
      set(out, w.registeredWatchers, gauge);
    }
    return { open: now, eventsPerSecond };
  }

  /** Arrivals and latencies of one stream; its APF demand. */
  private demand(c: Ctx, s: StreamHandles, newClients: Map<string, number>): StreamStep {
    const spec = s.spec;
    const k = s.key;
    const salt = c.salt * 64;
    let rate: number;
    if (spec.initialListOf) {
      rate = (newClients.get(`${spec.initialListOf.watch}|${spec.initialListOf.flowSchema}`) ?? 0) / Math.max(1e-9, c.dt);
    } else {
      const wave = 1 + 0.06 * Math.sin((2 * Math.PI * c.t) / 10800 + (k % 628) / 100);
      rate = spec.rate(c.size) * (spec.perServer ? 1 : c.share) * wave;
      if (spec.noisy) rate *= c.intensity;
    }
    const arrivals = this.noise.round(rate * c.dt * (1 + 0.03 * this.noise.gaussian(k, c.n, salt + 1)), k, c.n, salt + 2);
    const slowdown = c.slow * (1 + spec.latency.loadFactor * c.load);
    const base: LogNormalSpec = { median: spec.latency.median * slowdown, sigma: spec.latency.sigma };
    const extras: LogNormalSpec[] = [];
    // etcd: its own latency (observed in etcd_request_duration_seconds) and what it adds beyond the baseline.
    let etcd: Dist | null = null;
    const etcdSpec = spec.etcd ?? (s.readyz ? { operation: "get" as const, latency: { median: 0.002, sigma: 0.6, loadFactor: 1 } } : undefined);
    if (etcdSpec) {
      const write = etcdSpec.operation === "create" || etcdSpec.operation === "update" || etcdSpec.operation === "delete";
      const factor = write ? c.etcdWrite : c.etcdRead;
      const median = etcdSpec.latency.median * (1 + etcdSpec.latency.loadFactor * c.load);
      const sigma = etcdSpec.latency.sigma + c.etcdSigma;
      if (spec.etcd) etcd = lognormal(median * factor, sigma);
      if (factor > 1) extras.push({ median: median * (factor - 1), sigma });
    }
    // Admission webhooks: their latency; a slow one adds to the request's.
    let webhook: StreamStep["webhook"] = null;
    if (s.webhooks.length) {
      const dists: Array<{ ok: Dist; failShare: number }> = [];
      let failShare = 0;
      let extra: LogNormalSpec | null = null;
      for (const w of s.webhooks) {
        const l = w.spec.latency;
        // The backend's latency; a server short of CPU adds its own scheduling delay (less than to its own work).
        const normal: LogNormalSpec = { median: l.median * (1 + l.loadFactor * c.load) * Math.sqrt(c.slow), sigma: l.sigma };
        if (w.requestsFailed >= 0 && c.webhook > 0) {
          const median = Math.exp(Math.log(normal.median) + c.webhook * (Math.log(WEBHOOK_SLOW.medianSeconds) - Math.log(normal.median)));
          const sigma = normal.sigma + c.webhook * (WEBHOOK_SLOW.sigma - normal.sigma);
          const slow = { median, sigma };
          const share = lognormalTail(slow, WEBHOOK_SLOW.timeoutSeconds);
          dists.push({ ok: truncatedLognormal(slow, WEBHOOK_SLOW.timeoutSeconds), failShare: share });
          failShare = Math.max(failShare, share);
          extra = { median: median - normal.median, sigma };
        } else {
          dists.push({ ok: lognormal(normal.median, normal.sigma), failShare: 0 });
        }
      }
      webhook = { failShare, extra, dists };
      if (extra) extras.push(extra);
    }
    const exec = sumOfLognormals([{ median: base.median * 0.8, sigma: base.sigma }, ...extras]);
    const execMean = lognormal(exec.median, exec.sigma, REQUEST_TIMEOUT_SECONDS).mean;
    const perSecond = arrivals / Math.max(1e-9, c.dt);
    return { arrivals, base, extras, exec, etcd, webhook, seats: perSecond * execMean * spec.seats, requests: perSecond * execMean };
  }

  /**
   * current_limit_seats per level. Up to 1.25 each level has its nominal limit. From 1.26, at rest the values a
   * real idle server shows; a level that needs more (demand × headroom) borrows from levels with spare seats,
   * which lend down to what they need themselves or to their lower limit.
   */
  private currentLimits(c: Ctx, demand: Float64Array): Float64Array {
    const limits = new Float64Array(this.levels.length);
    if (!this.profile.seatBorrowing) {
      for (const l of this.levels) limits[l.index] = l.pl.nominal;
      return limits;
    }
    const need = Array.from(demand, (d) => d * BORROW_HEADROOM);
    let deficit = 0;
    let pool = 0;
    const wants = new Float64Array(this.levels.length);
    const spare = new Float64Array(this.levels.length);
    for (const l of this.levels) {
      const p = l.pl;
      if (need[l.index] > p.idleCurrent) {
        wants[l.index] = Math.min(p.upper, need[l.index]) - p.idleCurrent;
        deficit += wants[l.index];
      } else {
        spare[l.index] = Math.max(0, p.idleCurrent - Math.max(p.lower, need[l.index]));
        pool += spare[l.index];
      }
    }
    const moved = Math.min(deficit, pool);
    for (const l of this.levels) {
      const p = l.pl;
      const received = deficit > 0 ? (wants[l.index] * moved) / deficit : 0;
      const given = pool > 0 ? (spare[l.index] * moved) / pool : 0;
      const base = p.idleCurrent + received - given;
      const jitter = moved > 0.5 ? 0 : Math.round(0.6 * this.noise.gaussian(hashString(`limit:${p.name}`), c.n, c.salt));
      limits[l.index] = Math.max(p.lower, Math.min(p.upper, Math.round(base) + jitter));
    }
    return limits;
  }

  /** Max-min fair shares inside saturated levels; waits, queues and rejections of each allocation unit. */
  private allocate(c: Ctx, seats: Float64Array, limits: Float64Array): UnitState[] {
    const states: UnitState[] = this.units.map(() => ({ served: 1, wait: { median: 0.0002 * (1 + 3 * c.load), sigma: 1.0 }, inqueue: 0, throttled: false }));
    for (const l of this.levels) {
      if (l.pl.exempt) continue;
      const members: number[] = [];
      for (let u = 0; u < this.units.length; u++) if (this.flows[this.units[u].flow].pl === l.pl) members.push(u);
      const demand = members.reduce((s, u) => s + seats[u], 0);
      const capacity = limits[l.index] * MAX_UTILIZATION;
      const utilization = demand / Math.max(1, limits[l.index]);
      if (demand <= capacity) {
        // Busy but not saturated: requests wait a little for a seat to free up.
        if (utilization > 0.8) for (const u of members) states[u].wait = { median: 0.001 + 0.05 * (utilization - 0.8), sigma: 1.1 };
        continue;
      }
      // Fair queuing: the smallest flows get what they ask for, the rest share what is left equally.
      const sorted = [...members].sort((a, b) => seats[a] - seats[b]);
      let left = capacity;
      for (let i = 0; i < sorted.length; i++) {
        const u = sorted[i];
        const fair = left / (sorted.length - i);
        const granted = Math.min(seats[u], fair);
        left -= granted;
        states[u].served = seats[u] > 0 ? granted / seats[u] : 1;
      }
      for (const u of members) {
        const st = states[u];
        if (st.served < 0.999) {
          // Queued until a seat frees or the 15 s queue timeout; the excess is rejected.
          st.throttled = true;
          const median = Math.max(0.05, Math.min(QUEUE_TIMEOUT_SECONDS * 0.9, QUEUE_TIMEOUT_SECONDS * Math.sqrt(1 - st.served)));
          st.wait = { median, sigma: 0.4 };
        } else {
          // Their own queues are short, but a saturated level frees seats in bursts.
          st.wait = { median: 0.03, sigma: 1.1 };
        }
      }
    }
    return states;
  }

  /** Counters and histograms of one stream, once APF has decided; returns the objects its LISTs read. */
  private write(c: Ctx, s: StreamHandles, st: StreamStep, unit: UnitState, out: Float64Array): { listObjects: number } {
    const spec = s.spec;
    const k = s.key;
    const salt = c.salt * 64;
    const arrivals = st.arrivals;
    if (arrivals === 0) return { listObjects: 0 };
    const apf = spec.verb !== "CONNECT";
    const served = apf ? Math.min(arrivals, this.noise.round(arrivals * unit.served, k, c.n, salt + 3)) : arrivals;
    const rejected = arrivals - served;
    const rejectedTimeOut = Math.min(rejected, this.noise.round(rejected / 3, k, c.n, salt + 4));
    const rejectedQueueFull = rejected - rejectedTimeOut;

    // The webhook that times out fails the write (fail closed).
    const webhookFailed = st.webhook && st.webhook.failShare > 0 ? Math.min(served, this.noise.round(served * st.webhook.failShare, k, c.n, salt + 6)) : 0;
    const completed = served - webhookFailed;

    // Latency of completed requests: queue wait + work + etcd + webhooks, cut off at the request timeout.
    const total = sumOfLognormals([st.base, ...st.extras, ...(apf && unit.wait.median > 0.0005 ? [unit.wait] : [])]);
    const cap = spec.verb === "CONNECT" ? Infinity : REQUEST_TIMEOUT_SECONDS;
    const timedOut = cap === Infinity ? 0 : Math.min(completed, this.noise.round(completed * lognormalTail(total, cap), k, c.n, salt + 5));
    const ok = completed - timedOut;

    // Response codes
    let main = ok;
    for (const [i, code] of s.codes.entries()) {
      let fraction = code.fraction;
      if (s.readyz && i === 0) fraction += ETCD_SLOW.readyzFailures * (this.kind === "etcd-slow" ? c.intensity : 0);
      const n = Math.min(main, this.noise.round(ok * fraction, k, c.n, salt + 10 + i));
      add(out, code.slot, n);
      main -= n;
    }
    add(out, s.mainCode, main);
    add(out, s.tooManyRequests, rejected);
    add(out, s.terminated429, rejected);
    add(out, s.gatewayTimeout, timedOut);
    add(out, s.terminated504, timedOut);
    add(out, s.internalError, webhookFailed);

    observe(out, s.duration, completed, lognormal(total.median, total.sigma, cap));
    if (webhookFailed > 0) observe(out, s.duration, webhookFailed, lognormal(WEBHOOK_SLOW.timeoutSeconds + st.base.median, 0.05, cap));
    observe(out, s.duration, rejectedQueueFull, lognormal(0.002, 0.8));
    observe(out, s.duration, rejectedTimeOut, lognormal(QUEUE_TIMEOUT_SECONDS, 0.02));
    if (st.etcd) observe(out, s.etcd, completed, st.etcd);
    if (st.webhook) {
      for (const [i, w] of s.webhooks.entries()) {
        const d = st.webhook.dists[i];
        const failed = d.failShare > 0 ? webhookFailed : 0;
        observe(out, w.ok, served - failed, d.ok);
        add(out, w.requestsOk, served - failed);
        if (failed > 0) {
          observe(out, w.failed, failed, pointMass(WEBHOOK_SLOW.timeoutSeconds));
          add(out, w.requestsFailed, failed);
          add(out, w.rejections, failed);
        }
      }
    }

    let listObjects = 0;
    if (spec.list) {
      const returned = spec.list.returned(c.size);
      const fetched = spec.list.fetched(c.size);
      observe(out, s.responseSizes, completed, lognormal(Math.max(1, returned) * spec.list.bytesPerObject, returned > 1000 ? 0.02 : 0.5));
      if (s.storageList) {
        add(out, s.storageList.total, completed);
        add(out, s.storageList.fetched, Math.round(completed * fetched));
        add(out, s.storageList.evaluated, Math.round(completed * spec.list.evaluated(c.size)));
        add(out, s.storageList.returned, Math.round(completed * returned));
      }
      if (s.cacheList) {
        add(out, s.cacheList.total, completed);
        add(out, s.cacheList.fetched, Math.round(completed * fetched));
        add(out, s.cacheList.returned, Math.round(completed * returned));
      }
      listObjects = completed * fetched;
    }

    if (!apf) return { listObjects };
    const f = s.fs;
    add(out, f.dispatched, served);
    observe(out, f.execRegular, served, lognormal(st.exec.median, st.exec.sigma, REQUEST_TIMEOUT_SECONDS));
    observe(out, f.waitExecuted, served, lognormal(unit.wait.median, unit.wait.sigma, QUEUE_TIMEOUT_SECONDS));
    if (unit.throttled) {
      add(out, f.rejectedQueueFull, rejectedQueueFull);
      add(out, f.rejectedTimeOut, rejectedTimeOut);
      observe(out, f.waitRejected, rejectedQueueFull, pointMass(0.001));
      observe(out, f.waitRejected, rejectedTimeOut, pointMass(QUEUE_TIMEOUT_SECONDS));
      observe(out, f.queueLength, arrivals - rejectedQueueFull, lognormal(Math.max(1.2, unit.inqueue * 0.9), 0.4));
    } else {
      observe(out, f.queueLength, served, lognormal(unit.inqueue > 2 ? unit.inqueue : 1.2, 0.5));
    }
    return { listObjects };
  }

  private computeProcess(c: Ctx, out: Float64Array, requestsPerSecond: number, watches: number, executing: number, listObjectsPerSecond: number, eventsPerSecond: number): void {
    const extraCores = this.kind === "apf-saturation" ? 2.5 * c.intensity : 5 * c.overload;
    const cores = 0.6 + requestsPerSecond * 0.004 + watches * 0.00005 + listObjectsPerSecond * 2e-6 + eventsPerSecond * 1e-5 + extraCores;
    add(out, this.misc.cpu, cores * c.dt * (1 + 0.03 * this.noise.gaussian(hashString("cpu"), c.n, c.salt)));
    const extraMemory = (this.kind === "apf-saturation" ? 2 * GiB * c.intensity : 0) + 2 * GiB * c.overload + (this.kind === "etcd-slow" ? 0.4 * GiB * c.intensity : 0);
    const warmup = 1 - 0.45 * Math.exp(-(c.t - c.processStart) / 1200);
    const memory = (1.6 * GiB + watches * 180 * 1024) * warmup + extraMemory;
    set(out, this.misc.memory, Math.round(memory * (1 + 0.01 * this.noise.gaussian(hashString("memory"), c.n, c.salt))));
    set(out, this.misc.startTime, c.processStart);
    const goroutines = 450 + 2 * watches + 3 * executing + 20 * this.noise.gaussian(hashString("goroutines"), c.n, c.salt);
    set(out, this.misc.goroutines, Math.max(0, Math.round(goroutines)));
    set(out, this.misc.threads, Math.round(32 + 22 * Math.max(c.load, c.overload)));
    const firstUse = c.processStart + 300 + 40 * c.instance;
    set(out, this.misc.deprecatedApi, c.t >= firstUse ? 1 : NaN);
  }

  private computeStoredObjects(c: Ctx, out: Float64Array): void {
    for (const s of this.stored) {
      const r = s.resource;
      const base = r === RESOURCES.pods ? c.size.pods : r.storedPerNode ? r.stored * c.size.nodes : r.stored * this.size.scale;
      const minute = Math.floor(c.t / 60);
      const drift = Math.round(base * 0.002 * Math.sin((2 * Math.PI * c.t) / 7200 + (s.key % 100)) + 0.5 * base * 0.0004 * this.noise.gaussian(s.key, minute, 0));
      const value = Math.max(0, Math.round(base + drift));
      set(out, s.storageObjects, value);
      set(out, s.resourceObjects, value);
      set(out, s.etcdObjectCounts, value);
    }
  }

  /** etcd's database file: steady (null), except etcd-slow's bloated database, defragmented (member by member) at the fix. */
  private dbSizeBase(c: Ctx): ((endpoint: number) => number) | undefined {
    if (this.kind !== "etcd-slow") return undefined;
    const fixedAt = this.timeline.incidentEnd ?? Infinity;
    return (endpoint) => (c.t < fixedAt + 40 * endpoint ? ETCD_SLOW.dbSizeBeforeBytes : ETCD_SLOW.dbSizeAfterBytes) * (1 + 0.004 * endpoint);
  }

  private computeAggregator(c: Ctx, out: Float64Array): void {
    // metrics-server's availability checks time out on a server far out of CPU.
    for (const a of this.misc.apiservices) {
      const down = a.name === FLAPPING_APISERVICE && c.slow >= 30 && this.noise.uniform(hashString("apiservice-down"), Math.floor(c.t / 60), c.instance) < 0.35;
      set(out, a.slot, down ? 1 : 0);
    }
  }
}

/** The etcd key prefix a resource is stored under, as apiserver_cache_list_* names it up to 1.33. */
export function storagePrefix(r: ResourceInfo): string {
  if (r.group === "") {
    if (r.resource === "nodes") return "/minions";
    if (r.resource === "services") return "/services/specs";
    return `/${r.resource}`;
  }
  // Built-in groups keep the resource name alone; aggregated-API and custom resources are stored under group/resource.
  if (r.group === "apiextensions.k8s.io" || r.group === "apiregistration.k8s.io" || r.group.includes(".example.")) return `/${r.group}/${r.resource}`;
  return `/${r.resource}`;
}
