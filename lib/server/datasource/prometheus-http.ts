// The Prometheus HTTP API (/api/v1) as requests and strictly parsed responses.
// POST with a form body wherever the API allows it (query, query_range, series, labels): long PromQL fits,
// and on AMP the signed body sidesteps "+" vs "%20" in the canonical query string. Label values is GET only.
//
// Parsing also does two jobs for the limits: the samples an answer says it processed are charged to the
// user whose request sent it (limits/budget.ts), and the backend's warnings, shown on panels, are cleaned
// of hosts and paths (limits/redact.ts: a Thanos "store 10.1.2.3:10901 unavailable" names its network).
import "server-only";
import { z } from "zod";
import { chargeSamples } from "../limits/budget";
import { publicText } from "../limits/redact";
import type { ApiRequest, RawResponse } from "./backend";
import { backendErrorText, badResponse, type BackendTarget } from "./errors";
import {
  DataSourceError,
  type InstantQuery,
  type InstantResult,
  type Labels,
  type MetricMetadata,
  type QueryStats,
  type RangeQuery,
  type RangeResult,
  type RuleGroup,
  type SeriesQuery,
} from "./types";

// ---------------------------------------------------------------------------------------------------
// Requests

export interface QueryLimits {
  /** Our budget for the call; the backend is asked to give up a little earlier so its own message wins. */
  timeoutMs: number;
  /** AMP only: max_samples_processed_error_threshold. */
  maxSamplesProcessed?: number;
  /** The backend takes max_samples_processed_error_threshold (AMP), so a query may bring a ceiling of its own. */
  acceptsSampleCeiling?: boolean;
}

function queryParams(limits: QueryLimits): [string, string][] {
  const params: [string, string][] = [
    ["stats", "all"],
    ["timeout", ((limits.timeoutMs * 0.9) / 1000).toFixed(3)],
  ];
  if (limits.maxSamplesProcessed !== undefined) params.push(["max_samples_processed_error_threshold", String(limits.maxSamplesProcessed)]);
  return params;
}

function localBadQuery(message: string): DataSourceError {
  return new DataSourceError("bad_query", message, { hint: "This is a bug in the caller: the request was not sent." });
}

/** A query's own ceiling lowers the cluster's, never raises it (and is sent only where the backend takes one: AMP). */
function withQueryCeiling(limits: QueryLimits, ceiling: number | undefined): QueryLimits {
  if (ceiling === undefined || !limits.acceptsSampleCeiling) return limits;
  return { ...limits, maxSamplesProcessed: Math.max(1, Math.min(limits.maxSamplesProcessed ?? Infinity, Math.floor(ceiling))) };
}

export function rangeQueryRequest(q: RangeQuery, clusterLimits: QueryLimits): ApiRequest {
  const limits = withQueryCeiling(clusterLimits, q.maxSamplesProcessed);
  if (!q.query.trim()) throw localBadQuery("Empty query");
  if (!(q.step > 0)) throw localBadQuery(`step must be > 0 (got ${q.step})`);
  if (!(q.end >= q.start)) throw localBadQuery(`end (${q.end}) is before start (${q.start})`);
  const params = new URLSearchParams([
    ["query", q.query],
    ["start", String(q.start)],
    ["end", String(q.end)],
    ["step", String(q.step)],
    ...queryParams(limits),
  ]);
  return { path: "query_range", method: "POST", params };
}

export function instantQueryRequest(q: InstantQuery, clusterLimits: QueryLimits): ApiRequest {
  const limits = withQueryCeiling(clusterLimits, q.maxSamplesProcessed);
  if (!q.query.trim()) throw localBadQuery("Empty query");
  const params = new URLSearchParams([["query", q.query]]);
  if (q.time !== undefined) params.append("time", String(q.time));
  for (const [name, value] of queryParams(limits)) params.append(name, value);
  return { path: "query", method: "POST", params };
}

function matchAndWindow(match: string[] | undefined, start: number, end: number): URLSearchParams {
  const params = new URLSearchParams();
  for (const selector of match ?? []) params.append("match[]", selector);
  params.append("start", String(start));
  params.append("end", String(end));
  return params;
}

export function seriesRequest(q: SeriesQuery): ApiRequest {
  if (q.match.length === 0) throw localBadQuery("series needs at least one match[] selector");
  return { path: "series", method: "POST", params: matchAndWindow(q.match, q.start, q.end) };
}

export function labelNamesRequest(q: { match?: string[]; start: number; end: number }): ApiRequest {
  return { path: "labels", method: "POST", params: matchAndWindow(q.match, q.start, q.end) };
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function labelValuesRequest(q: { name: string; match?: string[]; start: number; end: number }): ApiRequest {
  if (!LABEL_NAME.test(q.name)) throw localBadQuery(`Not a label name: ${JSON.stringify(q.name)}`);
  // GET only: AMP documents POST for /labels but not for /label/<name>/values, and neither does Prometheus.
  return { path: `label/${q.name}/values`, method: "GET", params: matchAndWindow(q.match, q.start, q.end) };
}

export function metadataRequest(q: { limit: number }): ApiRequest {
  if (!(Number.isInteger(q.limit) && q.limit > 0)) throw localBadQuery(`metadata limit must be a positive whole number (got ${q.limit})`);
  return { path: "metadata", method: "GET", params: new URLSearchParams([["limit", String(q.limit)]]) };
}

export function rulesRequest(): ApiRequest {
  // GET: the rules API has no POST form (Prometheus and AMP's ListRules alike).
  return { path: "rules", method: "GET", params: new URLSearchParams() };
}

// ---------------------------------------------------------------------------------------------------
// Responses

const NON_FINITE = new Set(["NaN", "+Inf", "-Inf", "Inf"]);

/** Prometheus sends sample values as strings; NaN and ±Inf cannot be charted and become null. */
const sampleValue = z.string().transform((text, ctx) => {
  if (NON_FINITE.has(text)) return null;
  const value = Number(text);
  if (text.trim() === "" || Number.isNaN(value)) {
    ctx.issues.push({ code: "custom", message: `not a sample value: ${JSON.stringify(text.slice(0, 40))}`, input: text });
    return z.NEVER;
  }
  return value;
});
const sample = z.tuple([z.number(), sampleValue]);
const labels = z.record(z.string(), z.string());
const stats = z
  .object({ samples: z.object({ totalQueryableSamples: z.number(), peakSamples: z.number().optional() }).optional() })
  .optional();

const matrix = z.object({
  resultType: z.literal("matrix"),
  // A series holding only native histograms has no `values`; classic histograms are what we chart.
  result: z.array(z.object({ metric: labels, values: z.array(sample).default([]) })),
  stats,
});
const vector = z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: labels, value: sample })), stats });
const scalar = z.object({ resultType: z.literal("scalar"), result: sample, stats });
const stringResult = z.object({ resultType: z.literal("string"), result: z.tuple([z.number(), z.string()]), stats });

function envelope<T extends z.ZodType>(data: T) {
  return z.object({ status: z.literal("success"), data, warnings: z.array(z.string()).optional() });
}

/** activeAt is RFC 3339; Prometheus sends 0001-01-01T00:00:00Z for "never". */
const activeAt = z
  .string()
  .optional()
  .nullable()
  .transform((text) => {
    const ms = text ? Date.parse(text) : NaN;
    return Number.isFinite(ms) && ms > 0 ? ms / 1000 : null;
  });
const alertValue = z.union([z.string(), z.number()]).optional().transform((v) => {
  const n = typeof v === "number" ? v : v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : null;
});
const activeAlert = z.object({
  labels: labels.default({}),
  annotations: labels.default({}),
  state: z.string(),
  activeAt,
  value: alertValue,
});
const ruleEntry = z.object({
  type: z.string(),
  name: z.string(),
  query: z.string().default(""),
  labels: labels.nullable().default({}).transform((l) => l ?? {}),
  annotations: labels.nullable().default({}).transform((l) => l ?? {}),
  health: z.string().default("unknown"),
  alerts: z.array(activeAlert).nullable().default([]).transform((a) => a ?? []),
});
const rulesEnvelope = envelope(z.object({ groups: z.array(z.object({ name: z.string(), rules: z.array(ruleEntry).nullable().default([]) })).nullable() }));

const rangeEnvelope = envelope(matrix);
const instantEnvelope = envelope(z.discriminatedUnion("resultType", [vector, scalar, matrix, stringResult]));
const seriesEnvelope = envelope(z.array(labels).nullable());
const stringsEnvelope = envelope(z.array(z.string()).nullable());
const metadataEnvelope = envelope(
  z.record(z.string(), z.array(z.object({ type: z.string(), help: z.string(), unit: z.string().optional() }))).nullable(),
);

/** JSON.parse + schema, with a bad_response saying what was wrong (the browser) and where, with the bytes (the log). */
function parseBody<T extends z.ZodType>(schema: T, response: RawResponse, target: BackendTarget): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    const type = response.headers.get("content-type") ?? "no content type";
    const start = response.body.trim().slice(0, 60).replace(/\s+/g, " ");
    const html = /^<(!doctype|html|head|body)/i.test(start);
    const what = !start ? "an empty body" : html ? "an HTML page, not JSON" : "not JSON";
    throw badResponse(
      target,
      `${what} (HTTP ${response.status}, ${publicText(type.split(";")[0]!, 60)})`,
      `not JSON (HTTP ${response.status}, ${type}${start ? `, starts with ${JSON.stringify(start)}` : ", empty body"})`,
      response.status,
    );
  }
  if (json && typeof json === "object" && (json as { status?: unknown }).status === "error") {
    throw badResponse(target, `an error with HTTP ${response.status}`, `status "error" with HTTP ${response.status}: ${backendErrorText(response.body).text}`, response.status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${String(part)}`), "");
    const where = path ? path.slice(1) : "top level";
    throw badResponse(target, `JSON of an unexpected shape (at ${publicText(where, 80)})`, `unexpected shape at ${where}: ${issue.message}`, response.status);
  }
  return parsed.data;
}

/** Warnings are shown on the panel: the backend's words, without its network's names. */
function publicWarnings(warnings: string[] | undefined): string[] {
  return (warnings ?? []).slice(0, 20).map((w) => publicText(w, 300));
}

function toStats(value: z.output<typeof stats>): QueryStats | null {
  const samples = value?.samples;
  if (!samples) return null;
  chargeSamples(samples.totalQueryableSamples);
  return samples.peakSamples === undefined
    ? { samplesProcessed: samples.totalQueryableSamples }
    : { samplesProcessed: samples.totalQueryableSamples, peakSamples: samples.peakSamples };
}

type RangeBody = z.output<typeof rangeEnvelope>;

/** What the schema makes of a range answer (the tests hold the fast path to it). */
export const schemaRangeBody = (json: unknown) => rangeEnvelope.safeParse(json);

/** A sample value as `sampleValue` reads it, or undefined where the schema would refuse it. */
function fastSampleValue(text: unknown): number | null | undefined {
  if (typeof text !== "string") return undefined;
  if (NON_FINITE.has(text)) return null;
  const value = Number(text);
  return text.trim() === "" || Number.isNaN(value) ? undefined : value;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `rangeEnvelope` checked by a plain loop, giving the same output; null for anything it does not accept,
 * which then goes through the schema (the one definition of the shape, and the one that says what is
 * wrong). Measured: zod over a 10 MB matrix (5,000 series × 61 points, a merged histogram read) takes
 * 0.4–0.7 s on top of JSON.parse's 0.13 s; this loop takes a few tens of ms.
 */
export function fastRangeBody(json: unknown): RangeBody | null {
  if (!isRecord(json) || json.status !== "success" || !isRecord(json.data) || json.data.resultType !== "matrix" || !Array.isArray(json.data.result)) return null;
  const { warnings, data } = json;
  if (warnings !== undefined && !(Array.isArray(warnings) && warnings.every((w) => typeof w === "string"))) return null;
  const samples = isRecord(data.stats) ? data.stats.samples : undefined;
  if (data.stats !== undefined && !isRecord(data.stats)) return null;
  if (samples !== undefined && !(isRecord(samples) && typeof samples.totalQueryableSamples === "number" && (samples.peakSamples === undefined || typeof samples.peakSamples === "number"))) return null;
  const result: RangeBody["data"]["result"] = [];
  for (const series of data.result as unknown[]) {
    if (!isRecord(series) || !isRecord(series.metric)) return null;
    for (const key in series.metric) if (typeof series.metric[key] !== "string") return null;
    const raw = series.values === undefined ? [] : series.values;
    if (!Array.isArray(raw)) return null;
    const values: [number, number | null][] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const point: unknown = raw[i];
      if (!Array.isArray(point) || point.length !== 2 || typeof point[0] !== "number") return null;
      const value = fastSampleValue(point[1]);
      if (value === undefined) return null;
      values[i] = [point[0], value];
    }
    result.push({ metric: series.metric as Record<string, string>, values });
  }
  const stats = samples === undefined ? (data.stats === undefined ? undefined : {}) : { samples: samples as { totalQueryableSamples: number; peakSamples?: number } };
  return { status: "success", data: { resultType: "matrix", result, stats }, warnings: warnings as string[] | undefined };
}

export function parseRangeResult(response: RawResponse, target: BackendTarget): RangeResult {
  const fast = (() => {
    try {
      return fastRangeBody(JSON.parse(response.body));
    } catch {
      return null; // not JSON: parseBody says so
    }
  })();
  const body = fast ?? parseBody(rangeEnvelope, response, target);
  return deepFreeze({
    series: body.data.result.map((series) => ({ labels: series.metric, points: series.values })),
    stats: toStats(body.data.stats),
    warnings: publicWarnings(body.warnings),
  });
}

export function parseInstantResult(response: RawResponse, target: BackendTarget): InstantResult {
  const body = parseBody(instantEnvelope, response, target);
  const data = body.data;
  if (data.resultType === "matrix" || data.resultType === "string") {
    throw new DataSourceError("bad_query", `The instant query returned a ${data.resultType === "matrix" ? "range vector" : "string"}, which cannot be shown as samples`, {
      hint: data.resultType === "matrix" ? "Wrap the range selector in a function such as rate(…[5m]) or use a range query." : "Query an expression that returns numbers.",
    });
  }
  const samples =
    data.resultType === "scalar"
      ? [{ labels: {}, time: data.result[0], value: data.result[1] }]
      : data.result.map((s) => ({ labels: s.metric, time: s.value[0], value: s.value[1] }));
  return deepFreeze({ samples, stats: toStats(data.stats), warnings: publicWarnings(body.warnings) });
}

export function parseSeries(response: RawResponse, target: BackendTarget): Labels[] {
  return deepFreeze(parseBody(seriesEnvelope, response, target).data ?? []);
}

export function parseRules(response: RawResponse, target: BackendTarget): RuleGroup[] {
  const groups = parseBody(rulesEnvelope, response, target).data.groups ?? [];
  return deepFreeze(
    groups.map((g) => {
      const rules = g.rules ?? [];
      return {
        name: g.name,
        recordingCount: rules.filter((r) => r.type === "recording").length,
        alerting: rules
          .filter((r) => r.type === "alerting")
          .map((r) => ({
            name: r.name,
            query: r.query,
            labels: r.labels,
            annotations: r.annotations,
            health: r.health,
            // "inactive" alerts are not listed by Prometheus; anything else unknown is dropped too.
            alerts: r.alerts.flatMap((a) => (a.state === "pending" || a.state === "firing" ? [{ ...a, state: a.state }] : [])),
          })),
      };
    }),
    4,
  );
}

export function parseStrings(response: RawResponse, target: BackendTarget): string[] {
  return deepFreeze(parseBody(stringsEnvelope, response, target).data ?? []);
}

export function parseMetadata(response: RawResponse, target: BackendTarget): MetricMetadata {
  return deepFreeze(parseBody(metadataEnvelope, response, target).data ?? {});
}

/**
 * Results are shared between callers through the cache: freeze them so a caller sorting in place fails
 * loudly. Three levels (result → series list → series → labels/points) cover everything a caller would
 * mutate; the [time, value] tuples are left alone because freezing millions of them costs real time.
 */
function deepFreeze<T>(value: T, depth = 3): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (depth > 0) for (const child of Object.values(value)) deepFreeze(child, depth - 1);
  }
  return value;
}
