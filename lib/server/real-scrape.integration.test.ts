// A real kube-apiserver v1.30.0 scrape (../shared/reference/real-metrics), replayed into a real Prometheus
// with job/instance labels: every panel whose metric is in the scrape must show data.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureEnd, replayTextScrape } from "../../test-support/fixtures";
import type { RunningPrometheus } from "../../test-support/prometheus";
import { resetDataSourceState } from "./datasource";
import { clearCapabilitiesCache } from "./capabilities";
import { LAZY_METRICS, PANELS } from "../panels/catalog";
import { templateMetricNames } from "./template";
import { panelData } from "./dashboard";

/** A copy of ../shared/reference/real-metrics (Apache-2.0, see test-support/data/README.md). */
const SCRAPE = join(__dirname, "..", "..", "test-support", "data", "kube-apiserver-v1.30.0.prom");

describe("real kube-apiserver v1.30.0 scrape", () => {
  let prom: RunningPrometheus;
  let end: number;
  const namesInScrape = new Set(
    readFileSync(SCRAPE, "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]),
  );

  beforeAll(async () => {
    end = fixtureEnd();
    prom = await replayTextScrape(SCRAPE, { job: "apiserver", instance: "192.168.49.2:8443", end });
    process.env.APISCOPE_PROMETHEUS_URL = prom.url;
    resetDataSourceState();
    clearCapabilitiesCache();
  });
  afterAll(async () => prom?.stop());

  it("every panel whose metric is in the scrape shows data", async () => {
    const problems: string[] = [];
    const readable = (expr: string, allowLazy: boolean) => templateMetricNames(expr).every((m) => namesInScrape.has(m) || (allowLazy && LAZY_METRICS.has(m)));
    for (const p of PANELS) {
      const d = await panelData(p.id, { cluster: "default", start: end - 3600, end, width: 1000 });
      if (d.status !== "ok") {
        // Absent is right only when no query of the panel can be answered from this scrape.
        if (p.queries.some((q) => q.variants.some((v) => readable(v.expr, true)))) problems.push(`${p.id}: absent (${d.absentReason})`);
        continue;
      }
      for (const q of p.queries) {
        const result = d.queries.find((r) => r.id === q.id);
        const variant = result && q.variants[result.variant];
        // Queries that keep only non-zero values (`> 0`) are rightly empty on a quiet cluster.
        if (!result || !variant || !readable(variant.expr, false) || /> 0\s*$/.test(variant.expr)) continue;
        if (!result.series.some((s) => s.points.some(([, v]) => v !== null))) problems.push(`${p.id}/${q.id}: metric in scrape but no data`);
      }
    }
    expect(problems).toEqual([]);
  });
});
