// The embedded demo: backfill the incident scenario into a fresh TSDB, start a real Prometheus on it that
// keeps scraping the live scenario exporter, and serve the dashboard. Ctrl-C, or any child dying, stops all.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { INCIDENT_KINDS, K8S_VERSIONS, defaultEnd, incidentSummary, isIncidentKind, type IncidentKind, type K8sVersion } from "./scenario";
import { freePort, prometheusConfig } from "./prometheus";

const ROOT = join(__dirname, "..");
const DATA = join(ROOT, ".data", "demo");

const { values: args } = parseArgs({
  options: {
    "k8s-version": { type: "string", default: "1.30" },
    incident: { type: "string", default: "list-storm" },
    seed: { type: "string", default: "1" },
    scale: { type: "string", default: "1" },
    port: { type: "string" },
    "prometheus-port": { type: "string", default: "9090" },
    // The incident's last 35 minutes are still to come when the demo starts (its fix 10 minutes in for the
    // LIST storm): the backfill stops at the clock and the exporter plays the rest live, so the recommended
    // alerts fire (and later resolve) as they would in production. Off by default: the default story (fixed
    // 25 minutes ago) is the one the README and the screenshot tell.
    "live-incident": { type: "boolean", default: false },
  },
});
/** --live-incident: how far the scenario's end lies ahead of the clock. */
const LIVE_AHEAD_SECONDS = 35 * 60;

const version = args["k8s-version"] as K8sVersion;
if (!(K8S_VERSIONS as readonly string[]).includes(version)) {
  console.error(`--k8s-version must be one of ${K8S_VERSIONS.join(", ")} (got ${version}).`);
  process.exit(2);
}
if (!isIncidentKind(args.incident)) {
  console.error(`--incident must be one of ${INCIDENT_KINDS.join(", ")} (got ${args.incident}).`);
  process.exit(2);
}
const incident: IncidentKind = args.incident;
const port = Number(args.port ?? process.env.PORT ?? 3000);

const children: ChildProcess[] = [];
let stopping = false;

/** Stop every child, then exit with `code` once they are gone (SIGKILL after 3 s). */
function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    process.exit(code);
  }, 3000).unref();
  // Exit as soon as every child is gone.
  const wait = setInterval(() => {
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code);
  }, 100);
  wait.unref();
}

function start(name: string, cmd: string, argv: string[], opts: { env?: Record<string, string>; quiet?: boolean } = {}): ChildProcess {
  // Ctrl-C may arrive while main() is still setting up: start nothing new then.
  if (stopping) throw new Error("stopping");
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const prefix = (line: string) => `[${name}] ${line}`;
  if (!opts.quiet) createInterface({ input: child.stdout! }).on("line", (l) => console.log(prefix(l)));
  createInterface({ input: child.stderr! }).on("line", (l) => {
    if (!opts.quiet || /error|fatal|panic/i.test(l)) console.error(prefix(l));
  });
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`apiscope demo: ${name} exited (${signal ?? code}); stopping everything.`);
    stopAll(1);
  });
  return child;
}

async function portFree(p: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${p}/`, { signal: AbortSignal.timeout(500) });
    return false;
  } catch {
    return true;
  }
}

/** The build is stale when any source file is newer than it. */
function needsBuild(): boolean {
  const buildId = join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return !e.name.startsWith(".") && e.name !== "node_modules" && newer(p);
      return /\.(tsx?|css|mjs)$/.test(e.name) && statSync(p).mtimeMs > built;
    });
  return ["app", "components", "lib"].some((d) => newer(join(ROOT, d))) || statSync(join(ROOT, "package-lock.json")).mtimeMs > built;
}

async function main() {
  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));

  if (!(await portFree(port))) {
    console.error(`apiscope demo: port ${port} is in use. Stop what runs there or set PORT=3001.`);
    process.exit(1);
  }

  // 1. Backfill six hours of the incident into a fresh TSDB.
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  const tsdb = join(DATA, "tsdb");
  console.log(`apiscope demo: generating the ${incident} scenario (Kubernetes ${version}) and backfilling Prometheus…`);
  const live = args["live-incident"] === true;
  const backfilledUntil = defaultEnd(Date.now() / 1000);
  const backfill = spawnSync(
    process.execPath,
    [
      "--import", "tsx", "demo/cli.ts", "backfill", "--data", tsdb, "--k8s-version", version, "--incident", incident, "--seed", args.seed!, "--scale", args.scale!,
      ...(live ? ["--end", String(backfilledUntil + LIVE_AHEAD_SECONDS), "--until", String(backfilledUntil)] : []),
    ],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  if (backfill.status !== 0) {
    console.error("apiscope demo: backfill failed.");
    process.exit(1);
  }
  const lastLine = backfill.stdout.trim().split("\n").pop() ?? "{}";
  const { end } = JSON.parse(lastLine) as { end: number };

  // 2. The live exporter continues the same story from the backfill's end.
  const exporterPort = await freePort();
  const exporter = start("exporter", process.execPath, [
    "--import", "tsx", "demo/exporter.ts", "--end", String(end), "--k8s-version", version, "--incident", incident, "--seed", args.seed!, "--scale", args.scale!, "--port-base", String(exporterPort),
  ], { quiet: true });
  const targets = await new Promise<{ port: number; instance: string }[]>((resolve, reject) => {
    const rl = createInterface({ input: exporter.stdout! });
    rl.once("line", (line) => {
      try {
        resolve((JSON.parse(line) as { targets: { port: number; instance: string }[] }).targets);
      } catch (e) {
        reject(new Error(`exporter printed ${line}: ${String(e)}`));
      }
    });
    exporter.once("exit", () => reject(new Error("the exporter exited before it was ready")));
  });

  // 3. Prometheus: backfilled blocks + live scrapes, loopback only.
  const promPort = (await portFree(Number(args["prometheus-port"]))) ? Number(args["prometheus-port"]) : await freePort();
  const scrape = targets.map((t) => `      - targets: ["127.0.0.1:${t.port}"]\n        labels: { instance: "${t.instance}" }`).join("\n");
  // The recommended rules, as production would load them, with their links pointing at this dashboard;
  // evaluated every 15 s so the alerts follow the live scrape.
  const rulesFile = join(DATA, "apiscope.rules.yml");
  writeFileSync(rulesFile, readFileSync(join(ROOT, "rules", "apiscope.rules.yml"), "utf8").replaceAll("APISCOPE_BASE_URL", `http://127.0.0.1:${port}`));
  writeFileSync(
    join(DATA, "prometheus.yml"),
    prometheusConfig({ scrapeConfigYaml: `  - job_name: apiserver\n    static_configs:\n${scrape}`, ruleFiles: [rulesFile], evaluationInterval: "15s" }),
  );
  start("prometheus", "prometheus", [
    `--config.file=${join(DATA, "prometheus.yml")}`,
    `--storage.tsdb.path=${tsdb}`,
    "--storage.tsdb.retention.time=3650d",
    `--web.listen-address=127.0.0.1:${promPort}`,
  ], { quiet: true });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok) break;
    } catch {
      /* starting */
    }
    if (i > 300) throw new Error("Prometheus did not become ready in 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }

  // 4. The dashboard (production build; built on first run or when sources changed).
  if (needsBuild()) {
    console.log("apiscope demo: building the dashboard (first run takes about a minute)…");
    const b = spawnSync(join(ROOT, "node_modules", ".bin", "next"), ["build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (b.status !== 0) return stopAll(1);
  }
  start("next", join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    env: {
      APISCOPE_PROMETHEUS_URL: `http://127.0.0.1:${promPort}`,
      APISCOPE_CLUSTER_NAME: incident === "list-storm" ? `demo (Kubernetes ${version})` : `demo (Kubernetes ${version}, ${incident})`,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    quiet: true,
  });
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/api/clusters`);
      break;
    } catch {
      if (i > 600) throw new Error("the dashboard did not start in 60 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  console.log("");
  console.log(`apiscope demo is running: http://127.0.0.1:${port}/?from=now-3h&to=now`);
  console.log(
    `  Prometheus: http://127.0.0.1:${promPort} (scenario: Kubernetes ${version}, ${incident === "healthy" ? "no incident" : `${incident} from 90 min before ${new Date(end * 1000).toISOString()}`})`,
  );
  if (live) console.log(`  --live-incident: the story's end is ${LIVE_AHEAD_SECONDS / 60} min ahead; its alerts: http://127.0.0.1:${promPort}/alerts`);
  console.log(`  ${incidentSummary(incident)}`);
  console.log("  Ctrl-C stops everything.");
}

main().catch((err: unknown) => {
  if (stopping) return;
  console.error(`apiscope demo: ${err instanceof Error ? err.message : String(err)}`);
  stopAll(1);
});
