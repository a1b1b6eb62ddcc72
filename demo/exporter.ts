// Live exporter: one HTTP server per simulated API server, each serving /metrics (Prometheus text format
// 0.0.4) for wall-clock now, from the same scenario as the backfill, so the story continues after `end`.
//
//   npx tsx demo/exporter.ts --end UNIX --port-base P [--k8s-version V] [--incident KIND] [--seed N] [--scale N]
//                               [--show-hidden-metrics-for-version 1.X] [--history-seconds N]
// (the same scenario options as demo/cli.ts: continue a backfill with the same --incident, --k8s-version, --seed)
//
// Listens on 127.0.0.1:P, P+1, … and prints one JSON line once every port is listening:
//   {"targets":[{"port":P,"instance":"10.0.17.21:443"},…]}
// Scrape it with job_name "apiserver" and static_configs `labels: {instance: …}`. The scheduler's and the
// controller manager's series are served where EKS serves them (COMPONENT_METRICS_PATHS, on every port, with
// data on the first): scrape those paths as jobs of their own. SIGTERM/SIGINT stop it.
import { createServer, type Server } from "node:http";
import { parseArgs } from "node:util";
import { COMPONENT_METRICS_PATHS, createScenario, renderTextFormat } from "./scenario";
import { SCENARIO_ARG_OPTIONS, UsageError, scenarioOptionsFromArgs } from "./cli";

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...SCENARIO_ARG_OPTIONS, "port-base": { type: "string" } }, strict: true });
  if (values["port-base"] === undefined) throw new UsageError("--port-base P is required");
  const portBase = Number(values["port-base"]);
  if (!Number.isInteger(portBase) || portBase <= 0 || portBase > 65535) throw new UsageError(`--port-base must be a TCP port (got ${values["port-base"]})`);
  if (values.end === undefined) process.stderr.write("exporter: no --end given; using defaultEnd(now), which only continues a backfill made with the same default\n");
  const scenario = createScenario(scenarioOptionsFromArgs(values));

  const servers: Server[] = [];
  const targets: Array<{ port: number; instance: string }> = [];
  for (const [i, instance] of scenario.instances.entries()) {
    const port = portBase + i;
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      const job = path === "/metrics" ? scenario.job : Object.keys(COMPONENT_METRICS_PATHS).find((j) => COMPONENT_METRICS_PATHS[j] === path);
      if (!job) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end(`only /metrics and ${Object.values(COMPONENT_METRICS_PATHS).join(", ")} here\n`);
        return;
      }
      try {
        const body = renderTextFormat(scenario, instance, Date.now() / 1000, job);
        res.writeHead(200, { "Content-Type": CONTENT_TYPE }).end(req.method === "HEAD" ? undefined : body);
      } catch (err) {
        res.writeHead(500, { "Content-Type": "text/plain" }).end(`${err instanceof Error ? err.message : String(err)}\n`);
      }
    });
    await listen(server, port);
    servers.push(server);
    targets.push({ port, instance });
  }

  const stop = () => {
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.stdout.write(`${JSON.stringify({ targets })}\n`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`exporter: ${message}\n`);
  process.exit(err instanceof UsageError || (err instanceof Error && String((err as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS")) ? 2 : 1);
});
