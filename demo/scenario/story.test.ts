// The incident as an SRE would read it from the metrics: a LIST storm through service-accounts /
// workload-low pins the level, queues and rejects, makes LIST pods slow while GETs stay fast, loads one
// server far more than the others, and the fix adds ~1,000 WATCHes. Computed like the PromQL would.
import { describe, expect, it } from "vitest";
import { K8S_VERSIONS, STORM, createScenario, defaultEnd } from "./index";
import { bucketIncrease, histogramQuantile, rate, sumOf } from "./test-helpers";

const END = defaultEnd(Date.UTC(2026, 10, 23, 12, 0, 0) / 1000);
const isStormList = (l: Record<string, string>) => l.verb === "LIST" && l.resource === "pods" && l.scope === "cluster";

describe.each(K8S_VERSIONS)("Kubernetes %s", (k8sVersion) => {
  const scenario = createScenario({ end: END, k8sVersion });
  const { stormStart, stormEnd, hotInstance, restartAt, end } = scenario.timeline;
  const all = scenario.instances;
  const others = all.filter((i) => i !== hotInstance);
  // the heart of the storm, well after the rollout ramp
  const t1 = stormStart + 1800;
  const t2 = t1 + 300;
  const borrowing = Number(k8sVersion.split(".")[1]) >= 26;

  it("the timeline is anchored on end", () => {
    expect(end - stormStart).toBe(90 * 60);
    expect(end - stormEnd).toBe(25 * 60);
    expect(end - restartAt).toBe(2 * 3600);
    expect(scenario.timeline.start).toBe(end - 6 * 3600);
    expect(scenario.timeline.restartedInstance).not.toBe(hotInstance);
  });

  it("the storm is ~17 LIST/s of 50,000 pods cluster-wide, and returned objects match (within 10 %)", () => {
    const lists = all.reduce((n, i) => n + rate(scenario, i, "apiserver_request_total", t1, t2, (l) => isStormList(l)), 0);
    expect(lists).toBeGreaterThan(15);
    expect(lists).toBeLessThan(19);
    const served = all.reduce((n, i) => n + rate(scenario, i, "apiserver_request_total", t1, t2, (l) => isStormList(l) && l.code !== "429"), 0);
    const returned = all.reduce((n, i) => n + rate(scenario, i, "apiserver_storage_list_returned_objects_total", t1, t2, (l) => l.resource === "pods"), 0);
    expect(Math.abs(returned - served * 50_000) / returned).toBeLessThan(0.1);
    for (const i of all) {
      const at = scenario.scrape(i, t2);
      const pods = at.find((s) => s.name.startsWith("apiserver_") && s.name.endsWith("_objects") && s.labels.resource === "pods")!;
      expect(pods.value).toBeGreaterThan(49_000);
      expect(pods.value).toBeLessThan(51_000);
      const fetched = rate(scenario, i, "apiserver_storage_list_fetched_objects_total", t1, t2);
      const evaluated = rate(scenario, i, "apiserver_storage_list_evaluated_objects_total", t1, t2);
      const ret = rate(scenario, i, "apiserver_storage_list_returned_objects_total", t1, t2);
      expect(fetched).toBeGreaterThanOrEqual(ret);
      expect(evaluated).toBeGreaterThanOrEqual(ret);
    }
  });

  it("workload-low is pinned at its limit on the hot server (≥ 95 %)", () => {
    for (const t of [t1, t1 + 600, stormEnd - 300]) {
      const at = scenario.scrape(hotInstance, t);
      const isWl = (l: Record<string, string>) => l.priority_level === STORM.priorityLevel;
      const seats = sumOf(at, borrowing ? "apiserver_flowcontrol_current_executing_seats" : "apiserver_flowcontrol_request_concurrency_in_use", isWl);
      const limit = sumOf(at, borrowing ? "apiserver_flowcontrol_current_limit_seats" : "apiserver_flowcontrol_request_concurrency_limit", isWl);
      expect(seats / limit).toBeGreaterThanOrEqual(0.95);
      expect(seats).toBeLessThanOrEqual(limit);
      expect(sumOf(at, "apiserver_flowcontrol_current_inqueue_requests", (l) => l.flow_schema === STORM.flowSchema)).toBeGreaterThan(50);
    }
    // before the storm the level idles
    const quiet = scenario.scrape(hotInstance, stormStart - 600);
    expect(sumOf(quiet, "apiserver_flowcontrol_current_executing_requests", (l) => l.priority_level === STORM.priorityLevel)).toBeLessThan(10);
  });

  it("queue wait p99 for the storm's flow schema is above 10 s, and it gets queue-full rejections and 429s", () => {
    const wait = bucketIncrease(scenario, all, "apiserver_flowcontrol_request_wait_duration_seconds", t1, t2, (l) => l.flow_schema === STORM.flowSchema && l.execute === "true");
    expect(histogramQuantile(0.99, wait)).toBeGreaterThan(10);
    const queueFull = rate(scenario, hotInstance, "apiserver_flowcontrol_rejected_requests_total", t1, t2, (l) => l.flow_schema === STORM.flowSchema && l.priority_level === STORM.priorityLevel && l.reason === "queue-full");
    expect(queueFull).toBeGreaterThan(0.1);
    expect(rate(scenario, hotInstance, "apiserver_request_total", t1, t2, (l) => isStormList(l) && l.code === "429")).toBeGreaterThan(0.1);
    expect(rate(scenario, hotInstance, "apiserver_request_terminations_total", t1, t2)).toBeGreaterThan(0.1);
    // no rejection series exists before the storm (as on a real server)
    expect(scenario.scrape(hotInstance, stormStart).some((s) => s.name === "apiserver_flowcontrol_rejected_requests_total")).toBe(false);
  });

  it("LIST pods p99 passes 10 s while GET p99 stays under 1 s (two bands)", () => {
    const lists = bucketIncrease(scenario, all, "apiserver_request_duration_seconds", t1, t2, (l) => l.verb === "LIST" && l.resource === "pods");
    expect(histogramQuantile(0.99, lists)).toBeGreaterThan(10);
    const gets = bucketIncrease(scenario, all, "apiserver_request_duration_seconds", t1, t2, (l) => l.verb === "GET");
    expect(histogramQuantile(0.99, gets)).toBeLessThan(1);
    // heatmap: most non-WATCH requests are fast, a clear mass sits above 10 s
    const heat = bucketIncrease(scenario, all, "apiserver_request_duration_seconds", t1, t2, (l) => l.subresource === "" && l.verb !== "WATCH");
    const total = heat.get(Infinity)!;
    expect(heat.get(1)! / total).toBeGreaterThan(0.85);
    expect((total - heat.get(10)!) / total).toBeGreaterThan(0.02);
    // baseline API p99 is a few hundred ms at most
    const quiet = bucketIncrease(scenario, all, "apiserver_request_duration_seconds", stormStart - 1200, stormStart - 900, (l) => l.verb !== "WATCH" && l.verb !== "CONNECT");
    expect(histogramQuantile(0.99, quiet)).toBeGreaterThan(0.05);
    expect(histogramQuantile(0.99, quiet)).toBeLessThan(0.5);
  });

  it("etcd list latency for pods rises during the storm; etcd p99 is tens of ms before it", () => {
    const isPodList = (l: Record<string, string>) => l.operation === "list" && (l.type === "pods" || l.type === "*core.PodList" || l.resource === "pods");
    const during = bucketIncrease(scenario, [hotInstance], "etcd_request_duration_seconds", t1, t2, isPodList);
    expect(histogramQuantile(0.5, during)).toBeGreaterThan(2);
    const before = bucketIncrease(scenario, all, "etcd_request_duration_seconds", stormStart - 1200, stormStart - 900);
    expect(histogramQuantile(0.99, before)).toBeGreaterThan(0.005);
    expect(histogramQuantile(0.99, before)).toBeLessThan(0.1);
  });

  it("read-only in-flight is near 400 on the hot server and lower on the others", () => {
    const readOnly = (i: string, t: number) => sumOf(scenario.scrape(i, t), "apiserver_current_inflight_requests", (l) => l.request_kind === "readOnly");
    for (const t of [t1, t2]) {
      const hot = readOnly(hotInstance, t);
      if (borrowing) {
        expect(hot).toBeGreaterThan(340);
        expect(hot).toBeLessThanOrEqual(420);
      } else {
        expect(hot).toBeGreaterThan(200); // no borrowing before 1.26: the level is capped at its nominal 245
      }
      for (const o of others) expect(readOnly(o, t)).toBeLessThan(hot - 30);
    }
    expect(readOnly(hotInstance, stormStart - 600)).toBeLessThan(60);
  });

  it("the fix adds ~1,000 WATCHes spread over the servers, and the storm stops", () => {
    const watches = (t: number) => all.reduce((n, i) => n + sumOf(scenario.scrape(i, t), "apiserver_longrunning_requests", (l) => l.verb === "WATCH"), 0);
    const before = watches(stormStart - 600);
    const after = watches(end);
    expect(after - before).toBeGreaterThan(850);
    expect(after - before).toBeLessThan(1150);
    for (const i of all) {
      const pods = (t: number) => sumOf(scenario.scrape(i, t), "apiserver_longrunning_requests", (l) => l.verb === "WATCH" && l.resource === "pods");
      expect(pods(end) - pods(stormStart - 600)).toBeGreaterThan(100);
    }
    expect(all.reduce((n, i) => n + rate(scenario, i, "apiserver_request_total", end - 300, end, (l) => isStormList(l)), 0)).toBeLessThan(0.1);
  });

  it("recovers after the fix and stays recovered after end (live exporter time)", () => {
    for (const t of [end - 300, end + 3600, end + 86400]) {
      const lists = bucketIncrease(scenario, all, "apiserver_request_duration_seconds", t - 300, t, (l) => l.verb !== "WATCH" && l.verb !== "CONNECT");
      expect(histogramQuantile(0.99, lists)).toBeLessThan(1);
      for (const i of all) {
        const at = scenario.scrape(i, t);
        expect(sumOf(at, "apiserver_flowcontrol_current_inqueue_requests")).toBeLessThan(10);
        expect(sumOf(at, "apiserver_current_inflight_requests", (l) => l.request_kind === "readOnly")).toBeLessThan(60);
      }
    }
  });

  it("one aggregated API is briefly unavailable during the storm", () => {
    const down = (t: number) => all.some((i) => scenario.scrape(i, t).some((s) => s.name === "aggregator_unavailable_apiservice" && s.value === 1));
    const minutes: number[] = [];
    for (let t = stormStart - 600; t <= end; t += 60) if (down(t)) minutes.push(t);
    expect(minutes.length).toBeGreaterThan(3);
    expect(minutes.length).toBeLessThan(15);
    expect(Math.min(...minutes)).toBeGreaterThan(stormStart);
    expect(Math.max(...minutes)).toBeLessThan(stormEnd);
  });

  it("the restarted server carries less load since its restart", () => {
    const { restartedInstance } = scenario.timeline;
    const req = (i: string) => rate(scenario, i, "apiserver_request_total", end - 600, end);
    for (const o of all.filter((i) => i !== restartedInstance)) expect(req(restartedInstance)).toBeLessThan(req(o) * 0.6);
    const earlier = (i: string) => rate(scenario, i, "apiserver_request_total", restartAt - 1200, restartAt - 600);
    expect(earlier(restartedInstance) / earlier(hotInstance)).toBeGreaterThan(0.85);
  });
});
