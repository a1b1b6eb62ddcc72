// Reading the recommended recording rules' series (rules/apiscope.rules.yml, group apiscope.recording)
// instead of the raw series, where they hold the same numbers.
//
// A recorded series is `sum by (cluster, job, <labels>) (rate(<raw>{<filters>}[5m]))`, evaluated every
// minute or so. A shared read (planner.ts) may use it when all of these hold:
// - its step is a whole number of 5-minute windows (steps of 5 min and more: views of ~10 h and longer).
//   Then the per-step numbers are the average of the 5-minute rates tiling the step,
//   `avg_over_time(recorded[<step − 1 ms>:5m])`, the same as the raw read's per-step rate (times the read's
//   window for an increase). A finer step would need a finer rate than the rule recorded: such views
//   (the default 6 h and shorter) read the raw series, as before — a 5-minute rate at a 2-minute step
//   smooths an incident's edges, and the panel would no longer show what the raw data says.
// - the read groups and filters only by labels the rule kept, and applies the rule's own filters (the
//   API latency rule has already dropped WATCH and CONNECT); the view's matchers too (the request-rate
//   rule has no `instance`: a view of one API server reads raw).
// - the series exists for the view's job and already existed at the read's first point: rules record
//   only from when they were loaded, and a range reaching back before that would show a hole
//   (capabilities.ts, discoverRecordedCoverage).
import "server-only";
import { selector, type SeriesSource } from "../../panels/histograms";
import type { LabelFilter } from "../../panels/types";
import type { LabelMatcher } from "../promql";
import { promDuration, tilingWindow, type QueryWindow } from "../query-window";

/** The rules' rate window, seconds. */
export const RECORDED_RATE_WINDOW = 300;

export interface RecordedSeries {
  /** The rule's `record:` name. */
  record: string;
  kind: "histogram" | "counter";
  /** The histogram (without `_bucket`) or counter it records. */
  family: string;
  /** The labels its `sum by` kept, besides cluster and job (and `le` for a histogram). */
  labels: readonly string[];
  /** The filters its expression applies to the raw series, besides the job. */
  where: readonly LabelFilter[];
}

/** The recording rules of rules/apiscope.rules.yml a read can use (recorded.test.ts checks them against the file). */
export const RECORDED_SERIES: readonly RecordedSeries[] = [
  {
    record: "cluster_job_instance_verb_scope_le:apiserver_request_duration_seconds_bucket:rate5m",
    kind: "histogram",
    family: "apiserver_request_duration_seconds",
    labels: ["instance", "verb", "scope"],
    where: [{ label: "verb", op: "!~", value: "WATCH|CONNECT" }],
  },
  {
    record: "cluster_job_instance_operation_le:etcd_request_duration_seconds_bucket:rate5m",
    kind: "histogram",
    family: "etcd_request_duration_seconds",
    labels: ["instance", "operation"],
    where: [],
  },
  {
    record: "cluster_job_verb_group_resource_scope_code:apiserver_request_total:rate5m",
    kind: "counter",
    family: "apiserver_request_total",
    labels: ["verb", "group", "resource", "scope", "code"],
    where: [],
  },
];

/** What a view lets reads use: the recorded series present over its range, for its job and matchers. */
export type UsableRecorded = ReadonlySet<string>;
export const NO_RECORDED: UsableRecorded = new Set();

/** Labels every recorded series keeps, whatever its grouping. */
const ALWAYS_KEPT = new Set(["cluster", "job"]);

const sameFilter = (a: LabelFilter, b: LabelFilter) => a.label === b.label && a.op === b.op && a.value === b.value;

/** Can `window` be tiled by the rules' 5-minute rates? */
export function tiledByRecordedRate(window: Pick<QueryWindow, "step">): boolean {
  return window.step % RECORDED_RATE_WINDOW === 0;
}

/** The first instant a read over `window` needs a recorded sample at: its first step's first 5-minute tile. */
export function firstRecordedPoint(window: Pick<QueryWindow, "start" | "step">): number {
  return window.start - window.step + RECORDED_RATE_WINDOW;
}

/** Recorded series that exist for this job and keep every label the view filters on (e.g. `instance`). */
export function recordedCandidates(metrics: ReadonlySet<string>, matchers: readonly LabelMatcher[]): RecordedSeries[] {
  return RECORDED_SERIES.filter((rs) => metrics.has(rs.record) && matchers.every((m) => ALWAYS_KEPT.has(m.name) || rs.labels.includes(m.name)));
}

/** The recorded series that holds what a read of `family` grouped `by` and filtered `where` needs, if one does. */
export function recordedFor(
  read: { kind: "histogram" | "counter"; family: string; by: readonly string[]; where: readonly LabelFilter[] },
  window: Pick<QueryWindow, "step">,
  usable: UsableRecorded,
): RecordedSeries | undefined {
  if (!tiledByRecordedRate(window)) return undefined;
  return RECORDED_SERIES.find(
    (rs) =>
      usable.has(rs.record) &&
      rs.kind === read.kind &&
      rs.family === read.family &&
      read.by.every((l) => rs.labels.includes(l)) &&
      // Each filter of the read: on a kept label (applied to the recorded series), or one the rule applied.
      read.where.every((f) => rs.labels.includes(f.label) || rs.where.some((g) => sameFilter(f, g))) &&
      // The rule's own filters narrow what it recorded: the read must want exactly that narrowing.
      rs.where.every((g) => read.where.some((f) => sameFilter(f, g))),
  );
}

/**
 * The recorded series as a derivation's source: per step, the average of the 5-minute rates tiling it
 * (`[<step − 1 ms>:5m]`: the subquery's points are the step's own tiles, whichever end Prometheus closes);
 * for a histogram, times the read's window, as `increase()` over that window is its rate times the window.
 */
export function recordedSource(rs: RecordedSeries, window: QueryWindow): SeriesSource {
  return (where, over) => {
    const seconds = over === "range" ? Math.max(window.evalTime - window.start, window.step) : window.step;
    const kept = where.filter((f) => rs.labels.includes(f.label));
    const rate = `avg_over_time(${rs.record}${selector(kept)}[${tilingWindow(seconds)}:${promDuration(RECORDED_RATE_WINDOW)}])`;
    if (rs.kind === "counter") return rate;
    return `${rate} * ${over === "range" ? seconds : window.rateInterval}`;
  };
}

/** Said under a panel whose numbers came from a recorded series. */
export function recordedNote(rs: RecordedSeries, window: QueryWindow): string {
  return `Read from the recorded series ${rs.record} (apiscope's recording rules: 5-minute rates, averaged per ${promDuration(window.step)} step).`;
}
