// Access control and hardening, against `next start` on the production build with a fault proxy in front
// of the real Prometheus (plain Prometheus only: the faults are the proxy's):
// - a backend answering 50 MB per query: a clear error on every panel, the server's memory stays bounded
//   and it lives on;
// - a hung backend: every panel shows its error within the server's timeout + 5 s;
// - a backend answering 429: at most the server's own retries, none from the browser;
// - one user's burst gets 429 while another user's dashboard loads;
// - crafted ranges, windows without data, unknown instances, headers (CSP with nonces, HSTS behind TLS,
//   Cache-Control), and a fuzz of 1,000+ API requests over every route and 200 page URLs: no 5xx, no blank
//   page, no host, port, path or key id in any answer.
// Everything listens on loopback; loops are bounded in count and time.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "@playwright/test";
import { PANELS } from "../lib/panels/catalog";
import { PANEL_BATCH_MAX } from "../lib/api-schema";
import { startApp, type RunningApp } from "../test-support/app-server";
import { startFaultProxy, type FaultProxy } from "../test-support/fault-proxy";
import { dashboardUrl, expect, panel, test } from "./fixtures";

const ROOT = resolve(__dirname, "..");
const MB = 1024 * 1024;
/** The backend timeout of the apps here: short, so the hang test is quick, yet enough for a cold 3 h read on a busy 2-core machine. */
const TIMEOUT_MS = 10_000;
const SECRET = "hardening-proxy-secret-0123456789";
/** A key id a backend's error echoes (AWS's IncompleteSignature does): it must reach neither the browser nor the log. */
const ECHOED_KEY_ID = "AKIAHARDENINGTEST0X1";

// Runs in the prometheus project only (playwright.config.ts): the faults come from a proxy in front of
// plain Prometheus.

// ── helpers ───────────────────────────────────────────────────────────────────────────────────────

/** The identity headers a trusted oauth2-proxy adds (APISCOPE_AUTH=proxy with a shared secret). */
function as(user: string): Record<string, string> {
  return { "x-apiscope-proxy-secret": SECRET, "x-forwarded-user": user, "x-forwarded-email": `${user}@example.com` };
}

/** The pid of the process listening on `url`'s port (next start renames itself next-server). */
function serverPid(url: string): number {
  const port = Number(new URL(url).port);
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m && inodes.has(m[1]!)) return Number(pid);
      }
    } catch {
      /* gone, or not ours */
    }
  }
  throw new Error(`nothing listens on port ${port}`);
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  return kb / 1024;
}

/** Run `work` while sampling the process's RSS every 50 ms; the highest sample. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peakMb = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, rssMb(pid));
    } catch {
      /* the process died: the test says so below */
    }
  }, 50);
  try {
    return { result: await work(), peakMb };
  } finally {
    clearInterval(timer);
  }
}

type PanelOutcome = { data?: { status: string; queries: { series: unknown[] }[] }; error?: { kind: string; message: string; hint: string }; status?: number };

/** A dashboard's panels as the browser asks for them: a few batch requests of one view. */
async function loadPanels(app: RunningApp, headers: Record<string, string>, from: number, to: number): Promise<Map<string, PanelOutcome>> {
  const ids = PANELS.map((p) => p.id);
  const batches = [0, 1, 2, 3].map((k) => ids.filter((_, i) => i % 4 === k));
  const out = new Map<string, PanelOutcome>();
  await Promise.all(
    batches.map(async (batch) => {
      const p = new URLSearchParams({ cluster: "default", start: String(from), end: String(to) });
      for (const id of batch) p.append("p", `${id}:800`);
      const res = await fetch(`${app.url}/api/panels?${p}`, { headers });
      const body = (await res.json()) as { panels?: Record<string, PanelOutcome>; error?: PanelOutcome["error"] };
      for (const id of batch) out.set(id, body.panels?.[id] ?? { error: body.error, status: res.status });
    }),
  );
  return out;
}

/** Panel states on the page: id → data-state, every panel of the catalogue ("missing" until it is on the page). */
async function panelStates(page: Page): Promise<Map<string, string>> {
  const pairs = await page.locator('[data-testid="panel"]').evaluateAll((els) => els.map((e) => [e.getAttribute("data-panel-id")!, e.getAttribute("data-state")!] as const));
  const found = new Map(pairs);
  return new Map(PANELS.map((p) => [p.id, found.get(p.id) ?? "missing"]));
}

async function newPage(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ extraHTTPHeaders: as(user), viewport: { width: 1366, height: 9000 } });
  return context.newPage();
}

// ── one app in proxy sign-in mode behind the fault proxy, with limits small enough to reach ──────────

let proxy: FaultProxy;
let app: RunningApp;
let end: number;

test.beforeAll(async ({ stack }) => {
  end = stack.scenario.timeline.end;
  proxy = await startFaultProxy(stack.prom.url);
  app = await startApp({
    APISCOPE_PROMETHEUS_URL: proxy.url,
    APISCOPE_CLUSTER_NAME: "hardened",
    APISCOPE_TIMEOUT_MS: String(TIMEOUT_MS),
    APISCOPE_AUTH: "proxy",
    APISCOPE_PROXY_MODE: "oauth2-proxy",
    APISCOPE_PROXY_SECRET: SECRET,
    APISCOPE_ALLOWED_USERS: "*",
    APISCOPE_RATE_LIMIT_BURST: "200",
    APISCOPE_RATE_LIMIT_PER_SECOND: "4",
    APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE: "4000000",
  });
});
test.afterAll(async () => {
  await app?.stop();
  await proxy?.stop();
});
test.afterEach(() => {
  proxy.rules = [];
});

test.describe("a backend that misbehaves", () => {
  test("a 50 MB answer per query: every panel says the answer is too large, the server stays within +150 MB and lives", async () => {
    // The bound: each scenario's peak RSS at most 150 MB over the RSS before it, and at most 200 MB over
    // the warmed-up server's over both (memory a collection freed is not always handed back to the OS).
    test.setTimeout(120_000);
    const pid = serverPid(app.url);
    // Warm: a normal load (code paths, caches, discovery), then the baseline.
    const warm = await loadPanels(app, as("warm"), end - 3600, end);
    expect([...warm.values()].filter((o) => !o.data).map((o) => o.error?.message)).toEqual([]);
    const baselineMb = rssMb(pid);

    for (const json of [true, false]) {
      proxy.rules = [{ queryContains: "", fault: { kind: "big", bytes: 50 * MB, json } }];
      const beforeMb = rssMb(pid);
      // A window no load asked for before: every query reaches the backend.
      const from = end - 7200 + (json ? 0 : 600);
      const { result, peakMb } = await peakRss(pid, () => loadPanels(app, as(`big-${json}`), from, from + 3600));
      const kinds = [...result.entries()].map(([id, o]) => `${id}=${o.error?.kind ?? o.data?.status}`);
      // Each panel failed, as too large (or, for a read beyond the in-flight budget, dropped as busy).
      expect(kinds.filter((k) => !/=(too_large|throttled)$/.test(k)), kinds.join(" ")).toEqual([]);
      const tooLarge = [...result.values()].filter((o) => o.error?.kind === "too_large");
      expect(tooLarge.length).toBeGreaterThan(0);
      expect(tooLarge[0]!.error!.message).toMatch(/^The answer is too large: narrow the range or the instance/);
      console.log(`[hardening] 50 MB ${json ? "JSON" : "non-JSON"} answers: RSS ${baselineMb.toFixed(0)} MB warm, ${beforeMb.toFixed(0)} MB before → peak ${peakMb.toFixed(0)} MB`);
      expect(peakMb - beforeMb).toBeLessThan(150);
      expect(peakMb - baselineMb).toBeLessThan(200);
    }
    proxy.rules = [];
    // Alive, and answering.
    expect((await fetch(`${app.url}/api/clusters`, { headers: as("warm") })).status).toBe(200);
    expect(app.logs()).not.toMatch(/heap out of memory|FATAL ERROR/);
  });

  test("a hung backend: every panel shows its error within the server's timeout + 5 s", async ({ browser }) => {
    proxy.rules = [{ queryContains: "", fault: { kind: "hang" } }];
    const page = await newPage(browser, "hang");
    for (const [n, from] of [end - 3600 + 60, end - 3600 + 120].entries()) {
      const started = Date.now();
      await page.goto(dashboardUrl(app, from, from + 3600));
      await expect
        .poll(async () => [...(await panelStates(page)).entries()].filter(([, s]) => s !== "error").map(([id, s]) => `${id}=${s}`), { timeout: TIMEOUT_MS + 8000, intervals: [100] })
        .toEqual([]);
      const elapsed = Date.now() - started;
      console.log(`[hardening] hung backend, load ${n + 1}: every panel in error after ${elapsed} ms (timeout ${TIMEOUT_MS} ms)`);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 5000);
      await expect(panel(page, "request-rate").getByTestId("panel-error")).toHaveAttribute("data-kind", "timeout");
      await expect(panel(page, "request-rate").getByTestId("panel-error")).toContainText('cluster "hardened"');
    }
    await page.context().close();
    // The backend is back: after the cooldown one probe finds out, and the cluster answers again. (Each
    // poll asks for a window of its own: an answer from the result cache would prove nothing.)
    proxy.rules = [];
    let poll = 0;
    await expect
      .poll(async () => {
        const from = end - 5400 + 60 * poll++;
        return (await fetch(`${app.url}/api/panels/longrunning-per-server?cluster=default&start=${from}&end=${from + 3600}`, { headers: as("hang") })).status;
      }, { timeout: 30_000, intervals: [1000] })
      .toBe(200);
  });

  test("a backend answering 429: at most the server's three attempts per query, and the browser asks once", async ({ browser }) => {
    proxy.rules = [{ queryContains: "", fault: { kind: "status", status: 429, body: JSON.stringify({ status: "error", errorType: "unavailable", error: "rate limited" }), headers: { "Retry-After": "1" } } }];
    proxy.reset();
    const page = await newPage(browser, "throttled");
    const asked = new Map<string, number>();
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/")) asked.set(r.url(), (asked.get(r.url()) ?? 0) + 1);
    });
    await page.goto(dashboardUrl(app, end - 3600 + 180, end + 180));
    await expect
      .poll(async () => [...(await panelStates(page)).values()].filter((s) => s !== "error").length, { timeout: 20_000, intervals: [200] })
      .toBe(0);
    await expect(panel(page, "request-rate").getByTestId("panel-error")).toHaveAttribute("data-kind", "throttled");
    const throttled = proxy.requests.filter((r) => r.outcome === "status");
    const perQuery = new Map<string, number>();
    for (const r of throttled) perQuery.set(r.key, (perQuery.get(r.key) ?? 0) + 1);
    console.log(`[hardening] 429: ${throttled.length} backend calls for ${perQuery.size} queries`);
    expect(perQuery.size).toBeGreaterThan(5);
    expect(Math.max(...perQuery.values())).toBeLessThanOrEqual(3);
    expect(throttled.length).toBeLessThanOrEqual(3 * perQuery.size);
    expect(Math.max(...asked.values()), [...asked.entries()].filter(([, n]) => n > 1).map(([u]) => u).join("\n")).toBe(1);
    await page.context().close();
  });

  test("errors name the cluster and say what to do; hosts, ports, paths and key ids stay in the server log, redacted", async () => {
    const faults = [
      { status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: 'parse error at /var/lib/prometheus/wal near 10.1.2.3:9090: unexpected "}"' }) },
      { status: 503, body: "<html><body><h1>503 Service Unavailable</h1>upstream=10.1.2.3:9090 /etc/nginx/nginx.conf</body></html>", contentType: "text/html" },
      {
        status: 403,
        body: JSON.stringify({ message: `Authorization header requires 'Signature'. Authorization=AWS4-HMAC-SHA256 Credential=${ECHOED_KEY_ID}/20260101/eu-west-1/aps/aws4_request, Signature=deadbeefcafe` }),
        headers: { "x-amzn-ErrorType": "IncompleteSignatureException" },
      },
    ];
    for (const [i, f] of faults.entries()) {
      proxy.rules = [{ queryContains: "", fault: { kind: "status", ...f } }];
      const res = await fetch(`${app.url}/api/panels/request-rate?cluster=default&start=${end - 3600 + 240 + i * 60}&end=${end + 240 + i * 60}`, { headers: as("errors") });
      const text = await res.text();
      const body = JSON.parse(text) as { error: { kind: string; message: string; hint: string; detail?: string } };
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(body.error.message).toContain('cluster "hardened"');
      expect(body.error.hint.length).toBeGreaterThan(10);
      expect(text).not.toMatch(/10\.1\.2\.3|9090|\/var\/lib|\/etc\/nginx|<html|AKIA|deadbeef|127\.0\.0\.1/);
      expect(text).not.toContain(new URL(proxy.url).port);
      expect(res.headers.get("cache-control")).toBe("no-store");
      if (f.status === 400) expect(body.error.detail).toMatch(/parse error at \[path\] near \[address\]: unexpected "\}"/);
    }
    proxy.rules = [];
    // The log says where and what exactly, without the key id or the signature.
    await expect.poll(() => app.logs()).toContain("Credential=[redacted]/20260101/eu-west-1/aps/aws4_request");
    expect(app.logs()).toContain("upstream=10.1.2.3:9090");
    expect(app.logs()).not.toContain(ECHOED_KEY_ID);
    expect(app.logs()).not.toContain("deadbeefcafe");
  });
});

test.describe("per-user limits", () => {
  test("one user's burst gets 429 with Retry-After, while another user's dashboard still loads", async ({ browser }) => {
    test.setTimeout(120_000);
    // Alice alone first, for comparison.
    const alice = await newPage(browser, "alice");
    const allOk = async (page: Page) =>
      expect.poll(async () => [...(await panelStates(page)).entries()].filter(([, s]) => s !== "ok").map(([id, s]) => `${id}=${s}`), { timeout: 60_000, intervals: [200] }).toEqual([]);
    let t = Date.now();
    await alice.goto(dashboardUrl(app, end - 3600, end));
    await allOk(alice);
    const alone = Date.now() - t;

    // Mallory: 320 requests for one cheap panel, 16 at a time, each for a window nobody asked for (no cache).
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let next = 0;
    const burstStarted = Date.now();
    const mallory = Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 320) {
          const k = next++;
          const res = await fetch(`${app.url}/api/panels/longrunning-per-server?cluster=default&start=${end - 7200 - k * 60}&end=${end - 3600 - k * 60}&width=1600`, { headers: as("mallory") });
          statuses.push(res.status);
          if (res.status === 429) retryAfter ??= res.headers.get("retry-after");
          await res.arrayBuffer();
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    // Alice meanwhile, on another range.
    const aliceStatuses: number[] = [];
    alice.on("response", (r) => void (new URL(r.url()).pathname.startsWith("/api/") && aliceStatuses.push(r.status())));
    t = Date.now();
    await alice.goto(dashboardUrl(app, end - 3600 - 1800, end - 1800));
    await allOk(alice);
    const during = Date.now() - t;
    await mallory;
    const burstSeconds = (Date.now() - burstStarted) / 1000;
    const refused = statuses.filter((s) => s === 429).length;
    console.log(`[hardening] burst: mallory ${refused}/${statuses.length} refused in ${burstSeconds.toFixed(1)} s (Retry-After ${retryAfter}); alice's dashboard ${alone} ms alone, ${during} ms during the burst`);
    // Mallory got what the bucket holds (200) and its refill (4/s), not more.
    expect(refused).toBeGreaterThan(0);
    expect(statuses.length - refused).toBeLessThanOrEqual(200 + 4 * burstSeconds + 4);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(aliceStatuses.filter((s) => s === 429)).toEqual([]);
    // Slower (the backend is busy with mallory's queries too), never starved.
    expect(during).toBeLessThan(Math.max(5 * alone, alone + 20_000));
    await alice.context().close();
  });

  test("a user over the samples ceiling gets 429 rate_limited with Retry-After; others do not", async ({ stack }) => {
    const stackInstances = stack.scenario.instances;
    test.setTimeout(90_000);
    let refusedBody: { error: { kind: string; message: string } } | null = null;
    let retryAfter: string | null = null;
    // Distinct steps and instances: distinct backend queries, nothing served from the cache.
    const views = [undefined, ...stackInstances].flatMap((instance) => [2, 4, 6].map((hours) => ({ instance, hours })));
    // Each view's panels in batches of at most PANEL_BATCH_MAX, as the browser sends them.
    const ids = PANELS.map((x) => x.id);
    const batches = Array.from({ length: Math.ceil(ids.length / PANEL_BATCH_MAX) }, (_, k) => ids.slice(k * PANEL_BATCH_MAX, (k + 1) * PANEL_BATCH_MAX));
    for (const { instance, hours, batch } of views.flatMap((v) => batches.map((batch) => ({ ...v, batch })))) {
      if (refusedBody) break;
      const p = new URLSearchParams({ cluster: "default", start: String(end - hours * 3600), end: String(end) });
      if (instance) p.set("instance", instance);
      for (const id of batch) p.append("p", `${id}:800`);
      const res = await fetch(`${app.url}/api/panels?${p}`, { headers: as("heavy") });
      expect(res.status === 200 || res.status === 429, `batch of ${batch.length}: ${res.status}`).toBe(true);
      if (res.status === 429) {
        retryAfter = res.headers.get("retry-after");
        refusedBody = (await res.json()) as typeof refusedBody;
        break;
      }
      const body = (await res.json()) as { panels: Record<string, PanelOutcome> };
      const refused = Object.values(body.panels).find((o) => o.error?.kind === "rate_limited");
      if (refused) refusedBody = { error: refused.error! };
    }
    expect(refusedBody?.error.kind).toBe("rate_limited");
    expect(refusedBody?.error.message).toMatch(/backend samples in the last minute/);
    if (retryAfter !== null) expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await fetch(`${app.url}/api/panels/request-rate?cluster=default&start=${end - 3600}&end=${end}`, { headers: as("light") });
    expect(other.status).toBe(200);
  });
});

test.describe("what a request may ask for", () => {
  const get = (path: string, user = "api") => fetch(`${app.url}${path}`, { headers: as(user) });

  test("windows without data answer 200 and empty; an unknown instance is a 400 that queries nothing; too long a range is a 400", async ({ stack }) => {
    const now = Math.floor(Date.now() / 1000);
    for (const q of ["start=0&end=3600", `start=${now + 3600}&end=${now + 7200}`]) {
      const res = await get(`/api/panels/request-rate?cluster=default&${q}`);
      expect(res.status, q).toBe(200);
      const data = (await res.json()) as { status: string; queries: { series: unknown[] }[] };
      expect(data.status).toBe("ok");
      expect(data.queries.every((qr) => qr.series.length === 0), q).toBe(true);
    }
    // An end in the future: the window up to now, with data.
    const future = await get(`/api/panels/request-rate?cluster=default&start=${end - 3600}&end=${now + 3600}`);
    expect(future.status).toBe(200);

    proxy.reset();
    const bogus = await get(`/api/panels/request-rate?cluster=default&start=${end - 3600}&end=${end}&instance=${encodeURIComponent('10.9.9.9:443"} or vector(1) #')}`);
    expect(bogus.status).toBe(400);
    expect(((await bogus.json()) as { error: { kind: string } }).error.kind).toBe("bad_request");
    expect(proxy.requests.filter((r) => r.query !== "")).toEqual([]);
    const real = stack.scenario.instances[0]!;
    expect((await get(`/api/panels/request-rate?cluster=default&start=${end - 3600}&end=${end}&instance=${encodeURIComponent(real)}`)).status).toBe(200);

    const long = await get(`/api/panels/request-rate?cluster=default&start=${end - 33 * 86400}&end=${end}`);
    expect(long.status).toBe(400);
  });

  test("instant queries are evaluated at the step: viewers a few seconds apart share them", async () => {
    const instant = PANELS.find((p) => p.queries.every((q) => q.type === "instant" && !q.histogram && !q.counter))!;
    expect(instant, "a panel of instant queries only").toBeDefined();
    const base = Math.floor((end - 1800) / 60) * 60;
    proxy.reset();
    const first = (await (await get(`/api/panels/${instant.id}?cluster=default&start=${base - 3600 + 7}&end=${base + 7}&width=1200`)).json()) as { window: { evalTime: number; step: number } };
    const seen = proxy.requests.filter((r) => r.path.endsWith("/query")).length;
    const second = (await (await get(`/api/panels/${instant.id}?cluster=default&start=${base - 3600 + 23}&end=${base + 23}&width=1200`)).json()) as { window: { evalTime: number }; queries: { cached: boolean }[] };
    expect(first.window.evalTime % first.window.step).toBe(0);
    expect(second.window.evalTime).toBe(first.window.evalTime);
    expect(second.queries.every((q) => q.cached)).toBe(true);
    expect(proxy.requests.filter((r) => r.path.endsWith("/query")).length).toBe(seen);
  });

  test("six loops moving a 32-day window back 30 s at a time: the queries are shared, not one set per request", async () => {
    const id = "longrunning-per-server";
    proxy.reset();
    let requests = 0;
    await Promise.all(
      Array.from({ length: 6 }, async (_, loop) => {
        for (let k = 0; k < 10; k++) {
          const to = end - 30 * (loop * 10 + k);
          const res = await get(`/api/panels/${id}?cluster=default&start=${to - 32 * 86400}&end=${to}&width=8000`, "looper");
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          requests++;
        }
      }),
    );
    const queries = proxy.requests.filter((r) => r.query !== "");
    const distinct = new Set(queries.map((r) => r.key)).size;
    console.log(`[hardening] cache bypass: ${requests} requests → ${queries.length} backend queries (${distinct} distinct)`);
    // 60 requests over 30 minutes of shifts: a handful of step-aligned windows, each queried once.
    expect(queries.length).toBe(distinct);
    expect(queries.length).toBeLessThanOrEqual(6);
  });

  test("headers: a CSP with a nonce on pages, HSTS behind TLS only, no-store on live API answers and private on past windows", async () => {
    const page = await get("/?from=now-1h&to=now");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const html = await page.text();
    expect(html).toContain(`nonce="${nonce}"`);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("strict-transport-security")).toBeNull();
    // A second page gets another nonce.
    expect((await get("/?from=now-1h&to=now")).headers.get("content-security-policy")).not.toContain(nonce);

    const tls = await fetch(`${app.url}/api/clusters`, { headers: { ...as("api"), "x-forwarded-proto": "https" } });
    expect(tls.headers.get("strict-transport-security")).toMatch(/^max-age=\d{8}/);
    expect(tls.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");

    for (const path of ["/api/clusters", `/api/targets?cluster=default&end=${end}`, `/api/panels/request-rate?cluster=default&start=${end - 600}&end=${Math.floor(Date.now() / 1000)}`, "/api/panels/nope?cluster=default&start=1&end=2", "/api/nothing-here"]) {
      const res = await get(path);
      expect(res.headers.get("cache-control"), path).toMatch(/no-store/);
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
    }
    const past = await get(`/api/panels/request-rate?cluster=default&start=${end - 7200}&end=${end - 3600}`);
    expect(past.headers.get("cache-control")).toBe("private, max-age=3600");
  });

  test("in Chromium: the CSP lets the app run (theme, panels) and blocks nothing of its own; crafted ranges fall back with a notice", async ({ browser }) => {
    const page = await newPage(browser, "csp");
    const violations: string[] = [];
    page.on("console", (m) => m.type() === "error" && /Content Security Policy|Refused to/.test(m.text()) && violations.push(m.text()));
    page.on("pageerror", (e) => violations.push(String(e)));
    await page.goto(dashboardUrl(app, end - 3600, end));
    await expect(panel(page, "request-rate")).toHaveAttribute("data-state", "ok");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toMatch(/^(light|dark)$/);

    for (const path of ["/?from=now-200000000d&to=now-199999999d", "/panel/request-rate?from=now-200000000d&to=now-199999999d", `/?from=${"9".repeat(14)}&to=now`]) {
      await page.goto(app.url + path);
      await expect(page.getByTestId("url-notice"), path).toContainText(/cannot be shown|not a time|longer than 32 days|not before its end/);
      await expect(panel(page, "request-rate"), path).toHaveAttribute("data-state", /ok|empty/);
      await expect(page.locator("body"), path).not.toContainText("Application error");
    }
    // A window that can be drawn but holds nothing: the panels say they are empty, not an error.
    await page.goto(`${app.url}/?from=1970-01-02T00:00:00Z&to=1970-01-02T01:00:00Z`);
    await expect(panel(page, "request-rate")).toHaveAttribute("data-state", "empty");
    expect(violations).toEqual([]);
    await page.context().close();
  });
});

// ── the fuzz: one open app (per-address limits) with limits out of the way ─────────────────────────

test.describe("fuzz", () => {
  let open: RunningApp;
  let instances: readonly string[];

  test.beforeAll(async ({ stack }) => {
    instances = stack.scenario.instances;
    open = await startApp({
      APISCOPE_PROMETHEUS_URL: proxy.url,
      APISCOPE_CLUSTER_NAME: "fuzzed",
      APISCOPE_TIMEOUT_MS: String(TIMEOUT_MS),
      APISCOPE_RATE_LIMIT_BURST: "100000",
      APISCOPE_RATE_LIMIT_PER_SECOND: "100000",
      APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE: "0",
    });
  });
  test.afterAll(async () => open?.stop());

  /** A deterministic generator (xorshift32), so a failure names a reproducible input. */
  function generator(seed: number) {
    let state = seed >>> 0 || 1;
    const rand = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    return { rand, pick };
  }

  /** What no answer may contain: the backend's and the app's addresses, this checkout's paths, key ids, stack frames. */
  function leaks(text: string): string[] {
    const ports = [new URL(proxy.url).port, new URL(open.url).port];
    const found: string[] = [];
    if (text.includes("127.0.0.1")) found.push("127.0.0.1");
    for (const port of ports) if (new RegExp(`[:/]${port}\\b`).test(text)) found.push(`port ${port}`);
    if (text.includes(ROOT)) found.push(ROOT);
    if (/node_modules|webpack-internal|\/\.next\//.test(text)) found.push("a build path");
    if (/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/.test(text)) found.push("a key id");
    if (/\bat [^\s]+ \([^)]+:\d+:\d+\)/.test(text)) found.push("a stack frame");
    return found;
  }

  function requests(count: number, seed: number): string[] {
    const { rand, pick } = generator(seed);
    const now = Math.floor(Date.now() / 1000);
    const ids = PANELS.map((p) => p.id);
    const time = () =>
      pick([
        () => String(end - Math.floor(rand() * 6 * 3600)),
        () => String(end),
        () => String(now + Math.floor(rand() * 86400)),
        () => pick(["0", "1", "3600", "-1", "1e3", "1.5", "", "NaN", "Infinity", "99999999999999999999", "253402300800", "abc", "%00", "0x10"]),
      ])();
    const window = (): [string, string] =>
      pick([
        (): [string, string] => {
          const len = pick([600, 3600, 3 * 3600, 6 * 3600]);
          const e = end - pick([0, 300, 1800]);
          return [String(e - len), String(e)];
        },
        (): [string, string] => ["0", "3600"],
        (): [string, string] => [String(now + 60), String(now + 3660)],
        (): [string, string] => [String(end - 33 * 86400), String(end)],
        (): [string, string] => [time(), time()],
      ])();
    const cluster = () => pick(["default", "default", "default", "nope", "", "../default", "déf", "%22%7D", "x".repeat(150)]);
    const job = () => pick([undefined, undefined, "apiserver", "kube-apiserver", 'x"} or vector(1)', "", "\u0001"]);
    const instance = () => pick([undefined, undefined, undefined, pick(instances), "10.9.9.9:443", '"} or up{', "%0a"]);
    const width = () => pick([undefined, "800", "50", "8000", "49", "8001", "0", "-5", "1e3", "wide"]);
    const qs = (params: Record<string, string | string[] | undefined>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) p.append(k, one);
      if (rand() < 0.1) p.append(pick(["junk", "start", "cluster", "__proto__"]), pick(["1", "", "[]"]));
      return p.toString();
    };
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const [start, stop] = window();
      const route = pick(["panel", "panel", "panel", "batch", "batch", "targets", "findings", "clusters", "other"]);
      if (route === "panel") out.push(`/api/panels/${encodeURIComponent(pick([...ids, ...ids, "nope", "..", "%2e%2e", "<x>"]))}?${qs({ cluster: cluster(), start, end: stop, width: width(), job: job(), instance: instance() })}`);
      else if (route === "batch") {
        const members = Array.from({ length: 1 + Math.floor(rand() * 10) }, () => `${pick([...ids, "nope"])}:${pick(["800", "50", "9999", "x"])}`);
        out.push(`/api/panels?${qs({ cluster: cluster(), start, end: stop, job: job(), instance: instance(), p: rand() < 0.05 ? [] : members })}`);
      } else if (route === "targets") out.push(`/api/targets?${qs({ cluster: cluster(), end: pick([stop, time(), undefined]), job: job() })}`);
      else if (route === "findings") out.push(`/api/findings?${qs({ cluster: cluster(), start, end: stop, job: job(), instance: instance() })}`);
      else if (route === "clusters") out.push(`/api/clusters?${qs({})}`);
      else out.push(pick(["/api/auth/login?returnTo=%2F", "/api/auth/callback?state=x&code=y", "/api/auth/logout", "/api/nothing", "/api/panels/", "/api/panels/a/b", "/api", "/api/targets?cluster=default&end=1e999"]));
    }
    return out;
  }

  async function run(paths: string[], check: (path: string, res: Response, text: string) => void) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < paths.length) {
          const path = paths[next++]!;
          const res = await fetch(`${open.url}${path}`, { redirect: "manual" });
          check(path, res, await res.text());
        }
      }),
    );
  }

  test("1,000+ generated API requests over every route: no 5xx, errors in the API's shape, no leak, always a Cache-Control", async () => {
    test.setTimeout(300_000);
    const paths = requests(1100, 0x5eed);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    await run(paths, (path, res, text) => {
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) problems.push(`${res.status} ${path}: ${text.slice(0, 200)}`);
      // (A redirect's Location names this server itself, as the browser already knows it.)
      const headers = [...res.headers.entries()].filter(([k]) => k !== "location");
      for (const leak of leaks(text + headers.map(([k, v]) => `${k}: ${v}`).join("\n"))) problems.push(`${leak} in ${path}`);
      // Next's own trailing-slash redirect (/api/panels/ → /api/panels) carries no content to protect.
      if (res.status >= 300 && res.status < 400) return;
      if (!path.startsWith("/api/auth/")) {
        if (!/no-store|private/.test(res.headers.get("cache-control") ?? "")) problems.push(`no Cache-Control on ${path}`);
        if ((res.headers.get("content-type") ?? "").includes("json") && res.status >= 400) {
          const body = JSON.parse(text) as { error?: { kind?: unknown; message?: unknown; hint?: unknown } };
          if (typeof body.error?.kind !== "string" || typeof body.error.message !== "string" || typeof body.error.hint !== "string") problems.push(`not an API error: ${path}: ${text.slice(0, 200)}`);
        }
      }
      if (!res.headers.get("content-security-policy")) problems.push(`no CSP on ${path}`);
    });
    console.log(`[hardening] API fuzz: ${paths.length} requests in ${Date.now() - started} ms: ${[...statuses.entries()].sort().map(([s, n]) => `${s}×${n}`).join(" ")}`);
    expect(problems.slice(0, 30)).toEqual([]);
    expect([...statuses.keys()].some((s) => s === 200)).toBe(true);
  });

  test("with a backend that fails in every way: still no leak in any answer, and none of its key ids in the log", async () => {
    test.setTimeout(120_000);
    const faults = [
      { kind: "status" as const, status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error in /srv/prometheus/rules.yml at 10.1.2.3:9090" }) },
      { kind: "status" as const, status: 500, body: "panic: runtime error at /go/src/github.com/prometheus/prometheus/promql/engine.go:1234" },
      { kind: "status" as const, status: 502, body: "<html>Bad Gateway upstream=10.1.2.3:9090</html>", contentType: "text/html" },
      { kind: "status" as const, status: 403, body: JSON.stringify({ message: `Authorization=AWS4-HMAC-SHA256 Credential=${ECHOED_KEY_ID}/20260101/eu-west-1/aps/aws4_request, Signature=0badc0de` }), headers: { "x-amzn-ErrorType": "IncompleteSignatureException" } },
      { kind: "garbage" as const },
      { kind: "big" as const, bytes: 20 * MB, json: true },
    ];
    const metrics = ["apiserver_request", "apiserver_longrunning", "apiserver_flowcontrol", "etcd", "apiserver_current_inflight", "watch"];
    proxy.rules = metrics.map((m, i) => ({ queryContains: m, fault: faults[i % faults.length]! }));
    const problems: string[] = [];
    await run(requests(300, 0xfa17), (path, res, text) => {
      for (const leak of leaks(text)) problems.push(`${leak} in ${res.status} ${path}: ${text.slice(0, 300)}`);
      if (/10\.1\.2\.3|\/srv\/|\/go\/src|deadbeef|0badc0de|Bad Gateway upstream/i.test(text)) problems.push(`the backend's words in ${path}: ${text.slice(0, 300)}`);
      if (res.status >= 500 && !/^(502|504)$/.test(String(res.status))) problems.push(`${res.status} ${path}: ${text.slice(0, 200)}`);
    });
    proxy.rules = [];
    expect(problems.slice(0, 20)).toEqual([]);
    expect(open.logs()).not.toContain(ECHOED_KEY_ID);
    expect(open.logs()).not.toContain("0badc0de");
  });

  test("200 generated page URLs: no 5xx, never a blank or broken page, no leak", async ({ browser }) => {
    test.setTimeout(300_000);
    const { rand, pick } = generator(0xb00c);
    const ids = PANELS.map((p) => p.id);
    const param = () =>
      pick([
        () => "now",
        () => `now-${Math.floor(rand() * 10 ** (1 + Math.floor(rand() * 10)))}${pick(["s", "m", "h", "d", "w", "y"])}`,
        () => String(Math.floor(rand() * 2e12)),
        () => String(end * 1000 - Math.floor(rand() * 6 * 3600_000)),
        () => new Date((rand() * 2 - 0.5) * 4e12).toISOString(),
        () => pick(["", "yesterday", "1e21", "-1", "0", "9999-12-31", "<script>alert(1)</script>", "now-", "%", "now-1h&to=now"]),
      ])();
    const urls: string[] = [];
    for (let i = 0; i < 200; i++) {
      const p = new URLSearchParams({ from: param(), to: param() });
      if (rand() < 0.3) p.set("instance", pick([...instances, "nope", '"} or vector(1)']));
      if (rand() < 0.2) p.set("cluster", pick(["default", "nope", "<b>x</b>"]));
      if (rand() < 0.2) p.set(pick(["job", "refresh", "tz", "collapsed", "finding", "viewPanel", "junk"]), pick(["apiserver", "10s", "utc", "health", "x", ""]));
      const where = pick(["/", "/", "/", `/panel/${pick([...ids, "nope"])}`]);
      urls.push(`${where}?${p}`);
    }
    const problems: string[] = [];
    const pages = await Promise.all(Array.from({ length: 3 }, async () => (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()));
    let next = 0;
    await Promise.all(
      pages.map(async (page) => {
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        while (next < urls.length) {
          const url = urls[next++]!;
          errors.length = 0;
          const res = await page.goto(open.url + url, { waitUntil: "domcontentloaded" });
          const status = res?.status() ?? 0;
          if (status >= 500 || status === 0) problems.push(`${status} ${url}`);
          // The page is drawn: its header (cluster picker) or a panel frame, and never Next's error screen.
          const drawn = await page
            .locator('[data-testid="row"], [data-testid="panel"]')
            .first()
            .waitFor({ timeout: 10_000 })
            .then(() => true, () => false);
          const text = await page.locator("body").innerText();
          if (!drawn || text.trim().length < 20) problems.push(`blank page: ${url}`);
          if (/Application error|Internal Server Error/.test(text)) problems.push(`error page: ${url}`);
          for (const leak of leaks(text + (await page.content()))) problems.push(`${leak} in ${url}`);
          if (errors.length) problems.push(`script error on ${url}: ${errors[0]}`);
        }
        await page.context().close();
      }),
    );
    expect(problems.slice(0, 20)).toEqual([]);
  });
});
