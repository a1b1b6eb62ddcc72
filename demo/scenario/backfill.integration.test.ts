// End to end: the CLI backfills an hour of the scenario, a real Prometheus serves it, and PromQL answers
// match the scenario's own numbers; then the live exporter, scraped by Prometheus, continues the same story.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROMETHEUS_BIN, PROMTOOL_BIN, freePort, startPrometheus, type RunningPrometheus } from "../prometheus";
import { createScenario, defaultEnd, type Scenario } from "./index";
import { sumOf } from "./test-helpers";

const ROOT = resolve(__dirname, "..", "..");

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

async function instant(prom: RunningPrometheus, query: string, time: number): Promise<Vector[]> {
  const body = new URLSearchParams({ query, time: String(time) });
  const res = await fetch(`${prom.url}/api/v1/query`, { method: "POST", body });
  const json = (await res.json()) as { status: string; data: { result: Vector[] }; error?: string };
  if (json.status !== "success") throw new Error(`${query}: ${json.error}`);
  return json.data.result;
}

describe("backfill with the CLI into a real Prometheus", () => {
  const work = mkdtempSync(join(tmpdir(), "apiscope-backfill-test-"));
  const end = defaultEnd(Date.now() / 1000);
  let report: { series: number; samples: number; end: number; anchor: number; start: number };
  let scenario: Scenario;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "demo/cli.ts", "backfill", "--data", join(work, "tsdb"), "--history-seconds", "3600", "--end", String(end)], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`backfill failed (${r.status}):\n${r.stderr}`);
    report = JSON.parse(r.stdout.trim().split("\n").pop()!);
    scenario = createScenario({ end, historySeconds: 3600 });
    prom = await startPrometheus({ blocksDir: join(work, "tsdb") });
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("reports the anchor and what it wrote", () => {
    expect(report.end).toBe(end);
    expect(report.anchor).toBe(end);
    expect(report.start).toBe(end - 3600);
    expect(report.series).toBeGreaterThan(5000);
    expect(report.samples).toBeGreaterThan(report.series * 100);
  });

  it("sum by (instance) (apiserver_longrunning_requests) equals the scenario at grid times", async () => {
    for (const t of [end - 3600, end - 1800, end - 30, end]) {
      const result = await instant(prom, "sum by (instance) (apiserver_longrunning_requests)", t);
      expect(result).toHaveLength(3);
      for (const r of result) {
        expect(Number(r.value[1]), `${r.metric.instance} at ${t}`).toBe(sumOf(scenario.scrape(r.metric.instance, t), "apiserver_longrunning_requests"));
      }
    }
  });

  it("counters and histograms match too, and every series is there", async () => {
    const t = end - 600;
    const totals = await instant(prom, 'sum by (instance) (apiserver_request_total{job="apiserver"})', t);
    for (const r of totals) expect(Number(r.value[1])).toBe(sumOf(scenario.scrape(r.metric.instance, t), "apiserver_request_total"));
    const buckets = await instant(prom, 'sum by (le) (apiserver_request_duration_seconds_bucket{verb="LIST",resource="pods"})', t);
    const expected = new Map<string, number>();
    for (const i of scenario.instances)
      for (const s of scenario.scrape(i, t)) if (s.name === "apiserver_request_duration_seconds_bucket" && s.labels.verb === "LIST" && s.labels.resource === "pods") expected.set(s.labels.le, (expected.get(s.labels.le) ?? 0) + s.value);
    expect(Object.fromEntries(buckets.map((b) => [b.metric.le, Number(b.value[1])]))).toEqual(Object.fromEntries(expected));
    const count = await instant(prom, 'count({job="apiserver"})', end);
    const exposed = scenario.instances.reduce((n, i) => n + scenario.scrape(i, end).length, 0);
    expect(Number(count[0].value[1])).toBe(exposed);
  });

  it("the live exporter continues the backfilled story without counter resets", async () => {
    const exporter = spawn(process.execPath, ["--import", "tsx", "demo/exporter.ts", "--end", String(end), "--port-base", String(await freePort())], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let live: RunningPrometheus | null = null;
    try {
      const targets = await new Promise<Array<{ port: number; instance: string }>>((res, rej) => {
        createInterface({ input: exporter.stdout! }).once("line", (l) => res((JSON.parse(l) as { targets: Array<{ port: number; instance: string }> }).targets));
        exporter.once("exit", (code) => rej(new Error(`exporter exited with ${code}`)));
      });
      expect(targets.map((x) => x.instance)).toEqual(scenario.instances);
      const text = await (await fetch(`http://127.0.0.1:${targets[0].port}/metrics`)).text();
      expect(text).toMatch(/^# TYPE apiserver_request_total counter$/m);

      const scrapeConfigYaml = [
        "  - job_name: apiserver",
        "    scrape_interval: 2s",
        "    static_configs:",
        ...targets.flatMap((x) => [`      - targets: ["127.0.0.1:${x.port}"]`, `        labels: { instance: "${x.instance}" }`]),
      ].join("\n");
      live = await startPrometheus({ blocksDir: join(work, "tsdb"), scrapeConfigYaml });
      const deadline = Date.now() + 30_000;
      let up: Vector[] = [];
      while (Date.now() < deadline) {
        up = await instant(live, 'up{job="apiserver"} == 1', Date.now() / 1000);
        if (up.length === 3) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(up).toHaveLength(3);
      // The first live sample continues from the last backfilled one: counters only went up.
      const now = Date.now() / 1000;
      const resets = await instant(live, `resets(process_cpu_seconds_total{job="apiserver"}[${Math.ceil(now - end + 120)}s])`, now);
      expect(resets).toHaveLength(3);
      for (const r of resets) expect(Number(r.value[1]), r.metric.instance).toBe(0);
    } finally {
      await live?.stop();
      exporter.kill("SIGTERM");
      await new Promise((r) => exporter.once("exit", r));
    }
  }, 90_000);
});

describe("an incident kind through the CLI backfill and PromQL", () => {
  const work = mkdtempSync(join(tmpdir(), "apiscope-backfill-incident-"));
  const end = defaultEnd(Date.now() / 1000);
  let scenario: Scenario;
  let prom: RunningPrometheus;

  beforeAll(async () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "demo/cli.ts", "backfill", "--data", join(work, "tsdb"), "--incident", "webhook-slow", "--k8s-version", "1.28", "--history-seconds", "7200", "--end", String(end)],
      { cwd: ROOT, encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`backfill failed (${r.status}):\n${r.stderr}`);
    const report = JSON.parse(r.stdout.trim().split("\n").pop()!) as { incident: string };
    expect(report.incident).toBe("webhook-slow");
    scenario = createScenario({ end, historySeconds: 7200, k8sVersion: "1.28", incident: "webhook-slow" });
    prom = await startPrometheus({ blocksDir: join(work, "tsdb") });
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("the slow webhook's p90 and its rejections, as the scenario says", async () => {
    const truths = scenario.incident;
    if (truths.kind !== "webhook-slow") throw new Error("wrong kind");
    const t = truths.steady!.to;
    const p90 = await instant(prom, `histogram_quantile(0.9, sum by (le) (rate(apiserver_admission_webhook_admission_duration_seconds_bucket{name="${truths.webhook}"}[5m])))`, t);
    expect(Number(p90[0].value[1])).toBeGreaterThan(truths.expected.p90AtLeastSeconds);
    const rejections = await instant(prom, `sum(rate(apiserver_admission_webhook_rejection_count{name="${truths.webhook}",error_type="calling_webhook_error"}[5m]))`, t);
    expect(Number(rejections[0].value[1])).toBeGreaterThan(0.1);
    const before = await instant(prom, `histogram_quantile(0.9, sum by (le) (rate(apiserver_admission_webhook_admission_duration_seconds_bucket{name="${truths.webhook}"}[5m])))`, truths.start! - 600);
    expect(Number(before[0].value[1])).toBeLessThan(0.1);
    const count = await instant(prom, 'count({job="apiserver"})', end);
    expect(Number(count[0].value[1])).toBe(scenario.instances.reduce((n, i) => n + scenario.scrape(i, end).length, 0));
  });
});
