// The test-support fixture helpers: the cached scenario Prometheus shows the incident through PromQL, and a
// replayed real scrape gets job/instance labels and increasing counters.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureEnd, replayTextScrape, scenarioPrometheus } from "./fixtures";
import { PROMETHEUS_BIN, type RunningPrometheus } from "./prometheus";
import { STORM, defaultEnd, type Scenario } from "../demo/scenario";

/** A copy of ../shared/reference/real-metrics (Apache-2.0, see data/README.md). */
const REAL_SCRAPE = join(__dirname, "data", "kube-apiserver-v1.30.0.prom");

async function instant(prom: RunningPrometheus, query: string, time: number) {
  const res = await fetch(`${prom.url}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query, time: String(time) }) });
  const json = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (json.status !== "success") throw new Error(`${query}: ${json.error}`);
  return json.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

describe("scenarioPrometheus", () => {
  let prom: RunningPrometheus;
  let scenario: Scenario;
  beforeAll(async () => {
    ({ prom, scenario } = await scenarioPrometheus({}));
  }, 180_000);
  afterAll(async () => prom?.stop());

  it("defaults to a 5-minute end in the past and Kubernetes 1.30", () => {
    expect(scenario.timeline.end).toBe(fixtureEnd());
    expect(scenario.timeline.end % 300).toBe(0);
    expect(scenario.timeline.end).toBeLessThanOrEqual(defaultEnd(Date.now() / 1000));
    expect(scenario.options.k8sVersion).toBe("1.30");
  });

  it("shows the incident through PromQL", async () => {
    const { stormStart, stormEnd, hotInstance } = scenario.timeline;
    const t = stormEnd - 600;
    const util = await instant(
      prom,
      `max(apiserver_flowcontrol_current_executing_seats{priority_level="${STORM.priorityLevel}"} / on (instance, priority_level) group_left apiserver_flowcontrol_current_limit_seats)`,
      t,
    );
    expect(util[0].value).toBeGreaterThanOrEqual(0.95);
    const p99 = await instant(prom, 'histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{verb="LIST",resource="pods"}[5m])))', t);
    expect(p99[0].value).toBeGreaterThan(10);
    const inflight = await instant(prom, 'topk(1, max_over_time(apiserver_current_inflight_requests{request_kind="readOnly"}[10m]))', t);
    expect(inflight[0].labels.instance).toBe(hotInstance);
    const rejected = await instant(prom, `sum(increase(apiserver_flowcontrol_rejected_requests_total{reason="queue-full"}[${t - stormStart}s]))`, t);
    expect(rejected[0].value).toBeGreaterThan(100);
  });
});

describe("replayTextScrape", () => {
  let prom: RunningPrometheus;
  const end = fixtureEnd();
  beforeAll(async () => {
    prom = await replayTextScrape(REAL_SCRAPE, { job: "apiserver", instance: "192.168.49.2:8443", end });
  }, 180_000);
  afterAll(async () => prom?.stop());

  it("adds job/instance, keeps gauges and makes counters and histograms grow", async () => {
    const nominal = await instant(prom, 'apiserver_flowcontrol_nominal_limit_seats{job="apiserver",instance="192.168.49.2:8443",priority_level="workload-low"}', end);
    expect(nominal).toHaveLength(1);
    expect(nominal[0].value).toBe(245);
    const requests = await instant(prom, 'sum(rate(apiserver_request_total{job="apiserver"}[5m]))', end);
    expect(requests[0].value).toBeGreaterThan(0);
    const p99 = await instant(prom, 'histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{job="apiserver",verb!~"WATCH|CONNECT"}[5m])))', end);
    expect(p99[0].value).toBeGreaterThan(0);
    const first = await instant(prom, 'count({job="apiserver"})', end - 3600);
    const last = await instant(prom, 'count({job="apiserver"})', end);
    expect(first[0].value).toBe(last[0].value);
    expect(await instant(prom, 'resets(apiserver_request_total{job="apiserver"}[2h])', end).then((r) => r.every((x) => x.value === 0))).toBe(true);
  });
});
