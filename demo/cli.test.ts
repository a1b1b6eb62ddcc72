// The scenario CLI's options: --incident picks the cause (default list-storm) and a bad value is a usage error
// that lists the kinds (exit code 2).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError, parseIncident, scenarioOptionsFromArgs } from "./cli";

const ROOT = join(__dirname, "..");
const KINDS = "list-storm, apf-saturation, etcd-slow, webhook-slow, watch-surge, asymmetric, healthy";

describe("--incident", () => {
  it("defaults to list-storm and accepts every kind", () => {
    expect(parseIncident(undefined)).toBe("list-storm");
    expect(scenarioOptionsFromArgs({ end: "1795435200" })).toMatchObject({ incident: "list-storm", end: 1795435200 });
    for (const kind of KINDS.split(", ")) expect(scenarioOptionsFromArgs({ incident: kind }).incident).toBe(kind);
  });

  it("rejects anything else with the list of kinds", () => {
    expect(() => parseIncident("etcd")).toThrow(UsageError);
    expect(() => parseIncident("etcd")).toThrow(`--incident must be one of ${KINDS} (got etcd)`);
  });

  it("the CLI exits 2 with the message and its usage", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "demo/cli.ts", "openmetrics", "--out", "/dev/null", "--incident", "nope"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--incident must be one of ${KINDS} (got nope)`);
    expect(r.stderr).toMatch(/--incident list-storm\|apf-saturation\|/);
  });
});

describe("backfill --until", () => {
  it("refuses a time that is not after the history's start, before writing anything", async () => {
    const { backfill } = await import("./cli");
    const end = 1795435200;
    await expect(backfill({ end, historySeconds: 3600 }, "/nonexistent/apiscope-until-test", undefined, { until: end - 7200 })).rejects.toThrow(
      `--until must be a unix time in seconds after the history's start ${end - 3600} (got ${end - 7200})`,
    );
    await expect(backfill({ end, historySeconds: 3600 }, "/nonexistent/apiscope-until-test", undefined, { until: Number("soon") })).rejects.toThrow(UsageError);
  });
});
