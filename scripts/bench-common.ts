// Shared pieces of `npm run bench` (scripts/bench.ts): the counting proxy in front of Prometheus, direct
// replays of recorded backend requests, and small helpers (pools, medians, formatting).
import { createServer, request as httpRequest, Agent, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// ------------------------------------------------------------------------------------------------------------
// A counting proxy in front of Prometheus: every backend request of either side goes through it, so "what
// did the backend do" is observed, not inferred (apiscope's cache hits never reach it).

/** One backend request as it was sent, enough to send it again (method, path with query, body). */
export interface RecordedRequest {
  method: string;
  /** Path and query string. */
  url: string;
  contentType?: string;
  body: string;
}

export interface LedgerEntry {
  path: string;
  status: number;
  /** Uncompressed response body bytes. */
  bytes: number;
  /** totalQueryableSamples for query/query_range responses; 0 for metadata calls (series, labels). */
  samples: number;
  request: RecordedRequest;
  /** performance.now() when the request arrived and when its answer was sent. */
  startedMs: number;
  endedMs: number;
}

export interface CountingProxy {
  url: string;
  ledger: LedgerEntry[];
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const ledger: LedgerEntry[] = [];
  const server: Server = createServer((req, res) => {
    const startedMs = performance.now();
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      const requestBody = Buffer.concat(body);
      // Ask for an uncompressed answer so the body can be read for its stats (and sized as raw JSON).
      const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
      delete headers["accept-encoding"];
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (up) => {
          const chunks: Buffer[] = [];
          up.on("data", (c: Buffer) => chunks.push(c));
          up.on("end", () => {
            const payload = Buffer.concat(chunks);
            const path = new URL(req.url ?? "/", "http://proxy").pathname;
            ledger.push({
              path,
              status: up.statusCode ?? 0,
              bytes: payload.length,
              samples: samplesOf(path, payload),
              request: {
                method: req.method ?? "GET",
                url: req.url ?? "/",
                contentType: typeof req.headers["content-type"] === "string" ? req.headers["content-type"] : undefined,
                body: requestBody.toString("utf8"),
              },
              startedMs,
              endedMs: performance.now(),
            });
            const h = { ...up.headers, "content-length": String(payload.length) };
            delete h["transfer-encoding"];
            res.writeHead(up.statusCode ?? 502, h);
            res.end(payload);
          });
        },
      );
      out.on("error", (err) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`bench proxy: ${err.message}`);
      });
      out.end(requestBody);
    });
  });
  // Prometheus keeps idle connections for minutes (its read timeout); Node's 5 s default would close kept-alive
  // connections under the app's feet between panel loads, a failure the real backend would not cause.
  server.keepAliveTimeout = 300_000;
  server.headersTimeout = 310_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ledger,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function samplesOf(path: string, payload: Buffer): number {
  if (!/\/api\/v1\/query(_range)?$/.test(path)) return 0;
  try {
    const body = JSON.parse(payload.toString("utf8")) as { data?: { stats?: { samples?: { totalQueryableSamples?: number } } } };
    return body.data?.stats?.samples?.totalQueryableSamples ?? 0;
  } catch {
    return 0;
  }
}

export const isQueryPath = (path: string) => /\/query(_range)?$/.test(path);

export interface BackendWork {
  requests: number;
  queries: number;
  samples: number;
  bytes: number;
}

/** What the backend did between two ledger positions. */
export function backendWork(ledger: LedgerEntry[], from = 0, to = ledger.length): BackendWork {
  const entries = ledger.slice(from, to);
  return {
    requests: entries.length,
    queries: entries.filter((e) => isQueryPath(e.path)).length,
    samples: entries.reduce((n, e) => n + e.samples, 0),
    bytes: entries.reduce((n, e) => n + e.bytes, 0),
  };
}

/** Identical backend requests (same method, path, query and body) among `entries`: [request, times sent]. */
export function duplicateRequests(entries: readonly LedgerEntry[]): [RecordedRequest, number][] {
  const seen = new Map<string, { request: RecordedRequest; n: number }>();
  for (const e of entries) {
    const key = `${e.request.method} ${e.request.url}\n${e.request.body}`;
    const s = seen.get(key);
    if (s) s.n++;
    else seen.set(key, { request: e.request, n: 1 });
  }
  return [...seen.values()].filter((s) => s.n > 1).map((s) => [s.request, s.n]);
}

/** A readable one-line form of a recorded request (its PromQL when it has one). */
export function describeRequest(r: RecordedRequest): string {
  const params = new URLSearchParams(r.body || new URL(r.url, "http://x").search);
  const path = new URL(r.url, "http://x").pathname;
  const what = params.get("query") ?? params.getAll("match[]").join(", ");
  const span = params.get("start") && params.get("end") ? ` [${params.get("start")}..${params.get("end")} step ${params.get("step") ?? "-"}]` : "";
  return `${path.replace(/^.*\/api\/v1\//, "")} ${what.length > 140 ? `${what.slice(0, 140)}…` : what}${span}`;
}

/**
 * Sends recorded backend requests straight to `target` (no proxy), all at once, and resolves with the wall
 * time from the first send to the last answer: the floor for what a page causing them could take.
 */
export async function fireInParallel(target: string, requests: readonly RecordedRequest[]): Promise<{ ms: number; failed: number }> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    requests.map(
      (r) =>
        new Promise<void>((resolve) => {
          const headers: Record<string, string> = {};
          if (r.contentType) headers["content-type"] = r.contentType;
          if (r.body) headers["content-length"] = String(Buffer.byteLength(r.body));
          const req = httpRequest({ host: upstream.hostname, port: upstream.port, method: r.method, path: r.url, headers, agent }, (res) => {
            if ((res.statusCode ?? 0) >= 400) failed++;
            res.on("data", () => {});
            res.on("end", () => resolve());
            res.on("error", () => {
              failed++;
              resolve();
            });
          });
          req.on("error", () => {
            failed++;
            resolve();
          });
          req.end(r.body || undefined);
        }),
    ),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  return { ms, failed };
}

// ------------------------------------------------------------------------------------------------------------
// Helpers

/** Runs `fn` over `items` with at most `limit` in flight, keeping the results in order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmtCount = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : `${Math.round(n)}`;
export const fmtBytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);
export const fmtMs = (ms: number) => (ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
/** a / b as a number; NaN when b is 0 and a is not (no baseline to compare with). */
export const ratioOf = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : NaN) : a / b);
export const fmtRatio = (r: number) => (Number.isNaN(r) ? "∞" : `${r.toFixed(r < 0.01 && r > 0 ? 4 : 2)}x`);
export const ratio = (a: number, b: number) => fmtRatio(ratioOf(a, b));

/** A table with the first column left-aligned and the others right-aligned. */
export function printTable(rows: string[][], align: "right" | "left" = "right"): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  for (const row of rows) {
    console.log(row.map((cell, c) => (c === 0 || align === "left" ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd());
  }
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
