// Metric names, label names and `le` sets per Kubernetes version. The expectations below are written from
// shared/reference/metrics.md §3 (and the real v1.30.0 scrape), not from the generator's own tables.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONTROLLER_MANAGER_JOB, JOB, K8S_VERSIONS, SCHEDULER_JOB, createScenario, defaultEnd, parseTextFormat, familyOf, type K8sVersion, type Scenario } from "./index";

const END = defaultEnd(Date.UTC(2026, 10, 23, 12, 0, 0) / 1000);
const minor = (v: string) => Number(v.split(".")[1]);

// ---- label names (metrics.md §3.2–3.4) ----
const REQUEST = ["verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component"];
const LONGRUNNING = ["verb", "group", "version", "resource", "subresource", "scope", "component"];
const PL = ["priority_level"];
const PL_FS = ["priority_level", "flow_schema"];

function expectedLabels(version: K8sVersion): Record<string, string[]> {
  const m = minor(version);
  const storage = m >= 34 ? ["group", "resource"] : ["resource"];
  return {
    apiserver_request_total: [...REQUEST, "code"],
    apiserver_request_duration_seconds: REQUEST,
    apiserver_response_sizes: LONGRUNNING,
    apiserver_request_terminations_total: [...LONGRUNNING, "code"],
    apiserver_longrunning_requests: LONGRUNNING,
    apiserver_longrunning_gauge: LONGRUNNING,
    apiserver_registered_watchers: ["group", "version", "kind"],
    apiserver_watch_events_total: m >= 34 ? ["group", "version", "resource"] : ["group", "version", "kind"],
    apiserver_current_inflight_requests: ["request_kind"],
    apiserver_current_inqueue_requests: ["request_kind"],
    apiserver_requested_deprecated_apis: ["group", "version", "resource", "subresource", "removed_release"],
    apiserver_storage_list_total: storage,
    apiserver_storage_list_fetched_objects_total: storage,
    apiserver_storage_list_evaluated_objects_total: storage,
    apiserver_storage_list_returned_objects_total: storage,
    apiserver_storage_objects: ["resource"],
    apiserver_resource_objects: ["group", "resource"],
    etcd_object_counts: ["resource"],
    etcd_request_duration_seconds: m >= 34 ? ["operation", "group", "resource"] : ["operation", "type"],
    apiserver_flowcontrol_request_concurrency_limit: PL,
    apiserver_flowcontrol_nominal_limit_seats: PL,
    apiserver_flowcontrol_current_limit_seats: PL,
    apiserver_flowcontrol_lower_limit_seats: PL,
    apiserver_flowcontrol_upper_limit_seats: PL,
    apiserver_flowcontrol_request_concurrency_in_use: PL_FS,
    apiserver_flowcontrol_current_executing_seats: PL_FS,
    apiserver_flowcontrol_current_executing_requests: PL_FS,
    apiserver_flowcontrol_current_inqueue_requests: PL_FS,
    apiserver_flowcontrol_request_wait_duration_seconds: [...PL_FS, "execute"],
    apiserver_flowcontrol_request_execution_seconds: [...PL_FS, "type"], // `type` from 1.24
    apiserver_flowcontrol_request_queue_length_after_enqueue: PL_FS,
    apiserver_flowcontrol_rejected_requests_total: [...PL_FS, "reason"],
    apiserver_flowcontrol_dispatched_requests_total: PL_FS,
    apiserver_flowcontrol_priority_level_seat_utilization: ["priority_level", "phase"],
    apiserver_admission_webhook_admission_duration_seconds: ["name", "type", "operation", "rejected"],
    aggregator_unavailable_apiservice: ["name"],
    process_cpu_seconds_total: [],
    process_resident_memory_bytes: [],
    process_start_time_seconds: [],
    go_goroutines: [],
    go_threads: [],
    // etcd's database size: per endpoint up to 1.28's deprecated name, then per storage cluster (metrics.md §3.3).
    etcd_db_total_size_in_bytes: ["endpoint"],
    apiserver_storage_db_total_size_in_bytes: ["endpoint"],
    apiserver_storage_size_bytes: m >= 30 ? ["storage_cluster_id"] : ["cluster"],
    apiserver_admission_webhook_rejection_count: ["name", "type", "operation", "error_type", "rejection_code"],
    // The scheduler's and controller manager's own jobs.
    scheduler_pending_pods: ["queue"],
    scheduler_schedule_attempts_total: ["result", "profile"],
    workqueue_depth: ["name"],
    workqueue_adds_total: ["name"],
    workqueue_queue_duration_seconds: ["name"],
  };
}

/** Families that must be present / absent, by version (deprecation and hiding rules, metrics.md §3.1). */
function expectedPresence(version: K8sVersion, showHidden?: string): { present: string[]; absent: string[] } {
  const m = minor(version);
  const seats = ["apiserver_flowcontrol_nominal_limit_seats", "apiserver_flowcontrol_current_limit_seats", "apiserver_flowcontrol_lower_limit_seats", "apiserver_flowcontrol_upper_limit_seats"];
  const present = [
    "apiserver_request_total",
    "apiserver_request_duration_seconds",
    "apiserver_response_sizes",
    "apiserver_longrunning_requests",
    "apiserver_watch_events_total",
    "apiserver_current_inflight_requests",
    "apiserver_storage_list_total",
    "apiserver_storage_list_returned_objects_total",
    "apiserver_storage_objects",
    "etcd_request_duration_seconds",
    "apiserver_flowcontrol_current_executing_requests",
    "apiserver_flowcontrol_current_inqueue_requests",
    "apiserver_flowcontrol_request_wait_duration_seconds",
    "apiserver_flowcontrol_request_execution_seconds",
    "apiserver_flowcontrol_request_queue_length_after_enqueue",
    "apiserver_flowcontrol_dispatched_requests_total",
    "apiserver_flowcontrol_rejected_requests_total",
    "apiserver_admission_webhook_admission_duration_seconds",
    "aggregator_unavailable_apiservice",
    "apiserver_requested_deprecated_apis",
    "apiserver_request_terminations_total",
    "process_resident_memory_bytes",
    "process_cpu_seconds_total",
    "process_start_time_seconds",
    "go_goroutines",
    "apiserver_admission_webhook_rejection_count",
    "scheduler_pending_pods",
    "scheduler_schedule_attempts_total",
    "workqueue_depth",
    "workqueue_adds_total",
    "workqueue_queue_duration_seconds",
  ];
  const absent: string[] = [];
  (m <= 25 ? present : absent).push("etcd_db_total_size_in_bytes");
  // Deprecated in 1.28 (ALPHA): hidden from 1.29, shown again by --show-hidden-metrics-for-version.
  (m >= 26 && (m <= 28 || showHidden) ? present : absent).push("apiserver_storage_db_total_size_in_bytes");
  (m >= 28 ? present : absent).push("apiserver_storage_size_bytes");
  (m >= 26 ? present : absent).push(...seats);
  (m >= 28 ? present : absent).push("apiserver_flowcontrol_current_executing_seats");
  (m >= 25 ? present : absent).push("apiserver_flowcontrol_priority_level_seat_utilization");
  (m >= 34 ? present : absent).push("apiserver_resource_objects");
  // request_concurrency_limit: deprecated 1.30, hidden from 1.31; concurrency_in_use: deprecated 1.31, hidden from 1.32.
  (m <= 30 || showHidden ? present : absent).push("apiserver_flowcontrol_request_concurrency_limit");
  (m <= 31 || showHidden ? present : absent).push("apiserver_flowcontrol_request_concurrency_in_use");
  // longrunning_gauge / registered_watchers: deprecated 1.23, hidden 1.24, removed 1.25; etcd_object_counts hidden 1.23.
  (m === 24 && showHidden ? present : absent).push("apiserver_longrunning_gauge", "apiserver_registered_watchers", "etcd_object_counts");
  return { present, absent };
}

// ---- le sets (metrics.md §3.2–3.4; webhook buckets from kubernetes PR #115802, 1.27) ----
const REQUEST_LE_1_23 = ["0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1", "1.25", "1.5", "2", "3", "4", "5", "6", "8", "10", "15", "20", "30", "45", "60", "+Inf"];
const REQUEST_LE_1_25 = ["0.005", "0.025", "0.05", "0.1", "0.2", "0.4", "0.6", "0.8", "1", "1.25", "1.5", "2", "3", "4", "5", "6", "8", "10", "15", "20", "30", "45", "60", "+Inf"];
const ETCD_LE_1_21 = ["0.005", "0.025", "0.1", "0.25", "0.5", "1", "2", "4", "15", "30", "60", "+Inf"];
const APF_LE_1_18 = ["0", "0.005", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "30", "+Inf"];
const APF_LE_1_28 = ["0", "0.005", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "15", "30", "+Inf"];

function expectedLe(version: K8sVersion): Record<string, string[]> {
  const m = minor(version);
  return {
    apiserver_request_duration_seconds: m >= 25 ? REQUEST_LE_1_25 : REQUEST_LE_1_23,
    etcd_request_duration_seconds: m >= 25 ? REQUEST_LE_1_25 : ETCD_LE_1_21,
    apiserver_flowcontrol_request_wait_duration_seconds: m >= 28 ? APF_LE_1_28 : APF_LE_1_18,
    apiserver_flowcontrol_request_execution_seconds: m >= 28 ? APF_LE_1_28 : APF_LE_1_18,
    apiserver_flowcontrol_request_queue_length_after_enqueue: ["0", "10", "25", "50", "100", "250", "500", "1000", "+Inf"],
    apiserver_flowcontrol_priority_level_seat_utilization: ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "0.95", "0.99", "1", "+Inf"],
    apiserver_response_sizes: ["1000", "10000", "100000", "1e+06", "1e+07", "1e+08", "1e+09", "+Inf"],
    // client-go's ExponentialBuckets(10e-9, 10, 10).
    workqueue_queue_duration_seconds: ["1e-08", "1e-07", "1e-06", "9.999999999999999e-06", "9.999999999999999e-05", "0.001", "0.01", "0.1", "1", "10", "+Inf"],
    apiserver_admission_webhook_admission_duration_seconds: m >= 27 ? ["0.005", "0.025", "0.1", "0.5", "1", "2.5", "10", "25", "+Inf"] : ["0.005", "0.025", "0.1", "0.5", "1", "2.5", "+Inf"],
  };
}

/**
 * Every sample any instance shows at a few moments covering quiet, storm and recovery (lazy series included),
 * the scheduler's and controller manager's jobs included.
 */
function allSamples(scenario: Scenario) {
  const { stormStart, stormEnd, end } = scenario.timeline;
  const jobs = [JOB, SCHEDULER_JOB, CONTROLLER_MANAGER_JOB];
  return scenario.instances.flatMap((i) => [stormStart - 600, stormStart + 1800, stormEnd - 300, end].flatMap((t) => jobs.flatMap((job) => scenario.scrape(i, t, job))));
}

const CASES: Array<[K8sVersion, string | undefined]> = [...K8S_VERSIONS.map((v) => [v, undefined] as [K8sVersion, undefined]), ["1.24", "1.23"], ["1.35", "1.34"]];

describe.each(CASES)("Kubernetes %s (show hidden: %s)", (version, showHidden) => {
  const scenario = createScenario({ end: END, k8sVersion: version, showHiddenMetricsForVersion: showHidden, historySeconds: 21600 });
  const samples = allSamples(scenario);
  const families = new Set(samples.map((s) => familyOf(s.name, new Map([...scenario.families].map(([k, v]) => [k, v.type])))));

  it("exposes the families of this version and none that it hides or lacks", () => {
    const { present, absent } = expectedPresence(version, showHidden);
    for (const f of present) expect(families, f).toContain(f);
    for (const f of absent) expect(families, f).not.toContain(f);
  });

  it("uses the label names of this version for every family", () => {
    const expected = expectedLabels(version);
    for (const s of samples) {
      const family = familyOf(s.name, new Map([...scenario.families].map(([k, v]) => [k, v.type])));
      expect(expected[family], `unexpected family ${family}`).toBeDefined();
      const { le: _le, ...rest } = s.labels;
      expect(Object.keys(rest).sort(), `${s.name}`).toEqual([...expected[family]].sort());
    }
  });

  it("uses exactly the le sets of this version", () => {
    for (const [family, les] of Object.entries(expectedLe(version))) {
      const byLabels = new Map<string, string[]>();
      for (const s of samples) {
        if (s.name !== `${family}_bucket`) continue;
        const { le, ...rest } = s.labels;
        const key = JSON.stringify(rest);
        const list = byLabels.get(key) ?? [];
        if (!list.includes(le)) list.push(le);
        byLabels.set(key, list);
      }
      if (!families.has(family)) continue;
      expect(byLabels.size, family).toBeGreaterThan(0);
      for (const [key, list] of byLabels) expect(list, `${family}${key}`).toEqual(les);
    }
  });

  it("names etcd object types as this version does", () => {
    const etcd = samples.filter((s) => s.name === "etcd_request_duration_seconds_count");
    const m = minor(version);
    if (m <= 25) expect(etcd.map((s) => s.labels.type)).toContain("*core.Pod");
    else if (m <= 33) expect(etcd.map((s) => s.labels.type)).toEqual(expect.arrayContaining(["pods", "leases.coordination.k8s.io"]));
    else expect(etcd.find((s) => s.labels.resource === "leases")?.labels.group).toBe("coordination.k8s.io");
  });
});

describe("deprecation", () => {
  it("marks deprecated families in HELP like the apiserver", () => {
    const v130 = createScenario({ end: END, k8sVersion: "1.30" });
    expect(v130.families.get("apiserver_flowcontrol_request_concurrency_limit")?.help).toBe(
      "[ALPHA] (Deprecated since 1.30.0) Nominal number of execution seats configured for each priority level",
    );
    expect(v130.families.get("apiserver_request_total")?.help).toMatch(/^\[STABLE\] /);
    const v135 = createScenario({ end: END, k8sVersion: "1.35" });
    expect(v135.families.get("apiserver_storage_objects")?.help).toMatch(/^\[STABLE\] \(Deprecated since 1\.34\.0\) /);
  });

  it("accepts --show-hidden-metrics-for-version only for the previous minor, like kube-apiserver", () => {
    expect(() => createScenario({ end: END, k8sVersion: "1.30", showHiddenMetricsForVersion: "1.28" })).toThrow(/previous minor/);
    expect(() => createScenario({ end: END, k8sVersion: "1.24", showHiddenMetricsForVersion: "1.23" })).not.toThrow();
  });

  it("shows the old watch gauges with the same values as their replacement", () => {
    const s = createScenario({ end: END, k8sVersion: "1.24", showHiddenMetricsForVersion: "1.23" });
    const samples = s.scrape(s.instances[0], END);
    const sum = (name: string) => samples.filter((x) => x.name === name && (x.labels.verb ?? "WATCH") === "WATCH").reduce((n, x) => n + x.value, 0);
    expect(sum("apiserver_longrunning_gauge")).toBe(sum("apiserver_longrunning_requests"));
    expect(sum("apiserver_registered_watchers")).toBe(sum("apiserver_longrunning_requests"));
  });
});

/** A copy of ../shared/reference/real-metrics (Apache-2.0, see test-support/data/README.md). */
const REAL_SCRAPE = join(__dirname, "..", "..", "test-support", "data", "kube-apiserver-v1.30.0.prom");

describe("compared with a real kube-apiserver v1.30.0 scrape", () => {
  const real = parseTextFormat(readFileSync(REAL_SCRAPE, "utf8"));
  const scenario = createScenario({ end: END, k8sVersion: "1.30" });
  const ours = allSamples(scenario);
  const ourTypes = new Map([...scenario.families].map(([k, v]) => [k, v.type]));

  it("has the same label names, HELP type and le values for every family both expose", () => {
    const realLabels = new Map<string, Set<string>>();
    const realLe = new Map<string, Set<string>>();
    for (const s of real.samples) {
      const f = familyOf(s.name, real.types);
      const { le, ...rest } = s.labels;
      realLabels.set(f, new Set([...(realLabels.get(f) ?? []), Object.keys(rest).sort().join(",")]));
      if (le !== undefined) realLe.set(f, new Set([...(realLe.get(f) ?? []), le]));
    }
    let compared = 0;
    for (const [family, type] of ourTypes) {
      if (!realLabels.has(family)) continue;
      compared++;
      expect(real.types.get(family), family).toBe(type);
      const ourLabelSets = new Set(ours.filter((s) => familyOf(s.name, ourTypes) === family).map((s) => Object.keys(s.labels).filter((k) => k !== "le").sort().join(",")));
      expect([...ourLabelSets], family).toEqual([...realLabels.get(family)!]);
      const ourLe = new Set(ours.filter((s) => familyOf(s.name, ourTypes) === family && s.labels.le !== undefined).map((s) => s.labels.le));
      if (realLe.has(family)) expect([...ourLe].sort(), family).toEqual([...realLe.get(family)!].sort());
    }
    expect(compared).toBeGreaterThan(30);
  });

  it("uses label values seen in the real scrape for the default APF configuration", () => {
    const values = (name: string, label: string, from: Array<{ name: string; labels: Record<string, string> }>) => new Set(from.filter((s) => s.name === name).map((s) => s.labels[label]));
    const realLevels = values("apiserver_flowcontrol_nominal_limit_seats", "priority_level", real.samples);
    expect(values("apiserver_flowcontrol_nominal_limit_seats", "priority_level", ours)).toEqual(realLevels);
    const realSchemas = values("apiserver_flowcontrol_dispatched_requests_total", "flow_schema", real.samples);
    for (const fs of values("apiserver_flowcontrol_dispatched_requests_total", "flow_schema", ours)) expect(realSchemas, fs).toContain(fs);
    const nominal = (from: Array<{ name: string; labels: Record<string, string>; value: number }>) =>
      Object.fromEntries(from.filter((s) => s.name === "apiserver_flowcontrol_nominal_limit_seats").map((s) => [s.labels.priority_level, s.value]));
    expect(nominal(scenario.scrape(scenario.instances[0], END))).toEqual(nominal(real.samples));
  });
});
