// The scenario's physics: for one API server and one 30 s step, how many requests of each kind arrived, how
// long they took, what APF did with them, and what the gauges read at the end of the step. It writes counter
// increments and gauge values into the catalogue's slots; the engine (engine.ts) accumulates them.
//
// Simplifications, on purpose:
// - Every request occupies one APF seat. The real work estimator charges up to 10 seats for a 50,000-object
//   LIST; with one seat per request, "seats in use" and "requests executing" tell the same story, which is
//   what makes read-only in-flight reach ~400 on the hot server while workload-low is pinned.
// - Latencies are log-normal per request kind, slowed by the server's load; histogram buckets are
//   round(n × cdf(le)), so they are integers, cumulative and monotonic in `le`.

import {
  APISERVICES,
  FLAPPING_APISERVICE,
  OPEN_EXEC_SESSIONS,
  PRIORITY_LEVELS,
  RESOURCES,
  RESTART,
  SERVER_SEATS,
  STORM,
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
  type Scope,
  type Verb,
  type WatchClient,
  type WatchSpec,
  type WebhookSpec,
} from "./cluster";
import { CatalogueBuilder, NO_HISTOGRAM, type FamilyInfo, type HistogramHandle, type Labels, type SeriesInfo } from "./catalogue";
import { clippedNormal, lognormal, mixture, pointMass, type Dist } from "./distributions";
import { Noise, hashString } from "./noise";
import { buildControlPlane, writeControlPlane, type ControlPlaneHandles } from "./control-plane";
import { buildTimeline, clientShare, fixProgress, roleOf, stormIntensity, type Role, type Timeline } from "./timeline";
import { versionProfile, type K8sVersion, type VersionProfile } from "./versions";
import type { StepModel } from "./engine";

export interface ModelConfig {
  end: number;
  seed: number;
  k8sVersion: K8sVersion;
  scale: number;
  historySeconds: number;
  stepSeconds: number;
  showHiddenMetricsForVersion?: string;
  /** Ignored here (this model is the LIST storm); incident-model.ts tells the other kinds. */
  incident?: string;
}

/** How the storm lands on each kind of server (see timeline.ts for the roles). */
interface StormProfile {
  /** Fractions of arriving storm LISTs rejected by APF. */
  queueFull: number;
  timeOut: number;
  /** Fraction of served storm LISTs that hit the 60 s request timeout (504). */
  gatewayTimeout: number;
  /** workload-low current_limit_seats once it has borrowed what it can (1.26+). */
  borrowedLimit: number;
  /** Seats the storm would occupy if it could; capped by `maxUtilization × limit`. */
  demandSeats: number;
  maxUtilization: number;
  inqueue: number;
  wait: { median: number; sigma: number };
  latency: { median: number; sigma: number };
  exec: { median: number; sigma: number };
  queueLength: { median: number; sigma: number };
  /** 0..1, scales every other request's latency and the etcd latency. */
  load: number;
  extraMemoryBytes: number;
  extraCores: number;
}

export const GiB = 1024 ** 3;

const STORM_PROFILES: Record<Role, StormProfile> = {
  hot: {
    queueFull: 0.04,
    timeOut: 0.02,
    gatewayTimeout: 0.04,
    borrowedLimit: 364,
    demandSeats: 420,
    maxUtilization: 0.985,
    inqueue: 170,
    wait: { median: 5, sigma: 0.7 },
    latency: { median: 45, sigma: 0.2 },
    exec: { median: 40, sigma: 0.2 },
    queueLength: { median: 160, sigma: 0.4 },
    load: 1,
    extraMemoryBytes: 7 * GiB,
    extraCores: 6,
  },
  // Busy but coping: demand stays below even the nominal 245 seats, so it never queues for long.
  middle: {
    queueFull: 0,
    timeOut: 0,
    gatewayTimeout: 0.003,
    borrowedLimit: 210,
    demandSeats: 175,
    maxUtilization: 0.965,
    inqueue: 4,
    wait: { median: 0.08, sigma: 1.0 },
    latency: { median: 31, sigma: 0.25 },
    exec: { median: 30, sigma: 0.25 },
    queueLength: { median: 4, sigma: 0.7 },
    load: 0.6,
    extraMemoryBytes: 4 * GiB,
    extraCores: 3.5,
  },
  light: {
    queueFull: 0,
    timeOut: 0,
    gatewayTimeout: 0,
    borrowedLimit: 160,
    demandSeats: 88,
    maxUtilization: 0.95,
    inqueue: 1,
    wait: { median: 0.03, sigma: 1.0 },
    latency: { median: 30, sigma: 0.3 },
    exec: { median: 28, sigma: 0.3 },
    queueLength: { median: 2, sigma: 0.8 },
    load: 0.3,
    extraMemoryBytes: 1.5 * GiB,
    extraCores: 1.5,
  },
};

export const DEFAULT_HISTORY_SECONDS = 6 * 3600;

/** Requests slower than this are cut off by the apiserver's request timeout. */
export const REQUEST_TIMEOUT_SECONDS = 60;
/** APF rejects requests that waited longer than a quarter of the request timeout. */
export const QUEUE_TIMEOUT_SECONDS = 15;
export const NANOS_PER_SECOND = 1e9;

// ------------------------------------------------------------------------------------------------------------
// Handles: catalogue slots for one stream / flow schema / priority level / watch

interface FlowSchemaHandles {
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

interface PriorityLevelHandles {
  pl: PriorityLevel;
  key: number;
  nominal: number;
  current: number;
  lower: number;
  upper: number;
  concurrencyLimit: number;
  seatUtilization: HistogramHandle;
}

interface StreamHandles {
  spec: RequestStream;
  key: number;
  readOnly: boolean;
  fs: FlowSchemaHandles;
  codes: Array<{ code: string; fraction: number; slot: number }>;
  mainCode: number;
  tooManyRequests: number;
  gatewayTimeout: number;
  terminated429: number;
  terminated504: number;
  duration: HistogramHandle;
  responseSizes: HistogramHandle;
  etcd: HistogramHandle;
  storageList: { total: number; fetched: number; evaluated: number; returned: number } | null;
  webhooks: Array<{ spec: WebhookSpec; histogram: HistogramHandle }>;
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
  clients: Array<{ client: WatchClient; fs: FlowSchemaHandles; salt: number }>;
}

interface StoredResourceHandles {
  resource: ResourceInfo;
  key: number;
  storageObjects: number;
  resourceObjects: number;
  etcdObjectCounts: number;
}

/** Everything that describes one API server during one step. */
interface StepContext {
  instance: number;
  role: Role;
  profile: StormProfile;
  /** Grid time the step ends at; gauges are read there. */
  t: number;
  /** Seconds of activity in this step (shorter in the restart step, long for the initial uptime). */
  dt: number;
  /** Noise step: absolute grid index, so noise only depends on wall time. */
  n: number;
  /** Distinguishes instances (and the initial-uptime pseudo step) in noise keys. */
  salt: number;
  storm: number;
  fix: number;
  share: number;
  previousShare: number;
  load: number;
  /** Initial uptime before `start`: quiet conditions, no gauges. */
  uptime: boolean;
  processStart: number;
}

export class ScenarioModel implements StepModel {
  readonly profile: VersionProfile;
  readonly instances: readonly string[];
  readonly timeline: Timeline;
  readonly series: readonly SeriesInfo[];
  readonly families: ReadonlyMap<string, FamilyInfo>;
  /** 1 for slots that accumulate (counters, histogram parts), 0 for gauges. */
  readonly cumulative: Uint8Array;
  readonly size: ClusterSize;
  /**
   * Where counters start accumulating: six hours before `end` (or `start` if the history is longer). Keeping it
   * independent of `historySeconds` means a short backfill and a default exporter agree on every counter.
   */
  readonly origin: number;

  private readonly noise: Noise;
  private readonly template: Float64Array;
  private readonly flowSchemas: FlowSchemaHandles[] = [];
  private readonly priorityLevels: PriorityLevelHandles[] = [];
  private readonly streams: StreamHandles[] = [];
  private readonly watches: WatchHandles[] = [];
  private readonly stored: StoredResourceHandles[] = [];
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

  constructor(readonly config: ModelConfig) {
    this.profile = versionProfile(config.k8sVersion, config.showHiddenMetricsForVersion);
    this.instances = instanceNames(config.scale);
    this.timeline = buildTimeline(config.end, config.historySeconds, this.instances);
    this.size = clusterSize(config.scale);
    this.origin = Math.min(this.timeline.start, config.end - DEFAULT_HISTORY_SECONDS);
    this.noise = new Noise(config.seed);

    const b = new CatalogueBuilder(this.profile);
    this.buildApf(b);
    this.buildStreams(b);
    this.buildWatches(b);
    this.buildStored(b);
    this.misc = this.buildMisc(b);
    this.controlPlane = buildControlPlane(b, this.profile);

    this.series = b.series;
    this.families = b.families;
    this.cumulative = Uint8Array.from(b.series, (s) => (s.cumulative ? 1 : 0));
    this.template = Float64Array.from(b.series, (s) => (s.cumulative ? 0 : NaN));
    // Processes that were not restarted have been up for a few days (staggered, like a rolling upgrade).
    this.processStartBefore = this.instances.map((_, i) => this.origin - (3 * 86400 + i * 7 * 3600 + 1234));
  }

  /** When the process serving `instance` at time t started. */
  processStart(instance: number, t: number): number {
    if (this.instances[instance] === this.timeline.restartedInstance) {
      const restartedAt = this.timeline.restartAt - RESTART.processStartsBeforeGrid;
      if (t >= restartedAt) return restartedAt;
    }
    return this.processStartBefore[instance];
  }

  /** A fresh step buffer: counters 0, gauges absent (NaN). */
  newBuffer(): Float64Array {
    return this.template.slice();
  }

  /** Counters since process start up to `origin` (quiet conditions) and gauges at `origin`. */
  initial(instance: number, out: Float64Array): void {
    const t = this.origin;
    out.set(this.template);
    const processStart = this.processStart(instance, t);
    this.compute(this.context(instance, t, t - processStart, true), out);
    const gauges = this.newBuffer();
    this.compute(this.context(instance, t, this.config.stepSeconds, false), gauges);
    for (let i = 0; i < out.length; i++) if (!this.cumulative[i]) out[i] = gauges[i];
  }

  /**
   * Increments over (t - step, t] and gauges at t, for a grid time t > origin. When the process restarted inside
   * the step, increments only cover the time since the new process started (the engine resets counters first).
   */
  step(instance: number, t: number, out: Float64Array): void {
    out.set(this.template);
    const processStart = this.processStart(instance, t);
    const dt = Math.min(this.config.stepSeconds, t - processStart);
    this.compute(this.context(instance, t, dt, false), out);
  }

  private context(instance: number, t: number, dt: number, uptime: boolean): StepContext {
    const tl = this.timeline;
    const role = roleOf(instance);
    const count = this.instances.length;
    const storm = uptime ? 0 : stormIntensity(tl, t - dt / 2);
    const profile = STORM_PROFILES[role];
    return {
      instance,
      role,
      profile,
      t,
      dt,
      n: Math.round(t / this.config.stepSeconds),
      salt: uptime ? 1_000_003 + instance : instance + 1,
      storm,
      fix: uptime ? 0 : fixProgress(tl, t),
      share: uptime ? clientShare(tl, instance, count, tl.restartAt - 1) : clientShare(tl, instance, count, t),
      previousShare: clientShare(tl, instance, count, t - this.config.stepSeconds),
      load: storm * profile.load,
      uptime,
      processStart: this.processStart(instance, t),
    };
  }

  // ----------------------------------------------------------------------------------------------------------
  // Catalogue construction

  private buildApf(b: CatalogueBuilder): void {
    const buckets = this.profile.buckets;
    const plByName = new Map<string, PriorityLevel>(PRIORITY_LEVELS.map((pl) => [pl.name, pl]));
    for (const pl of PRIORITY_LEVELS) {
      const labels = { priority_level: pl.name };
      // 1.24 has no borrowing and no seat metrics; there the exempt level has no concurrency limit at all.
      const hasLimit = this.profile.seatBorrowing || !pl.exempt;
      this.priorityLevels.push({
        pl,
        key: hashString(`pl:${pl.name}`),
        nominal: b.gauge("apiserver_flowcontrol_nominal_limit_seats", labels),
        current: b.gauge("apiserver_flowcontrol_current_limit_seats", labels),
        lower: b.gauge("apiserver_flowcontrol_lower_limit_seats", labels),
        upper: b.gauge("apiserver_flowcontrol_upper_limit_seats", labels),
        concurrencyLimit: hasLimit ? b.gauge("apiserver_flowcontrol_request_concurrency_limit", labels) : -1,
        seatUtilization: b.histogram("apiserver_flowcontrol_priority_level_seat_utilization", { ...labels, phase: "executing" }, buckets.seatUtilization),
      });
    }
    const watchingFlowSchemas = new Set(watchSpecs(this.config.scale).flatMap((w) => w.clients.map((c) => c.flowSchema)));
    for (const fs of flowSchemas(this.config.scale)) {
      const pl = plByName.get(fs.priorityLevel)!;
      const labels = { priority_level: pl.name, flow_schema: fs.name };
      const queues = !pl.exempt; // exempt requests never wait in a queue
      this.flowSchemas.push({
        index: this.flowSchemas.length,
        fs,
        pl,
        key: hashString(`fs:${fs.name}`),
        executingRequests: b.gauge("apiserver_flowcontrol_current_executing_requests", labels),
        executingSeats: b.gauge("apiserver_flowcontrol_current_executing_seats", labels),
        concurrencyInUse: b.gauge("apiserver_flowcontrol_request_concurrency_in_use", labels),
        inqueue: b.gauge("apiserver_flowcontrol_current_inqueue_requests", labels),
        dispatched: b.counter("apiserver_flowcontrol_dispatched_requests_total", labels),
        // No series until the first rejection, as in the real apiserver.
        rejectedQueueFull: b.counter("apiserver_flowcontrol_rejected_requests_total", { ...labels, reason: "queue-full" }, { lazy: true }),
        rejectedTimeOut: b.counter("apiserver_flowcontrol_rejected_requests_total", { ...labels, reason: "time-out" }, { lazy: true }),
        waitExecuted: queues ? b.histogram("apiserver_flowcontrol_request_wait_duration_seconds", { ...labels, execute: "true" }, buckets.apfDuration) : NO_HISTOGRAM,
        waitRejected: queues
          ? b.histogram("apiserver_flowcontrol_request_wait_duration_seconds", { ...labels, execute: "false" }, buckets.apfDuration, { lazy: true })
          : NO_HISTOGRAM,
        execRegular: b.histogram("apiserver_flowcontrol_request_execution_seconds", { ...labels, type: "regular" }, buckets.apfDuration),
        execWatch: watchingFlowSchemas.has(fs.name)
          ? b.histogram("apiserver_flowcontrol_request_execution_seconds", { ...labels, type: "watch" }, buckets.apfDuration)
          : NO_HISTOGRAM,
        queueLength: queues ? b.histogram("apiserver_flowcontrol_request_queue_length_after_enqueue", labels, buckets.queueLength) : NO_HISTOGRAM,
      });
    }
  }

  private flowSchema(name: string): FlowSchemaHandles {
    const fs = this.flowSchemas.find((f) => f.fs.name === name);
    if (!fs) throw new Error(`unknown flow schema ${name}`);
    return fs;
  }

  private buildStreams(b: CatalogueBuilder): void {
    const buckets = this.profile.buckets;
    for (const spec of requestStreams(this.config.scale)) {
      const labels = requestLabels(spec.verb, spec.resource, spec.subresource, spec.scope);
      const codeSlot = (code: string, lazy = false) => b.counter("apiserver_request_total", { ...labels, code }, { lazy });
      const { dry_run: _dryRun, ...withoutDryRun } = labels;
      const terminationSlot = (code: string) => b.counter("apiserver_request_terminations_total", { ...withoutDryRun, code }, { lazy: true });
      const r = spec.resource;
      this.streams.push({
        spec,
        key: hashString(`stream:${spec.key}`),
        readOnly: spec.verb === "GET" || spec.verb === "LIST",
        fs: this.flowSchema(spec.flowSchema),
        mainCode: codeSlot(spec.code),
        codes: (spec.otherCodes ?? []).map(([code, fraction]) => ({ code, fraction, slot: codeSlot(code, true) })),
        tooManyRequests: spec.storm ? codeSlot("429", true) : -1,
        gatewayTimeout: spec.storm ? codeSlot("504", true) : -1,
        terminated429: spec.storm ? terminationSlot("429") : -1,
        terminated504: spec.storm ? terminationSlot("504") : -1,
        duration: b.histogram("apiserver_request_duration_seconds", labels, buckets.requestDuration),
        responseSizes: spec.verb === "LIST" ? b.histogram("apiserver_response_sizes", withoutDryRun, buckets.responseSizes) : NO_HISTOGRAM,
        etcd: spec.etcd && r ? b.histogram("etcd_request_duration_seconds", this.etcdLabels(spec.etcd.operation, r), buckets.etcdRequestDuration) : NO_HISTOGRAM,
        storageList:
          spec.list && r
            ? {
                total: b.counter("apiserver_storage_list_total", this.storageLabels(r)),
                fetched: b.counter("apiserver_storage_list_fetched_objects_total", this.storageLabels(r)),
                evaluated: b.counter("apiserver_storage_list_evaluated_objects_total", this.storageLabels(r)),
                returned: b.counter("apiserver_storage_list_returned_objects_total", this.storageLabels(r)),
              }
            : null,
        webhooks: (spec.webhooks ?? []).map((name) => {
          const webhook = WEBHOOKS.find((w) => w.name === name)!;
          const labels = { name, type: webhook.type, operation: admissionOperation(spec.verb), rejected: "false" };
          return { spec: webhook, histogram: b.histogram("apiserver_admission_webhook_admission_duration_seconds", labels, buckets.webhookDuration) };
        }),
      });
    }
  }

  private buildWatches(b: CatalogueBuilder): void {
    for (const spec of watchSpecs(this.config.scale)) {
      const r = spec.resource;
      const labels = requestLabels("WATCH", r, "", spec.scope);
      const { dry_run: _dryRun, ...longrunningLabels } = labels;
      const kindLabels = { group: r.group, version: r.version, kind: r.kind };
      this.watches.push({
        spec,
        key: hashString(`watch:${spec.key}`),
        longrunning: b.gauge("apiserver_longrunning_requests", longrunningLabels),
        longrunningGauge: b.gauge("apiserver_longrunning_gauge", longrunningLabels),
        registeredWatchers: b.gauge("apiserver_registered_watchers", kindLabels),
        requestTotal: b.counter("apiserver_request_total", { ...labels, code: "0" }),
        duration: spec.durationHistogram ? b.histogram("apiserver_request_duration_seconds", labels, this.profile.buckets.requestDuration) : NO_HISTOGRAM,
        events: b.counter(
          "apiserver_watch_events_total",
          this.profile.watchEventsByResource ? { group: r.group, version: r.version, resource: r.resource } : kindLabels,
        ),
        clients: spec.clients.map((client) => ({ client, fs: this.flowSchema(client.flowSchema), salt: 3 + (hashString(client.flowSchema) % 997) })),
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

  // ----------------------------------------------------------------------------------------------------------
  // One step

  private compute(c: StepContext, out: Float64Array): void {
    const fsCount = this.flowSchemas.length;
    const executing = new Float64Array(fsCount);
    const executingReadOnly = new Float64Array(fsCount);
    const executingStorm = new Float64Array(fsCount);
    const inqueue = new Float64Array(fsCount);
    let requests = 0;

    const limits = this.currentLimits(c);
    const stormSeats = this.stormExecutingSeats(c, limits.get("workload-low") ?? 0);

    for (const s of this.streams) {
      const result = this.computeStream(c, s, stormSeats, out);
      const fi = s.fs.index;
      executing[fi] += result.executing;
      if (s.spec.storm) executingStorm[fi] += result.executing;
      if (s.readOnly) executingReadOnly[fi] += result.executing;
      inqueue[fi] += result.inqueue;
      requests += result.arrivals;
    }
    let watches = 0;
    for (const w of this.watches) watches += this.computeWatch(c, w, out);
    const requestsPerSecond = requests / c.dt + watches / WATCH_MEAN_LIFETIME_SECONDS;

    // Gauges written during the initial-uptime pass are discarded by initial(); counters are kept.
    // APF gauges
    const seatsByLevel = new Map<string, number>();
    let readOnly = 0;
    let mutating = 0;
    let queuedReadOnly = 0;
    for (let fi = 0; fi < fsCount; fi++) {
      const f = this.flowSchemas[fi];
      const mean = executing[fi];
      // Ordinary traffic fluctuates like a Poisson count; the storm's pinned seats barely move.
      const spread = Math.sqrt(mean - executingStorm[fi]) * 0.5 + executingStorm[fi] * 0.004;
      const noisy = Math.max(0, Math.round(mean + spread * this.noise.gaussian(f.key, c.n, c.salt * 31 + 1)));
      // A level never runs more seats than its current limit (exempt has no limit).
      const gauge = f.pl.exempt ? noisy : Math.min(noisy, limits.get(f.pl.name)!);
      const roShare = mean > 0 ? executingReadOnly[fi] / mean : 0;
      set(out, f.executingRequests, gauge);
      set(out, f.executingSeats, gauge);
      set(out, f.concurrencyInUse, gauge);
      const queued = inqueue[fi] > 0 ? Math.max(0, Math.round(inqueue[fi] * (1 + 0.12 * this.noise.gaussian(f.key, c.n, c.salt * 31 + 2)))) : 0;
      set(out, f.inqueue, queued);
      seatsByLevel.set(f.pl.name, (seatsByLevel.get(f.pl.name) ?? 0) + gauge);
      readOnly += gauge * roShare;
      mutating += gauge * (1 - roShare);
      queuedReadOnly += queued;
    }
    for (const p of this.priorityLevels) {
      const current = limits.get(p.pl.name)!;
      set(out, p.nominal, p.pl.nominal);
      set(out, p.current, current);
      set(out, p.lower, p.pl.lower);
      set(out, p.upper, p.pl.upper);
      set(out, p.concurrencyLimit, p.pl.nominal);
      const seats = seatsByLevel.get(p.pl.name) ?? 0;
      observe(out, p.seatUtilization, c.dt * NANOS_PER_SECOND, utilizationDist(seats, Math.max(1, current)));
    }
    // "Maximal number … in last second": the watermark sits a little above the average.
    const watermark = (v: number, salt: number) => Math.round(v * 1.04 + 1 + Math.abs(this.noise.gaussian(hashString("watermark"), c.n, c.salt * 31 + salt)) * 2);
    set(out, this.misc.inflightReadOnly, watermark(readOnly, 1));
    set(out, this.misc.inflightMutating, watermark(mutating, 2));
    set(out, this.misc.inqueueReadOnly, queuedReadOnly);
    set(out, this.misc.inqueueMutating, 0);

    this.computeProcess(c, out, requestsPerSecond, watches, readOnly + mutating);
    this.computeStoredObjects(c, out);
    this.computeAggregator(c, out);
    writeControlPlane(this.controlPlane, { instance: c.instance, t: c.t, dt: c.dt, n: c.n, uptime: c.uptime, stress: c.storm * c.profile.load }, this.noise, out);
    const sessions = Math.max(0, Math.round(OPEN_EXEC_SESSIONS * c.share * 3 + this.noise.gaussian(hashString("exec"), c.n, c.salt)));
    set(out, this.misc.execSessions, sessions);
  }

  /**
   * current_limit_seats per level. Quiet: the values a real idle 1.30 server shows. During the storm workload-low
   * borrows up to the role's limit and the other levels shrink towards their lower limits (1.26+ only; before,
   * each level has exactly its nominal limit).
   */
  private currentLimits(c: StepContext): Map<string, number> {
    const limits = new Map<string, number>();
    if (!this.profile.seatBorrowing) {
      for (const { pl } of this.priorityLevels) limits.set(pl.name, pl.nominal);
      return limits;
    }
    const wl = PRIORITY_LEVELS.find((p) => p.name === STORM.priorityLevel)!;
    const wlLimit = wl.idleCurrent + (c.profile.borrowedLimit - wl.idleCurrent) * c.storm;
    const others = PRIORITY_LEVELS.filter((p) => p !== wl);
    const extraIdle = others.reduce((s, p) => s + (p.idleCurrent - p.lower), 0);
    const remaining = Math.max(0, SERVER_SEATS - wlLimit - others.reduce((s, p) => s + p.lower, 0));
    for (const p of PRIORITY_LEVELS) {
      const base = p === wl ? wlLimit : p.lower + ((p.idleCurrent - p.lower) * remaining) / extraIdle;
      const jitter = Math.round(0.6 * this.noise.gaussian(hashString(`limit:${p.name}`), c.n, c.salt));
      limits.set(p.name, Math.max(p.lower, Math.round(base) + (p === wl && c.storm > 0.5 ? 0 : jitter)));
    }
    return limits;
  }

  /** Seats the storm's LISTs hold on this server: pinned just under the limit where demand exceeds it. */
  private stormExecutingSeats(c: StepContext, limit: number): number {
    if (c.storm <= 0) return 0;
    const p = c.profile;
    return Math.min(p.demandSeats * c.storm, p.maxUtilization * limit);
  }

  private computeStream(c: StepContext, s: StreamHandles, stormSeats: number, out: Float64Array): { executing: number; inqueue: number; arrivals: number } {
    const spec = s.spec;
    const k = s.key;
    const salt = c.salt * 64;
    const wave = 1 + 0.06 * Math.sin((2 * Math.PI * c.t) / 10800 + (k % 628) / 100);
    let rate = spec.rate(this.size) * (spec.perServer ? 1 : c.share) * wave;
    if (spec.storm) rate *= c.storm;
    const arrivals = this.noise.round(rate * c.dt * (1 + 0.03 * this.noise.gaussian(k, c.n, salt + 1)), k, c.n, salt + 2);
    if (arrivals === 0 && !spec.storm) return { executing: 0, inqueue: 0, arrivals: 0 };

    const p = c.profile;
    let rejectedQueueFull = 0;
    let rejectedTimeOut = 0;
    if (spec.storm) {
      rejectedQueueFull = this.noise.round(arrivals * p.queueFull, k, c.n, salt + 3);
      rejectedTimeOut = Math.min(arrivals - rejectedQueueFull, this.noise.round(arrivals * p.timeOut, k, c.n, salt + 4));
    }
    const served = arrivals - rejectedQueueFull - rejectedTimeOut;

    // Response codes of served requests
    let main = served;
    for (const [i, code] of s.codes.entries()) {
      const n = Math.min(main, this.noise.round(served * code.fraction, k, c.n, salt + 10 + i));
      add(out, code.slot, n);
      main -= n;
    }
    if (spec.storm) {
      const timedOut = Math.min(main, this.noise.round(served * p.gatewayTimeout * c.storm, k, c.n, salt + 5));
      add(out, s.gatewayTimeout, timedOut);
      add(out, s.terminated504, timedOut);
      main -= timedOut;
      add(out, s.tooManyRequests, rejectedQueueFull + rejectedTimeOut);
      add(out, s.terminated429, rejectedQueueFull + rejectedTimeOut);
    }
    add(out, s.mainCode, main);

    // Latencies: the storm's LISTs have their own (queueing + huge execution); the rest slow down with load.
    const latency = spec.storm
      ? lognormal(p.latency.median, p.latency.sigma, REQUEST_TIMEOUT_SECONDS)
      : loaded(spec.latency, c.load, spec.verb === "CONNECT" ? Infinity : REQUEST_TIMEOUT_SECONDS);
    observe(out, s.duration, served, latency);
    if (spec.etcd) observe(out, s.etcd, served, loaded(spec.etcd.latency, c.load));
    for (const w of s.webhooks) observe(out, w.histogram, served, loaded(w.spec.latency, c.load));

    if (spec.list) {
      const returned = spec.list.returned(this.size);
      observe(out, s.responseSizes, served, lognormal(Math.max(1, returned) * spec.list.bytesPerObject, returned > 1000 ? 0.02 : 0.5));
      if (s.storageList) {
        add(out, s.storageList.total, served);
        add(out, s.storageList.fetched, served * spec.list.fetched(this.size));
        add(out, s.storageList.evaluated, served * spec.list.evaluated(this.size));
        add(out, s.storageList.returned, served * returned);
      }
    }

    // API Priority and Fairness (long-running CONNECT requests bypass it)
    if (spec.verb === "CONNECT") return { executing: 0, inqueue: 0, arrivals };
    const f = s.fs;
    add(out, f.dispatched, served);
    const exec = spec.storm ? lognormal(p.exec.median, p.exec.sigma, REQUEST_TIMEOUT_SECONDS) : loaded({ ...spec.latency, median: spec.latency.median * 0.8 }, c.load);
    observe(out, f.execRegular, served, exec);
    let inqueue = 0;
    if (spec.storm) {
      observe(out, f.waitExecuted, served, lognormal(p.wait.median, p.wait.sigma, QUEUE_TIMEOUT_SECONDS));
      observe(out, f.queueLength, arrivals - rejectedQueueFull, lognormal(p.queueLength.median, p.queueLength.sigma));
      add(out, f.rejectedQueueFull, rejectedQueueFull);
      add(out, f.rejectedTimeOut, rejectedTimeOut);
      observe(out, f.waitRejected, rejectedQueueFull, pointMass(0.001));
      observe(out, f.waitRejected, rejectedTimeOut, pointMass(QUEUE_TIMEOUT_SECONDS));
      inqueue = p.inqueue * c.storm;
    } else {
      observe(out, f.waitExecuted, served, lognormal(0.0002 * (1 + 3 * c.load), 1.0));
      observe(out, f.queueLength, served, lognormal(1.2, 0.5));
    }
    // Little's law for ordinary traffic; the storm's seats come from the saturation model.
    const executing = spec.storm ? stormSeats : (served / c.dt) * exec.mean;
    return { executing, inqueue, arrivals };
  }

  /** Updates WATCH gauges and counters; returns the number of watches open on this server. */
  private computeWatch(c: StepContext, w: WatchHandles, out: Float64Array): number {
    const spec = w.spec;
    const open = (share: number, fix: number) =>
      w.clients.reduce((sum, { client }) => {
        const count = client.count(this.size) * (client.perServer ? 1 : share) * (client.afterFix ? fix : 1);
        return sum + count;
      }, 0);
    const now = open(c.share, c.fix);
    const before = c.uptime ? now : open(c.previousShare, fixProgress(this.timeline, c.t - this.config.stepSeconds));
    // Watches end after 5–10 minutes and are re-established; clients that moved servers re-watch at once.
    // A freshly restarted process only counts the watches opened since it started.
    const churn = c.t - c.dt <= c.processStart ? now : Math.max(0, now - before);
    const started = this.noise.round((now / WATCH_MEAN_LIFETIME_SECONDS) * c.dt + churn, w.key, c.n, c.salt * 64 + 1);
    add(out, w.requestTotal, started);
    observe(out, w.duration, started, lognormal(0.0012, 0.9));
    const events = this.noise.round(spec.changesPerSecond(this.size) * now * c.dt, w.key, c.n, c.salt * 64 + 2);
    add(out, w.events, events);
    // Each client's WATCH passes APF once when it starts (its initialization phase).
    const total = w.clients.reduce((sum, x) => sum + x.client.count(this.size), 0);
    for (const { client, fs, salt } of w.clients) {
      const n = this.noise.round((started * client.count(this.size)) / Math.max(1, total), w.key, c.n, c.salt * 64 + salt);
      add(out, fs.dispatched, n);
      observe(out, fs.execWatch, n, lognormal(0.0015, 0.8));
      observe(out, fs.waitExecuted, n, lognormal(0.0002, 1.0));
      observe(out, fs.queueLength, n, lognormal(1.2, 0.5));
    }
    if (!c.uptime) {
      const gauge = Math.max(0, Math.round(now * (1 + 0.002 * this.noise.gaussian(w.key, c.n, c.salt * 64 + 4))));
      set(out, w.longrunning, gauge);
      set(out, w.longrunningGauge, gauge);
      set(out, w.registeredWatchers, gauge);
    }
    return now;
  }

  private cpuCores(c: StepContext, requestsPerSecond: number, watches: number): number {
    return 0.6 + requestsPerSecond * 0.004 + watches * 0.00005 + c.profile.extraCores * c.load;
  }

  /** Memory lags the storm: Go keeps the heap it grew for 50,000-object LISTs for a while. */
  private memoryPressure(c: StepContext): number {
    const tl = this.timeline;
    if (c.t <= tl.stormEnd) return c.storm * c.profile.load;
    return c.profile.load * Math.exp(-(c.t - tl.stormEnd) / 900);
  }

  private computeProcess(c: StepContext, out: Float64Array, requestsPerSecond: number, watches: number, executing: number): void {
    add(out, this.misc.cpu, this.cpuCores(c, requestsPerSecond, watches) * c.dt * (1 + 0.03 * this.noise.gaussian(hashString("cpu"), c.n, c.salt)));
    const pressure = this.memoryPressure(c);
    const warmup = 1 - 0.45 * Math.exp(-(c.t - c.processStart) / 1200);
    const memory = (1.6 * GiB + watches * 180 * 1024) * warmup + c.profile.extraMemoryBytes * pressure;
    set(out, this.misc.memory, Math.round(memory * (1 + 0.01 * this.noise.gaussian(hashString("memory"), c.n, c.salt))));
    set(out, this.misc.startTime, c.processStart);
    const goroutines = 450 + 2 * watches + 3 * executing + 20 * this.noise.gaussian(hashString("goroutines"), c.n, c.salt);
    set(out, this.misc.goroutines, Math.max(0, Math.round(goroutines)));
    set(out, this.misc.threads, Math.round(32 + 22 * pressure));
    // A client still calls a deprecated API a few minutes after each process start (gauge set on first use).
    const firstUse = c.processStart + 300 + 40 * c.instance;
    set(out, this.misc.deprecatedApi, c.t >= firstUse ? 1 : NaN);
  }

  private computeStoredObjects(c: StepContext, out: Float64Array): void {
    for (const s of this.stored) {
      const r = s.resource;
      const base = r.storedPerNode ? r.stored * this.size.nodes : r.stored * this.size.scale;
      // Slow churn, identical on every server (they count the same etcd); refreshed once a minute.
      const minute = Math.floor(c.t / 60);
      const drift = Math.round(base * 0.002 * Math.sin((2 * Math.PI * c.t) / 7200 + (s.key % 100)) + 0.5 * base * 0.0004 * this.noise.gaussian(s.key, minute, 0));
      const value = Math.max(0, base + drift);
      set(out, s.storageObjects, value);
      set(out, s.resourceObjects, value);
      set(out, s.etcdObjectCounts, value);
    }
  }

  private computeAggregator(c: StepContext, out: Float64Array): void {
    const tl = this.timeline;
    // metrics-server misses its availability checks for a few minutes at the height of the storm,
    // as seen from the two loaded servers.
    const from = tl.stormStart + 35 * 60 + 20 * c.instance;
    const to = tl.stormStart + 43 * 60 + 20 * c.instance;
    for (const a of this.misc.apiservices) {
      const down = a.name === FLAPPING_APISERVICE && c.role !== "light" && c.t >= from && c.t < to;
      set(out, a.slot, down ? 1 : 0);
    }
  }
}

// --------------------------------------------------------------------------------------------------------------
// helpers

export function requestLabels(verb: Verb, r: ResourceInfo | null, subresource: string, scope: Scope): Record<string, string> {
  return {
    verb,
    dry_run: "",
    group: r?.group ?? "",
    version: r?.version ?? "",
    resource: r?.resource ?? "",
    subresource,
    scope,
    component: r ? "apiserver" : "",
  };
}

export function admissionOperation(verb: Verb): string {
  switch (verb) {
    case "CREATE":
      return "CREATE";
    case "DELETE":
      return "DELETE";
    case "CONNECT":
      return "CONNECT";
    default:
      return "UPDATE";
  }
}

function loaded(l: LatencySpec, load: number, cap = Infinity): Dist {
  return lognormal(l.median * (1 + l.loadFactor * load), l.sigma, cap);
}

/** Time-weighted utilization over a step: idle (exactly 0) part of the time, else around seats/limit. */
export function utilizationDist(seats: number, limit: number): Dist {
  const u = Math.min(1, seats / limit);
  const idle = Math.exp(-seats);
  if (idle >= 0.999) return pointMass(0);
  const busy = Math.min(1, u / (1 - idle));
  return mixture([
    [idle, pointMass(0)],
    [1 - idle, clippedNormal(busy, Math.max(0.01, busy * 0.05), 0, 1)],
  ]);
}

export function observe(out: Float64Array, h: HistogramHandle, n: number, dist: Dist): void {
  if (h.first < 0 || n <= 0) return;
  let previous = 0;
  const les = h.les;
  for (let b = 0; b < les.length; b++) {
    let cum = Math.round(n * dist.cdf(les[b]));
    if (cum < previous) cum = previous;
    else if (cum > n) cum = n;
    out[h.first + b] += cum;
    previous = cum;
  }
  out[h.first + les.length] += n;
  out[h.sum] += n * dist.mean;
  out[h.count] += n;
}

export function add(out: Float64Array, slot: number, v: number): void {
  if (slot >= 0) out[slot] += v;
}

export function set(out: Float64Array, slot: number, v: number): void {
  if (slot >= 0) out[slot] = v;
}
