// Starts a real Prometheus (Debian package `prometheus`) on a free loopback port over a fresh copy of a
// backfilled TSDB (demo/ tests; test-support/prometheus.ts re-exports it for the other tests), and freePort().
// Prometheus writes wal/, chunks_head/ and may compact blocks, so every run gets its own copy.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? "/usr/bin/promtool";

export interface RunningPrometheus {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** prometheus.yml: 15 s scrapes, the given scrape configs and rule files (the demo launcher writes the same). */
export function prometheusConfig(o: { scrapeConfigYaml?: string; ruleFiles?: string[]; evaluationInterval?: string }): string {
  const rules = o.ruleFiles?.length ? `rule_files:\n${o.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join("\n")}\n` : "";
  return `global:\n  scrape_interval: 15s\n  evaluation_interval: ${o.evaluationInterval ?? "30s"}\n${rules}scrape_configs:${o.scrapeConfigYaml ? "\n" + o.scrapeConfigYaml : " []"}\n`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface PrometheusOptions {
  blocksDir: string;
  /** The YAML of `scrape_configs:` entries; none by default (fixture-only). */
  scrapeConfigYaml?: string;
  /** Rule files to load (absolute paths), e.g. rules/apiscope.rules.yml; none by default. */
  ruleFiles?: string[];
  /** How often rules are evaluated (default 30s). */
  evaluationInterval?: string;
  extraArgs?: string[];
}

/** Start Prometheus over a copy of `blocksDir` (a folder of TSDB blocks made by promtool). */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const work = mkdtempSync(join(tmpdir(), "apiscope-prom-"));
  const dataDir = join(work, "data");
  cpSync(opts.blocksDir, dataDir, { recursive: true });
  const configFile = join(work, "prometheus.yml");
  writeFileSync(
    configFile,
    prometheusConfig({ scrapeConfigYaml: opts.scrapeConfigYaml, ruleFiles: opts.ruleFiles, evaluationInterval: opts.evaluationInterval }),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      "--storage.tsdb.retention.time=3650d",
      `--web.listen-address=127.0.0.1:${port}`,
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  // Without a listener, a spawn failure (missing binary) is an uncaught 'error' event that kills the test run.
  let spawnError: Error | null = null;
  child.on("error", (err) => (spawnError = err));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (spawnError) {
      rmSync(work, { recursive: true, force: true });
      throw new Error(`cannot start ${PROMETHEUS_BIN}: ${(spawnError as Error).message}`);
    }
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${stderr}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`prometheus not ready after 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
