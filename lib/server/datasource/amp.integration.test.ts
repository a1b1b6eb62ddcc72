// AMP mode end to end: clientFor → aws4 signing with credentials from the real default provider chain
// (AWS_* env vars here) → the SigV4-verifying stand-in → a real Prometheus over a fixture TSDB.
// Faults are injected at the stand-in, in front of the real server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAmpStandin, type AmpStandin } from "../../../test-support/amp-standin";
import type { AmpClusterConfig } from "../config";
import { CoalescingCache } from "./cache";
import type { BackendError } from "./errors";
import { clientFor, createPrometheusClient, resetDataSourceState, type ClientDeps } from "./index";
import { NO_AMBIENT_AWS, setEnv } from "./testing/env";
import { startFixturePrometheus, type FixturePrometheus } from "./testing/fixture";
import { DataSourceError, type DataSourceErrorKind } from "./types";

const WORKSPACE = "ws-integration";
const REGION = "eu-west-1";
const ENV_KEYS = { accessKeyId: "ASIAENVCREDENTIALS", secretAccessKey: "env-secret-key", sessionToken: "env-session-token" };

let prometheus: FixturePrometheus;
let standin: AmpStandin;
let restoreEnv: () => void;

beforeAll(async () => {
  prometheus = await startFixturePrometheus();
  standin = await startAmpStandin({ upstream: prometheus.url, workspaceId: WORKSPACE, region: REGION, credentials: ENV_KEYS });
  restoreEnv = setEnv({
    ...NO_AMBIENT_AWS,
    AWS_ACCESS_KEY_ID: ENV_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ENV_KEYS.secretAccessKey,
    AWS_SESSION_TOKEN: ENV_KEYS.sessionToken,
    APISCOPE_CONFIG: undefined,
    APISCOPE_PROMETHEUS_URL: undefined,
    APISCOPE_AMP_WORKSPACE_ID: WORKSPACE,
    APISCOPE_AMP_REGION: REGION,
    APISCOPE_AMP_ENDPOINT: standin.endpoint,
    APISCOPE_AMP_MAX_SAMPLES_PROCESSED: "1000000",
    APISCOPE_CLUSTER_NAME: "Integration",
  });
  resetDataSourceState();
});

afterAll(async () => {
  restoreEnv?.();
  resetDataSourceState();
  await standin?.stop();
  await prometheus?.stop();
});

afterEach(() => {
  standin.requests.length = 0;
});

/** A client with its own cache and a short budget, for fault tests. */
function ampClient(overrides: Partial<AmpClusterConfig> = {}, deps: ClientDeps = {}) {
  const cluster: AmpClusterConfig = {
    id: "faults",
    name: "Faults",
    kind: "amp",
    region: REGION,
    workspaceId: WORKSPACE,
    endpoint: standin.endpoint,
    scrapeIntervalSeconds: 30,
    timeoutMs: 3000,
    inflightLimits: { readOnly: 400, mutating: 200 },
    ...overrides,
  };
  return createPrometheusClient(cluster, { cache: new CoalescingCache(), random: () => 0, ...deps });
}

async function failure(promise: Promise<unknown>): Promise<DataSourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataSourceError) return error;
    throw error;
  }
  throw new Error("expected a DataSourceError");
}

const kindOf = async (promise: Promise<unknown>): Promise<DataSourceErrorKind> => (await failure(promise)).kind;
const rangeOf = (query = "apiscope_test_requests") => ({ query, start: prometheus.start, end: prometheus.end, step: 60 });

describe("AMP through the SigV4-verifying stand-in, credentials from AWS_* env vars", () => {
  it("query_range: POST, signed, stats=all and the sample ceiling sent; values and stats parsed", async () => {
    const result = await clientFor("default").queryRange(rangeOf());
    expect(result.series.map((s) => s.labels.verb).sort()).toEqual(["GET", "LIST"]);
    const get = result.series.find((s) => s.labels.verb === "GET")!;
    expect(get.points[0]).toEqual([prometheus.start, 0]);
    expect(get.points.at(-1)![0]).toBeLessThanOrEqual(prometheus.end);
    expect(result.stats?.samplesProcessed).toBeGreaterThan(0);

    const [request] = standin.requests;
    expect(request).toMatchObject({ method: "POST", path: `/workspaces/${WORKSPACE}/api/v1/query_range`, verdict: "ok", accessKeyId: ENV_KEYS.accessKeyId });
    const body = new URLSearchParams(request!.body);
    expect(body.get("stats")).toBe("all");
    expect(body.get("max_samples_processed_error_threshold")).toBe("1000000");
    expect(request!.headers["x-amz-security-token"]).toBe(ENV_KEYS.sessionToken);
  });

  it("instant query with NaN/±Inf → null", async () => {
    const result = await clientFor("default").query({ query: "apiscope_test_weird", time: prometheus.end });
    expect(result.samples).toHaveLength(3);
    expect(result.samples.every((s) => s.value === null)).toBe(true);
    expect(result.stats).not.toBeNull();
  });

  it("series, label names and label values (GET, signed query string)", async () => {
    const api = clientFor("default");
    const window = { start: prometheus.start, end: prometheus.end };
    expect(await api.series({ match: ['apiscope_test_requests{verb="GET"}'], ...window })).toEqual([{ __name__: "apiscope_test_requests", verb: "GET" }]);
    expect(await api.labelNames({ match: ["apiscope_test_weird"], ...window })).toEqual(["__name__", "kind"]);
    expect(await api.labelValues({ name: "verb", match: ["apiscope_test_requests"], ...window })).toEqual(["GET", "LIST"]);
    const labelValues = standin.requests.find((r) => r.path.endsWith("/label/verb/values"))!;
    expect(labelValues).toMatchObject({ method: "GET", verdict: "ok" });
    expect(labelValues.query).toContain("match%5B%5D=apiscope_test_requests");
    expect(standin.requests.every((r) => r.verdict === "ok")).toBe(true);
  });

  it("coalesces identical concurrent calls into one signed request, then serves the cache", async () => {
    const api = ampClient();
    const q = rangeOf('sum by (verb) (apiscope_test_requests{verb=~"GET|LIST"})');
    const [a, b] = await Promise.all([api.queryRange(q), api.queryRange(q)]);
    // One request: the second caller joined the first, shares its answer, and is told it cost nothing.
    expect(b.series).toBe(a.series);
    expect([a.cached ?? false, b.cached ?? false]).toEqual([false, true]);
    expect(standin.requests).toHaveLength(1);

    const again = await api.queryRange(q);
    expect(again.cached).toBe(true);
    expect(again.series).toBe(a.series);
    expect(standin.requests).toHaveLength(1);

    await api.queryRange({ ...q, step: 120 }); // different parameters: a new request
    expect(standin.requests).toHaveLength(2);
  });

  it("real 400 from Prometheus for a bad query: bad_query with Prometheus' message", async () => {
    const error = await failure(ampClient().query({ query: "sum(rate(apiscope_test_requests[5m])" }));
    expect(error).toMatchObject({ kind: "bad_query", status: 400 });
    expect(error.detail).toMatch(/parse error/);
    // The workspace is named in the server log, not to the browser.
    expect(error.message).not.toContain(WORKSPACE);
    expect((error as BackendError).internal).toContain(WORKSPACE);
  });

  it("429 with Retry-After (seconds): waits as told, then succeeds", async () => {
    standin.injectNext({ status: 429, retryAfter: 1 });
    const started = Date.now();
    const result = await ampClient().queryRange(rangeOf());
    expect(result.series).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(standin.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("429 with Retry-After as an HTTP date", async () => {
    standin.injectNext({ status: 429, retryAfter: new Date(Date.now() + 1000).toUTCString() });
    await ampClient().queryRange(rangeOf());
    expect(standin.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("429 three times: throttled after 3 attempts with jittered backoff", async () => {
    standin.injectNext({ status: 429 }, { status: 429 }, { status: 429 });
    const error = await failure(ampClient({}, { random: () => 0.5 }).queryRange(rangeOf()));
    expect(error).toMatchObject({ kind: "throttled", status: 429 });
    expect(error.message).toContain("3 times");
    expect(standin.requests).toHaveLength(3);
  });

  it("429 whose Retry-After exceeds the time budget: throttled at once, no waiting past the timeout", async () => {
    standin.injectNext({ status: 429, retryAfter: 30 });
    const started = Date.now();
    expect(await kindOf(ampClient({ timeoutMs: 2000 }).queryRange(rangeOf()))).toBe("throttled");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(standin.requests).toHaveLength(1);
  });

  it("a hanging backend: our timeout fires and says so", async () => {
    standin.injectNext({ hang: true });
    const started = Date.now();
    const error = await failure(ampClient({ timeoutMs: 700 }).queryRange(rangeOf()));
    expect(error.kind).toBe("timeout");
    expect(error.message).toBe('No answer from the AMP workspace of cluster "Faults" within 0.7 s');
    expect((error as BackendError).internal).toMatch(/AMP workspace ws-integration .* no answer within 700 ms/);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("garbage (an HTML page with 200): bad_response", async () => {
    standin.injectNext({ garbage: true });
    const error = await failure(ampClient().queryRange(rangeOf()));
    expect(error.kind).toBe("bad_response");
    expect(error.message).toMatch(/not JSON \(HTTP 200, text\/html\)|an HTML page, not JSON \(HTTP 200, text\/html\)/);
  });

  it("a JSON answer of the wrong shape: bad_response naming the field", async () => {
    standin.injectNext({ status: 200, body: JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: {}, values: "oops" }] } }) });
    expect((await failure(ampClient().queryRange(rangeOf()))).message).toMatch(/JSON of an unexpected shape \(at data\.result\[0\]\.values\)/);
  });

  it("422 (AMP's query timeout) and 503 timeout: query_timeout", async () => {
    standin.injectNext({ status: 422 });
    expect(await kindOf(ampClient().queryRange(rangeOf()))).toBe("query_timeout");
    standin.injectNext({ status: 503 });
    expect(await kindOf(ampClient().queryRange(rangeOf()))).toBe("query_timeout");
  });

  it("too many samples (cost ceiling): too_many_samples naming the ceiling", async () => {
    standin.injectNext({ status: 422, body: JSON.stringify({ status: "error", errorType: "execution", error: "query processing would load too many samples into memory in query execution" }) });
    const error = await failure(ampClient({ maxSamplesProcessed: 2_000_000 }).queryRange(rangeOf()));
    expect(error.kind).toBe("too_many_samples");
    expect(error.hint).toContain("2,000,000");
  });

  it("5xx: server_error", async () => {
    standin.injectNext({ status: 500, body: "internal error" });
    expect(await kindOf(ampClient().queryRange(rangeOf()))).toBe("server_error");
  });

  it("403 AccessDenied: access_denied with the permissions to grant", async () => {
    standin.injectNext({ status: 403 });
    const error = await failure(ampClient().queryRange(rangeOf()));
    expect(error.kind).toBe("access_denied");
    expect(error.hint).toContain("aps:QueryMetrics, aps:GetSeries, aps:GetLabels, aps:GetMetricMetadata");
  });

  it("a workspace id the endpoint does not serve: not_found", async () => {
    const error = await failure(ampClient({ workspaceId: "ws-missing", endpoint: standin.endpoint.replace(WORKSPACE, "ws-missing") }).queryRange(rangeOf()));
    expect(error).toMatchObject({ kind: "not_found", status: 404 });
    expect(error.message).not.toContain("ws-missing");
    expect((error as BackendError).internal).toContain("ws-missing");
  });

  it("the wrong region: signature, telling to fix the region", async () => {
    const error = await failure(ampClient({ region: "us-west-2" }).queryRange(rangeOf()));
    expect(error.kind).toBe("signature");
    expect(error.hint).toMatch(/signed for region us-west-2, which is not the workspace's region/);
  });

  it("a server clock 10 minutes off: signature, telling to sync the clock", async () => {
    const error = await failure(ampClient({}, { now: () => Date.now() - 10 * 60_000 }).queryRange(rangeOf()));
    expect(error.kind).toBe("signature");
    expect(error.hint).toMatch(/clock is more than 5 minutes off/);
  });

  it("credentials AWS does not know: signature, telling which credentials to check", async () => {
    const error = await failure(ampClient({}, { credentials: async () => ({ accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" }) }).queryRange(rangeOf()));
    expect(error.kind).toBe("signature");
    expect(error.hint).toMatch(/does not recognise the access key/);
  });

  it("a caller that goes away gets its abort reason, not a DataSourceError", async () => {
    standin.injectNext({ hang: true });
    const controller = new AbortController();
    const pending = ampClient().queryRange({ ...rangeOf(), signal: controller.signal });
    setTimeout(() => controller.abort(new DOMException("client went away", "AbortError")), 100);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("an unknown cluster id: config error", () => {
    expect(() => clientFor("nope")).toThrow(expect.objectContaining({ kind: "config", message: expect.stringContaining('Unknown cluster "nope"') }));
  });
});
