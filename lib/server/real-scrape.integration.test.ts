// A real kube-apiserver v1.30.0 scrape (../shared/reference/real-metrics), replayed into a real Prometheus
// with job/instance labels: every panel whose metric is in the scrape must show data.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayTextScrape } from "../../test-support/fixtures";
import type { RunningPrometheus } from "../../test-support/prometheus";
import { resetConfigCache } from "../config";
import { clearCapabilitiesCache } from "../capabilities";
import { LAZY_METRICS, PANELS } from "../panels/catalog";
import { templateMetricNames } from "../panels/template";
import { panelData } from "./dashboard";

const SCRAPE = join(__dirname, "..", "..", "..", "shared", "reference", "real-metrics", "kube-apiserver-v1.30.0.prom");

describe.skipIf(!existsSync(SCRAPE))("real kube-apiserver v1.30.0 scrape", () => {
  let prom: RunningPrometheus;
  let end: number;
  const namesInScrape = new Set(
    readFileSync(SCRAPE, "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]),
  );

  beforeAll(async () => {
    end = Math.floor(Date.now() / 1000 / 60) * 60 - 120;
    prom = await replayTextScrape(SCRAPE, { job: "apiserver", instance: "192.168.49.2:8443", end });
    process.env.APISCOPE_PROMETHEUS_URL = prom.url;
    resetConfigCache();
    clearCapabilitiesCache();
  });
  afterAll(async () => prom?.stop());

  it("every panel whose metric is in the scrape shows data", async () => {
    const problems: string[] = [];
    for (const p of PANELS) {
      const d = await panelData(p.id, { cluster: "default", start: end - 3600, end, width: 1000 });
      const inScrape = p.queries.some((q) => q.variants.some((v) => templateMetricNames(v.expr).every((m) => namesInScrape.has(m))));
      const onlyLazyMissing = p.queries.every((q) => q.variants.some((v) => templateMetricNames(v.expr).every((m) => namesInScrape.has(m) || LAZY_METRICS.has(m))));
      const hasData = d.status === "ok" && d.queries.some((q) => q.series.some((s) => s.points.some(([, v]) => v !== null)));
      if (inScrape && !hasData) problems.push(`${p.id}: metric in scrape but ${d.status === "ok" ? "no data" : `absent: ${d.absentReason}`}`);
      if (!inScrape && onlyLazyMissing && d.status !== "ok") problems.push(`${p.id}: should say "none in this range", not absent`);
    }
    expect(problems).toEqual([]);
  });
});
