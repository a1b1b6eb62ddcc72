// Which reads a recorded series may serve (plan/recorded.ts), and how the planner chooses with them.
import { describe, expect, it } from "vitest";
import { PANELS_BY_ID } from "../../panels/catalog";
import type { LabelFilter } from "../../panels/types";
import type { Capabilities } from "../capabilities";
import { chooseRead, earliestRecordedPoint, planOf, readExpr } from "./planner";
import { RECORDED_SERIES, recordedCandidates, recordedFor } from "./recorded";

const API = RECORDED_SERIES.find((rs) => rs.family === "apiserver_request_duration_seconds")!;
const REQUESTS = RECORDED_SERIES.find((rs) => rs.family === "apiserver_request_total")!;
const ALL = new Set(RECORDED_SERIES.map((rs) => rs.record));
const NON_STREAMING: LabelFilter = { label: "verb", op: "!~", value: "WATCH|CONNECT" };
const apiRead = (by: string[], where: LabelFilter[] = [NON_STREAMING]) => ({ kind: "histogram" as const, family: API.family, by, where });

/** Capabilities of a small scrape: `labelSets` API latency label sets, 10 buckets (a merged read fits the limit). */
function caps(labelSets: number): Capabilities {
  const shape = { labelSets: Array.from({ length: labelSets }, (_, i) => ({ instance: `i${i}`, verb: "GET", group: "", resource: `r${i}`, scope: "resource" })), buckets: 10 };
  return { metrics: new Set(ALL), labels: new Map(), histograms: new Map([[API.family, shape]]) };
}

describe("recordedFor", () => {
  it("serves a read at a step of whole 5-minute windows, grouped and filtered by kept labels, with the rule's own filter", () => {
    expect(recordedFor(apiRead(["instance", "verb", "scope"]), { step: 300 }, ALL)).toBe(API);
    expect(recordedFor(apiRead(["instance"]), { step: 1800 }, ALL)).toBe(API);
  });

  it("refuses a step finer than the rule's rate, or not a multiple of it", () => {
    expect(recordedFor(apiRead(["instance"]), { step: 120 }, ALL)).toBeUndefined();
    expect(recordedFor(apiRead(["instance"]), { step: 450 }, ALL)).toBeUndefined();
  });

  it("refuses a label the rule dropped, a read without the rule's filter, and a series not covering the view", () => {
    expect(recordedFor(apiRead(["verb", "group", "resource"]), { step: 300 }, ALL)).toBeUndefined();
    // WATCH and CONNECT are not in the recorded series: a read that wants them reads raw.
    expect(recordedFor(apiRead(["instance"], []), { step: 300 }, ALL)).toBeUndefined();
    expect(recordedFor(apiRead(["instance"], [NON_STREAMING, { label: "component", op: "=", value: "apiserver" }]), { step: 300 }, ALL)).toBeUndefined();
    expect(recordedFor(apiRead(["instance"]), { step: 300 }, new Set([REQUESTS.record]))).toBeUndefined();
  });
});

describe("recordedCandidates", () => {
  it("keeps only the recorded series that exist and keep the view's matcher labels", () => {
    const scope = [{ name: "job", op: "=" as const, value: "apiserver" }];
    expect(recordedCandidates(ALL, scope)).toHaveLength(RECORDED_SERIES.length);
    // One API server selected: the request-rate rule summed the servers together.
    const one = recordedCandidates(ALL, [...scope, { name: "instance", op: "=", value: "10.0.0.1:443" }]);
    expect(one.map((rs) => rs.record)).not.toContain(REQUESTS.record);
    expect(one.map((rs) => rs.record)).toContain(API.record);
    expect(recordedCandidates(new Set([API.record]), scope)).toEqual([API]);
  });
});

describe("chooseRead with recorded series", () => {
  const tile = PANELS_BY_ID.get("api-latency-p99")!.queries[0]!;
  const range = { from: 1_800_000_000 - 12 * 3600, to: 1_800_000_000, scrapeInterval: 30 };

  it("reads the view's grouping from the recorded series and does not merge it with the (raw) ranking read", () => {
    const chosen = chooseRead(tile, caps(1), range, ALL);
    expect(chosen.read).toBe(planOf(API.family).view);
    expect(chosen.recorded).toBe(API);
    expect(readExpr(chosen.read, chosen.window, [{ name: "job", op: "=", value: "apiserver" }], chosen.recorded)).toBe(
      `sum by (le, instance, scope, verb) (avg_over_time(${API.record}{job="apiserver",verb!~"WATCH|CONNECT"}[299999ms:300s]) * 330)`,
    );
    // Without them, the small scrape's two groupings are one merged raw read.
    expect(chooseRead(tile, caps(1), range).read).toBe(planOf(API.family).merged);
  });

  it("asks for coverage at the first 5-minute tile of the earliest read they could serve", () => {
    expect(earliestRecordedPoint(range, ALL)).toBe(chooseRead(tile, caps(1), range, ALL).window.start);
    expect(earliestRecordedPoint({ ...range, from: range.to - 6 * 3600 }, ALL)).toBeNull();
  });
});
