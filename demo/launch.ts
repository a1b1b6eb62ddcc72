// The embedded demo: backfill the incident scenario into a fresh TSDB, start a real Prometheus on it that
// keeps scraping the live scenario exporter, and serve the dashboard. Ctrl-C, or any child dying, stops all.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { COMPONENT_METRICS_PATHS, INCIDENT_KINDS, K8S_VERSIONS, defaultEnd, incidentSummary, isIncidentKind, type IncidentKind, type K8sVersion } from "./scenario";
import { DEMO_CONTROL_PLANE_TIER, demoFleet, FLEET_HISTORY_SECONDS, type DemoFleetCluster } from "./fleet";
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
    single: { type: "boolean", default: false },
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

/** The clusters besides the incident one that `npm run demo` puts on the fleet page (`--single`: none). */
function fleetClusters(): DemoFleetCluster[] {
  return args.single ? [] : demoFleet(version);
}

/** Backfill one scenario into `tsdb` (in a child process, so several run side by side). */
function backfillInto(tsdb: string, o: { version: K8sVersion; incident: IncidentKind; end: number; until?: number; label?: string; historySeconds?: number }): Promise<void> {
  const argv = ["--import", "tsx", "demo/cli.ts", "backfill", "--data", tsdb, "--k8s-version", o.version, "--incident", o.incident, "--seed", args.seed!, "--scale", args.scale!, "--end", String(o.end)];
  if (o.label) argv.push("--cluster-label", o.label);
  if (o.historySeconds) argv.push("--history-seconds", String(o.historySeconds));
  if (o.until !== undefined) argv.push("--until", String(o.until));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`backfill of ${o.label ?? "the incident cluster"} failed (${code})`))));
  });
}

type Target = { port: number; instance: string };

/** The live exporter continuing one scenario's story from `end`; resolves with its scrape targets. */
async function startExporter(name: string, o: { version: K8sVersion; incident: IncidentKind; end: number }): Promise<Target[]> {
  const exporterPort = await freePort();
  const exporter = start(name, process.execPath, [
    "--import", "tsx", "demo/exporter.ts", "--end", String(o.end), "--k8s-version", o.version, "--incident", o.incident, "--seed", args.seed!, "--scale", args.scale!, "--port-base", String(exporterPort),
  ], { quiet: true });
  return new Promise<Target[]>((resolve, reject) => {
    const rl = createInterface({ input: exporter.stdout! });
    rl.once("line", (line) => {
      try {
        resolve((JSON.parse(line) as { targets: Target[] }).targets);
      } catch (e) {
        reject(new Error(`exporter printed ${line}: ${String(e)}`));
      }
    });
    exporter.once("exit", () => reject(new Error("the exporter exited before it was ready")));
  });
}

/**
 * A real Prometheus over `tsdb` scraping `jobs` (each job's targets, with the labels given), loopback only,
 * evaluating `ruleFiles` every 15 s so the alerts follow the live scrape.
 */
async function startPrometheusOn(name: string, dir: string, port: number, targets: Array<{ targets: Target[]; cluster?: string }>, ruleFiles: string[]): Promise<void> {
  const scrape = targets
    .flatMap((g) => g.targets.map((t) => `      - targets: ["127.0.0.1:${t.port}"]\n        labels: { instance: "${t.instance}"${g.cluster ? `, cluster: "${g.cluster}"` : ""} }`))
    .join("\n");
  // The scheduler and the controller manager: their EKS paths on each cluster's first exporter port.
  const components = Object.entries(COMPONENT_METRICS_PATHS).map(([job, path]) => {
    const leaders = targets.flatMap((g) => (g.targets[0] ? [`      - targets: ["127.0.0.1:${g.targets[0].port}"]\n        labels: { instance: "${g.targets[0].instance}"${g.cluster ? `, cluster: "${g.cluster}"` : ""} }`] : []));
    return `  - job_name: ${job}\n    metrics_path: ${path}\n    static_configs:\n${leaders.join("\n")}`;
  });
  const scrapeConfigYaml = [`  - job_name: apiserver\n    static_configs:\n${scrape}`, ...components].join("\n");
  writeFileSync(join(dir, "prometheus.yml"), prometheusConfig({ scrapeConfigYaml, ruleFiles, evaluationInterval: "15s" }));
  start(name, "prometheus", [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "tsdb")}`,
    "--storage.tsdb.retention.time=3650d",
    `--web.listen-address=127.0.0.1:${port}`,
  ], { quiet: true });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) return;
    } catch {
      /* starting */
    }
    if (i > 300) throw new Error(`${name} did not become ready in 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  process.on("SIGINT", () => stopAll(0));
  process.on("SIGTERM", () => stopAll(0));

  if (!(await portFree(port))) {
    console.error(`apiscope demo: port ${port} is in use. Stop what runs there or set PORT=3001.`);
    process.exit(1);
  }

  // 1. Backfill six hours of the incident into a fresh TSDB, and the fleet's other clusters (told apart by
  //    their `cluster` label, like clusters sharing an AMP workspace) into a second one, side by side.
  rmSync(DATA, { recursive: true, force: true });
  const incidentDir = join(DATA, "incident");
  const fleetDir = join(DATA, "fleet");
  mkdirSync(incidentDir, { recursive: true });
  const fleet = fleetClusters();
  if (fleet.length) mkdirSync(fleetDir, { recursive: true });
  const end = defaultEnd(Date.now() / 1000);
  // --live-incident: the incident cluster's story ends ahead of the clock; its backfill stops at `end`.
  const live = args["live-incident"] === true;
  const incidentEnd = live ? end + LIVE_AHEAD_SECONDS : end;
  console.log(
    `apiscope demo: generating the ${incident} scenario (Kubernetes ${version})${fleet.length ? ` and ${fleet.length} more clusters for the fleet page` : ""} and backfilling Prometheus…`,
  );
  try {
    await Promise.all([
      backfillInto(join(incidentDir, "tsdb"), { version, incident, end: incidentEnd, ...(live ? { until: end } : {}) }),
      ...fleet.map((c) => backfillInto(join(fleetDir, "tsdb"), { version: c.version, incident: c.incident, end, label: c.label, historySeconds: FLEET_HISTORY_SECONDS })),
    ]);
  } catch (err) {
    console.error(`apiscope demo: ${err instanceof Error ? err.message : String(err)}.`);
    process.exit(1);
  }

  // 2. The live exporters continue the same stories from the backfill's end.
  const targets = await startExporter("exporter", { version, incident, end: incidentEnd });
  // One after the other: each takes a run of ports from its base, which the next free port must not fall in.
  const fleetTargets: Array<{ targets: Target[]; cluster: string }> = [];
  for (const c of fleet) fleetTargets.push({ targets: await startExporter(`exporter-${c.label}`, { ...c, end }), cluster: c.label });

  // 3. Prometheus: backfilled blocks + live scrapes, loopback only (the fleet's clusters on a second one),
  //    with the recommended rules as production would load them, their links pointing at this dashboard.
  const rulesFile = join(DATA, "apiscope.rules.yml");
  writeFileSync(rulesFile, readFileSync(join(ROOT, "rules", "apiscope.rules.yml"), "utf8").replaceAll("APISCOPE_BASE_URL", `http://127.0.0.1:${port}`));
  const promPort = (await portFree(Number(args["prometheus-port"]))) ? Number(args["prometheus-port"]) : await freePort();
  await startPrometheusOn("prometheus", incidentDir, promPort, [{ targets }], [rulesFile]);
  const fleetPromPort = fleet.length ? await freePort() : 0;
  if (fleet.length) await startPrometheusOn("prometheus-fleet", fleetDir, fleetPromPort, fleetTargets, [rulesFile]);

  // 4. The dashboard (production build; built on first run or when sources changed).
  if (needsBuild()) {
    console.log("apiscope demo: building the dashboard (first run takes about a minute)…");
    const b = spawnSync(join(ROOT, "node_modules", ".bin", "next"), ["build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (b.status !== 0) return stopAll(1);
  }
  const incidentName = incident === "list-storm" ? `demo (Kubernetes ${version})` : `demo (Kubernetes ${version}, ${incident})`;
  // The incident cluster first (the dashboard's default), as before; the others only on the fleet page's list.
  const config = {
    clusters: [
      { id: "default", name: incidentName, kind: "prometheus", url: `http://127.0.0.1:${promPort}`, controlPlaneTier: DEMO_CONTROL_PLANE_TIER },
      ...fleet.map((c) => ({ id: c.label, name: c.name, kind: "prometheus", url: `http://127.0.0.1:${fleetPromPort}`, clusterLabel: c.label })),
    ],
  };
  const configFile = join(DATA, "clusters.json");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  start("next", join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    env: { APISCOPE_CONFIG: configFile, NEXT_TELEMETRY_DISABLED: "1" },
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
  if (fleet.length) console.log(`  Fleet: http://127.0.0.1:${port}/fleet?from=now-1h&to=now (${fleet.length + 1} clusters)`);
  console.log(
    `  Prometheus: http://127.0.0.1:${promPort} (scenario: Kubernetes ${version}, ${incident === "healthy" ? "no incident" : `${incident} from 90 min before ${new Date(incidentEnd * 1000).toISOString()}`})`,
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
