// The explorer on AMP, through the SigV4-verifying stand-in in front of a real Prometheus: every query
// carries max_samples_processed_error_threshold set to what the user's samples budget has left (below the
// cluster's own ceiling), a refusal at that ceiling says the budget refused it and nothing was billed, and
// on a shared workspace the cluster's label is ANDed into what is sent.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { ExploreError, ExploreQueryResult } from "@/lib/api-schema";
import { scenarioPrometheus } from "@/test-support/fixtures";
import { startAmpStandin, type AmpStandin } from "@/test-support/amp-standin";
import type { RunningPrometheus } from "@/test-support/prometheus";
import type { Scenario } from "@/demo/scenario";
import { resetDataSourceState } from "@/lib/server/datasource";
import { NO_AMBIENT_AWS, setEnv } from "@/lib/server/datasource/testing/env";
import { resetBudgets } from "@/lib/server/limits/budget";
import { resetLimitSettings } from "@/lib/server/limits/settings";

for (const name of Object.keys(process.env)) if (name.startsWith("APISCOPE_")) delete process.env[name];

const { GET: query } = await import("./query/route");

const WORKSPACE = "ws-explore0-1111-2222-3333-444455556666";
const REGION = "eu-west-1";
const KEYS = { accessKeyId: "ASIAEXPLORETEST00001", secretAccessKey: "explore-secret-key", sessionToken: "explore-session-token" };

let prom: RunningPrometheus;
let scenario: Scenario;
let standin: AmpStandin;
let restoreEnv: () => void;

function useEnv(extra: Record<string, string | undefined> = {}) {
  restoreEnv?.();
  restoreEnv = setEnv({
    ...NO_AMBIENT_AWS,
    AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: KEYS.sessionToken,
    APISCOPE_AMP_WORKSPACE_ID: WORKSPACE,
    APISCOPE_AMP_REGION: REGION,
    APISCOPE_AMP_ENDPOINT: standin.endpoint,
    APISCOPE_AMP_MAX_SAMPLES_PROCESSED: "1000000",
    APISCOPE_CLUSTER_NAME: "amp",
    APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE: "300000",
    APISCOPE_CLUSTER_LABEL: undefined,
    ...extra,
  });
  resetDataSourceState();
  resetLimitSettings();
  resetBudgets();
}

async function run<T>(expr: string, extra: Record<string, string> = {}) {
  const { stormStart, stormEnd } = scenario.timeline;
  const p = new URLSearchParams({ cluster: "default", expr, start: String(stormStart), end: String(stormEnd), step: "60", ...extra });
  const res = await query(new NextRequest(`http://127.0.0.1:3000/api/explore/query?${p}`));
  return { status: res.status, body: (await res.json()) as T };
}

/** The form parameters of the query calls the stand-in received, in order. */
function sentQueries(): URLSearchParams[] {
  return standin.requests.filter((r) => /\/api\/v1\/query(_range)?$/.test(r.path)).map((r) => new URLSearchParams(r.body || r.query));
}

beforeAll(async () => {
  ({ prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.30" }));
  standin = await startAmpStandin({ upstream: prom.url, workspaceId: WORKSPACE, region: REGION, credentials: KEYS });
});
afterAll(async () => {
  restoreEnv?.();
  resetDataSourceState();
  await standin?.stop();
  await prom?.stop();
});
beforeEach(() => {
  standin.requests.length = 0;
  vi.spyOn(console, "error").mockImplementation(() => {});
});

describe("the explorer on AMP", () => {
  it("sends what the budget has left as the ceiling, lower after each query", async () => {
    useEnv();
    const first = await run<ExploreQueryResult>("sum(rate(apiserver_request_total[2m]))");
    expect(first.status).toBe(200);
    expect(first.body.ceiling).toBe(300_000);
    expect(first.body.samplesProcessed).toBeGreaterThan(0);
    const second = await run<ExploreQueryResult>("sum by (verb) (rate(apiserver_request_total[2m]))");
    expect(second.status).toBe(200);
    const sent = sentQueries();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.get("max_samples_processed_error_threshold")).toBe("300000");
    expect(sent[1]!.get("max_samples_processed_error_threshold")).toBe(String(300_000 - first.body.samplesProcessed));
    expect(second.body.ceiling).toBe(300_000 - first.body.samplesProcessed);
  });

  it("keeps the cluster's own ceiling when it is the lower", async () => {
    useEnv({ APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE: "50000000" });
    await run<ExploreQueryResult>("sum(rate(apiserver_request_total[2m]))");
    expect(sentQueries()[0]!.get("max_samples_processed_error_threshold")).toBe("1000000");
  });

  it("a refusal at the budget's ceiling says so: refused before it ran, nothing billed", async () => {
    useEnv();
    standin.injectNext({ status: 422, body: JSON.stringify({ status: "error", errorType: "execution", error: "query processing would load too many samples into memory in query execution" }) });
    const { status, body } = await run<ExploreError>("sum(rate(apiserver_request_duration_seconds_bucket[5m]))");
    expect(status).toBe(429);
    expect(body.error.kind).toBe("rate_limited");
    expect(body.error.message).toBe(
      "Over your sample budget: the backend refused this query before running it, as it would process more than the 300,000 samples left of your 300,000 per minute (nothing was billed)",
    );
  });

  it("on a shared workspace, ANDs the cluster's label into what is sent, even beside a typed one", async () => {
    useEnv({ APISCOPE_CLUSTER_LABEL: "prod-eu" });
    const { status, body } = await run<ExploreQueryResult>('sum(rate(apiserver_request_total{cluster="other"}[2m]))');
    expect(status).toBe(200);
    expect(body.expr).toBe('sum(rate(apiserver_request_total{cluster="prod-eu",cluster="other"}[2m]))');
    expect(sentQueries()[0]!.get("query")).toBe(body.expr);
    // The scenario's series carry no cluster label: the scoped query matches nothing.
    expect(body.series).toEqual([]);
  });
});
