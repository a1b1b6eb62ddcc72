// What both models (model.ts, the LIST storm; incident-model.ts, every other kind) add beside the API
// servers' request physics: etcd's database size as the API servers report it, a policy webhook's everyday
// denials, and the scheduler and the controller manager, which a real cluster exposes
// on their own scrape jobs (EKS: /apis/metrics.eks.amazonaws.com/v1/ksh/container/metrics and
// …/kcm/container/metrics). Their series carry their own `job` and come from the first API server's
// target only (the EKS endpoints answer for the elected leader), so the other instances never expose them.

import type { CatalogueBuilder, HistogramHandle } from "./catalogue";
import { WEBHOOKS } from "./cluster";
import { lognormal } from "./distributions";
import { hashString, type Noise } from "./noise";
import { add, observe, set } from "./model";
import type { VersionProfile } from "./versions";

/** Scrape jobs of the scheduler and the controller manager, as kube-prometheus names them. */
export const SCHEDULER_JOB = "kube-scheduler";
export const CONTROLLER_MANAGER_JOB = "kube-controller-manager";
/** Where EKS serves them (through the API server), and where the live exporter serves them too. */
export const COMPONENT_METRICS_PATHS: Readonly<Record<string, string>> = {
  [SCHEDULER_JOB]: "/apis/metrics.eks.amazonaws.com/v1/ksh/container/metrics",
  [CONTROLLER_MANAGER_JOB]: "/apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics",
};

export const ETCD_ENDPOINTS = ["https://10.0.201.11:2379", "https://10.0.202.12:2379", "https://10.0.203.13:2379"];
export const STORAGE_CLUSTER_ID = "etcd-0";
/** A healthy cluster's database: about a quarter of EKS's 8 GiB quota. */
export const DB_SIZE_BYTES = 2.2e9;

/** The step a model is computing, as these series need it. */
export interface ControlPlaneStep {
  instance: number;
  t: number;
  dt: number;
  /** Grid step number (noise key). */
  n: number;
  /** The initial pass that fills counters since process start (gauges discarded). */
  uptime: boolean;
  /** 0..1: how hard the API server is struggling (slower binds, slower controllers). */
  stress: number;
}

// ── etcd's database size (per endpoint before 1.28, per storage cluster from 1.28) ──────────────────────

export interface DbSizeSlot {
  slot: number;
  endpoint: number;
}

/** The version's database-size gauges: `etcd_db_total_size_in_bytes{endpoint}` ≤ 1.25, `…storage_db_total…` 1.26–1.28, `apiserver_storage_size_bytes` 1.28+. */
export function buildDbSize(b: CatalogueBuilder, profile: VersionProfile): DbSizeSlot[] {
  const slots: DbSizeSlot[] = [];
  ETCD_ENDPOINTS.forEach((endpoint, i) => {
    slots.push({ slot: b.gauge("etcd_db_total_size_in_bytes", { endpoint }), endpoint: i });
    slots.push({ slot: b.gauge("apiserver_storage_db_total_size_in_bytes", { endpoint }), endpoint: i });
  });
  slots.push({ slot: b.gauge("apiserver_storage_size_bytes", profile.minor >= 30 ? { storage_cluster_id: STORAGE_CLUSTER_ID } : { cluster: STORAGE_CLUSTER_ID }), endpoint: 0 });
  return slots.filter((d) => d.slot >= 0);
}

/** Steady database size with a slow daily swing, in whole 4 KiB pages; `base` overrides it per endpoint (etcd-slow). */
export function writeDbSize(slots: readonly DbSizeSlot[], t: number, noise: Noise, out: Float64Array, base?: (endpoint: number) => number): void {
  const page = 4096;
  for (const d of slots) {
    const size = base ? base(d.endpoint) : DB_SIZE_BYTES * (1 + 0.02 * Math.sin((2 * Math.PI * t) / 86400 + d.endpoint));
    set(out, d.slot, Math.round((size * (1 + 0.0005 * noise.gaussian(hashString("dbsize"), Math.floor(t / 300), d.endpoint))) / page) * page);
  }
}

// ── A policy webhook's everyday denials (every kind: gatekeeper refuses pods without limits) ──────────────

export interface PolicyDenials {
  slot: number;
  perSecond: number;
}

/** gatekeeper denying a few pod creations (403, `error_type="no_error"`); lazy, as the real counter is. */
export function buildPolicyDenials(b: CatalogueBuilder): PolicyDenials {
  const gatekeeper = WEBHOOKS[0]!;
  const labels = { name: gatekeeper.name, type: gatekeeper.type, operation: "CREATE", error_type: "no_error", rejection_code: "403" };
  return { slot: b.counter("apiserver_admission_webhook_rejection_count", labels, { lazy: true }), perSecond: 0.02 };
}

export function writePolicyDenials(d: PolicyDenials, c: ControlPlaneStep, noise: Noise, out: Float64Array): void {
  if (c.uptime) return;
  add(out, d.slot, noise.round(d.perSecond * c.dt, hashString("policy-denials"), c.n, c.instance));
}

// ── The scheduler and the controller manager (their own jobs, the first instance only) ────────────────────

const CONTROLLER_QUEUES = [
  { name: "deployment", adds: 0.6, wait: 0.004 },
  { name: "replicaset", adds: 1.2, wait: 0.003 },
  { name: "endpoint_slice", adds: 2.5, wait: 0.006 },
  { name: "daemonset", adds: 0.3, wait: 0.01 },
  { name: "job", adds: 0.2, wait: 0.002 },
  { name: "namespace", adds: 0.01, wait: 0.001 },
  { name: "garbage_collector_attempt_to_delete", adds: 0.8, wait: 0.02 },
  { name: "node_lifecycle_controller", adds: 0.5, wait: 0.001 },
  { name: "resource_quota_controller_resource_changes", adds: 0.4, wait: 0.002 },
] as const;

interface QueueHandles {
  spec: (typeof CONTROLLER_QUEUES)[number];
  key: number;
  depth: number;
  adds: number;
  wait: HistogramHandle;
}

export interface ComponentHandles {
  pending: Array<{ queue: string; slot: number }>;
  attempts: Array<{ result: "scheduled" | "unschedulable" | "error"; slot: number }>;
  queues: QueueHandles[];
}

/** Pending pods by queue (`gated` from 1.26), attempts by result, and the controller manager's work queues. */
export function buildComponents(b: CatalogueBuilder, profile: VersionProfile): ComponentHandles {
  const scheduler = { job: SCHEDULER_JOB };
  const kcm = { job: CONTROLLER_MANAGER_JOB };
  const queues = ["active", "backoff", "unschedulable", ...(profile.minor >= 26 ? ["gated"] : [])];
  return {
    pending: queues.map((queue) => ({ queue, slot: b.gauge("scheduler_pending_pods", { queue }, scheduler) })),
    attempts: (["scheduled", "unschedulable", "error"] as const).map((result) => ({
      result,
      // Lazy: a series appears with its first attempt of that result, and only on the leader's target.
      slot: b.counter("scheduler_schedule_attempts_total", { result, profile: "default-scheduler" }, { ...scheduler, lazy: true }),
    })),
    queues: CONTROLLER_QUEUES.map((spec) => ({
      spec,
      key: hashString(`workqueue:${spec.name}`),
      depth: b.gauge("workqueue_depth", { name: spec.name }, kcm),
      adds: b.counter("workqueue_adds_total", { name: spec.name }, { ...kcm, lazy: true }),
      wait: b.histogram("workqueue_queue_duration_seconds", { name: spec.name }, profile.buckets.workqueueDuration, { ...kcm, lazy: true }),
    })),
  };
}

/**
 * One step of the scheduler and the controller manager, on the first instance's target only. Under API-server
 * stress binds fail (errors), pods pile up in backoff, and the controllers' queues deepen and wait longer.
 */
export function writeComponents(h: ComponentHandles, c: ControlPlaneStep, noise: Noise, out: Float64Array): void {
  if (c.instance !== 0) return;
  const s = Math.max(0, Math.min(1, c.stress));
  const jitter = (key: string, salt = 0) => 1 + 0.1 * noise.gaussian(hashString(key), c.n, salt);
  const rates = { scheduled: 1.5 * (1 - 0.6 * s), unschedulable: 0.03, error: 0.4 * s };
  for (const a of h.attempts) add(out, a.slot, noise.round(rates[a.result] * c.dt * Math.max(0, jitter(`attempts:${a.result}`)), hashString(`attempts:${a.result}`), c.n));
  const pending: Record<string, number> = { active: 2 + 30 * s, backoff: 1 + 60 * s, unschedulable: 4, gated: 1 };
  for (const p of h.pending) set(out, p.slot, Math.max(0, Math.round(pending[p.queue]! * Math.max(0, jitter(`pending:${p.queue}`)))));
  for (const q of h.queues) {
    // Whole items: the counter and the histogram's buckets count the same adds.
    const adds = Math.max(0, noise.round(q.spec.adds * c.dt * (1 + 0.05 * noise.gaussian(q.key, c.n, 1)), q.key, c.n));
    add(out, q.adds, adds);
    observe(out, q.wait, adds, lognormal(q.spec.wait * (1 + 400 * s), 1.1));
    set(out, q.depth, Math.max(0, Math.round(q.spec.adds * (0.5 + 40 * s) * Math.max(0, jitter(`depth:${q.spec.name}`, 2)))));
  }
}

// ── All of the above, as both models use them ─────────────────────────────────────────────────────────────

export interface ControlPlaneHandles {
  dbSize: DbSizeSlot[];
  denials: PolicyDenials;
  components: ComponentHandles;
}

export function buildControlPlane(b: CatalogueBuilder, profile: VersionProfile): ControlPlaneHandles {
  return { dbSize: buildDbSize(b, profile), denials: buildPolicyDenials(b), components: buildComponents(b, profile) };
}

/** One step of everything here; `dbBase` overrides the database size per endpoint (etcd-slow). */
export function writeControlPlane(h: ControlPlaneHandles, c: ControlPlaneStep, noise: Noise, out: Float64Array, dbBase?: (endpoint: number) => number): void {
  writeDbSize(h.dbSize, c.t, noise, out, dbBase);
  writePolicyDenials(h.denials, c, noise, out);
  writeComponents(h.components, c, noise, out);
}
