// P1 of `npm run bench`: the dashboard in Chromium (Debian's /usr/bin/chromium through Playwright) against
// `next start`, timed until every panel has painted, against the same backend queries fired directly at
// Prometheus in parallel.
//
// - Every load gets a fresh browser context (no HTTP cache) and a cluster id the server has never seen (its
//   own counting proxy: caches are cold, the server's code is warm). One untimed load warms the server,
//   Chromium and Prometheus first.
// - The viewport is as tall as the dashboard, so every panel is on screen (panels off screen wait to be
//   scrolled to). Its height is measured on the warm-up load.
// - "Painted": a MutationObserver in the page notes when the last [data-testid=panel] leaves
//   data-state="loading"; two animation frames later that frame has been painted. performance.now() counts
//   from the navigation's start, so the time includes the HTML, the scripts and the API calls.
// - The baseline: the backend requests that load caused (as the counting proxy saw them), sent again
//   straight to Prometheus, all at once.
import { chromium, type Browser } from "@playwright/test";
import { backendWork, duplicateRequests, fireInParallel, median, type BackendWork, type LedgerEntry, type RecordedRequest } from "./bench-common";
import type { BenchCluster } from "./bench-apps";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const VIEWPORT_WIDTH = 1366;
const FIRST_GUESS_HEIGHT = 9000;
const LOAD_TIMEOUT_MS = 60_000;

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

export interface ApiCall {
  /** Path and query, as the page asked. */
  url: string;
  status: number;
  /** Response body bytes on the wire (gzip when the server compressed it) and decoded. */
  wireBytes: number;
  bodyBytes: number;
  /** ms since navigation start (the page's clock) when the request went out and its answer was in. */
  startedMs: number;
  endedMs: number;
}

export interface PageLoad {
  /** ms from navigation start: last panel out of "loading", and the frame showing it painted. */
  settledMs: number;
  paintedMs: number;
  /** data-state of each panel when the last one settled. */
  states: Record<string, string>;
  calls: ApiCall[];
  /** Height of the dashboard's content in CSS px (to the last panel's bottom) once everything settled. */
  pageHeight: number;
}

declare global {
  interface Window {
    __benchPainted?: { settled: number; painted: number; states: [string, string][] };
  }
}

/** Loads `url` in a fresh context and waits until every panel has left "loading" and that frame is painted. */
export async function loadDashboard(browser: Browser, url: string, viewportHeight: number, expectedPanels: number): Promise<PageLoad> {
  const context = await browser.newContext({ viewport: { width: VIEWPORT_WIDTH, height: viewportHeight } });
  try {
    // A string, not a function: tsx (esbuild keepNames) would wrap named functions in a helper the page lacks.
    await context.addInitScript(`(() => {
      const expected = ${expectedPanels};
      let done = false;
      const check = () => {
        if (done) return;
        const panels = document.querySelectorAll('[data-testid="panel"]');
        if (panels.length < expected) return;
        for (const p of panels) if (p.getAttribute("data-state") === "loading") return;
        done = true;
        const settled = performance.now();
        const states = [...panels].map((p) => [p.dataset.panelId || "?", p.dataset.state || "?"]);
        requestAnimationFrame(() => requestAnimationFrame(() => (window.__benchPainted = { settled, painted: performance.now(), states })));
      };
      new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
    })();`);
    const page = await context.newPage();
    const pending: Promise<ApiCall | null>[] = [];
    page.on("requestfinished", (req) => {
      const u = new URL(req.url());
      if (!u.pathname.startsWith("/api/")) return;
      pending.push(
        (async () => {
          const timing = req.timing();
          const startedMs = timing.startTime; // epoch ms: made relative to the page's clock below
          const endedMs = timing.startTime + Math.max(0, timing.responseEnd);
          const [sizes, response] = await Promise.all([req.sizes(), req.response()]);
          const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
          return { url: u.pathname + u.search, status: response?.status() ?? 0, wireBytes: sizes.responseBodySize, bodyBytes: body.length, startedMs, endedMs };
        })().catch(() => null),
      );
    });
    await page.goto(url, { waitUntil: "commit" });
    try {
      await page.waitForFunction(() => window.__benchPainted !== undefined, undefined, { timeout: LOAD_TIMEOUT_MS, polling: 100 });
    } catch (err) {
      // Say what the page shows instead: which panels never left "loading", or what is there instead of panels.
      const seen = await page
        .evaluate(() => {
          const panels = [...document.querySelectorAll<HTMLElement>('[data-testid="panel"]')];
          const loading = panels.filter((p) => p.dataset.state === "loading").map((p) => p.dataset.panelId);
          return `${panels.length} panels, still loading: ${loading.join(", ") || "none"}; page text: ${document.body?.innerText.replace(/\s+/g, " ").slice(0, 300)}`;
        })
        .catch((e: unknown) => `page unreadable (${String(e)})`);
      throw new Error(`${url}: not every panel painted after ${LOAD_TIMEOUT_MS / 1000} s (${seen}); ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    }
    const result = (await page.evaluate(() => window.__benchPainted))!;
    // Let anything the page still sends after painting (re-fetches) finish: it is part of what the load cost.
    await page.waitForLoadState("networkidle", { timeout: 15_000 }).catch(() => {});
    const pageHeight = await page.evaluate(() =>
      Math.ceil(Math.max(0, ...[...document.querySelectorAll('[data-testid="panel"]')].map((p) => p.getBoundingClientRect().bottom + window.scrollY))),
    );
    const timeOrigin = await page.evaluate(() => performance.timeOrigin);
    const calls = (await Promise.all(pending)).filter((c): c is ApiCall => c !== null);
    for (const c of calls) {
      c.startedMs -= timeOrigin;
      c.endedMs -= timeOrigin;
    }
    return { settledMs: result.settled, paintedMs: result.painted, states: Object.fromEntries(result.states), calls, pageHeight };
  } finally {
    await context.close();
  }
}

export interface P1Rep {
  load: PageLoad;
  work: BackendWork;
  requests: RecordedRequest[];
  baselineMs: number;
  baselineFailed: number;
  /** Panels the page asked for more than once, and how often. */
  repeatedPanels: [string, number][];
  /** Identical backend requests the load sent more than once. */
  duplicates: [RecordedRequest, number][];
  /** API calls that went out after every panel had painted. */
  late: ApiCall[];
  /** When the proxy saw the load's backend requests: the first arrive, the last answered (ms after the first). */
  backendSpan: { first: number; last: number };
}

export interface P1Result {
  label: string;
  viewportHeight: number;
  reps: P1Rep[];
  paintedMs: number;
  baselineMs: number;
  ratio: number;
}

const panelIdOf = (url: string) => /^\/api\/panels\/([^?]+)/.exec(url)?.[1];

/**
 * P1 for one view: `warm` is loaded untimed first, then each of `reps` (fresh clusters) is loaded and its
 * backend requests are fired straight at `promUrl`.
 */
export async function measureP1(opts: {
  browser: Browser;
  label: string;
  appUrl: string;
  promUrl: string;
  /** Loaded untimed first to warm everything up and measure the dashboard's height; or give `viewportHeight`. */
  warm?: BenchCluster;
  viewportHeight?: number;
  reps: BenchCluster[];
  from: number;
  to: number;
  expectedPanels: number;
}): Promise<P1Result> {
  const urlFor = (cluster: string) => `${opts.appUrl}/?${new URLSearchParams({ cluster, from: String(opts.from * 1000), to: String(opts.to * 1000) })}`;
  let height = opts.viewportHeight ?? FIRST_GUESS_HEIGHT;
  if (opts.warm) {
    let warm = await loadDashboard(opts.browser, urlFor(opts.warm.id), height, opts.expectedPanels);
    if (warm.pageHeight + 100 > height) {
      // Taller than the guess: panels below it loaded late. Warm up again with the measured height.
      height = warm.pageHeight + 400;
      warm = await loadDashboard(opts.browser, urlFor(opts.warm.id), height, opts.expectedPanels);
    }
    // The content's height plus the page's bottom padding: every panel on screen, not a pixel more to paint.
    if (opts.viewportHeight === undefined) height = Math.max(900, warm.pageHeight + 60);
  }

  const reps: P1Rep[] = [];
  for (const cluster of opts.reps) {
    const mark = cluster.proxy.ledger.length;
    const load = await loadDashboard(opts.browser, urlFor(cluster.id), height, opts.expectedPanels);
    const entries: LedgerEntry[] = cluster.proxy.ledger.slice(mark);
    const requests = entries.map((e) => e.request);
    const baseline = await fireInParallel(opts.promUrl, requests);
    const perPanel = new Map<string, number>();
    for (const c of load.calls) {
      const id = panelIdOf(c.url);
      if (id) perPanel.set(id, (perPanel.get(id) ?? 0) + 1);
    }
    reps.push({
      load,
      work: backendWork(entries),
      requests,
      baselineMs: baseline.ms,
      baselineFailed: baseline.failed,
      repeatedPanels: [...perPanel].filter(([, n]) => n > 1),
      duplicates: duplicateRequests(entries),
      late: load.calls.filter((c) => c.startedMs > load.paintedMs),
      backendSpan: entries.length
        ? { first: 0, last: Math.max(...entries.map((e) => e.endedMs)) - Math.min(...entries.map((e) => e.startedMs)) }
        : { first: 0, last: 0 },
    });
  }
  const paintedMs = median(reps.map((r) => r.load.paintedMs));
  const baselineMs = median(reps.map((r) => r.baselineMs));
  return { label: opts.label, viewportHeight: height, reps, paintedMs, baselineMs, ratio: paintedMs / baselineMs };
}
