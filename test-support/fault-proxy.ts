// A fault injector in front of a REAL Prometheus: it forwards everything unchanged except requests whose
// PromQL matches a rule, which get the fault a real server will not produce on demand (an error status,
// garbage bytes, a hang, an answer of many megabytes). Used to prove one failing panel leaves the rest of
// the page working, and that the server stays bounded whatever a backend does.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "status"; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  | { kind: "garbage" }
  | { kind: "hang" }
  /**
   * `bytes` of answer, streamed in chunks without a Content-Length: valid Prometheus JSON (a matrix of
   * many series) or, with `json: false`, bytes that are not JSON at all.
   */
  | { kind: "big"; bytes: number; json: boolean };

export interface FaultRule {
  /** applies when the request's `query` parameter contains this text ("" matches every query) */
  queryContains: string;
  fault: Fault;
}

export interface SeenRequest {
  path: string;
  query: string;
  /** the whole form body or query string: identical requests (a retry) have identical keys */
  key: string;
  /** what the proxy did: "forwarded" or the fault's kind */
  outcome: string;
}

export interface FaultProxy {
  url: string;
  rules: FaultRule[];
  /** requests seen, as "path query" lines */
  seen: string[];
  /** requests seen, in detail */
  requests: SeenRequest[];
  /** forget what was seen */
  reset(): void;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Write `bytes` of body in ~64 KiB chunks, respecting backpressure, stopping when the client goes away. */
function streamBig(res: ServerResponse, bytes: number, json: boolean): void {
  res.writeHead(200, { "Content-Type": json ? "application/json" : "application/octet-stream" });
  const series = (i: number) => {
    const values = Array.from({ length: 200 }, (_, j) => `[${1_700_000_000 + j * 15},"${(i * 7 + j) % 1000}.5"]`).join(",");
    return `{"metric":{"__name__":"apiserver_request_total","instance":"10.0.0.${i % 250}:443","i":"${i}"},"values":[${values}]}`;
  };
  // Valid JSON however long: the first series, then the same block of ",{series}" repeated.
  const head = json ? `{"status":"success","data":{"resultType":"matrix","result":[${series(0)}` : "";
  const tail = json ? "]}}" : "";
  const unit = json ? Buffer.from(Array.from({ length: 12 }, (_, i) => `,${series(i + 1)}`).join("")) : Buffer.alloc(64 * 1024);
  if (!json) for (let i = 0; i < unit.length; i++) unit[i] = (i * 131 + 17) % 256;
  let written = 0;
  let closed = false;
  res.on("close", () => (closed = true));
  if (head) {
    res.write(head);
    written += head.length;
  }
  const pump = () => {
    while (!closed && written + unit.length + tail.length <= bytes) {
      written += unit.length;
      if (!res.write(unit)) return void res.once("drain", pump);
    }
    if (!closed) res.end(tail);
  };
  pump();
}

export async function startFaultProxy(upstream: string, rules: FaultRule[] = []): Promise<FaultProxy> {
  const seen: string[] = [];
  const requests: SeenRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://proxy");
    const query = new URLSearchParams(body.toString()).get("query") ?? url.searchParams.get("query") ?? "";
    seen.push(`${url.pathname} ${query}`);
    const rule = query ? proxy.rules.find((r) => query.includes(r.queryContains)) : undefined;
    requests.push({ path: url.pathname, query, key: `${req.method} ${url.pathname}?${url.search.slice(1)}\n${body.toString()}`, outcome: rule ? rule.fault.kind : "forwarded" });
    if (rule) {
      const f = rule.fault;
      if (f.kind === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      if (f.kind === "garbage") {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("\u0000\u00ff<html>not json at all");
        return;
      }
      if (f.kind === "big") return streamBig(res, f.bytes, f.json);
      res.writeHead(f.status, { "Content-Type": f.contentType ?? "application/json", ...(f.headers ?? {}) });
      res.end(f.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers[k] = v;
    try {
      const upstreamRes = await fetch(upstream + (req.url ?? "/"), { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body) });
      res.writeHead(upstreamRes.status, { "Content-Type": upstreamRes.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await upstreamRes.arrayBuffer()));
    } catch {
      // The client went away or the upstream stopped: nothing to answer.
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    rules,
    seen,
    requests,
    reset() {
      seen.length = 0;
      requests.length = 0;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return proxy;
}
