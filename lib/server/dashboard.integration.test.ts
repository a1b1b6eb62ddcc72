// Every panel of the catalogue against a real Prometheus holding the incident scenario, for each
// Kubernetes version the scenario models: data present (the scenario feeds every family), no errors,
// and the incident found by the panels with numbers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { K8S_VERSIONS, STORM, type Scenario } from "../../demo/scenario";
import { scenarioPrometheus } from "../../test-support/fixtures";
import type { RunningPrometheus } from "../../test-support/prometheus";
import { resetDataSourceState } from "./datasource";
import { clearCapabilitiesCache } from "./capabilities";
import { PANELS } from "../panels/catalog";
import type { PanelData } from "../api-schema";
import { panelData } from "./dashboard";

function useCluster(url: string) {
  process.env.APISCOPE_PROMETHEUS_URL = url;
  delete process.env.APISCOPE_CONFIG;
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
