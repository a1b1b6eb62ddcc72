// Test fixture: a tiny TSDB (a few series over the last two hours, ending before now) served by a real
// Prometheus from test-support/prometheus.ts. Used by the integration tests of this folder only.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROMTOOL_BIN, startPrometheus, type RunningPrometheus } from "../../../../test-support/prometheus";

export const FIXTURE_STEP_SECONDS = 30;
const FIXTURE_POINTS = 240; // two hours at 30 s

export interface FixturePrometheus extends RunningPrometheus {
  /** First and last sample time (unix s); every series has a sample every 30 s in between. */
  start: number;
  end: number;
}

/** OpenMetrics text for the fixture series. Values are simple functions of the point index. */
export function fixtureOpenMetrics(end: number): string {
  const start = end - (FIXTURE_POINTS - 1) * FIXTURE_STEP_SECONDS;
  const lines: string[] = ["# TYPE apiscope_test_requests gauge"];
  for (const [verb, factor] of [["GET", 1], ["LIST", 2]] as const) {
    for (let i = 0; i < FIXTURE_POINTS; i++) lines.push(`apiscope_test_requests{verb="${verb}"} ${i * factor} ${start + i * FIXTURE_STEP_SECONDS}`);
  }
  lines.push("# TYPE apiscope_test_weird gauge");
  for (const [kind, value] of [["nan", "NaN"], ["inf", "+Inf"], ["neginf", "-Inf"]] as const) {
    for (let i = 0; i < FIXTURE_POINTS; i++) lines.push(`apiscope_test_weird{kind="${kind}"} ${value} ${start + i * FIXTURE_STEP_SECONDS}`);
  }
  lines.push("# EOF");
  return lines.join("\n") + "\n";
}

/** `extraArgs` go to Prometheus, e.g. ["--query.max-samples=50"]. */
export async function startFixturePrometheus(options: { extraArgs?: string[] } = {}): Promise<FixturePrometheus> {
  // Data must end before now, or Prometheus' head rejects everything after it (toolchain notes, pitfall 9).
  const end = Math.floor(Date.now() / 1000 / FIXTURE_STEP_SECONDS) * FIXTURE_STEP_SECONDS - 60;
  const work = mkdtempSync(join(tmpdir(), "apiscope-fixture-"));
  try {
    const file = join(work, "fixture.om");
    writeFileSync(file, fixtureOpenMetrics(end));
    execFileSync(PROMTOOL_BIN, ["tsdb", "create-blocks-from", "openmetrics", "-q", file, join(work, "blocks")], { stdio: "pipe" });
    const prometheus = await startPrometheus({ blocksDir: join(work, "blocks"), extraArgs: options.extraArgs });
    return { ...prometheus, start: end - (FIXTURE_POINTS - 1) * FIXTURE_STEP_SECONDS, end };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
