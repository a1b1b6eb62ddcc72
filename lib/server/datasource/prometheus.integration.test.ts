// Prometheus mode against a real Prometheus over a fixture TSDB, plus basic/bearer auth and HTTP
// failures against a recording fake server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test-support/prometheus";
import type { PrometheusAuth, PrometheusClusterConfig } from "../config";
import { CoalescingCache } from "./cache";
import type { BackendError } from "./errors";
import { clientFor, createPrometheusClient, resetDataSourceState } from "./index";
import { setEnv } from "./testing/env";
import { startFakeUpstream, type FakeUpstream } from "./testing/fake-upstream";
import { startFixturePrometheus, type FixturePrometheus } from "./testing/fixture";
import { DataSourceError } from "./types";

let prometheus: FixturePrometheus;
let limited: FixturePrometheus;
let fake: FakeUpstream;
let restoreEnv: () => void;

beforeAll(async () => {
  prometheus = await startFixturePrometheus();
  // Same data, but a sample limit small enough for a real "too many samples" error.
  limited = await startFixturePrometheus({ extraArgs: ["--query.max-samples=50"] });
  fake = await startFakeUpstream();
  restoreEnv = setEnv({
    APISCOPE_CONFIG: undefined,
    APISCOPE_AMP_WORKSPACE_ID: undefined,
    APISCOPE_AMP_REGION: undefined,
    APISCOPE_PROMETHEUS_URL: prometheus.url,
    APISCOPE_CLUSTER_NAME: undefined,
    PROM_TEST_TOKEN: "bearer-secret",
    PROM_TEST_USER: "sre",
    PROM_TEST_PASSWORD: "basic-secret",
  });
  resetDataSourceState();
});

afterAll(async () => {
  restoreEnv?.();
  resetDataSourceState();
  await fake?.stop();
  await limited?.stop();
  await prometheus?.stop();
});

afterEach(() => {
  fake.requests.length = 0;
});

function promClient(url: string, overrides: Partial<PrometheusClusterConfig> = {}) {
  const cluster: PrometheusClusterConfig = {
    id: "direct",
    name: "Direct",
    kind: "prometheus",
    url,
    auth: { type: "none" },
    scrapeIntervalSeconds: 30,
    timeoutMs: 5000,
    inflightLimits: { readOnly: 400, mutating: 200 },
    ...overrides,
  };
  return createPrometheusClient(cluster, { cache: new CoalescingCache() });
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

describe("Prometheus HTTP API against a real Prometheus", () => {
  it("clientFor('default') from APISCOPE_PROMETHEUS_URL: range query with values and stats", async () => {
    const result = await clientFor("default").queryRange({ query: "apiscope_test_requests", start: prometheus.start, end: prometheus.end, step: 30 });
    const list = result.series.find((s) => s.labels.verb === "LIST")!;
    expect(list.points).toHaveLength(240);
    expect(list.points[10]).toEqual([prometheus.start + 300, 20]);
    expect(result.stats).toEqual({ samplesProcessed: expect.any(Number), peakSamples: expect.any(Number) });
    expect(result.stats!.samplesProcessed).toBeGreaterThan(0);
    expect(result.warnings).toEqual([]);
  });

  it("instant query, scalar, NaN/±Inf as null", async () => {
    const api = promClient(prometheus.url);
    const weird = await api.query({ query: "apiscope_test_weird", time: prometheus.end });
    expect(weird.samples.map((s) => [s.labels.kind, s.value]).sort()).toEqual([["inf", null], ["nan", null], ["neginf", null]]);
    const scalar = await api.query({ query: "scalar(sum(apiscope_test_requests))", time: prometheus.end });
    expect(scalar.samples).toEqual([{ labels: {}, time: prometheus.end, value: 239 * 3 }]);
  });

  it("series, label names, label values", async () => {
    const api = promClient(prometheus.url);
    const window = { start: prometheus.start, end: prometheus.end };
    expect(await api.series({ match: ["apiscope_test_weird"], ...window })).toHaveLength(3);
    expect(await api.labelNames({ ...window })).toEqual(["__name__", "kind", "verb"]);
    expect(await api.labelValues({ name: "kind", ...window })).toEqual(["inf", "nan", "neginf"]);
    expect(await api.labelValues({ name: "kind", match: ["apiscope_test_requests"], ...window })).toEqual([]);
  });

  it("a parse error: bad_query with Prometheus' own message", async () => {
    const error = await failure(promClient(prometheus.url).queryRange({ query: "rate(apiscope_test_requests[5m]", start: prometheus.start, end: prometheus.end, step: 60 }));
    expect(error).toMatchObject({ kind: "bad_query", status: 400 });
    expect(error.detail).toMatch(/parse error/);
  });

  it("more than 11,000 points: bad_query telling to raise the step", async () => {
    const error = await failure(promClient(prometheus.url).queryRange({ query: "up", start: 0, end: 20_000, step: 1 }));
    expect(error.kind).toBe("bad_query");
    expect(error.hint).toMatch(/increase the step/i);
  });

  it("a real sample limit (--query.max-samples): too_many_samples", async () => {
    const error = await failure(promClient(limited.url).queryRange({ query: "apiscope_test_requests", start: prometheus.start, end: prometheus.end, step: 30 }));
    expect(error.kind).toBe("too_many_samples");
    // Prometheus' own words go to the server log; the browser gets what to do.
    expect((error as BackendError).internal).toMatch(/too many samples/);
  });

  it("nothing listening: unreachable, naming the cluster (the host only in the server log)", async () => {
    const port = await freePort();
    const error = await failure(promClient(`http://127.0.0.1:${port}`, { name: "Gone" }).query({ query: "up" }));
    expect(error.kind).toBe("unreachable");
    expect(error.message).toBe('Cannot reach the Prometheus of cluster "Gone": connection refused');
    expect((error as BackendError).internal).toContain(`127.0.0.1:${port}`);
  });

  it("a URL without the Prometheus API: not_found", async () => {
    const error = await failure(promClient(`${prometheus.url}/not-prometheus`).query({ query: "up" }));
    expect(error.kind).toBe("not_found");
  });
});

describe("authentication and HTTP failures (recording fake server)", () => {
  const withAuth = (auth: PrometheusAuth) => promClient(fake.url, { auth });

  it("bearer token from the named env var", async () => {
    await withAuth({ type: "bearer", tokenEnv: "PROM_TEST_TOKEN" }).query({ query: "up" });
    expect(fake.requests[0]!.headers.authorization).toBe("Bearer bearer-secret");
  });

  it("basic auth from the named env vars", async () => {
    await withAuth({ type: "basic", usernameEnv: "PROM_TEST_USER", passwordEnv: "PROM_TEST_PASSWORD" }).query({ query: "up" });
    expect(fake.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from("sre:basic-secret").toString("base64")}`);
  });

  it("POST form bodies for query/series/labels, GET for label values", async () => {
    const api = promClient(fake.url);
    await api.queryRange({ query: 'sum(rate(x{a="b c"}[5m]))', start: 1, end: 2, step: 1 });
    await api.series({ match: ["up"], start: 1, end: 2 });
    await api.labelNames({ start: 1, end: 2 });
    await api.labelValues({ name: "job", start: 1, end: 2 });
    expect(fake.requests.map((r) => [r.method, r.url.split("?")[0]])).toEqual([
      ["POST", "/api/v1/query_range"],
      ["POST", "/api/v1/series"],
      ["POST", "/api/v1/labels"],
      ["GET", "/api/v1/label/job/values"],
    ]);
    expect(fake.requests[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(fake.requests[0]!.body).get("query")).toBe('sum(rate(x{a="b c"}[5m]))');
    expect(new URLSearchParams(fake.requests[0]!.body).has("max_samples_processed_error_threshold")).toBe(false);
  });

  it("401: unauthorized, naming the env var but not its value", async () => {
    fake.respondNext(401, "Unauthorized");
    const error = await failure(withAuth({ type: "bearer", tokenEnv: "PROM_TEST_TOKEN" }).query({ query: "up" }));
    expect(error.kind).toBe("unauthorized");
    expect(error.hint).toContain("PROM_TEST_TOKEN");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain("bearer-secret");
  });

  it("a secret env var that disappeared: config error, nothing sent", async () => {
    const error = await failure(withAuth({ type: "bearer", tokenEnv: "PROM_TEST_UNSET" }).query({ query: "up" }));
    expect(error.kind).toBe("config");
    expect(error.message).toContain("PROM_TEST_UNSET");
    expect(fake.requests).toHaveLength(0);
  });

  it("a proxy's 502 page: retried, then server_error; a 200 login page: bad_response", async () => {
    for (let i = 0; i < 3; i++) fake.respondNext(502, "<html>Bad Gateway upstream=10.1.2.3:9090</html>", { "content-type": "text/html" });
    const bad = await failure(promClient(fake.url).query({ query: "up" }));
    expect(bad.kind).toBe("server_error");
    expect(fake.requests).toHaveLength(3);
    expect(bad.message).not.toContain("10.1.2.3");
    fake.respondNext(200, "<html>Sign in</html>", { "content-type": "text/html" });
    expect((await failure(promClient(fake.url).query({ query: "up" }))).kind).toBe("bad_response");
  });

  it("the result cache is keyed by parameters and marks hits", async () => {
    const api = promClient(fake.url);
    const q = { query: "up", start: 1, end: 2, step: 1 };
    expect((await api.queryRange(q)).cached).toBeUndefined();
    expect((await api.queryRange(q)).cached).toBe(true);
    await api.queryRange({ ...q, query: "up2" });
    expect(fake.requests).toHaveLength(2);
  });
});
