// The explorer's routes as Next calls them, against a real Prometheus over the incident scenario: the
// numbers are Prometheus' own for the same query, autocomplete answers from the backend (bounded),
// a syntax error never reaches the backend, and a query over the user's samples budget is refused.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { ExploreError, ExploreMetaResponse, ExploreQueryResult } from "@/lib/api-schema";
import { scenarioPrometheus } from "@/test-support/fixtures";
import type { RunningPrometheus } from "@/test-support/prometheus";
import type { Scenario } from "@/demo/scenario";
import { resetDataSourceState } from "@/lib/server/datasource";
import { resetBudgets } from "@/lib/server/limits/budget";
import { resetLimitSettings } from "@/lib/server/limits/settings";
import { resetAuthSettings } from "@/lib/auth/settings";

for (const name of Object.keys(process.env)) if (name.startsWith("APISCOPE_")) delete process.env[name];

const { GET: query } = await import("./query/route");
const { GET: meta } = await import("./meta/route");

let prom: RunningPrometheus;
let scenario: Scenario;

async function call<T>(handler: (req: NextRequest) => Promise<Response>, path: string, params: Record<string, string | string[]>) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) p.append(k, one);
  const res = await handler(new NextRequest(`http://127.0.0.1:3000${path}?${p}`));
  return { status: res.status, body: (await res.json()) as T };
}

/** Prometheus' own answer for the same range query. */
async function direct(expr: string, start: number, end: number, step: number) {
  const p = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
  const body = (await (await fetch(`${prom.url}/api/v1/query_range?${p}`)).json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  return body.data.result;
}

beforeAll(async () => {
  ({ prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.30" }));
  process.env.APISCOPE_PROMETHEUS_URL = prom.url;
  process.env.APISCOPE_CLUSTER_NAME = "demo";
  resetDataSourceState();
});
afterAll(async () => prom?.stop());
beforeEach(() => {
  delete process.env.APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE;
  resetLimitSettings();
  resetBudgets();
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "warn").mockImplementation(() => {});
});

describe("GET /api/explore/query", () => {
  it("answers a range query with Prometheus' own numbers and what it cost", async () => {
    const { stormStart, stormEnd } = scenario.timeline;
    const expr = "sum by (verb) (rate(apiserver_request_total[2m]))";
    const { status, body } = await call<ExploreQueryResult>(query, "/api/explore/query", { cluster: "default", expr, start: String(stormStart), end: String(stormEnd), step: "60" });
    expect(status).toBe(200);
    expect(body.expr).toBe(expr);
    expect(body.window.step).toBe(60);
    expect(body.samplesProcessed).toBeGreaterThan(0);
    const expected = await direct(expr, body.window.start, body.window.end, 60);
    expect(body.series.length).toBe(expected.length);
    const list = body.series.find((s) => s.labels.verb === "LIST")!;
    const listExpected = expected.find((s) => s.metric.verb === "LIST")!;
    expect(list.points.map(([t, v]) => [t, v])).toEqual(listExpected.values.map(([t, v]) => [t, Number(v)]));
    expect(Math.max(...list.points.map(([, v]) => v ?? 0))).toBeGreaterThan(0);
  });

  it("evaluates the table's instant query at the end of the range, like the range's last step", async () => {
    const { stormStart, stormEnd } = scenario.timeline;
    const expr = "sum(rate(apiserver_request_total[2m]))";
    const range = await call<ExploreQueryResult>(query, "/api/explore/query", { cluster: "default", expr, start: String(stormStart), end: String(stormEnd), step: "60" });
    const instant = await call<ExploreQueryResult>(query, "/api/explore/query", { cluster: "default", expr, start: String(stormStart), end: String(stormEnd), step: "60", mode: "instant" });
    expect(instant.body.mode).toBe("instant");
    const [t, v] = instant.body.series[0]!.points[0]!;
    expect(t).toBe(instant.body.window.evalTime);
    expect(range.body.series[0]!.points.find(([rt]) => rt === t)?.[1]).toBe(v);
  });

  it("answers a syntax error with its position and what was expected, without asking the backend", async () => {
    const before = await prometheusQueries();
    const { status, body } = await call<ExploreError>(query, "/api/explore/query", { cluster: "default", expr: "sum(rate(apiserver_request_total[5m])", start: "1000", end: "5000" });
    expect(status).toBe(400);
    expect(body.error.kind).toBe("bad_query");
    expect(body.error.position).toEqual({ offset: 37, line: 1, column: 38 });
    expect(body.error.message).toBe('PromQL syntax error at line 1, column 38: found the end of the query, expected ")" to close the "(" at column 4');
    expect(await prometheusQueries()).toBe(before);
    // The counter does move for a query that is sent.
    await call(query, "/api/explore/query", { cluster: "default", expr: "vector(1)", start: "1000", end: "5000" });
    expect(await prometheusQueries()).toBeGreaterThan(before);
  });

  it("passes the backend's own error for a query that parses but does not type-check", async () => {
    const { stormEnd } = scenario.timeline;
    const { status, body } = await call<ExploreError>(query, "/api/explore/query", { cluster: "default", expr: 'rate(sum(apiserver_request_total)[5m])', start: String(stormEnd - 3600), end: String(stormEnd) });
    expect(status).toBe(400);
    expect(body.error.kind).toBe("bad_query");
    expect(body.error.detail ?? body.error.message).toMatch(/range/i);
  });

  it("refuses a query over the user's samples budget, then refuses the next request until the minute passes", async () => {
    process.env.APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE = "5000";
    resetLimitSettings();
    const { start, end } = scenario.timeline;
    const expr = "sum(rate(apiserver_request_duration_seconds_bucket[5m]))";
    const first = await call<ExploreError>(query, "/api/explore/query", { cluster: "default", expr, start: String(start), end: String(end) });
    expect(first.status).toBe(429);
    expect(first.body.error.message).toMatch(/^Over your sample budget: this query processed [\d,]+ samples, more than the 5,000 left of your 5,000 per minute$/);
    const second = await call<ExploreError>(query, "/api/explore/query", { cluster: "default", expr: "up", start: String(end - 600), end: String(end) });
    expect(second.status).toBe(429);
    expect(second.body.error.message).toBe("Your queries processed more than 5,000 backend samples in the last minute");
  });

  it("refuses an unknown cluster and a range over the limit", async () => {
    expect((await call<ExploreError>(query, "/api/explore/query", { cluster: "nope", expr: "up", start: "1000", end: "5000" })).status).toBe(404);
    const long = await call<ExploreError>(query, "/api/explore/query", { cluster: "default", expr: "up", start: "1000", end: String(1000 + 40 * 86400) });
    expect(long.status).toBe(400);
  });
});

describe("GET /api/explore/meta", () => {
  const window = () => ({ cluster: "default", start: String(scenario.timeline.end - 3600), end: String(scenario.timeline.end) });

  it("lists metric names from the backend, bounded by limit", async () => {
    const all = await call<ExploreMetaResponse>(meta, "/api/explore/meta", { ...window(), kind: "label-values", name: "__name__" });
    expect(all.status).toBe(200);
    expect(all.body.values).toContain("apiserver_request_total");
    expect(all.body.truncated).toBe(false);
    const one = await call<ExploreMetaResponse>(meta, "/api/explore/meta", { ...window(), kind: "label-values", name: "__name__", limit: "1" });
    expect(one.body.values).toHaveLength(1);
    expect(one.body.truncated).toBe(true);
    // Past the limit the editor asks for the names starting with what was typed.
    const prefixed = await call<ExploreMetaResponse>(meta, "/api/explore/meta", { ...window(), kind: "label-values", name: "__name__", match: '{__name__=~"apiserver_request_.*"}' });
    expect(prefixed.body.values).toContain("apiserver_request_total");
    expect(prefixed.body.values!.every((n) => n.startsWith("apiserver_request_"))).toBe(true);
  });

  it("lists a metric's label names and a label's values for it", async () => {
    const labels = await call<ExploreMetaResponse>(meta, "/api/explore/meta", { ...window(), kind: "labels", match: "apiserver_request_total" });
    expect(labels.body.values).toEqual(expect.arrayContaining(["verb", "resource", "code"]));
    const verbs = await call<ExploreMetaResponse>(meta, "/api/explore/meta", { ...window(), kind: "label-values", name: "verb", match: "apiserver_request_total" });
    expect(verbs.body.values).toEqual(expect.arrayContaining(["GET", "LIST", "WATCH"]));
  });

  it("answers series for a selector and requires one", async () => {
    const series = await call<ExploreMetaResponse>(meta, "/api/explore/meta", { ...window(), kind: "series", match: 'apiserver_request_total{verb="LIST"}', limit: "5" });
    expect(series.status).toBe(200);
    expect(series.body.series!.length).toBeGreaterThan(0);
    expect(series.body.series!.length).toBeLessThanOrEqual(5);
    for (const s of series.body.series!) expect(s).toMatchObject({ __name__: "apiserver_request_total", verb: "LIST" });
    expect((await call<ExploreError>(meta, "/api/explore/meta", { ...window(), kind: "series" })).status).toBe(400);
  });

  it("refuses a match that is not a series selector", async () => {
    const r = await call<ExploreError>(meta, "/api/explore/meta", { ...window(), kind: "labels", match: "sum(up)" });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/match\[\] must be a series selector/);
  });

  it("answers metadata (none for backfilled data, but a well-formed answer)", async () => {
    const r = await call<ExploreMetaResponse>(meta, "/api/explore/meta", { ...window(), kind: "metadata" });
    expect(r.status).toBe(200);
    expect(typeof r.body.metadata).toBe("object");
  });
});

describe("an open dashboard", () => {
  it("refuses the explorer when sign-in is explicitly off (APISCOPE_AUTH=none), saying what to set", async () => {
    process.env.APISCOPE_AUTH = "none";
    resetAuthSettings();
    try {
      const { end } = scenario.timeline;
      for (const [handler, path, params] of [
        [query, "/api/explore/query", { cluster: "default", expr: "up", start: String(end - 600), end: String(end) }],
        [meta, "/api/explore/meta", { cluster: "default", kind: "labels", start: String(end - 600), end: String(end) }],
      ] as const) {
        const r = await call<ExploreError>(handler, path, params);
        expect(r.status).toBe(400);
        expect(r.body.error.message).toBe("The explorer needs sign-in: this dashboard is open to anyone who can reach it (APISCOPE_AUTH=none)");
        expect(r.body.error.hint).toContain("APISCOPE_AUTH=oidc or proxy");
      }
    } finally {
      delete process.env.APISCOPE_AUTH;
      resetAuthSettings();
    }
  });
});

describe("what a client may send", () => {
  it("answers 300 crafted requests to both routes without a 5xx or the backend's address", async () => {
    // Every request reaches the route's own checks, none stops at the request bucket.
    process.env.APISCOPE_RATE_LIMIT_BURST = "100000";
    resetLimitSettings();
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const { end } = scenario.timeline;
    const exprs = ["up", "", " ", "sum(", ")", '{__name__=~".+"}', "up{job=\"a\"", "1 +", "\u0000", "é€𝄞", "x".repeat(5000), 'up{instance="10.0.0.1:443"} or vector(1) #', "rate(up[0s])", "up @ 1e99", "`", "label_replace(up, \"a\", \"$1\", \"b\", \"(\")"];
    const host = new URL(prom.url).host;
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) {
      // Mostly valid values, so the requests get past the schema to the parser, the backend and the limits.
      const valid = rand() < 0.4;
      const start = valid ? String(end - 3600) : pick([String(end - 3600), "-1", "abc", "1e999", "0", String(end)]);
      const params: Record<string, string | string[]> =
        rand() < 0.5
          ? valid
            ? { cluster: "default", expr: pick(exprs), start, end: String(end), step: pick(["", "60"]), mode: pick(["range", "instant"]) }
            : { cluster: pick(["default", "nope", ""]), expr: pick(exprs), start, end: pick([String(end), "0", "x"]), width: pick(["800", "0", "99999"]), step: pick(["", "1", "0", "-5", "60.5", "86401"]), mode: pick(["range", "instant", "both"]) }
          : valid
            ? { cluster: "default", kind: pick(["labels", "label-values", "series", "metadata"]), name: "verb", match: pick([["up"], ["apiserver_request_total{verb=\"LIST\"}"]]), start, end: String(end) }
            : { cluster: pick(["default", "nope"]), kind: pick(["labels", "label-values", "series", "metadata", "flags"]), name: pick(["__name__", "verb", "a-b", "", "x".repeat(300)]), match: pick([[], ["up"], ["sum(up)"], ["up{"], Array(6).fill("up")]), start, end: String(end), limit: pick(["1", "0", "100000", "x"]) };
      if (params.step === "") delete params.step;
      const res = await call<{ error?: { message: string } }>("expr" in params ? query : meta, "expr" in params ? "/api/explore/query" : "/api/explore/meta", params);
      statuses.push(res.status);
      expect(JSON.stringify(res.body)).not.toContain(host);
    }
    delete process.env.APISCOPE_RATE_LIMIT_BURST;
    expect(statuses.filter((s) => s >= 500 || s === 429)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThan(0);
  });
});

/** Queries Prometheus has evaluated so far, from its own /metrics (its TSDB holds only the scenario). */
async function prometheusQueries(): Promise<number> {
  const text = await (await fetch(`${prom.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('prometheus_engine_query_duration_seconds_count{slice="inner_eval"}'));
  if (!line) throw new Error("Prometheus' /metrics has no query counter");
  return Number(line.split(" ").pop());
}
