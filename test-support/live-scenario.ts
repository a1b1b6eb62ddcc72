// The demo's setup for tests: the backfilled scenario, the live exporter continuing it (as `npm run demo`
// runs it), and Prometheus scraping the exporter and evaluating the recommended rules. Rules are evaluated
// at the wall clock only, so alerts need the live scrape: the backfill alone ends in the past.
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { IncidentKind, Scenario } from "../demo/scenario";
import { fixtureEnd, scenarioPrometheus } from "./fixtures";
import { freePort, type RunningPrometheus } from "./prometheus";

const ROOT = resolve(__dirname, "..");
export const RECOMMENDED_RULES = join(ROOT, "rules", "apiscope.rules.yml");

export interface LiveScenario {
  prom: RunningPrometheus;
  scenario: Scenario;
  stop(): Promise<void>;
}

/** Starts the exporter for `incident`, then Prometheus over its backfill, scraping it and loading `ruleFiles`. */
export async function liveScenarioPrometheus(opts: {
  incident: IncidentKind;
  historySeconds?: number;
  ruleFiles?: string[];
  evaluationInterval?: string;
  /**
   * The scenario's end this far ahead of the backfill (the demo's --live-incident): the history stops at
   * the clock and the exporter plays the rest of the incident live. Default 0 (the backfill ends at `end`).
   */
  endAheadSeconds?: number;
}): Promise<LiveScenario> {
  // The clock's, not the run's: the exporter continues the scenario from here, and rules evaluate at now.
  const backfilledUntil = fixtureEnd(Date.now() / 1000);
  const end = backfilledUntil + (opts.endAheadSeconds ?? 0);
  const history = opts.historySeconds ?? 3 * 3600;
  const portBase = await freePort();
  const exporter: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "demo/exporter.ts", "--end", String(end), "--incident", opts.incident, "--k8s-version", "1.30", "--seed", "1", "--history-seconds", String(history), "--port-base", String(portBase)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  exporter.stderr!.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  const stopExporter = async () => {
    if (exporter.exitCode !== null || exporter.signalCode !== null) return;
    const exited = new Promise((r) => exporter.once("exit", r));
    exporter.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  };
  try {
    const targets = await new Promise<{ port: number; instance: string }[]>((res, rej) => {
      createInterface({ input: exporter.stdout! }).once("line", (line) => {
        try {
          res((JSON.parse(line) as { targets: { port: number; instance: string }[] }).targets);
        } catch (e) {
          rej(new Error(`exporter printed ${line}: ${String(e)}`));
        }
      });
      exporter.once("exit", (code) => rej(new Error(`the exporter exited (${code}) before it was ready: ${stderr}`)));
    });
    const scrape = targets.map((t) => `      - targets: ["127.0.0.1:${t.port}"]\n        labels: { instance: "${t.instance}" }`).join("\n");
    const { prom, scenario } = await scenarioPrometheus({
      incident: opts.incident,
      end,
      historySeconds: history,
      ...(opts.endAheadSeconds ? { until: backfilledUntil } : {}),
      ruleFiles: opts.ruleFiles ?? [RECOMMENDED_RULES],
      evaluationInterval: opts.evaluationInterval ?? "5s",
      scrapeConfigYaml: `  - job_name: apiserver\n    scrape_interval: 5s\n    static_configs:\n${scrape}`,
    });
    return {
      prom,
      scenario,
      async stop() {
        await prom.stop();
        await stopExporter();
      },
    };
  } catch (err) {
    await stopExporter();
    throw err;
  }
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing" | "inactive";
  activeAt?: string;
  value: string;
}

/** GET /api/v1/alerts of a Prometheus. */
export async function promAlerts(url: string): Promise<PromAlert[]> {
  const res = await fetch(`${url}/api/v1/alerts`);
  const body = (await res.json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts;
}

/** Polls /api/v1/alerts until `done` holds (returns those alerts) or `timeoutMs` passes (returns the last). */
export async function waitForAlerts(url: string, done: (alerts: PromAlert[]) => boolean, timeoutMs = 90_000): Promise<PromAlert[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alerts = await promAlerts(url);
    if (done(alerts) || Date.now() > deadline) return alerts;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
