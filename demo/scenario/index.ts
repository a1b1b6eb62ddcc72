// The deterministic incident scenario: three kube-apiservers, six hours of history, one incident (by default
// the LIST storm; `incident` picks another cause, or none: see incidents.ts and README.md).
// Pure TypeScript (no node: imports) so tests, scripts and the browser can all use it.
//
//   const s = createScenario({ end: defaultEnd(Date.now() / 1000) });
//   s.scrape(s.timeline.hotInstance, s.timeline.stormEnd - 600)   // what /metrics showed then
//
// The same code drives the backfill (demo/cli.ts), the live exporter (demo/exporter.ts) and
// the tests, so all three tell exactly the same story.

import type { FamilyInfo, SeriesInfo } from "./catalogue";
import { InstanceEngine, type StepModel } from "./engine";
import { IncidentModel } from "./incident-model";
import { DEFAULT_INCIDENT, INCIDENT_KINDS, incidentTruths, isIncidentKind, type IncidentKind, type IncidentTruths } from "./incidents";
import { ScenarioModel } from "./model";
import type { Timeline } from "./timeline";
import { isK8sVersion, K8S_VERSIONS, type K8sVersion } from "./versions";

export { K8S_VERSIONS, type K8sVersion } from "./versions";
export { STORM, RESTART, PRIORITY_LEVELS, FLOW_SCHEMAS, FLAPPING_APISERVICE, WEBHOOKS } from "./cluster";
export type { SeriesInfo, FamilyInfo } from "./catalogue";
export type { Timeline } from "./timeline";
export { formatGoFloat } from "./catalogue";
export { COMPONENT_METRICS_PATHS, SCHEDULER_JOB, CONTROLLER_MANAGER_JOB } from "./control-plane";
export {
  INCIDENT_KINDS,
  DEFAULT_INCIDENT,
  isIncidentKind,
  incidentSummary,
  APF_SATURATION,
  ETCD_SLOW,
  WEBHOOK_SLOW,
  WATCH_SURGE,
  ASYMMETRIC,
  type IncidentKind,
  type IncidentTruths,
  type ListStormTruths,
  type ApfSaturationTruths,
  type EtcdSlowTruths,
  type WebhookSlowTruths,
  type WatchSurgeTruths,
  type AsymmetricTruths,
  type HealthyTruths,
} from "./incidents";

export interface ScenarioOptions {
  /** Unix seconds: the moment the story calls "now". Multiple of `stepSeconds` (30). */
  end: number;
  seed?: number;
  k8sVersion?: K8sVersion;
  /** Multiplies API servers, resources, flow schemas and nodes (performance work). */
  scale?: number;
  /** Default 21600 (six hours). */
  historySeconds?: number;
  /** Default 30. */
  stepSeconds?: number;
  /** Like kube-apiserver's --show-hidden-metrics-for-version; only the previous minor is accepted. */
  showHiddenMetricsForVersion?: string;
  /** Which cause the story tells (INCIDENT_KINDS); default "list-storm", whose output never changes. */
  incident?: IncidentKind;
}

/** One sample as an API server's /metrics shows it; labels without job/instance. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scenario {
  readonly options: Required<Omit<ScenarioOptions, "showHiddenMetricsForVersion">> & { showHiddenMetricsForVersion?: string };
  readonly job: string;
  readonly instances: readonly string[];
  readonly timeline: Timeline;
  /** What happened, where and how big: the incident's truths, for tests to check findings against. */
  readonly incident: IncidentTruths;
  /** Keyed by family name (histograms without `_bucket`; counters with `_total`). */
  readonly families: ReadonlyMap<string, FamilyInfo>;
  /**
   * Everything one API server's /metrics shows at unix time t (any t ≥ start, also after end, also off the
   * 30 s grid: counters interpolate linearly inside a step, gauges hold). Efficient for increasing t;
   * earlier t are answered exactly too (replayed from a checkpoint). `job`: another scrape job's series
   * instead (SCHEDULER_JOB, CONTROLLER_MANAGER_JOB: served by the first instance's target).
   */
  scrape(instance: string, t: number, job?: string): Sample[];
  /**
   * Low-level, allocation-free form of `scrape` for bulk writers: every series this scenario can expose
   * (same list for every instance) …
   */
  readonly series: readonly SeriesInfo[];
  /** … and their values for one instance at t, index-aligned with `series`; NaN = not exposed at t. */
  valuesAt(instance: string, t: number): Float64Array;
}

/** The API servers' scrape job (the scheduler's and controller manager's: SCHEDULER_JOB, CONTROLLER_MANAGER_JOB). */
export const JOB = "apiserver";

/** The default `end`: the last 30 s grid point at least 30 s in the past (backfilled data must end before now). */
export function defaultEnd(nowSeconds: number): number {
  return Math.floor(nowSeconds / 30) * 30 - 30;
}

export function createScenario(opts: ScenarioOptions): Scenario {
  const options = {
    end: opts.end,
    seed: opts.seed ?? 1,
    k8sVersion: opts.k8sVersion ?? "1.30",
    scale: opts.scale ?? 1,
    historySeconds: opts.historySeconds ?? 21600,
    stepSeconds: opts.stepSeconds ?? 30,
    incident: opts.incident ?? DEFAULT_INCIDENT,
    ...(opts.showHiddenMetricsForVersion ? { showHiddenMetricsForVersion: opts.showHiddenMetricsForVersion } : {}),
  };
  validate(options);

  const { incident } = options;
  const model: StepModel & { instances: readonly string[]; timeline: Timeline; families: ReadonlyMap<string, FamilyInfo>; size: ScenarioModel["size"] } =
    incident === "list-storm" ? new ScenarioModel(options) : new IncidentModel({ ...options, incident });
  const engines = new Map<string, InstanceEngine>();
  const buffers = new Map<string, Float64Array>();
  const engineFor = (instance: string) => {
    let e = engines.get(instance);
    if (!e) {
      const index = model.instances.indexOf(instance);
      if (index < 0) throw new Error(`unknown instance ${instance}; the scenario has ${model.instances.join(", ")}`);
      e = new InstanceEngine(model, index);
      engines.set(instance, e);
      buffers.set(instance, model.newBuffer());
    }
    return e;
  };
  const valuesAt = (instance: string, t: number) => engineFor(instance).valuesAt(t, buffers.get(instance)!);

  return {
    options,
    job: JOB,
    instances: model.instances,
    timeline: model.timeline,
    incident: incidentTruths(incident, model.timeline, model.instances, model.size),
    families: model.families,
    series: model.series,
    valuesAt,
    scrape(instance, t, job = JOB) {
      const values = valuesAt(instance, t);
      const samples: Sample[] = [];
      for (const s of model.series) {
        const v = values[s.index];
        if (!Number.isNaN(v) && (s.job ?? JOB) === job) samples.push({ name: s.name, labels: { ...s.labels }, value: v });
      }
      return samples;
    },
  };
}

function validate(o: Required<Omit<ScenarioOptions, "showHiddenMetricsForVersion">>): void {
  const fail = (msg: string) => {
    throw new Error(`invalid scenario options: ${msg}`);
  };
  if (!isIncidentKind(o.incident)) fail(`incident must be one of ${INCIDENT_KINDS.join(", ")} (got ${String(o.incident)})`);
  if (!isK8sVersion(o.k8sVersion)) fail(`k8sVersion must be one of ${K8S_VERSIONS.join(", ")} (got ${String(o.k8sVersion)})`);
  if (!Number.isInteger(o.stepSeconds) || o.stepSeconds <= 0) fail(`stepSeconds must be a positive integer (got ${o.stepSeconds})`);
  if (!Number.isInteger(o.end) || o.end % o.stepSeconds !== 0) fail(`end must be a unix time in seconds on the ${o.stepSeconds} s grid (got ${o.end})`);
  if (!Number.isInteger(o.historySeconds) || o.historySeconds <= 0 || o.historySeconds % o.stepSeconds !== 0)
    fail(`historySeconds must be a positive multiple of ${o.stepSeconds} (got ${o.historySeconds})`);
  if (!Number.isInteger(o.scale) || o.scale < 1) fail(`scale must be an integer ≥ 1 (got ${o.scale})`);
  if (!Number.isInteger(o.seed)) fail(`seed must be an integer (got ${o.seed})`);
}

export { renderTextFormat, openMetricsChunks, OpenMetricsWriter, openMetricsMetadata, parseTextFormat, familyOf, formatLabels, type OpenMetricsStats, type ParsedExposition, type ParsedSample } from "./exposition";
