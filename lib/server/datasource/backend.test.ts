// Reading a backend's answer: streamed, cut past APISCOPE_MAX_RESPONSE_BYTES, never held whole.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetLimitSettings } from "../limits/settings";
import type { PrometheusClusterConfig } from "../config";
import { inflightResponseBytes, prometheusBackend } from "./backend";
import type { BackendError } from "./errors";

let server: Server;
let url: string;
/** Bytes the server managed to write for the last request before the client went away. */
let written = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    written = 0;
    const mode = new URL(req.url ?? "/", "http://x").pathname.split("/").pop();
    const chunk = Buffer.alloc(64 * 1024, "7");
    if (mode === "query") {
      // 8 MiB of a valid-looking JSON number, chunked, no Content-Length.
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":"success","data":[');
      let n = 0;
      const pump = () => {
        while (n < 128) {
          n++;
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end("]}");
      };
      res.on("close", () => (n = 1e9));
      pump();
    } else if (mode === "slow") {
      // 64 KiB every 5 ms: answers read at the same time interleave.
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(chunk), 5);
      res.on("close", () => clearInterval(timer));
    } else if (mode === "labels") {
      // declared too large up front
      res.writeHead(200, { "content-type": "application/json", "content-length": String(64 * 1024 * 1024) });
      res.write(chunk);
    } else if (mode === "series") {
      // a small gzip that inflates past the limit
      const body = gzipSync(Buffer.alloc(4 * 1024 * 1024, " "));
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(body.length) });
      res.end(body);
    } else {
      // an error page larger than anyone needs: read in part, mapped from its first line
      res.writeHead(503, { "content-type": "text/html" });
      res.end(`<html>503 upstream=10.1.2.3:9090\n${"x".repeat(2 * 1024 * 1024)}</html>`);
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  process.env.APISCOPE_MAX_RESPONSE_BYTES = String(1024 * 1024);
  resetLimitSettings();
});

const cluster = (): PrometheusClusterConfig => ({
  kind: "prometheus",
  id: "p",
  name: "Prod",
  url,
  auth: { type: "none" },
  scrapeIntervalSeconds: 15,
  timeoutMs: 10_000,
  inflightLimits: { readOnly: 400, mutating: 200 },
});
const send = (path: string) => prometheusBackend(cluster()).send({ path, method: "GET", params: new URLSearchParams() }, AbortSignal.timeout(10_000));

async function failure(p: Promise<unknown>): Promise<BackendError> {
  try {
    await p;
  } catch (e) {
    return e as BackendError;
  }
  throw new Error("expected a failure");
}

describe("an answer over APISCOPE_MAX_RESPONSE_BYTES", () => {
  it("streamed without a length: cut just past the limit, the connection closed, 'too large'", async () => {
    const before = process.memoryUsage().arrayBuffers;
    const e = await failure(send("query"));
    expect(e).toMatchObject({ kind: "too_many_samples", publicKind: "too_large" });
    expect(e.message).toMatch(/^The answer is too large: narrow the range or the instance \(over 1 MiB from the Prometheus of cluster "Prod"\)$/);
    expect(e.internal).toMatch(/cut after \d+ bytes, over APISCOPE_MAX_RESPONSE_BYTES=1048576/);
    await new Promise((r) => setTimeout(r, 100));
    // The server could not write the whole 8 MiB: we stopped reading and closed the connection.
    expect(written).toBeLessThan(8 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("declared too large by Content-Length: refused before reading", async () => {
    const e = await failure(send("labels"));
    expect(e.publicKind).toBe("too_large");
    expect(e.internal).toMatch(/declared as 67108864 bytes/);
  });

  it("counted after decompression: a small gzip that inflates past the limit is cut too", async () => {
    expect((await failure(send("series"))).publicKind).toBe("too_large");
  });

  it("an error answer is read only in part: enough for its first line", async () => {
    const r = await send("other");
    expect(r.status).toBe(503);
    expect(r.body.length).toBe(64 * 1024);
    expect(r.body.startsWith("<html>503 upstream=10.1.2.3:9090")).toBe(true);
  });

  it("many big answers at once stay within APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES: the read that would cross it is dropped", async () => {
    process.env.APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES = String(1024 * 1024);
    resetLimitSettings();
    const errors = await Promise.all(Array.from({ length: 6 }, () => failure(send("slow"))));
    delete process.env.APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES;
    for (const e of errors) expect(["too_large", undefined]).toContain(e.publicKind);
    expect(errors.some((e) => e.kind === "throttled" && /Too many large answers at once/.test(e.message))).toBe(true);
    expect(inflightResponseBytes()).toBe(0);
  });

  it("within the limit, read whole", async () => {
    process.env.APISCOPE_MAX_RESPONSE_BYTES = String(16 * 1024 * 1024);
    resetLimitSettings();
    const r = await send("query");
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(8 * 1024 * 1024 + '{"status":"success","data":[]}'.length);
  });
});
