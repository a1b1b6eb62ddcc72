// Incremental range queries against a real Prometheus over the backfilled incident scenario: a "last 1 hour"
// view auto-refreshed every 30 s (the clock is the client's injected `now`), each refresh compared with a
// cold load of the same window by a client with nothing cached, and its cost with the cold load's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scenarioPrometheus } from "../../../test-support/fixtures";
import type { RunningPrometheus } from "../../../test-support/prometheus";
import type { PrometheusClusterConfig } from "../config";
import type { FetchFn } from "./backend";
import { CoalescingCache } from "./cache";
import { createPrometheusClient } from "./client";
import type { RangeResult } from "./types";

let prom: RunningPrometheus;
let timeline: { stormStart: number; stormEnd: number; end: number };

beforeAll(async () => {
  const started = await scenarioPrometheus({ k8sVersion: "1.30" });
  prom = started.prom;
  timeline = started.scenario.timeline;
});

afterAll(async () => {
  await prom?.stop();
});

const STEP = 15;
// Panel queries of the catalogue, $__rate_interval at 2m: counters by verb, APF rejections (series that
// appear with the storm), a latency quantile over histogram buckets, a gauge's max_over_time.
const QUERIES = [
  "sum by (verb) (rate(apiserver_request_total[2m]))",
  "sum by (flow_schema, priority_level, reason) (rate(apiserver_flowcontrol_rejected_requests_total[2m]))",
  "histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket[2m])))",
  "max by (instance, request_kind) (max_over_time(apiserver_current_inflight_requests[2m]))",
  // A series that appears with the storm and sorts before one present all along: {} < {series="total"}.
  'sum(rate(apiserver_flowcontrol_rejected_requests_total[2m])) or label_replace(sum(rate(apiserver_request_total[2m])), "series", "total", "", "")',
];

interface BackendCall {
  start: number;
  end: number;
  step: number;
  query: string;
  /** totalQueryableSamples the backend reported for this call */
  samples: number;
}

/** A client over the real Prometheus whose fetch records each call and the samples Prometheus reported for it. */
function client(options: { now?: () => number; cache?: CoalescingCache<unknown> } = {}) {
  const calls: BackendCall[] = [];
  const recording: FetchFn = async (input, init) => {
    const response = await fetch(input, init);
    const params = new URLSearchParams(String(init?.body ?? ""));
    const body = (await response.clone().json()) as { data?: { stats?: { samples?: { totalQueryableSamples?: number } } } };
    calls.push({
      start: Number(params.get("start")),
      end: Number(params.get("end")),
      step: Number(params.get("step")),
      query: params.get("query") ?? "",
      samples: body.data?.stats?.samples?.totalQueryableSamples ?? NaN,
    });
    return response;
  };
  const cluster: PrometheusClusterConfig = {
    id: "incremental",
    name: "Incremental",
    kind: "prometheus",
    url: prom.url,
    auth: { type: "none" },
    scrapeIntervalSeconds: 15,
    timeoutMs: 20_000,
    inflightLimits: { readOnly: 400, mutating: 200 },
  };
  const api = createPrometheusClient(cluster, { cache: options.cache ?? new CoalescingCache(), shared: null, fetch: recording, now: options.now });
  return { api, calls };
}

async function cold(q: { query: string; start: number; end: number; step: number }): Promise<{ result: RangeResult; samples: number }> {
  const c = client();
  const result = await c.api.queryRange(q);
  expect(c.calls).toHaveLength(1); // one query of the whole window, as without any cache
  expect([c.calls[0]!.start, c.calls[0]!.end]).toEqual([q.start, q.end]);
  return { result, samples: c.calls[0]!.samples };
}

const sameAsCold = (incremental: RangeResult, expected: RangeResult) => {
  expect(incremental.series).toEqual(expected.series); // same series, same order, same points in the same order
  expect(incremental.warnings).toEqual(expected.warnings);
};

describe("incremental refresh of range queries (real Prometheus, incident scenario)", () => {
  it("a 'last 1 hour' view refreshed every 30 s: every refresh equals a cold load and costs a small fraction of it", async () => {
    // From 5 minutes before the storm to 7 minutes into it: series appear as the window moves.
    const first = Math.floor((timeline.stormStart - 300) / STEP) * STEP;
    let clock = first;
    const incremental = client({ now: () => clock * 1000 });
    let refreshSamples = 0;
    let coldSamples = 0;
    const seriesCounts = new Map<string, number[]>();
    const lastResults = new Map<string, RangeResult>();

    for (let refresh = 0; refresh <= 24; refresh++, clock += 30) {
      for (const query of QUERIES) {
        const q = { query, start: clock - 3600, end: clock, step: STEP };
        const before = incremental.calls.length;
        const result = await incremental.api.queryRange(q);
        const made = incremental.calls.slice(before);
        const expected = await cold(q);
        sameAsCold(result, expected.result);
        seriesCounts.set(query, [...(seriesCounts.get(query) ?? []), result.series.length]);
        lastResults.set(query, result);

        expect(made).toHaveLength(1);
        // What the result says it cost is what Prometheus processed for the calls made now.
        expect(result.stats!.samplesProcessed).toBe(made.reduce((n, c) => n + c.samples, 0));
        expect(result.cached).toBeUndefined();
        if (refresh === 0) {
          expect([made[0]!.start, made[0]!.end]).toEqual([q.start, q.end]);
          expect(result.stats!.samplesProcessed).toBe(expected.samples);
        } else {
          // Only the steps after the last refresh's freshness horizon (now − 60 s then): 30 s new + 60 s fresh tail.
          expect([made[0]!.start, made[0]!.end]).toEqual([clock - 30 - 60 + STEP, clock]);
          refreshSamples += result.stats!.samplesProcessed;
          coldSamples += expected.samples;
        }
      }
    }
    // The storm made new series appear inside the refreshed windows.
    const rejections = seriesCounts.get(QUERIES[1]!)!;
    expect(rejections[0]).toBeLessThan(rejections[rejections.length - 1]!);
    // …including one that sorts before a series seen from the start: order is Prometheus', not first-seen.
    expect(seriesCounts.get(QUERIES[4]!)![0]).toBe(1);
    expect(lastResults.get(QUERIES[4]!)!.series.map((s) => s.labels)).toEqual([{}, { series: "total" }]);

    const ratio = refreshSamples / coldSamples;
    console.log(
      `[incremental] 24 refreshes × ${QUERIES.length} queries: ${refreshSamples.toLocaleString("en-US")} samples vs ${coldSamples.toLocaleString("en-US")} for cold loads (ratio ${ratio.toFixed(4)})`,
    );
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(0.05);
  });

  it("steps already fetched answer a window in the past without a backend call; a new step is a new query", async () => {
    let clock = Math.floor((timeline.stormEnd + 600) / STEP) * STEP;
    const c = client({ now: () => clock * 1000 });
    const query = QUERIES[0]!;
    await c.api.queryRange({ query, start: clock - 3 * 3600, end: clock, step: STEP });
    expect(c.calls).toHaveLength(1);

    clock += 600;
    const past = { query, start: clock - 2 * 3600, end: clock - 3600, step: STEP };
    const zoomed = await c.api.queryRange(past);
    expect(c.calls).toHaveLength(1);
    expect(zoomed.cached).toBe(true);
    expect(zoomed.stats).toEqual({ samplesProcessed: 0 });
    sameAsCold(zoomed, (await cold(past)).result);

    // Step 30: nothing of step 15 is reused.
    const coarser = { query, start: clock - 2 * 3600, end: clock - 3600, step: 30 };
    const atThirty = await c.api.queryRange(coarser);
    expect(c.calls.slice(1).map((call) => [call.start, call.end, call.step])).toEqual([[coarser.start, coarser.end, 30]]);
    sameAsCold(atThirty, (await cold(coarser)).result);

    // Same step, steps shifted by 5 s: a different grid, a new query too.
    const shifted = { query, start: past.start + 5, end: past.end + 5, step: STEP };
    sameAsCold(await c.api.queryRange(shifted), (await cold(shifted)).result);
    expect(c.calls).toHaveLength(3);
  });

  it("a query whose result depends on its own range (@ end()) is never split", async () => {
    let clock = Math.floor(timeline.stormEnd / STEP) * STEP;
    const c = client({ now: () => clock * 1000 });
    const query = "sum(rate(apiserver_request_total[5m] @ end()))";
    for (let i = 0; i < 2; i++, clock += 30) {
      const q = { query, start: clock - 3600, end: clock, step: STEP };
      sameAsCold(await c.api.queryRange(q), (await cold(q)).result);
      expect([c.calls[i]!.start, c.calls[i]!.end]).toEqual([q.start, q.end]);
    }
  });
});
