// The findings against a real Prometheus holding each incident the demo models, on three Kubernetes
// versions: the first finding names the cause, its start is within two steps of the incident's, and its
// numbers match the scenario's own truths; a healthy cluster and the real v1.30 scrape show no problem.
// One test file per version (findings-<version>.integration.test.ts), so vitest runs them side by side.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncidentKind, Scenario } from "../../../../demo/scenario";
import type { Finding, FindingsResponse } from "../../../api-schema";
import { fixtureEnd, replayTextScrape, scenarioPrometheus } from "../../../../test-support/fixtures";
import type { RunningPrometheus } from "../../../../test-support/prometheus";
import { clearCapabilitiesCache } from "../../capabilities";
import { resetDataSourceState } from "../../datasource";
import { computeFindings } from "..";

/** The 3 h views need 3.5 h of history: backfilling the scenario's default 6 h would double the set-up. */
const HISTORY_SECONDS = 12_600;

function useCluster(url: string) {
  process.env.APISCOPE_PROMETHEUS_URL = url;
  delete process.env.APISCOPE_CONFIG;
  delete process.env.APISCOPE_SCRAPE_INTERVAL_SECONDS;
  resetDataSourceState();
  clearCapabilitiesCache();
}

const evidence = (f: Finding, label: RegExp) => f.evidence.find((e) => label.test(e.label))?.value ?? null;
const serious = (r: FindingsResponse) => r.findings.filter((f) => f.severity !== "info");

const CAUSE: Record<Exclude<IncidentKind, "healthy">, string> = {
  "list-storm": "list-storm",
  "apf-saturation": "apf-saturation",
  "etcd-slow": "etcd-slow",
  "webhook-slow": "webhook-slow",
  "watch-surge": "watch-surge",
  asymmetric: "asymmetric",
};

/** What each cause's first finding must say, checked against the scenario's truths. */
function checkEvidence(kind: IncidentKind, f: Finding, s: Scenario, version: string) {
  const t = s.incident;
  switch (t.kind) {
    case "list-storm":
      expect(f.title).toContain(`LISTing all ${t.resource} cluster-wide`);
      expect(evidence(f, /^cluster-wide LIST/)!).toBeGreaterThan(0.7 * t.listsPerSecond);
      expect(evidence(f, /^objects per LIST/)!).toBeGreaterThan(0.7 * t.objectsPerList);
      expect(evidence(f, /seats in use/)!).toBeGreaterThanOrEqual(100 * t.expected.hotUtilizationAtLeast);
      break;
    case "apf-saturation":
      expect(f.id).toBe(`apf-saturation:${t.priorityLevel}`);
      expect(f.title).toContain(t.flowSchema);
      expect(f.title).toContain("kube-system");
      expect(f.severity).toBe("critical");
      expect(evidence(f, /seats in use/)!).toBeGreaterThanOrEqual(100 * t.expected.utilizationAtLeast);
      expect(evidence(f, /queue wait p99/)!).toBeGreaterThanOrEqual(t.expected.queueWaitP99AtLeastSeconds);
      break;
    case "etcd-slow":
      expect(evidence(f, /^etcd p99$/)!).toBeGreaterThan(0.5 * t.expected.etcdP99Seconds);
      expect(evidence(f, /^etcd p99$/)!).toBeLessThan(2 * t.expected.etcdP99Seconds);
      expect(evidence(f, /^correlation/)!).toBeGreaterThanOrEqual(0.7);
      break;
    case "webhook-slow":
      expect(f.id).toBe(`webhook-slow:${t.webhook}`);
      // Before 1.27 the top finite bucket is 2.5 s: the p90 cannot read higher.
      expect(evidence(f, /p90$/)!).toBeGreaterThanOrEqual(version === "1.24" ? 2 : t.expected.p90AtLeastSeconds);
      break;
    case "watch-surge": {
      const ratio = evidence(f, /at the peak$/)! / evidence(f, /before$/)!;
      expect(ratio).toBeGreaterThan(0.7 * t.expected.watchRatio);
      expect(ratio).toBeLessThan(1.3 * t.expected.watchRatio);
      break;
    }
    case "asymmetric":
      expect(f.id).toBe(`asymmetric:${t.busyInstance}`);
      expect(evidence(f, /^long-running on /)! / evidence(f, /on the others/)!).toBeGreaterThanOrEqual(0.8 * t.expected.longrunningRatioAtLeast);
      break;
    case "healthy":
      throw new Error(`no evidence for ${kind}`);
  }
}

export function findingsSuite(version: "1.24" | "1.30" | "1.35") {
  describe(`findings on Kubernetes ${version}`, () => {
  describe.each(Object.keys(CAUSE) as Exclude<IncidentKind, "healthy">[])("%s", (kind) => {
    let prom: RunningPrometheus;
    let scenario: Scenario;
    beforeAll(async () => {
      ({ prom, scenario } = await scenarioPrometheus({ k8sVersion: version, incident: kind, historySeconds: HISTORY_SECONDS }));
    });
    afterAll(async () => prom?.stop());

    it("names the cause first, from its start, with the scenario's numbers", async () => {
      useCluster(prom.url);
      const { end } = scenario.timeline;
      const res = await computeFindings({ cluster: "default", start: end - 3 * 3600, end });
      const first = res.findings[0];
      expect(first, JSON.stringify(res.findings.map((f) => f.id))).toBeDefined();
      expect(first!.cause, res.findings.map((f) => `${f.id} ${f.severity}`).join(", ")).toBe(CAUSE[kind]);
      expect(first!.severity).not.toBe("info");
      // Since: within two steps of when the incident started (its ramp-up included).
      const start = scenario.incident.start!;
      expect(first!.since).toBeGreaterThanOrEqual(start - 2 * res.window.step);
      expect(first!.since).toBeLessThanOrEqual(start + scenario.incident.rampUpSeconds + 2 * res.window.step);
      checkEvidence(kind, first!, scenario, version);
    });
  });

  describe("healthy", () => {
    let prom: RunningPrometheus;
    let scenario: Scenario;
    beforeAll(async () => {
      ({ prom, scenario } = await scenarioPrometheus({ k8sVersion: version, incident: "healthy", historySeconds: HISTORY_SECONDS }));
    });
    afterAll(async () => prom?.stop());

    it("has no critical or warning finding, and says what it checked", async () => {
      useCluster(prom.url);
      const { end } = scenario.timeline;
      const res = await computeFindings({ cluster: "default", start: end - 3 * 3600, end });
      expect(serious(res).map((f) => f.title)).toEqual([]);
      expect(res.checked.length).toBeGreaterThanOrEqual(8);
    });
  });
});
}

export function realScrapeSuite() {
  describe("findings on the real kube-apiserver v1.30 scrape", () => {
  let prom: RunningPrometheus;
  let end: number;
  beforeAll(async () => {
    end = fixtureEnd();
    prom = await replayTextScrape(join(__dirname, "..", "..", "..", "..", "test-support", "data", "kube-apiserver-v1.30.0.prom"), { job: "apiserver", instance: "192.168.49.2:8443", end });
  });
  afterAll(async () => prom?.stop());

  it("has no critical or warning finding", async () => {
    useCluster(prom.url);
    const res = await computeFindings({ cluster: "default", start: end - 3600, end });
    expect(serious(res).map((f) => f.title)).toEqual([]);
  });
});
}
