// The text formats: what the exporter serves must parse back to scrape(), look like client_golang's output,
// and pass `promtool check metrics`; the OpenMetrics stream must be what promtool's backfill needs.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CONTROLLER_MANAGER_JOB, createScenario, defaultEnd, formatGoFloat, openMetricsChunks, parseTextFormat, renderTextFormat, SCHEDULER_JOB } from "./index";

const END = defaultEnd(Date.UTC(2026, 10, 23, 12, 0, 0) / 1000);
const PROMTOOL = process.env.PROMTOOL_BIN ?? "/usr/bin/promtool";

describe("formatGoFloat (strconv.FormatFloat(v, 'g', -1, 64))", () => {
  it.each([
    [1e6, "1e+06"],
    [100000, "100000"],
    [1e9, "1e+09"],
    [0.005, "0.005"],
    [1, "1"],
    [1.25, "1.25"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [2003, "2003"],
    [1048576, "1.048576e+06"],
    [123017253805, "1.23017253805e+11"],
    [301776896, "3.01776896e+08"],
    [0, "0"],
    [Infinity, "+Inf"],
  ])("%s → %s", (v, text) => expect(formatGoFloat(v)).toBe(text));
});

describe("Prometheus text format 0.0.4", () => {
  const scenario = createScenario({ end: END, historySeconds: 3600 });
  const instance = scenario.timeline.hotInstance;
  const t = END - 700;
  const text = renderTextFormat(scenario, instance, t);

  it("parses back to exactly what scrape() returns", () => {
    const parsed = parseTextFormat(text);
    const key = (s: { name: string; labels: Record<string, string> }) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
    const expected = new Map(scenario.scrape(instance, t).map((s) => [key(s), s.value]));
    expect(parsed.samples).toHaveLength(expected.size);
    for (const s of parsed.samples) expect(s.value, key(s)).toBeCloseTo(expected.get(key(s))!, 6);
  });

  it("declares every family once with HELP and TYPE before its samples, histograms as _bucket/_sum/_count", () => {
    const parsed = parseTextFormat(text);
    for (const [family, meta] of scenario.families) {
      if (!parsed.samples.some((s) => s.name === family || s.name.startsWith(`${family}_`))) continue;
      expect(parsed.types.get(family), family).toBe(meta.type);
      expect(parsed.help.get(family), family).toBe(meta.help);
    }
    expect(text.match(/^# TYPE apiserver_request_duration_seconds histogram$/gm)).toHaveLength(1);
    expect(text).toMatch(/^apiserver_response_sizes_bucket\{.*le="1e\+06"\} \d/m);
    expect(text).toMatch(/^apiserver_request_duration_seconds_count\{/m);
  });

  it("passes promtool check metrics (but for the real apiserver's misnamed webhook rejection counter)", () => {
    const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
    const complaints = (r.stderr + r.stdout).split("\n").filter((l) => l.trim() !== "" && !l.startsWith("apiserver_admission_webhook_rejection_count "));
    expect(complaints).toEqual([]);
    expect(text).toContain("apiserver_admission_webhook_rejection_count{");
  });

  it("serves the scheduler's and controller manager's series on their own jobs, from the first instance only", () => {
    expect(text).not.toMatch(/^(scheduler_|workqueue_)/m);
    for (const job of [SCHEDULER_JOB, CONTROLLER_MANAGER_JOB]) {
      const own = renderTextFormat(scenario, instance, t, job);
      const parsed = parseTextFormat(own);
      expect(parsed.samples.length, job).toBeGreaterThan(3);
      expect(parsed.samples.length).toBe(scenario.scrape(instance, t, job).length);
      expect(new Set(parsed.samples.map((x) => x.name.split("_")[0]))).toEqual(new Set([job === SCHEDULER_JOB ? "scheduler" : "workqueue"]));
      const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: own, encoding: "utf8" });
      expect(r.stderr + r.stdout, job).toBe("");
      expect(scenario.scrape(scenario.instances[1], t, job), job).toEqual([]);
    }
  });
});

describe("OpenMetrics for promtool backfill", () => {
  const scenario = createScenario({ end: END, historySeconds: 600 });
  const stats = { series: 0, samples: 0, bytes: 0 };
  const text = [...openMetricsChunks(scenario, { stats, chunkBytes: 4096 })].join("");
  const lines = text.trimEnd().split("\n");

  it("starts with metadata, has job/instance and second timestamps on every sample, and ends with # EOF", () => {
    expect(lines[lines.length - 1]).toBe("# EOF");
    expect(lines[0]).toMatch(/^# HELP /);
    expect(text).toMatch(/^# TYPE apiserver_request counter$/m); // OpenMetrics counter family naming
    const samples = lines.filter((l) => !l.startsWith("#"));
    expect(samples).toHaveLength(stats.samples);
    expect(stats.bytes).toBe(text.length);
    for (const l of samples.slice(0, 2000)) {
      // The scheduler's and controller manager's series are scraped under their own jobs.
      expect(l).toMatch(l.startsWith("scheduler_") ? /,job="kube-scheduler"\} \S+ \d{10}$/ : l.startsWith("workqueue_") ? /,job="kube-controller-manager"\} \S+ \d{10}$/ : /,job="apiserver"\} \S+ \d{10}$/);
      expect(l).toMatch(/instance="10\.0\.\d+\.\d+:443"/);
      expect(l).not.toMatch(/=""/); // empty labels are left out (Prometheus drops them anyway)
    }
  });

  it("covers start … end on the grid, each series in increasing time", () => {
    const last = new Map<string, number>();
    const times = new Set<number>();
    for (const l of lines) {
      if (l.startsWith("#")) continue;
      const cut = l.lastIndexOf(" ");
      const t = Number(l.slice(cut + 1));
      const series = l.slice(0, l.lastIndexOf(" ", cut - 1));
      expect(t).toBeGreaterThan(last.get(series) ?? 0);
      last.set(series, t);
      times.add(t);
    }
    expect([...times].sort()).toEqual(Array.from({ length: 21 }, (_, i) => scenario.timeline.start + 30 * i));
    expect(last.size).toBe(stats.series);
  });
});
