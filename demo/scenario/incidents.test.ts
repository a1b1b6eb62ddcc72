// Every incident kind on every version, read from scrape() like the PromQL would: the defining signal is there
// at full strength, absent before the incident and absent in `healthy` at the same time; the truths the
// scenario publishes match what the metrics show; the effects on the other families are the ones a real
// cluster would show (and not those of another cause).
import { describe, expect, it } from "vitest";
import {
  APF_SATURATION,
  INCIDENT_KINDS,
  K8S_VERSIONS,
  WEBHOOK_SLOW,
  createScenario,
  defaultEnd,
  type IncidentKind,
  type K8sVersion,
  type Scenario,
} from "./index";
import { bucketIncrease, histogramQuantile, rate, sumOf, type LabelFilter } from "./test-helpers";

const END = defaultEnd(Date.UTC(2026, 10, 23, 12, 0, 0) / 1000);
const minor = (v: string) => Number(v.split(".")[1]);
const nonWatch: LabelFilter = (l) => l.verb !== "WATCH" && l.verb !== "CONNECT";

const cache = new Map<string, Scenario>();
function scenario(kind: IncidentKind, k8sVersion: K8sVersion): Scenario {
  const key = `${kind}@${k8sVersion}`;
  let s = cache.get(key);
  if (!s) cache.set(key, (s = createScenario({ end: END, k8sVersion, incident: kind })));
  return s;
}

/** Windows of 5 minutes: at full strength (the truths' steady window), and 20 minutes before the incident. */
function windows(s: Scenario) {
  const steady = s.incident.steady!;
  const start = s.timeline.incidentStart!;
  return { during: [steady.from, steady.to] as const, before: [start - 1200, start - 900] as const };
}

const sumAll = (s: Scenario, name: string, t: number, filter?: LabelFilter) => s.instances.reduce((n, i) => n + sumOf(s.scrape(i, t), name, filter), 0);
const rateAll = (s: Scenario, name: string, [t1, t2]: readonly [number, number], filter?: LabelFilter) => s.instances.reduce((n, i) => n + rate(s, i, name, t1, t2, filter), 0);
const quantile = (s: Scenario, q: number, family: string, [t1, t2]: readonly [number, number], filter?: LabelFilter, instances = s.instances) =>
  histogramQuantile(q, bucketIncrease(s, instances, family, t1, t2, filter));

function seatsAndLimit(s: Scenario, instance: string, t: number, level: string, version: K8sVersion) {
  const at = s.scrape(instance, t);
  const borrowing = minor(version) >= 26;
  const isLevel: LabelFilter = (l) => l.priority_level === level;
  return {
    seats: sumOf(at, minor(version) >= 28 ? "apiserver_flowcontrol_current_executing_seats" : "apiserver_flowcontrol_request_concurrency_in_use", isLevel),
    limit: sumOf(at, borrowing ? "apiserver_flowcontrol_current_limit_seats" : "apiserver_flowcontrol_request_concurrency_limit", isLevel),
    at,
  };
}

describe("incident kinds", () => {
  it("lists seven kinds with list-storm first, and rejects an unknown one with the list", () => {
    expect(INCIDENT_KINDS).toEqual(["list-storm", "apf-saturation", "etcd-slow", "webhook-slow", "watch-surge", "asymmetric", "healthy"]);
    expect(() => createScenario({ end: END, incident: "dns" as never })).toThrow(/incident must be one of list-storm, apf-saturation, etcd-slow, webhook-slow, watch-surge, asymmetric, healthy/);
  });

  it("the default is the LIST storm, with its truths", () => {
    const s = createScenario({ end: END, historySeconds: 600 });
    expect(s.options.incident).toBe("list-storm");
    expect(s.timeline.incident).toBe("list-storm");
    expect(s.incident.kind).toBe("list-storm");
    if (s.incident.kind !== "list-storm") throw new Error("unreachable");
    expect(s.incident.start).toBe(s.timeline.stormStart);
    expect(s.incident.end).toBe(s.timeline.stormEnd);
    expect(s.incident.hotInstance).toBe(s.timeline.hotInstance);
    expect(s.incident.listsPerSecond).toBeCloseTo(1000 / 60, 5);
    expect(s.timeline.restarts).toEqual([{ instance: s.timeline.restartedInstance, at: s.timeline.restartAt }]);
  });

  it.each(INCIDENT_KINDS.filter((k) => k !== "list-storm"))("%s starts 90 min before end; only asymmetric restarts servers", (kind) => {
    const s = createScenario({ end: END, incident: kind, historySeconds: 600 });
    const { timeline: tl, incident: truths } = s;
    expect(tl.incident).toBe(kind);
    expect(tl.stormStart).toBe(END - 90 * 60);
    if (kind === "healthy") {
      expect([tl.incidentStart, tl.incidentEnd, truths.start, truths.steady]).toEqual([null, null, null, null]);
    } else {
      expect(tl.incidentStart).toBe(END - 90 * 60);
      expect(truths.start).toBe(tl.incidentStart);
      expect(truths.end).toBe(tl.incidentEnd);
      expect(truths.steady!.from).toBeGreaterThanOrEqual(tl.incidentStart! + truths.rampUpSeconds);
      expect(truths.steady!.to).toBeLessThanOrEqual(tl.incidentEnd ?? END);
    }
    expect(tl.restarts.length).toBe(kind === "asymmetric" ? 2 : 0);
    if (kind !== "asymmetric") expect(tl.restartAt).toBeLessThan(tl.start);
  });
});

describe.each(K8S_VERSIONS)("Kubernetes %s", (version) => {
  const healthy = () => scenario("healthy", version);

  describe("apf-saturation", () => {
    const s = scenario("apf-saturation", version);
    const truths = s.incident;
    if (truths.kind !== "apf-saturation") throw new Error("wrong truths");
    const { during, before } = windows(s);
    const level = truths.priorityLevel;

    it("the kube-system flow pins workload-high on every server and holds most of its seats", () => {
      expect(truths.flowSchema).toBe("kube-system-service-accounts");
      expect(level).toBe("workload-high");
      for (const i of s.instances) {
        const { seats, limit, at } = seatsAndLimit(s, i, during[1], level, version);
        expect(seats / limit, i).toBeGreaterThanOrEqual(truths.expected.utilizationAtLeast);
        expect(seats).toBeLessThanOrEqual(limit);
        const seatMetric = minor(version) >= 28 ? "apiserver_flowcontrol_current_executing_seats" : "apiserver_flowcontrol_request_concurrency_in_use";
        const flow = sumOf(at, seatMetric, (l) => l.priority_level === level && l.flow_schema === truths.flowSchema);
        expect(flow / seats, i).toBeGreaterThanOrEqual(truths.expected.flowSeatShareAtLeast);
        // seats ≠ requests: each LIST is charged several seats
        expect(sumOf(at, "apiserver_flowcontrol_current_executing_requests", (l) => l.flow_schema === truths.flowSchema)).toBeLessThan(flow / 3);
      }
    });

    it("absent before and in healthy: the level idles and nothing is rejected", () => {
      for (const [sc, t] of [[s, before[1]], [healthy(), during[1]]] as const) {
        for (const i of sc.instances) {
          const { seats, limit, at } = seatsAndLimit(sc, i, t, level, version);
          expect(seats / limit).toBeLessThan(0.3);
          expect(at.some((x) => x.name === "apiserver_flowcontrol_rejected_requests_total")).toBe(false);
        }
      }
    });

    it("the flow queues (p99 wait ≥ 5 s) and is rejected; the critical flows sharing the level barely wait", () => {
      const wait = quantile(s, 0.99, "apiserver_flowcontrol_request_wait_duration_seconds", during, (l) => l.flow_schema === truths.flowSchema && l.execute === "true");
      expect(wait).toBeGreaterThanOrEqual(truths.expected.queueWaitP99AtLeastSeconds);
      const rejected = rateAll(s, "apiserver_flowcontrol_rejected_requests_total", during, (l) => l.flow_schema === truths.flowSchema && l.priority_level === level);
      expect(rejected).toBeGreaterThanOrEqual(truths.expected.rejectedPerSecondAtLeast);
      expect(rateAll(s, "apiserver_request_total", during, (l) => l.code === "429" && l.resource === truths.resource)).toBeCloseTo(rejected, -1);
      for (const victim of truths.victims) {
        const v = quantile(s, 0.99, "apiserver_flowcontrol_request_wait_duration_seconds", during, (l) => l.flow_schema === victim && l.execute === "true");
        expect(v, victim).toBeLessThan(truths.expected.victimWaitP99BelowSeconds);
        expect(v, victim).toBeGreaterThan(0.01); // but they do wait more than on an idle level
      }
      expect(rateAll(s, "apiserver_flowcontrol_rejected_requests_total", during, (l) => l.flow_schema !== truths.flowSchema)).toBe(0);
    });

    it("its LISTs are many and cheap to return but scan every EndpointSlice (not a LIST storm by objects returned)", () => {
      const lists = rateAll(s, "apiserver_request_total", during, (l) => l.verb === "LIST" && l.resource === "endpointslices" && l.scope === "cluster");
      expect(lists).toBeGreaterThan(truths.listsPerSecond * 0.85);
      expect(lists).toBeLessThan(truths.listsPerSecond * 1.15);
      const returned = rateAll(s, "apiserver_storage_list_returned_objects_total", during, (l) => l.resource === "endpointslices" || l.resource === "endpointslices.discovery.k8s.io");
      const evaluated = rateAll(s, "apiserver_storage_list_evaluated_objects_total", during, (l) => l.resource === "endpointslices" || l.resource === "endpointslices.discovery.k8s.io");
      expect(returned / lists).toBeLessThan(500);
      expect(evaluated / returned).toBeGreaterThan(100);
      // the servers work harder: CPU and memory up, etcd LISTs slower, writes still fast
      for (const i of s.instances) {
        expect(rate(s, i, "process_cpu_seconds_total", ...during)).toBeGreaterThan(rate(s, i, "process_cpu_seconds_total", ...before) * 2);
        expect(sumOf(s.scrape(i, during[1]), "process_resident_memory_bytes")).toBeGreaterThan(sumOf(s.scrape(i, before[1]), "process_resident_memory_bytes") * 1.5);
      }
      const writes = quantile(s, 0.99, "etcd_request_duration_seconds", during, (l) => l.operation === "update");
      expect(writes).toBeLessThan(0.1);
    });

    it("recovers after the fix", () => {
      const t = s.timeline.end;
      for (const i of s.instances) {
        const { seats, limit } = seatsAndLimit(s, i, t, level, version);
        expect(seats / limit).toBeLessThan(0.3);
        expect(rate(s, i, "apiserver_flowcontrol_rejected_requests_total", t - 300, t)).toBe(0);
      }
    });
  });

  describe("etcd-slow", () => {
    const s = scenario("etcd-slow", version);
    const truths = s.incident;
    if (truths.kind !== "etcd-slow") throw new Error("wrong truths");
    const { during, before } = windows(s);

    it("etcd p99 rises more than 10× above its baseline (writes and reads), and is normal before and in healthy", () => {
      const baseline = quantile(s, 0.99, "etcd_request_duration_seconds", before);
      expect(baseline).toBeGreaterThan(0.005);
      expect(baseline).toBeLessThan(0.05);
      expect(baseline).toBeCloseTo(truths.expected.baselineEtcdP99Seconds, 1);
      const slow = quantile(s, 0.99, "etcd_request_duration_seconds", during);
      expect(slow).toBeGreaterThan(10 * baseline);
      expect(slow).toBeGreaterThan(truths.expected.etcdP99Seconds * 0.5);
      expect(slow).toBeLessThan(truths.expected.etcdP99Seconds * 2);
      for (const op of ["update", "create", "get"]) expect(quantile(s, 0.99, "etcd_request_duration_seconds", during, (l) => l.operation === op), op).toBeGreaterThan(0.1);
      expect(quantile(healthy(), 0.99, "etcd_request_duration_seconds", during)).toBeLessThan(0.05);
    });

    it("API p99 follows etcd p99; what the watch cache serves stays fast", () => {
      const api = quantile(s, 0.99, "apiserver_request_duration_seconds", during, nonWatch);
      const etcd = quantile(s, 0.99, "etcd_request_duration_seconds", during);
      expect(api / etcd).toBeGreaterThan(0.5);
      expect(api / etcd).toBeLessThan(2);
      expect(api).toBeGreaterThan(truths.expected.apiP99Seconds * 0.5);
      expect(quantile(s, 0.99, "apiserver_request_duration_seconds", before, nonWatch)).toBeLessThan(0.5);
      // every verb that touches etcd is slower: writes and GETs
      for (const verb of ["UPDATE", "PATCH", "CREATE", "GET"]) {
        const p = quantile(s, 0.99, "apiserver_request_duration_seconds", during, (l) => l.verb === verb && l.resource !== "" && l.subresource !== "token");
        expect(p, verb).toBeGreaterThan(3 * quantile(s, 0.99, "apiserver_request_duration_seconds", before, (l) => l.verb === verb && l.resource !== "" && l.subresource !== "token"));
      }
      // namespace LISTs are served from the watch cache
      const cached = quantile(s, 0.99, "apiserver_request_duration_seconds", during, (l) => l.verb === "LIST" && l.scope === "namespace");
      expect(cached).toBeLessThan(truths.expected.cachedReadP99BelowSeconds);
      expect(rateAll(s, "apiserver_cache_list_total", during)).toBeGreaterThan(1);
    });

    it("in-flight grows modestly, no APF rejections, /readyz fails now and then", () => {
      for (const i of s.instances) {
        const mutating = (t: number) => sumOf(s.scrape(i, t), "apiserver_current_inflight_requests", (l) => l.request_kind === "mutating");
        expect(mutating(during[1])).toBeGreaterThan(mutating(before[1]));
        expect(mutating(during[1])).toBeLessThan(60);
        expect(s.scrape(i, during[1]).some((x) => x.name === "apiserver_flowcontrol_rejected_requests_total")).toBe(false);
      }
      const readyz500 = rateAll(s, "apiserver_request_total", during, (l) => l.subresource === "/readyz" && l.code === "500");
      expect(readyz500).toBeGreaterThan(0.03);
      expect(rateAll(s, "apiserver_request_total", during, (l) => l.code === "429")).toBe(0);
    });

    it("the database is defragmented at the fix, and latency recovers", () => {
      const size = (t: number) => s.scrape(s.instances[0], t).filter((x) => /^(apiserver_storage_size_bytes|etcd_db_total_size_in_bytes|apiserver_storage_db_total_size_in_bytes)$/.test(x.name));
      expect(size(during[1]).length).toBeGreaterThan(0);
      for (const x of size(during[1])) expect(x.value).toBeGreaterThan(truths.dbSize.beforeBytes * 0.95);
      for (const x of size(s.timeline.end)) expect(x.value).toBeLessThan(truths.dbSize.afterBytes * 1.05);
      expect(quantile(s, 0.99, "etcd_request_duration_seconds", [s.timeline.end - 300, s.timeline.end])).toBeLessThan(0.05);
    });
  });

  describe("webhook-slow", () => {
    const s = scenario("webhook-slow", version);
    const truths = s.incident;
    if (truths.kind !== "webhook-slow") throw new Error("wrong truths");
    const { during, before } = windows(s);
    const hook = (name: string): LabelFilter => (l) => l.name === name;
    // Before 1.27 the top finite bucket is 2.5 s: histogram_quantile cannot say more.
    const topBucket = minor(version) >= 27 ? Infinity : 2.5;

    it("its p90 is near its timeout (or the top bucket before 1.27); other webhooks stay normal", () => {
      const p90 = quantile(s, 0.9, "apiserver_admission_webhook_admission_duration_seconds", during, hook(truths.webhook));
      expect(p90).toBeGreaterThanOrEqual(Math.min(truths.expected.p90AtLeastSeconds, topBucket));
      expect(p90).toBeLessThanOrEqual(truths.timeoutSeconds);
      if (topBucket === Infinity) expect(p90).toBeCloseTo(truths.expected.p90Seconds, 0);
      for (const other of truths.unaffectedWebhooks) expect(quantile(s, 0.9, "apiserver_admission_webhook_admission_duration_seconds", during, hook(other)), other).toBeLessThan(truths.expected.otherWebhooksP90BelowSeconds);
    });

    it("absent before and in healthy", () => {
      expect(quantile(s, 0.9, "apiserver_admission_webhook_admission_duration_seconds", before, hook(truths.webhook))).toBeLessThan(0.1);
      expect(quantile(healthy(), 0.9, "apiserver_admission_webhook_admission_duration_seconds", during, hook(truths.webhook))).toBeLessThan(0.1);
      for (const sc of [healthy(), s]) {
        const t = sc === s ? before[1] : during[1];
        // Its failed calls are absent; gatekeeper's everyday policy denials (no_error, 403) are there on every cluster.
        const rejections = sc.scrape(sc.instances[0], t).filter((x) => x.name === "apiserver_admission_webhook_rejection_count");
        expect(rejections.some((x) => x.labels.error_type === "calling_webhook_error")).toBe(false);
        expect(rejections.map((x) => x.labels.error_type)).toEqual(["no_error"]);
      }
    });

    it("timed-out calls fail the write (500) and count as rejections; matched writes are slow, reads and DELETEs are not", () => {
      const calls = rateAll(s, "apiserver_admission_webhook_request_total", during, hook(truths.webhook));
      const failed = rateAll(s, "apiserver_admission_webhook_request_total", during, (l) => l.name === truths.webhook && l.rejected === "true" && l.code === "400");
      expect(failed / calls).toBeGreaterThan(truths.expected.timeoutShare * 0.6);
      expect(failed / calls).toBeLessThan(truths.expected.timeoutShare * 1.6);
      expect(rateAll(s, "apiserver_admission_webhook_rejection_count", during, (l) => l.name === truths.webhook && l.error_type === "calling_webhook_error")).toBeCloseTo(failed, 1);
      const errors = rateAll(s, "apiserver_request_total", during, (l) => l.code === truths.expected.requestCode && (l.verb === "CREATE" || l.verb === "UPDATE"));
      expect(errors).toBeCloseTo(failed, 1);
      expect(errors).toBeGreaterThan(0.1);
      for (const verb of ["CREATE", "UPDATE"]) {
        const p = quantile(s, 0.99, "apiserver_request_duration_seconds", during, (l) => l.verb === verb);
        expect(p, verb).toBeGreaterThan(2);
      }
      const matched = (l: Record<string, string>) => l.verb === "CREATE" && l.resource === "events";
      expect(quantile(s, 0.5, "apiserver_request_duration_seconds", during, matched)).toBeGreaterThan(1);
      for (const verb of ["GET", "LIST", "DELETE"]) {
        const p = quantile(s, 0.99, "apiserver_request_duration_seconds", during, (l) => l.verb === verb);
        expect(p, verb).toBeLessThan(1.5 * quantile(s, 0.99, "apiserver_request_duration_seconds", before, (l) => l.verb === verb) + 0.01);
      }
      // the exempt namespaces' leases (node heartbeats) and subresource writes are not matched
      expect(quantile(s, 0.99, "apiserver_request_duration_seconds", during, (l) => l.verb === "PATCH")).toBeLessThan(0.5);
    });

    it("mutating in-flight rises; etcd and APF are fine", () => {
      for (const i of s.instances) {
        const mutating = (t: number) => sumOf(s.scrape(i, t), "apiserver_current_inflight_requests", (l) => l.request_kind === "mutating");
        expect(mutating(during[1])).toBeGreaterThan(mutating(before[1]) + 3);
      }
      expect(quantile(s, 0.99, "etcd_request_duration_seconds", during)).toBeLessThan(0.05);
      expect(rateAll(s, "apiserver_flowcontrol_rejected_requests_total", during)).toBe(0);
      expect(WEBHOOK_SLOW.exemptNamespaces).toContain("kube-node-lease");
    });
  });

  describe("watch-surge", () => {
    const s = scenario("watch-surge", version);
    const truths = s.incident;
    if (truths.kind !== "watch-surge") throw new Error("wrong truths");
    const { during, before } = windows(s);
    const watches = (sc: Scenario, t: number) => sumAll(sc, "apiserver_longrunning_requests", t, (l) => l.verb === "WATCH");

    it("WATCHes multiply ~8× (the truths' counts), and are flat before and in healthy", () => {
      const b = watches(s, before[1]);
      const d = watches(s, during[1]);
      expect(Math.abs(b - truths.expected.watchesBefore) / truths.expected.watchesBefore).toBeLessThan(0.02);
      expect(Math.abs(d - truths.expected.watchesAfter) / truths.expected.watchesAfter).toBeLessThan(0.02);
      expect(d / b).toBeGreaterThan(7);
      expect(d / b).toBeLessThan(8.5);
      expect(truths.expected.watchRatio).toBeGreaterThan(7.5);
      expect(watches(s, before[0]) / b).toBeCloseTo(1, 1);
      expect(watches(healthy(), during[1]) / watches(healthy(), before[1])).toBeCloseTo(1, 1);
      // the new watchers are the nodes' (pods, nodes, services, …), spread over every server
      for (const i of s.instances) {
        const pods = (t: number) => sumOf(s.scrape(i, t), "apiserver_longrunning_requests", (l) => l.verb === "WATCH" && l.resource === "nodes");
        expect(pods(during[1]) / pods(before[1])).toBeGreaterThan(6);
      }
    });

    it("watch events, lease writes, memory and CPU follow; new clients LIST once before they WATCH", () => {
      expect(rateAll(s, "apiserver_watch_events_total", during) / rateAll(s, "apiserver_watch_events_total", before)).toBeGreaterThan(5);
      const leases = (w: readonly [number, number]) => rateAll(s, "apiserver_request_total", w, (l) => l.verb === "UPDATE" && l.resource === "leases");
      expect(leases(during) / leases(before)).toBeGreaterThan(6);
      for (const i of s.instances) {
        const mem = (t: number) => sumOf(s.scrape(i, t), "process_resident_memory_bytes");
        expect(mem(during[1]) / mem(before[1])).toBeGreaterThan(2);
        expect(rate(s, i, "process_cpu_seconds_total", ...during) / rate(s, i, "process_cpu_seconds_total", ...before)).toBeGreaterThan(2);
      }
      const start = s.timeline.incidentStart!;
      const nodeLists = (w: readonly [number, number]) => rateAll(s, "apiserver_request_total", w, (l) => l.verb === "LIST" && l.resource === "nodes");
      expect(nodeLists([start + 120, start + 420])).toBeGreaterThan(5);
      expect(nodeLists(before)).toBe(0);
      expect(nodeLists(during)).toBe(0); // the new nodes have all joined
      expect(rateAll(s, "apiserver_cache_list_total", [start + 120, start + 420])).toBeGreaterThan(20);
      expect(rateAll(s, "apiserver_watch_cache_events_dispatched_total", during, (l) => (l.resource ?? "").includes("ease"))).toBeGreaterThan(
        5 * rateAll(s, "apiserver_watch_cache_events_dispatched_total", before, (l) => (l.resource ?? "").includes("ease")),
      );
    });

    it("not another cause: no saturation, etcd and API latency stay normal, servers stay even", () => {
      expect(quantile(s, 0.99, "etcd_request_duration_seconds", during)).toBeLessThan(0.1);
      expect(quantile(s, 0.99, "apiserver_request_duration_seconds", during, nonWatch)).toBeLessThan(0.5);
      expect(rateAll(s, "apiserver_flowcontrol_rejected_requests_total", during)).toBe(0);
      const per = s.instances.map((i) => sumOf(s.scrape(i, during[1]), "apiserver_longrunning_requests"));
      expect(Math.max(...per) / Math.min(...per)).toBeLessThan(1.2);
    });
  });

  describe("asymmetric", () => {
    const s = scenario("asymmetric", version);
    const truths = s.incident;
    if (truths.kind !== "asymmetric") throw new Error("wrong truths");
    const { during, before } = windows(s);
    const busy = truths.busyInstance;
    const others = s.instances.filter((i) => i !== busy);
    const longrunning = (sc: Scenario, i: string, t: number) => sumOf(sc.scrape(i, t), "apiserver_longrunning_requests");

    it("one server carries the long-running requests: ≥ 5× each other server's; even before and in healthy", () => {
      for (const o of others) expect(longrunning(s, busy, during[1]) / longrunning(s, o, during[1]), o).toBeGreaterThanOrEqual(truths.expected.longrunningRatioAtLeast);
      const total = s.instances.reduce((n, i) => n + longrunning(s, i, during[1]), 0);
      expect(longrunning(s, busy, during[1]) / total).toBeCloseTo(truths.expected.busyShare, 1);
      for (const [sc, t] of [[s, before[1]], [healthy(), during[1]]] as const) {
        const per = sc.instances.map((i) => longrunning(sc, i, t));
        expect(Math.max(...per) / Math.min(...per)).toBeLessThan(1.2);
      }
    });

    it("after a rolling restart of the two others", () => {
      expect(truths.restarts.map((r) => r.instance)).toEqual(others);
      const startTime = (i: string, t: number) => s.scrape(i, t).find((x) => x.name === "process_start_time_seconds")!.value;
      for (const r of truths.restarts) {
        expect(startTime(r.instance, r.at)).toBeGreaterThan(r.at - 60);
        expect(startTime(r.instance, r.at - 60)).toBeLessThan(s.timeline.start);
        expect(sumOf(s.scrape(r.instance, r.at), "apiserver_watch_cache_initializations_total")).toBeGreaterThan(0);
      }
      expect(startTime(busy, s.timeline.end)).toBeLessThan(s.timeline.start);
    });

    it("the busy server is out of CPU: far slower, its in-flight requests near their limit", () => {
      const inflight = (i: string, kind?: string) => sumOf(s.scrape(i, during[1]), "apiserver_current_inflight_requests", (l) => !kind || l.request_kind === kind);
      for (const o of others) expect(inflight(busy) / inflight(o)).toBeGreaterThanOrEqual(truths.expected.inflightRatioAtLeast);
      const share = minor(version) >= 26 ? truths.expected.mutatingInflightShareOfLimit : truths.expected.mutatingInflightShareOfLimit124;
      expect(inflight(busy, "mutating") / 200).toBeGreaterThanOrEqual(share);
      const p99 = (i: string) => quantile(s, 0.99, "apiserver_request_duration_seconds", during, nonWatch, [i]);
      for (const o of others) expect(p99(busy) / p99(o)).toBeGreaterThanOrEqual(truths.expected.latencyRatioAtLeast);
      const cpu = (i: string) => rate(s, i, "process_cpu_seconds_total", ...during);
      for (const o of others) expect(cpu(busy) / cpu(o)).toBeGreaterThan(3);
      // etcd is not the cause
      expect(quantile(s, 0.99, "etcd_request_duration_seconds", during)).toBeLessThan(0.05);
    });
  });

  describe("healthy", () => {
    const s = healthy();
    const w = [s.timeline.end - 3600, s.timeline.end - 3300] as const;

    it("shows none of the causes", () => {
      expect(quantile(s, 0.99, "apiserver_request_duration_seconds", w, nonWatch)).toBeLessThan(0.5);
      expect(quantile(s, 0.99, "etcd_request_duration_seconds", w)).toBeLessThan(0.05);
      expect(quantile(s, 0.9, "apiserver_admission_webhook_admission_duration_seconds", w)).toBeLessThan(0.1);
      for (const i of s.instances) {
        const at = s.scrape(i, w[1]);
        expect(at.some((x) => x.name === "apiserver_flowcontrol_rejected_requests_total" || x.name === "apiserver_request_terminations_total")).toBe(false);
        for (const level of ["workload-high", "workload-low", "system", "node-high", "global-default"]) {
          const { seats, limit } = seatsAndLimit(s, i, w[1], level, version);
          expect(seats / limit, level).toBeLessThan(0.3);
        }
        expect(sumOf(at, "apiserver_current_inflight_requests")).toBeLessThan(40);
      }
      const errors = rateAll(s, "apiserver_request_total", w, (l) => l.code.startsWith("5"));
      expect(errors / rateAll(s, "apiserver_request_total", w)).toBeLessThan(0.005);
      const per = s.instances.map((i) => sumOf(s.scrape(i, w[1]), "apiserver_longrunning_requests"));
      expect(Math.max(...per) / Math.min(...per)).toBeLessThan(1.2);
      expect(sumAll(s, "apiserver_longrunning_requests", w[1], (l) => l.verb === "WATCH")).toBeCloseTo(sumAll(s, "apiserver_longrunning_requests", s.timeline.start, (l) => l.verb === "WATCH"), -2);
    });
  });
});

describe("APF_SATURATION", () => {
  it("describes the guide's case: kube-system sharing a critical level", () => {
    expect(APF_SATURATION.namespace).toBe("kube-system");
    expect(APF_SATURATION.victims).toContain("kube-controller-manager");
  });
});
