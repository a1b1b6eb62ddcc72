// The PrometheusRule is the rule file, not a second copy: its groups equal the file's, and they still pass
// promtool after the round trip through the generator's YAML.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { PROMTOOL_BIN } from "../test-support/prometheus";
import { RULE_FILE, URL_PLACEHOLDER } from "./prometheus-rule";

const ROOT = join(__dirname, "..");
const work = mkdtempSync(join(tmpdir(), "apiscope-operator-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function generate(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/prometheus-rule.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run rules:operator", () => {
  const ruleFile = parse(readFileSync(RULE_FILE, "utf8")) as { groups: unknown[] };

  it("wraps the rule file's groups, unchanged, in a monitoring.coreos.com/v1 PrometheusRule", () => {
    const r = generate("--namespace", "observability", "--label", "release=kube-prometheus-stack");
    expect(r.status, r.stderr).toBe(0);
    const object = parse(r.stdout) as { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: { groups: unknown[] } };
    expect(object.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(object.kind).toBe("PrometheusRule");
    expect(object.metadata).toEqual({ name: "apiscope", namespace: "observability", labels: { release: "kube-prometheus-stack" } });
    expect(object.spec.groups).toEqual(ruleFile.groups);
    // What the operator hands Prometheus is spec.groups as a rule file: it must still be one.
    const extracted = join(work, "extracted.rules.yml");
    writeFileSync(extracted, stringify({ groups: object.spec.groups }));
    const check = spawnSync(PROMTOOL_BIN, ["check", "rules", extracted], { encoding: "utf8" });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

  it("points the alerts' links at --apiscope-url", () => {
    const r = generate("--apiscope-url", "https://apiscope.example.com/");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(URL_PLACEHOLDER);
    const object = parse(r.stdout) as { spec: { groups: { rules: { annotations?: Record<string, string> }[] }[] } };
    const links = object.spec.groups.flatMap((g) => g.rules.flatMap((rule) => (rule.annotations?.apiscope_url ? [rule.annotations.apiscope_url] : [])));
    expect(links.length).toBeGreaterThanOrEqual(9);
    for (const l of links) expect(l).toMatch(/^https:\/\/apiscope\.example\.com\/\?viewPanel=[a-z0-9-]+&from=/);
  });

  it("refuses bad options with a message, not a stack trace", () => {
    for (const [args, message] of [
      [["--label", "release"], "--label takes key=value (got release)"],
      [["--apiscope-url", "ftp://x"], "--apiscope-url must be an http(s) address"],
    ] as const) {
      const r = generate(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
