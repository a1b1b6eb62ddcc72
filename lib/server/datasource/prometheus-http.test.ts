import { describe, expect, it } from "vitest";
import type { BackendTarget } from "./errors";
import {
  fastRangeBody,
  instantQueryRequest,
  labelNamesRequest,
  labelValuesRequest,
  parseInstantResult,
  parseRangeResult,
  parseSeries,
  parseStrings,
  rangeQueryRequest,
  schemaRangeBody,
  seriesRequest,
} from "./prometheus-http";
import { DataSourceError } from "./types";

const target: BackendTarget = { kind: "prometheus", clusterId: "p", clusterName: "Prod", host: "prom:9090" };
const ok = (data: unknown, extra: Record<string, unknown> = {}) => ({
  status: 200,
  headers: new Headers({ "content-type": "application/json" }),
  body: JSON.stringify({ status: "success", data, ...extra }),
});

describe("requests", () => {
  it("query_range: POST form with stats=all, a backend timeout below ours, and the AMP sample ceiling when set", () => {
    const r = rangeQueryRequest({ query: "up", start: 100, end: 200, step: 10 }, { timeoutMs: 20_000, maxSamplesProcessed: 1_000_000 });
    expect(r.method).toBe("POST");
    expect(r.path).toBe("query_range");
    expect(r.params.toString()).toBe("query=up&start=100&end=200&step=10&stats=all&timeout=18.000&max_samples_processed_error_threshold=1000000");
    expect(rangeQueryRequest({ query: "up", start: 1, end: 2, step: 1 }, { timeoutMs: 1000 }).params.has("max_samples_processed_error_threshold")).toBe(false);
  });

  it("a query's own sample ceiling lowers the cluster's on AMP, never raises it, and is not sent elsewhere", () => {
    const amp = { timeoutMs: 1000, maxSamplesProcessed: 1_000_000, acceptsSampleCeiling: true };
    const threshold = (ceiling: number | undefined, limits: Parameters<typeof rangeQueryRequest>[1] = amp) =>
      rangeQueryRequest({ query: "up", start: 1, end: 2, step: 1, maxSamplesProcessed: ceiling }, limits).params.get("max_samples_processed_error_threshold");
    expect(threshold(250_000.7)).toBe("250000");
    expect(threshold(5_000_000)).toBe("1000000");
    expect(threshold(undefined)).toBe("1000000");
    expect(threshold(40_000, { timeoutMs: 1000, acceptsSampleCeiling: true })).toBe("40000");
    expect(threshold(40_000, { timeoutMs: 1000 })).toBeNull();
    expect(instantQueryRequest({ query: "up", maxSamplesProcessed: 7 }, amp).params.get("max_samples_processed_error_threshold")).toBe("7");
  });

  it("query: time only when given", () => {
    expect(instantQueryRequest({ query: "up" }, { timeoutMs: 1000 }).params.has("time")).toBe(false);
    expect(instantQueryRequest({ query: "up", time: 5 }, { timeoutMs: 1000 }).params.get("time")).toBe("5");
  });

  it("series and labels are POST with repeated match[]; label values is GET", () => {
    const s = seriesRequest({ match: ["up", "process_start_time_seconds"], start: 1, end: 2 });
    expect([s.method, s.path, s.params.getAll("match[]")]).toEqual(["POST", "series", ["up", "process_start_time_seconds"]]);
    expect(labelNamesRequest({ start: 1, end: 2 })).toMatchObject({ method: "POST", path: "labels" });
    expect(labelValuesRequest({ name: "job", match: ["up"], start: 1, end: 2 })).toMatchObject({ method: "GET", path: "label/job/values" });
  });

  it("refuses locally what no backend would accept", () => {
    expect(() => rangeQueryRequest({ query: "up", start: 2, end: 1, step: 1 }, { timeoutMs: 1000 })).toThrow(DataSourceError);
    expect(() => rangeQueryRequest({ query: "up", start: 1, end: 2, step: 0 }, { timeoutMs: 1000 })).toThrow(/step/);
    expect(() => seriesRequest({ match: [], start: 1, end: 2 })).toThrow(/match/);
    expect(() => labelValuesRequest({ name: "../admin", start: 1, end: 2 })).toThrow(/label name/);
  });
});

describe("parsing", () => {
  it("range: values as numbers, NaN/+Inf/-Inf as null, stats mapped", () => {
    const result = parseRangeResult(
      ok({
        resultType: "matrix",
        result: [{ metric: { verb: "GET" }, values: [[1, "1.5"], [2, "NaN"], [3, "+Inf"], [4, "-Inf"], [5, "1e3"]] }],
        stats: { timings: {}, samples: { totalQueryableSamples: 42, peakSamples: 7 } },
      }, { warnings: ["careful"] }),
      target,
    );
    expect(result).toEqual({
      series: [{ labels: { verb: "GET" }, points: [[1, 1.5], [2, null], [3, null], [4, null], [5, 1000]] }],
      stats: { samplesProcessed: 42, peakSamples: 7 },
      warnings: ["careful"],
    });
    expect(Object.isFrozen(result.series)).toBe(true);
  });

  it("backend warnings reach the panel without the backend's network", () => {
    const r = parseRangeResult(ok({ resultType: "matrix", result: [] }, { warnings: ["partial response: store 10.1.2.3:10901 (thanos-store.monitoring.svc:10901) unavailable"] }), target);
    expect(r.warnings).toEqual(["partial response: store [address] ([address]) unavailable"]);
  });

  it("tolerates missing stats", () => {
    expect(parseRangeResult(ok({ resultType: "matrix", result: [] }), target).stats).toBeNull();
    expect(parseRangeResult(ok({ resultType: "matrix", result: [], stats: { timings: {} } }), target).stats).toBeNull();
  });

  it("instant: vector and scalar become samples; a matrix is a bad_query", () => {
    expect(parseInstantResult(ok({ resultType: "vector", result: [{ metric: { a: "b" }, value: [10, "3"] }] }), target).samples).toEqual([{ labels: { a: "b" }, time: 10, value: 3 }]);
    expect(parseInstantResult(ok({ resultType: "scalar", result: [10, "NaN"] }), target).samples).toEqual([{ labels: {}, time: 10, value: null }]);
    expect(() => parseInstantResult(ok({ resultType: "matrix", result: [] }), target)).toThrow(expect.objectContaining({ kind: "bad_query" }));
  });

  it("series, labels, label values (null data is an empty list)", () => {
    expect(parseSeries(ok([{ __name__: "up" }]), target)).toEqual([{ __name__: "up" }]);
    expect(parseStrings(ok(["a", "b"]), target)).toEqual(["a", "b"]);
    expect(parseStrings(ok(null), target)).toEqual([]);
  });

  it("garbage is a bad_response that says what (the browser) and, with the bytes, where (the log)", () => {
    const html = { status: 200, headers: new Headers({ "content-type": "text/html" }), body: "<html>Sign in upstream=10.1.2.3:9090</html>" };
    expect(() => parseRangeResult(html, target)).toThrow(
      expect.objectContaining({
        kind: "bad_response",
        message: expect.stringMatching(/an HTML page, not JSON \(HTTP 200, text\/html\)$/),
        internal: expect.stringMatching(/not JSON \(HTTP 200, text\/html, starts with "<html>Sign in upstream=10\.1\.2\.3:9090<\/html>"\)/),
      }),
    );
    expect(() => parseRangeResult(html, target)).toThrow(expect.objectContaining({ message: expect.not.stringContaining("10.1.2.3") }));
    const bytes = { status: 200, headers: new Headers({ "content-type": "application/json" }), body: "\u0000\u00ff<html>not json at all" };
    expect(() => parseRangeResult(bytes, target)).toThrow(expect.objectContaining({ kind: "bad_response", message: expect.stringMatching(/: not JSON \(HTTP 200, application\/json\)$/) }));
    expect(() => parseRangeResult(ok({ resultType: "matrix", result: [{ metric: {}, values: [[1, "x"]] }] }), target)).toThrow(
      expect.objectContaining({
        kind: "bad_response",
        message: expect.stringMatching(/JSON of an unexpected shape \(at data\.result\[0\]\.values\[0\]\[1\]\)/),
        internal: expect.stringMatching(/at data\.result\[0\]\.values\[0\]\[1\]: not a sample value: "x"/),
      }),
    );
    expect(() => parseRangeResult(ok({ resultType: "vector", result: [] }), target)).toThrow(expect.objectContaining({ kind: "bad_response", message: expect.stringMatching(/data\.resultType/) }));
    expect(() => parseStrings(ok({ not: "a list" }), target)).toThrow(expect.objectContaining({ kind: "bad_response" }));
  });
});

describe("the range answer's fast path", () => {
  const matrix = (result: unknown, extra: Record<string, unknown> = {}) => ({ status: "success", data: { resultType: "matrix", result, ...extra } });
  const accepted = [
    matrix([{ metric: { verb: "GET", le: "+Inf" }, values: [[1, "1.5"], [2, "NaN"], [3, "+Inf"], [4, "-Inf"], [5, "1e3"], [6, " 7 "]] }], { stats: { timings: { x: 1 }, samples: { totalQueryableSamples: 42, peakSamples: 7 } } }),
    matrix([{ metric: {}, histograms: [[1, { count: "1" }]] }]), // a native-histogram-only series: no values
    matrix([], { stats: { timings: {} } }),
    matrix([{ metric: { a: "b" }, values: [], extra: true }]),
    { ...matrix([{ metric: { a: "b" }, values: [[1, "0"]] }]), warnings: ["careful"], infos: ["x"] },
  ];
  const refused = [
    matrix([{ metric: {}, values: [[1, "x"]] }]),
    matrix([{ metric: {}, values: [[1, ""]] }]),
    matrix([{ metric: {}, values: [["1", "1"]] }]),
    matrix([{ metric: {}, values: [[1, 1]] }]),
    matrix([{ metric: {}, values: [[1, "1", "extra"]] }]),
    matrix([{ metric: { a: 1 }, values: [] }]),
    matrix([{ values: [] }]),
    matrix([{ metric: {}, values: null }]),
    matrix([{ metric: {}, values: [] }], { stats: { samples: { peakSamples: 1 } } }),
    { ...matrix([]), warnings: [1] },
    { status: "success", data: { resultType: "vector", result: [] } },
    { status: "error", error: "boom" },
  ];

  it("accepts what the schema accepts, with the same output", () => {
    for (const json of accepted) {
      const schema = schemaRangeBody(json);
      expect(schema.success, JSON.stringify(json)).toBe(true);
      expect(fastRangeBody(json)).toEqual(schema.data);
    }
  });

  it("leaves everything else to the schema, which refuses it", () => {
    for (const json of refused) {
      expect(fastRangeBody(json), JSON.stringify(json)).toBeNull();
      expect(schemaRangeBody(json).success, JSON.stringify(json)).toBe(false);
    }
  });
});
