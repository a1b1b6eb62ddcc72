// A minimal stand-in for a Prometheus server, for unit tests that need an HTTP peer but not real data:
// every /api/v1/* call gets a fixed, valid answer, and each request is recorded.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUpstreamRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeUpstream {
  url: string;
  requests: FakeUpstreamRequest[];
  /** Answer the next request with this status/body instead of the canned success. */
  respondNext(status: number, body: string, headers?: Record<string, string>): void;
  stop(): Promise<void>;
}

const CANNED: Record<string, unknown> = {
  query: { resultType: "vector", result: [{ metric: { job: "apiserver" }, value: [1_700_000_000, "1"] }] },
  query_range: { resultType: "matrix", result: [{ metric: { job: "apiserver" }, values: [[1_700_000_000, "1"], [1_700_000_030, "2"]] }] },
  series: [{ __name__: "up", job: "apiserver" }],
  labels: ["__name__", "job"],
};

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: FakeUpstreamRequest[] = [];
  const overrides: Array<{ status: number; body: string; headers?: Record<string, string> }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests.push({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    const override = overrides.shift();
    if (override) {
      res.writeHead(override.status, { "content-type": "application/json", ...override.headers });
      return res.end(override.body);
    }
    const path = (req.url ?? "/").split("?")[0]!;
    const endpoint = path.replace(/^.*\/api\/v1\//, "");
    const data = endpoint.startsWith("label/") ? ["apiserver"] : CANNED[endpoint];
    res.writeHead(data === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(data === undefined ? { status: "error", errorType: "not_found", error: "no such endpoint" } : { status: "success", data }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondNext: (status, body, headers) => void overrides.push({ status, body, headers }),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
