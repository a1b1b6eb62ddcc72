// GET /api/panels/<id> as Next calls it: the request's parameters reach panelData parsed, and the answer's
// Cache-Control follows the window panelData actually answered for, measured against the clock.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import type { PanelData } from "@/lib/api-schema";
import { DataSourceError } from "@/lib/server/datasource/types";

const panelData = vi.fn<(panelId: string, params: unknown, signal?: AbortSignal) => Promise<PanelData>>();
vi.mock("@/lib/server/dashboard", () => ({ panelData: (...args: Parameters<typeof panelData>) => panelData(...args) }));

// One configured cluster ("default"), no sign-in: whatever checks the route makes before answering (the
// cluster exists, the caller may see it) pass, so these tests see the answer itself.
for (const name of Object.keys(process.env)) if (name.startsWith("APISCOPE_")) delete process.env[name];
process.env.APISCOPE_PROMETHEUS_URL = "http://127.0.0.1:9"; // never contacted: panelData is mocked
process.env.APISCOPE_CLUSTER_NAME = "test";

const { GET } = await import("./route");

const NOW = 1_795_000_000; // unix seconds

function dataEndingAt(end: number): PanelData {
  return {
    panelId: "request-rate",
    status: "ok",
    window: { start: end - 3600, end, step: 30, rateInterval: 60, evalTime: end },
    queries: [],
    samplesProcessed: 0,
  };
}

async function get(query: string, panelId = "request-rate") {
  const res = await GET(new NextRequest(`http://127.0.0.1:3000/api/panels/${panelId}?${query}`), { params: Promise.resolve({ panelId }) });
  return { res, body: (await res.json()) as unknown };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW * 1000);
  panelData.mockReset();
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("GET /api/panels/[panelId]", () => {
  it("passes the panel id and the parsed parameters to panelData", async () => {
    panelData.mockResolvedValue(dataEndingAt(NOW));
    const { res } = await get(`cluster=default&start=${NOW - 3600}&end=${NOW}&width=640&job=apiserver`);
    expect(res.status).toBe(200);
    expect(panelData).toHaveBeenCalledTimes(1);
    const [id, params] = panelData.mock.calls[0]!;
    expect(id).toBe("request-rate");
    expect(params).toMatchObject({ cluster: "default", start: NOW - 3600, end: NOW, width: 640, job: "apiserver" });
  });

  it("a past window (ended 2 hours ago) is cacheable by the browser for an hour", async () => {
    panelData.mockResolvedValue(dataEndingAt(NOW - 7200));
    const { res, body } = await get(`cluster=default&start=${NOW - 10_800}&end=${NOW - 7200}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, max-age=3600");
    expect(body).toEqual(dataEndingAt(NOW - 7200));
  });

  it("a window ending just over 10 minutes ago is cacheable; one ending within 10 minutes is not", async () => {
    panelData.mockResolvedValue(dataEndingAt(NOW - 601));
    expect((await get(`cluster=default&start=${NOW - 3600}&end=${NOW - 601}`)).res.headers.get("cache-control")).toBe("private, max-age=3600");
    panelData.mockResolvedValue(dataEndingAt(NOW - 599));
    expect((await get(`cluster=default&start=${NOW - 3600}&end=${NOW - 599}`)).res.headers.get("cache-control")).toBe("no-store");
  });

  it("a window touching now is never stored", async () => {
    panelData.mockResolvedValue(dataEndingAt(NOW));
    expect((await get(`cluster=default&start=${NOW - 3600}&end=${NOW}`)).res.headers.get("cache-control")).toBe("no-store");
  });

  it("decides on the window panelData answered for, not on the requested end", async () => {
    // Asked for a past end, but the answer's window reaches into the last 10 minutes: not immutable.
    panelData.mockResolvedValue(dataEndingAt(NOW - 60));
    expect((await get(`cluster=default&start=${NOW - 7200}&end=${NOW - 3600}`)).res.headers.get("cache-control")).toBe("no-store");
  });

  it("follows the clock: the same window becomes cacheable once 10 minutes have passed", async () => {
    panelData.mockResolvedValue(dataEndingAt(NOW));
    expect((await get(`cluster=default&start=${NOW - 3600}&end=${NOW}`)).res.headers.get("cache-control")).toBe("no-store");
    vi.setSystemTime((NOW + 601) * 1000);
    expect((await get(`cluster=default&start=${NOW - 3600}&end=${NOW}`)).res.headers.get("cache-control")).toBe("private, max-age=3600");
  });

  it("an invalid parameter is a 400 naming it, and nothing is queried", async () => {
    const { res, body } = await get(`cluster=default&start=${NOW - 3600}&end=soon`);
    expect(res.status).toBe(400);
    expect(body).toMatchObject({ error: { kind: "bad_request", message: expect.stringMatching(/^Invalid end: /) } });
    expect(panelData).not.toHaveBeenCalled();
    expect(res.headers.get("cache-control") ?? "").not.toContain("max-age");
  });

  it("a data-source failure is mapped by errorResponse and never marked cacheable", async () => {
    panelData.mockRejectedValue(new DataSourceError("throttled", "AMP throttled the query.", { hint: "Wait a few seconds." }));
    const { res, body } = await get(`cluster=default&start=${NOW - 10_800}&end=${NOW - 7200}`);
    expect(res.status).toBe(429);
    expect(body).toEqual({ error: { kind: "throttled", message: "AMP throttled the query.", hint: "Wait a few seconds." } });
    expect(res.headers.get("cache-control") ?? "").not.toContain("max-age");
  });
});
