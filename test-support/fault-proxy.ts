// A fault injector in front of a REAL Prometheus: it forwards everything unchanged except requests whose
// PromQL matches a rule, which get the fault a real server will not produce on demand (an error status,
// garbage bytes, a hang). Used to prove one failing panel leaves the rest of the page working.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "status"; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  | { kind: "garbage" }
  | { kind: "hang" };

export interface FaultRule {
  /** applies when the request's `query` parameter contains this text */
  queryContains: string;
  fault: Fault;
}

export interface FaultProxy {
  url: string;
  rules: FaultRule[];
  /** requests seen, as "path query" lines */
  seen: string[];
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(upstream: string, rules: FaultRule[] = []): Promise<FaultProxy> {
  const seen: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://proxy");
    const query = new URLSearchParams(body.toString()).get("query") ?? url.searchParams.get("query") ?? "";
    seen.push(`${url.pathname} ${query}`);
    const rule = query ? proxy.rules.find((r) => query.includes(r.queryContains)) : undefined;
    if (rule) {
      const f = rule.fault;
      if (f.kind === "hang") {
        hanging.add(res);
        return;
      }
      if (f.kind === "garbage") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("\u0000\u00ff<html>not json at all");
        return;
      }
      res.writeHead(f.status, { "Content-Type": f.contentType ?? "application/json", ...(f.headers ?? {}) });
      res.end(f.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    const upstreamRes = await fetch(upstream + (req.url ?? "/"), { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body) });
    res.writeHead(upstreamRes.status, { "Content-Type": upstreamRes.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await upstreamRes.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    rules,
    seen,
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return proxy;
}
