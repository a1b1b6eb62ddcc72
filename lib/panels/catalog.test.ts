import { describe, expect, it } from "vitest";
import { buildExpr } from "../server/dashboard";
import { expandPlaceholders, templateMetricNames } from "../server/template";
import { assertValidPromQL, metricNames } from "../server/promql";
import { queryWindow } from "../server/query-window";
import { PANELS } from "./catalog";
import { panelMeta, ROWS, type PanelDef } from "./types";

const window = queryWindow(1_795_000_000 - 3600, 1_795_000_000, 800, 30);

function byId(id: string): PanelDef {
  const p = PANELS.find((x) => x.id === id);
  if (!p) throw new Error(`no panel ${id}`);
  return p;
}

describe("panel catalogue", () => {
  it("has the thirty panels of panels.md (1..30, in order) and the EKS console's eight (31..38), in row order", () => {
    expect(PANELS).toHaveLength(38);
    expect(PANELS.map((p) => p.number).filter((n) => n <= 30)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(PANELS.map((p) => p.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
    const rowOrder = ROWS.map((r) => r.id);
    const seen = PANELS.map((p) => rowOrder.indexOf(p.row));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
  it("has unique, URL-safe ids", () => {
    const ids = PANELS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });
  it("every query variant is valid PromQL before and after the dashboard's matchers are injected", () => {
    for (const p of PANELS)
      for (const q of p.queries)
        for (const v of q.variants) {
          const expanded = expandPlaceholders(v.expr, window);
          expect(expanded, `${p.id}/${q.id}`).not.toContain("$__");
          assertValidPromQL(expanded);
          const built = buildExpr(v.expr, window, [
            { name: "job", op: "=", value: "apiserver" },
            { name: "cluster", op: "=", value: "c1" },
          ]);
          assertValidPromQL(built);
          // every selector got the job and cluster matchers
          const selectors = metricNames(expanded).length;
          expect(selectors, `${p.id}/${q.id} reads no metric`).toBeGreaterThan(0);
          expect(built.match(/job="apiserver"/g)!.length, built).toBeGreaterThanOrEqual(selectors);
          expect(built.match(/cluster="c1"/g)!.length, built).toBe(built.match(/job="apiserver"/g)!.length);
        }
  });
  it("reads the metrics panels.md names, variant by variant (a few panels, written out by hand)", () => {
    const names = (panelId: string) =>
      Object.fromEntries(byId(panelId).queries.map((q) => [q.id, q.variants.map((v) => templateMetricNames(v.expr).sort())]));
    expect(names("request-rate")).toEqual({ rate: [["apiserver_request_total"]], "5xx": [["apiserver_request_total"]], "429": [["apiserver_request_total"]], "4xx": [["apiserver_request_total"]] });
    expect(names("longrunning-per-server")).toEqual({ longrunning: [["apiserver_longrunning_requests"], ["apiserver_longrunning_gauge"]] });
    expect(names("objects-read")).toEqual({
      returned: [["apiserver_storage_list_returned_objects_total"]],
      fetched: [["apiserver_storage_list_fetched_objects_total"]],
      evaluated: [["apiserver_storage_list_evaluated_objects_total"]],
    });
    expect(names("apf-seat-utilization")).toEqual({
      utilization: [
        ["apiserver_flowcontrol_current_executing_seats", "apiserver_flowcontrol_current_limit_seats"],
        ["apiserver_flowcontrol_current_limit_seats", "apiserver_flowcontrol_request_concurrency_in_use"],
        ["apiserver_flowcontrol_request_concurrency_in_use", "apiserver_flowcontrol_request_concurrency_limit"],
      ],
    });
    const objects = [["apiserver_resource_objects"], ["apiserver_storage_objects"], ["etcd_object_counts"]];
    expect(names("stored-objects")).toEqual({ now: objects, series: objects });
    expect(names("webhook-duration")).toEqual({ p90: [["apiserver_admission_webhook_admission_duration_seconds_bucket"]] });
    expect(names("etcd-latency-heatmap")).toEqual({ buckets: [["etcd_request_duration_seconds_bucket"]] });
  });
  it("a histogram query has exactly one variant, which reads only its family's buckets", () => {
    const panelsWithHistograms = new Set<string>();
    for (const p of PANELS)
      for (const q of p.queries) {
        if (!q.histogram) continue;
        panelsWithHistograms.add(p.id);
        expect(q.variants, `${p.id}/${q.id}`).toHaveLength(1);
        expect(templateMetricNames(q.variants[0]!.expr), `${p.id}/${q.id}`).toEqual([`${q.histogram.family}_bucket`]);
        // Rankings over the range are one value per row; everything else is drawn over time.
        expect(q.type ?? "range", `${p.id}/${q.id}`).toBe(q.histogram.derive.kind === "quantile-over-range" ? "instant" : "range");
      }
    // The latency panels served from one read per histogram family (panels 12, 20 and 21 read other,
    // smaller histograms with plain PromQL); the two webhook panels share one read of theirs.
    expect([...panelsWithHistograms].sort()).toEqual(
      [
        "api-latency-p99",
        "etcd-latency-p99",
        "apf-queue-wait",
        "slowest-calls",
        "api-latency-heatmap",
        "etcd-latency-heatmap",
        "api-vs-etcd",
        "etcd-by-operation",
        "webhook-duration",
        "webhook-calls",
      ].sort(),
    );
  });
  it("a histogram query shows the PromQL Prometheus would run for the same numbers (written out by hand)", () => {
    const expr = (panelId: string, queryId: string) => {
      const q = byId(panelId).queries.find((x) => x.id === queryId)!;
      expect(q.histogram, `${panelId}/${queryId} is derived from a histogram`).toBeDefined();
      return q.variants[0]!.expr;
    };
    // p99 per API server, then the worst server; non-streaming single-object calls.
    expect(expr("api-latency-p99", "single")).toBe(
      'max (histogram_quantile(0.99, sum by (instance, le) (increase(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT",scope="resource"}[$__rate_interval]))))',
    );
    // One p99 per verb and resource over the whole range, all servers together.
    expect(expr("slowest-calls", "p99")).toBe(
      'histogram_quantile(0.99, sum by (le, verb, group, resource) (increase(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[$__range])))',
    );
    // Observations per bucket per step.
    expect(expr("api-latency-heatmap", "buckets")).toBe('sum by (le) (increase(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}[$__rate_interval]))');
    // p90 per webhook on the worst server (panels.md #27); its p99 and call rate beside it.
    expect(expr("webhook-duration", "p90")).toBe(
      "max by (name) (histogram_quantile(0.9, sum by (instance, le, name) (increase(apiserver_admission_webhook_admission_duration_seconds_bucket[$__rate_interval]))))",
    );
    expect(expr("webhook-calls", "p99")).toBe(
      "max by (name) (histogram_quantile(0.99, sum by (instance, le, name) (increase(apiserver_admission_webhook_admission_duration_seconds_bucket[$__rate_interval]))))",
    );
    // Calls per second: the +Inf bucket counts every observation, whatever the le set.
    expect(expr("webhook-calls", "calls")).toBe(
      'sum by (name, type, rejected) (rate(apiserver_admission_webhook_admission_duration_seconds_bucket{le="+Inf"}[$__rate_interval]))',
    );
    // Worst server per flow schema, steps without any wait dropped.
    expect(expr("apf-queue-wait", "p99")).toBe(
      "max by (flow_schema, priority_level) (histogram_quantile(0.99, sum by (instance, le, flow_schema, priority_level) (increase(apiserver_flowcontrol_request_wait_duration_seconds_bucket[$__rate_interval])))) > 0",
    );
  });
  it("what the browser gets of a panel (panelMeta) carries none of its PromQL", () => {
    for (const p of PANELS) {
      const meta = panelMeta(p);
      expect("queries" in meta, p.id).toBe(false);
      const json = JSON.stringify(meta);
      for (const q of p.queries) for (const v of q.variants) expect(json, `${p.id}/${q.id}`).not.toContain(v.expr);
      expect(json, p.id).not.toMatch(/rate\(|histogram_quantile|sum by \(/);
    }
  });
  it("never divides by the exempt priority level", () => {
    for (const p of PANELS)
      for (const q of p.queries)
        for (const v of q.variants)
          if (/\/\s*on/.test(v.expr) && v.expr.includes("limit")) expect(v.expr, p.id).toContain('priority_level!="exempt"');
  });
  it("gives every panel an explanation, a hint, an absent reason and an empty message", () => {
    for (const p of PANELS) {
      for (const text of [p.title, p.explanation, p.hint, p.absentReason, p.emptyMessage]) expect(text.length, p.id).toBeGreaterThan(5);
    }
  });
  it("the EKS console's signals: the metric names per version, and the limits they draw", () => {
    const names = (panelId: string) =>
      Object.fromEntries(byId(panelId).queries.map((q) => [q.id, q.variants.map((v) => templateMetricNames(v.expr).sort())]));
    expect(names("etcd-db-size")).toEqual({ size: [["apiserver_storage_size_bytes"], ["apiserver_storage_db_total_size_in_bytes"], ["etcd_db_total_size_in_bytes"]] });
    expect(names("webhook-rejections")).toEqual({ rejected: [["apiserver_admission_webhook_rejection_count"]] });
    const webhookBuckets = [["apiserver_admission_webhook_admission_duration_seconds_bucket"]];
    expect(names("webhook-calls")).toEqual({ calls: webhookBuckets, p99: webhookBuckets });
    expect(names("apf-control-plane-seats")).toEqual({
      "in-use": [["apiserver_flowcontrol_current_executing_seats"], ["apiserver_flowcontrol_request_concurrency_in_use"]],
      configured: [["apiserver_flowcontrol_nominal_limit_seats"], ["apiserver_flowcontrol_request_concurrency_limit"]],
    });
    // Seats on the whole control plane leave the exempt level (limit 0, never queued) out.
    for (const q of byId("apf-control-plane-seats").queries) for (const v of q.variants) expect(v.expr).toContain('priority_level!="exempt"');
    const limitsOf = (id: string) => {
      const p = byId(id);
      return p.chart === "timeseries" ? p.options.limits?.map((l) => l.limit) : undefined;
    };
    expect(limitsOf("etcd-db-size")).toEqual(["etcdQuotaBytes"]);
    expect(limitsOf("apf-control-plane-seats")).toEqual(["tierSeats"]);
  });
  it("the scheduler and controller-manager row reads its components' own jobs, and says how to scrape them", () => {
    const row = PANELS.filter((p) => p.row === "scheduling");
    expect(row.map((p) => [p.id, p.component])).toEqual([
      ["scheduler-pending", "scheduler"],
      ["scheduler-attempts", "scheduler"],
      ["kcm-workqueue-depth", "controller-manager"],
      ["kcm-workqueue-latency", "controller-manager"],
    ]);
    expect(PANELS.filter((p) => p.component).map((p) => p.id)).toEqual(row.map((p) => p.id));
    for (const p of row) expect(p.absentReason).toMatch(p.component === "scheduler" ? /\/v1\/ksh\/container\/metrics/ : /\/v1\/kcm\/container\/metrics/);
    const metricsOf = (id: string) => byId(id).queries.flatMap((q) => q.variants.flatMap((v) => templateMetricNames(v.expr)));
    expect(metricsOf("scheduler-pending")).toEqual(["scheduler_pending_pods"]);
    expect(metricsOf("scheduler-attempts")).toEqual(["scheduler_schedule_attempts_total"]);
    expect(metricsOf("kcm-workqueue-depth")).toEqual(["workqueue_depth"]);
    expect(metricsOf("kcm-workqueue-latency")).toEqual(["workqueue_queue_duration_seconds_bucket"]);
  });
  it("ranked tables name queries that exist", () => {
    for (const p of PANELS) {
      if (p.chart !== "ranked-table") continue;
      const ids = p.queries.map((q) => q.id);
      expect(ids).toContain(p.options.rankBy);
      if (p.options.sparkline) expect(ids).toContain(p.options.sparkline);
    }
  });
});
