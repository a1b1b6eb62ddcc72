// The recommended rule file is valid (promtool check rules), behaves as its unit tests say (promtool test
// rules: input series → the alerts expected, and none on healthy series), and uses the findings' numbers.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { PROMTOOL_BIN } from "../test-support/prometheus";
import * as T from "../lib/server/findings/thresholds";
import { DEFAULT_INFLIGHT_LIMITS } from "../lib/server/config";
import { RECORDED_SERIES } from "../lib/server/plan/recorded";

const RULES = join(__dirname, "apiscope.rules.yml");
const TESTS = join(__dirname, "tests", "apiscope.test.yml");

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL_BIN, args, { encoding: "utf8", cwd: __dirname, timeout: 60_000 });
  if (r.error) throw new Error(`cannot run ${PROMTOOL_BIN} (Debian package prometheus; or set PROMTOOL_BIN): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[] }[];
}

describe("rules/apiscope.rules.yml", () => {
  it("passes promtool check rules", () => {
    const r = promtool("check", "rules", RULES);
    expect(r.output, r.output).toContain("SUCCESS");
    expect(r.status, r.output).toBe(0);
  });

  it("passes its promtool unit tests (rules/tests)", () => {
    const r = promtool("test", "rules", TESTS);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("SUCCESS");
  });

  // The comparisons of each alert, in the order they appear in its expression, against the constants the
  // findings use: a threshold changed on one side only fails here.
  it("compares with the findings' thresholds", () => {
    const file = parse(readFileSync(RULES, "utf8")) as RuleFile;
    const alerts = new Map(file.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [[r.alert, r.expr] as const] : []))));
    const comparisons = (name: string) => [...(alerts.get(name) ?? "").matchAll(/(?:>=|>)\s*(?:on \([^)]*\)\s*)?([\d.]+)\s*(?:\*|$|\n)/g)].map((m) => Number(m[1]));
    expect(comparisons("ApiserverAPFPriorityLevelSaturated")).toEqual([0, T.APF_SATURATED_PERCENT]);
    expect(comparisons("ApiserverAPFRejecting")).toEqual([0]);
    expect(comparisons("ApiserverListStorm")).toEqual([T.LIST_STORM_MIN_RATE, T.LIST_STORM_MIN_OBJECTS_PER_LIST]);
    expect(comparisons("ApiserverEtcdSlow")).toEqual([T.ETCD_P99_SLOW_SECONDS, T.ETCD_NON_LIST_SLOW_SECONDS]);
    expect(comparisons("ApiserverWebhookSlow")).toEqual([T.WEBHOOK_SLOW_SECONDS]);
    expect(comparisons("ApiserverWebhookCritical")).toEqual([T.WEBHOOK_CRITICAL_SECONDS]);
    expect(comparisons("ApiserverInflightNearLimit")).toEqual([
      T.INFLIGHT_NEAR_LIMIT * DEFAULT_INFLIGHT_LIMITS.readOnly,
      T.INFLIGHT_NEAR_LIMIT * DEFAULT_INFLIGHT_LIMITS.mutating,
    ]);
    expect(comparisons("ApiserverServerErrors")).toEqual([T.ERRORS_WARNING_RATIO]);
    expect(comparisons("ApiserverServerErrorsCritical")).toEqual([T.ERRORS_CRITICAL_RATIO]);
    expect(comparisons("ApiserverRequestsTerminated")).toEqual([0]);
    expect(comparisons("ApiserverWatchSurge")).toEqual([T.WATCH_SURGE_RATIO, T.WATCH_SURGE_MIN_INCREASE]);
  });

  // The dashboard reads these recorded series in place of the raw ones (lib/server/plan/recorded.ts): its
  // table of what each keeps and filters must be what the rule computes, or a panel would read wrong numbers.
  it("records what the dashboard's table of recorded series says", () => {
    const file = parse(readFileSync(RULES, "utf8")) as RuleFile;
    const records = new Map(file.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [[r.record, r.expr.replace(/\s+/g, " ").trim()] as const] : []))));
    for (const rs of RECORDED_SERIES) {
      const by = ["cluster", "job", ...rs.labels, ...(rs.kind === "histogram" ? ["le"] : [])].join(", ");
      const filters = [`job=~"apiserver|kube-apiserver|kubernetes-apiservers"`, ...rs.where.map((f) => `${f.label}${f.op}${JSON.stringify(f.value)}`)].join(", ");
      const metric = rs.kind === "histogram" ? `${rs.family}_bucket` : rs.family;
      expect(records.get(rs.record), rs.record).toBe(`sum by (${by}) (rate(${metric}{${filters}}[5m]))`);
    }
  });

  it("links every alert to a panel of the catalogue and has a unit test for it", async () => {
    const { PANELS } = await import("../lib/panels/catalog");
    const ids = new Set(PANELS.map((p) => p.id));
    const file = parse(readFileSync(RULES, "utf8")) as RuleFile;
    const tested = readFileSync(TESTS, "utf8");
    const alertRules = file.groups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alertRules.length).toBeGreaterThanOrEqual(9);
    for (const r of alertRules) {
      expect(ids.has(r.labels?.apiscope_panel ?? ""), `${r.alert} → ${r.labels?.apiscope_panel}`).toBe(true);
      expect(tested, r.alert).toContain(`alertname: ${r.alert}\n`);
    }
  });
});
