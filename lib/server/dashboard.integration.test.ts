// Every panel of the catalogue against a real Prometheus holding the incident scenario, for each
// Kubernetes version the scenario models: data present (the scenario feeds every family), no errors,
// and the incident found by the panels with numbers.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { K8S_VERSIONS, STORM, type Scenario } from "../../demo/scenario";
import { scenarioPrometheus } from "../../test-support/fixtures";
import type { RunningPrometheus } from "../../test-support/prometheus";
import { resetDataSourceState } from "./datasource";
import { clearCapabilitiesCache } from "./capabilities";
import { PANELS } from "../panels/catalog";
import type { PanelData } from "../api-schema";
import { panelData } from "./dashboard";
import { resetConfigCache } from "./config";

function useCluster(url: string, extra: Record<string, unknown> = {}) {
  if (Object.keys(extra).length === 0) {
    process.env.APISCOPE_PROMETHEUS_URL = url;
    delete process.env.APISCOPE_CONFIG;
  } else {
    // A configuration file: the only way to give a cluster a Provisioned Control Plane tier.
    const file = join(mkdtempSync(join(tmpdir(), "apiscope-dashboard-it-")), "clusters.json");
    writeFileSync(file, JSON.stringify({ clusters: [{ id: "default", name: "demo", kind: "prometheus", url, ...extra }] }));
    process.env.APISCOPE_CONFIG = file;
    delete process.env.APISCOPE_PROMETHEUS_URL;
  }
  resetConfigCache();
  resetDataSourceState();
  clearCapabilitiesCache();
}

function maxOf(data: PanelData, pick: (labels: Record<string, string>) => boolean, queryId?: string): number {
  let m = -Infinity;
  for (const q of data.queries) {
    if (queryId && q.id !== queryId) continue;
    for (const s of q.series) if (pick(s.labels)) for (const [, v] of s.points) if (v !== null && v > m) m = v;
  }
  return m;
}

describe.each(K8S_VERSIONS)("Kubernetes %s", (version) => {
  let prom: RunningPrometheus;
  let scenario: Scenario;
  beforeAll(async () => {
    ({ prom, scenario } = await scenarioPrometheus({ k8sVersion: version }));
    useCluster(prom.url);
  });
  afterAll(async () => prom?.stop());

  it("every panel has data, with no error", async () => {
    useCluster(prom.url);
    const { end } = scenario.timeline;
    const problems: string[] = [];
    for (const p of PANELS) {
      try {
        const d = await panelData(p.id, { cluster: "default", start: end - 3 * 3600, end, width: 1000 });
        if (d.status !== "ok") problems.push(`${p.id}: absent (${d.absentReason})`);
        else if (d.queries.every((q) => q.series.length === 0)) problems.push(`${p.id}: empty`);
      } catch (err) {
        problems.push(`${p.id}: ${String(err)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the EKS console's signals: etcd size against the quota, webhook rejections, the scheduler's and controller manager's own jobs", async () => {
    useCluster(prom.url);
    const { stormStart, stormEnd } = scenario.timeline;
    const storm = { cluster: "default", start: stormStart + 600, end: stormEnd - 600, width: 1000 };
    const minor = Number(version.split(".")[1]);

    const size = await panelData("etcd-db-size", storm);
    expect(size.limits?.etcdQuotaBytes).toBe(8 * 1024 ** 3);
    expect(size.queries[0]!.variant).toBe(minor >= 28 ? 0 : minor >= 26 ? 1 : 2);
    const sizes = size.queries[0]!.series.flatMap((s) => s.points.map(([, v]) => v!));
    expect(Math.min(...sizes)).toBeGreaterThan(2.0e9);
    expect(Math.max(...sizes)).toBeLessThan(2.4e9);

    // gatekeeper denies ~0.02 pod creations per second on each of the three servers.
    const denials = await panelData("webhook-rejections", storm);
    const [denied] = denials.queries[0]!.series;
    expect(denied!.labels).toMatchObject({ name: "validation.gatekeeper.sh", error_type: "no_error", rejection_code: "403" });
    const rates = denied!.points.map(([, v]) => v!);
    expect(rates.reduce((a, b) => a + b, 0) / rates.length).toBeGreaterThan(0.03);
    expect(rates.reduce((a, b) => a + b, 0) / rates.length).toBeLessThan(0.09);

    // Found by what they expose, not by name; read without the API servers' instance filter.
    const attempts = await panelData("scheduler-attempts", { ...storm, instance: scenario.instances[1] });
    expect(attempts.queries[0]!.expr).toContain('job="kube-scheduler"');
    expect(attempts.queries[0]!.expr).not.toContain("instance=");
    expect(attempts.queries[0]!.series.map((s) => s.labels.result).sort()).toEqual(["error", "scheduled", "unschedulable"]);
    const pending = await panelData("scheduler-pending", storm);
    expect(pending.queries[0]!.series.map((s) => s.labels.queue).sort()).toEqual(minor >= 26 ? ["active", "backoff", "gated", "unschedulable"] : ["active", "backoff", "unschedulable"]);
    const depth = await panelData("kcm-workqueue-depth", storm);
    expect(depth.queries[0]!.expr).toContain('job="kube-controller-manager"');
    expect(depth.queries[0]!.series.length).toBeGreaterThanOrEqual(8);
    const wait = await panelData("kcm-workqueue-latency", storm);
    expect(maxOf(wait, () => true)).toBeGreaterThan(0.1); // the storm slows the controllers: waits of seconds

    // Standard mode: the seat panel gets no tier ceiling.
    const seats = await panelData("apf-control-plane-seats", storm);
    expect(seats.limits?.tierSeats).toBeUndefined();
    expect(maxOf(seats, () => true, "in-use")).toBeGreaterThan(100);
  });

  it("a cluster on a Provisioned Control Plane tier gets its seat ceiling with the seat panel", async () => {
    useCluster(prom.url, { controlPlaneTier: "2XL" });
    const { end } = scenario.timeline;
    const seats = await panelData("apf-control-plane-seats", { cluster: "default", start: end - 3600, end, width: 1000 });
    expect(seats.limits).toMatchObject({ tierSeats: 3400, notes: { tierSeats: "Provisioned Control Plane 2XL" } });
    // The seats configured on the three servers: 3 × the nominal seats of the non-exempt levels (602 each).
    const configured = seats.queries.find((q) => q.id === "configured")!.series[0]!.points.map(([, v]) => v);
    expect(new Set(configured)).toEqual(new Set([3 * 602]));
    useCluster(prom.url);
  });

  it("the panels find the incident", async () => {
    useCluster(prom.url);
    const { stormStart, stormEnd, hotInstance, end } = scenario.timeline;
    const storm = { cluster: "default", start: stormStart + 600, end: stormEnd - 600, width: 1000 };
    const get = (id: string, r = storm) => panelData(id, r);

    const slowest = await get("slowest-calls");
    const p99 = slowest.queries.find((q) => q.id === "p99")!.series.filter((s) => s.points[0]![1] !== null).sort((a, b) => b.points[0]![1]! - a.points[0]![1]!);
    expect(p99[0]!.labels).toMatchObject({ verb: "LIST", resource: "pods" });

    const util = await get("apf-seat-utilization");
    expect(maxOf(util, (l) => l.priority_level === STORM.priorityLevel)).toBeGreaterThanOrEqual(95);

    const rejected = await get("apf-rejected");
    expect(maxOf(rejected, (l) => l.flow_schema === STORM.flowSchema && l.reason === "queue-full")).toBeGreaterThan(0);

    const flows = await get("apf-top-flows");
    const ranked = [...flows.queries.find((q) => q.id === "avg")!.series].sort((a, b) => b.points[0]![1]! - a.points[0]![1]!);
    expect(ranked[0]!.labels.flow_schema).toBe(STORM.flowSchema);

    const inflight = await get("inflight");
    const readOnly = (inst: string) => maxOf(inflight, (l) => l.instance === inst && (l.request_kind ?? l.requestKind) === "readOnly");
    for (const other of scenario.instances.filter((i) => i !== hotInstance)) expect(readOnly(hotInstance)).toBeGreaterThan(readOnly(other));

    const watches = await get("longrunning-per-server", { cluster: "default", start: stormStart - 1800, end, width: 1000 });
    const total = (t: number) =>
      watches.queries[0]!.series.reduce((n, s) => n + (s.points.find(([pt]) => pt === t)?.[1] ?? 0), 0);
    const step = watches.window.step;
    const before = Math.floor((stormStart - 600) / step) * step;
    const after = Math.floor((end - 300) / step) * step;
    expect(total(after) - total(before)).toBeGreaterThan(700);
    expect(total(after) - total(before)).toBeLessThan(1300);
  });
});
