// A real kube-apiserver v1.30.0 scrape (../shared/reference/real-metrics), replayed into a real Prometheus
// with job/instance labels. Every panel and every query is accounted for: a query either shows data, or is
// listed below BY NAME with the reason it is rightly empty (or its panel absent) on this scrape. A panel
// that silently breaks — a renamed metric, a wrong matcher, a derivation returning nothing — fails.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureEnd, replayTextScrape } from "../../test-support/fixtures";
import type { RunningPrometheus } from "../../test-support/prometheus";
import type { PanelData } from "../api-schema";
import { resetDataSourceState } from "./datasource";
import { clearCapabilitiesCache } from "./capabilities";
import { LAZY_METRICS, PANELS } from "../panels/catalog";
import { templateMetricNames } from "./template";
import { panelData } from "./dashboard";

/** A copy of ../shared/reference/real-metrics (Apache-2.0, see test-support/data/README.md). */
const SCRAPE = join(__dirname, "..", "..", "test-support", "data", "kube-apiserver-v1.30.0.prom");

/**
 * Panels with no applicable variant on this scrape, and why. Every API-server panel has a variant that works
 * on a v1.30 API server with its default metrics; the scheduler and controller-manager row reads jobs this
 * scrape does not have (the API server's own work queues must not be taken for the controller manager's).
 */
const NOT_SCRAPED = "the scheduler and the controller manager are not scraped here: only the API server's /metrics is";
const ABSENT: Record<string, string> = {
  "scheduler-pending": NOT_SCRAPED,
  "scheduler-attempts": NOT_SCRAPED,
  "kcm-workqueue-depth": NOT_SCRAPED,
  "kcm-workqueue-latency": NOT_SCRAPED,
};

/** Why a query that runs has no value on this scrape; each reason is checked against the scrape itself. */
type WhyEmpty =
  /** A lazy metric (lib/panels/catalog LAZY_METRICS) with no series yet: the event it counts never happened. */
  | { lazyMetricAbsent: string; because: string }
  /** The query keeps only values `> 0`, and every sample of the metric in the scrape is 0. */
  | { filteredZeros: string; because: string };

/** `panel/query` pairs that run on this scrape and rightly return no value. */
const EMPTY: Record<string, WhyEmpty> = {
  "apf-rejections-rate/rejected": {
    lazyMetricAbsent: "apiserver_flowcontrol_rejected_requests_total",
    because: "APF rejected nothing on this quiet cluster (the variant applies: APF's dispatched counter is there)",
  },
  "apf-rejected/rejected": {
    lazyMetricAbsent: "apiserver_flowcontrol_rejected_requests_total",
    because: "APF rejected nothing on this quiet cluster",
  },
  "webhook-duration/p90": {
    lazyMetricAbsent: "apiserver_admission_webhook_admission_duration_seconds_bucket",
    because: "no admission webhook is registered on this cluster, so none was called",
  },
  "webhook-calls/calls": {
    lazyMetricAbsent: "apiserver_admission_webhook_admission_duration_seconds_bucket",
    because: "no admission webhook is registered on this cluster, so none was called",
  },
  "webhook-calls/p99": {
    lazyMetricAbsent: "apiserver_admission_webhook_admission_duration_seconds_bucket",
    because: "no admission webhook is registered on this cluster, so none was called",
  },
  "webhook-rejections/rejected": {
    lazyMetricAbsent: "apiserver_admission_webhook_rejection_count",
    because: "no admission webhook is registered on this cluster, so none rejected anything",
  },
  "apiservices-deprecated/deprecated": {
    lazyMetricAbsent: "apiserver_requested_deprecated_apis",
    because: "no client called a deprecated API",
  },
  "apiservices-deprecated/unavailable": {
    filteredZeros: "aggregator_unavailable_apiservice",
    because: "every aggregated APIService is available (all 0); only unavailable ones are drawn",
  },
  "apf-inqueue/inqueue": {
    filteredZeros: "apiserver_flowcontrol_current_inqueue_requests",
    because: "nothing waits in an APF queue on a quiet cluster (all 0); only non-empty queues are drawn",
  },
};

const scrapeLines = readFileSync(SCRAPE, "utf8")
  .split("\n")
  .filter((l) => l && !l.startsWith("#"));
const namesInScrape = new Set(scrapeLines.map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]));
/** The values of one metric's samples in the scrape (the text format's last field). */
const scrapeValues = (metric: string) =>
  scrapeLines.filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `)).map((l) => Number(l.split(" ").at(-1)));

describe("real kube-apiserver v1.30.0 scrape", () => {
  let prom: RunningPrometheus;
  let end: number;
  const answers = new Map<string, PanelData>();

  beforeAll(async () => {
    end = fixtureEnd();
    prom = await replayTextScrape(SCRAPE, { job: "apiserver", instance: "192.168.49.2:8443", end });
    process.env.APISCOPE_PROMETHEUS_URL = prom.url;
    resetDataSourceState();
    clearCapabilitiesCache();
    for (const p of PANELS) answers.set(p.id, await panelData(p.id, { cluster: "default", start: end - 3600, end, width: 1000 }));
  });
  afterAll(async () => prom?.stop());

  it("the justifications name real panels and queries", () => {
    const queries = new Set(PANELS.flatMap((p) => p.queries.map((q) => `${p.id}/${q.id}`)));
    for (const id of Object.keys(ABSENT)) expect(PANELS.map((p) => p.id), id).toContain(id);
    for (const key of Object.keys(EMPTY)) expect(queries.has(key), key).toBe(true);
  });

  it("exactly the panels listed as absent are absent", () => {
    const absent = PANELS.filter((p) => answers.get(p.id)!.status === "absent").map((p) => p.id);
    expect(absent.sort()).toEqual(Object.keys(ABSENT).sort());
  });

  it("the scheduler and controller-manager row is absent with its one-line how-to, though the API server has work queues", () => {
    expect(namesInScrape.has("workqueue_depth")).toBe(true);
    for (const id of Object.keys(ABSENT)) {
      const answer = answers.get(id)!;
      expect(answer.status, id).toBe("absent");
      expect(answer.absentReason, id).toMatch(/^The (scheduler|controller manager)'s metrics are not scraped: .*\/apis\/metrics\.eks\.amazonaws\.com\/v1\/(ksh|kcm)\/container\/metrics/);
      expect(answer.queries, id).toEqual([]);
    }
  });

  it("every query of every other panel ran, and exactly the ones listed as empty have no value", () => {
    const ran: string[] = [];
    const empty: string[] = [];
    for (const p of PANELS) {
      const d = answers.get(p.id)!;
      if (d.status !== "ok") continue;
      for (const q of p.queries) {
        const result = d.queries.find((r) => r.id === q.id);
        const key = `${p.id}/${q.id}`;
        if (!result) continue; // no variant applies: reported by the check below
        ran.push(key);
        if (!result.series.some((s) => s.points.some(([, v]) => v !== null))) empty.push(key);
      }
    }
    const expectedToRun = PANELS.filter((p) => !(p.id in ABSENT)).flatMap((p) => p.queries.map((q) => `${p.id}/${q.id}`));
    expect(ran.sort()).toEqual(expectedToRun.sort());
    expect(empty.sort()).toEqual(Object.keys(EMPTY).sort());
  });

  it("each listed reason holds on this scrape", () => {
    for (const [key, why] of Object.entries(EMPTY)) {
      const [panelId, queryId] = key.split("/") as [string, string];
      const panel = PANELS.find((p) => p.id === panelId)!;
      const result = answers.get(panelId)!.queries.find((r) => r.id === queryId)!;
      const variant = panel.queries.find((q) => q.id === queryId)!.variants[result.variant]!;
      const reads = templateMetricNames(variant.expr);
      if ("lazyMetricAbsent" in why) {
        expect(LAZY_METRICS.has(why.lazyMetricAbsent), `${key}: ${why.lazyMetricAbsent} is not declared lazy`).toBe(true);
        expect(namesInScrape.has(why.lazyMetricAbsent), `${key}: ${why.lazyMetricAbsent} is in the scrape`).toBe(false);
        expect(reads, key).toContain(why.lazyMetricAbsent);
      } else {
        expect(variant.expr, key).toMatch(/> 0\s*$/);
        expect(reads, key).toContain(why.filteredZeros);
        const values = scrapeValues(why.filteredZeros);
        expect(values.length, `${key}: ${why.filteredZeros} in the scrape`).toBeGreaterThan(0);
        expect(new Set(values), `${key}: ${why.filteredZeros} values`).toEqual(new Set([0]));
      }
    }
  });

  it("every query that ran used a variant whose metrics are all in the scrape, but for the lazy one of a listed empty query", () => {
    for (const p of PANELS) {
      for (const r of answers.get(p.id)!.queries) {
        const variant = p.queries.find((q) => q.id === r.id)!.variants[r.variant]!;
        const missing = templateMetricNames(variant.expr).filter((m) => !namesInScrape.has(m));
        const key = `${p.id}/${r.id}`;
        const why = EMPTY[key];
        expect(missing, key).toEqual(why && "lazyMetricAbsent" in why ? [why.lazyMetricAbsent] : []);
      }
    }
  });
});
