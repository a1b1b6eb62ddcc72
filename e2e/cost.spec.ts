// The backend bills per sample processed: off-screen panels are not queried, every query is step-aligned
// and sent once, and the header shows what the last refresh cost.
import type { Response } from "@playwright/test";
import { startApp } from "../test-support/app-server";
import { startFaultProxy } from "../test-support/fault-proxy";
import { dashboardUrl, expect, panel, panelsAsked, test } from "./fixtures";

test("panels off screen are not queried until scrolled to", async ({ page, stack }) => {
  const { end } = stack.scenario.timeline;
  const asked = new Set<string>();
  page.on("request", (r) => panelsAsked(r.url())?.ids.forEach((id) => asked.add(id)));
  await page.goto(dashboardUrl(stack.app, end - 3600, end));
  await expect(panel(page, "longrunning-per-server")).toHaveAttribute("data-state", "ok");
  expect(asked.has("process")).toBe(false);
  await panel(page, "process").scrollIntoViewIfNeeded();
  await expect(panel(page, "process")).toHaveAttribute("data-state", "ok");
  expect(asked.has("process")).toBe(true);
});

test("every query is step-aligned, sent once, and the header totals the samples processed", async ({ page, stack }) => {
  const { end } = stack.scenario.timeline;
  const responses: Response[] = [];
  const urls: string[] = [];
  const findings: Response[] = [];
  page.on("response", (r) => {
    if (panelsAsked(r.url())) {
      responses.push(r);
      urls.push(r.url());
    } else if (new URL(r.url()).pathname === "/api/findings") findings.push(r);
  });
  await page.goto(dashboardUrl(stack.app, end - 3 * 3600 + 7, end - 13));
  await expect(panel(page, "longrunning-per-server")).toHaveAttribute("data-state", "ok");
  await expect(panel(page, "request-rate")).toHaveAttribute("data-state", "ok");
  await page.waitForLoadState("networkidle");
  expect(new Set(urls).size).toBe(urls.length);
  let total = 0;
  for (const r of responses) {
    type Body = {
      window: { start: number; end: number; step: number };
      samplesProcessed: number;
      queries: { cached: boolean; readExpr?: string; stats: { samplesProcessed: number } | null }[];
    };
    const json = (await r.json()) as Body | { panels: Record<string, { data?: Body }> };
    for (const body of "panels" in json ? Object.values(json.panels).flatMap((p) => (p.data ? [p.data] : [])) : [json]) {
    expect(body.window.start % body.window.step).toBe(0);
    expect(body.window.end % body.window.step).toBe(0);
    // Queries derived from one shared read (same readExpr) cost that read once.
    const cost = (q: (typeof body.queries)[number]) => (q.cached ? 0 : (q.stats?.samplesProcessed ?? 0));
    const reads = new Map(body.queries.filter((q) => q.readExpr).map((q) => [q.readExpr!, cost(q)]));
    const own = body.queries.filter((q) => !q.readExpr).reduce((n, q) => n + cost(q), 0);
    expect(body.samplesProcessed).toBe(own + [...reads.values()].reduce((a, b) => a + b, 0));
    total += body.samplesProcessed;
    }
  }
  expect(total).toBeGreaterThan(0);
  // The findings read the same shared families; what they cost is in the header's total too.
  expect(findings).toHaveLength(1);
  const findingsCost = ((await findings[0]!.json()) as { samplesProcessed: number }).samplesProcessed;
  await expect(page.getByTestId("samples-total")).toHaveAttribute("data-samples", String(total + findingsCost));
});

test("the theme follows the user's choice across visits", async ({ page, stack }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto(`${stack.app.url}/?from=now-1h&to=now`);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.getByRole("button", { name: "Switch theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
});

test("the page starts the view's shared reads before the browser asks for a panel, and no query is sent twice", async ({ page, stack }) => {
  // Its own server, behind a pass-through proxy that records every backend request.
  const proxy = await startFaultProxy(stack.prom.url);
  const app = await startApp({ APISCOPE_PROMETHEUS_URL: proxy.url, APISCOPE_CLUSTER_NAME: "prefetch" });
  try {
    const sharedRead = () => proxy.requests.some((r) => r.query.includes("increase(apiserver_request_duration_seconds_bucket"));
    let heldPanels = 0;
    // Every API request of the page (panels, findings, targets…) is held until the backend has seen the API
    // latency family's shared read: without the page's prefetch nothing would ask for it, and the test
    // would time out here.
    await page.route("**/api/**", async (route) => {
      if (new URL(route.request().url()).pathname === "/api/panels") heldPanels++;
      await expect.poll(sharedRead, { timeout: 15_000 }).toBe(true);
      await route.continue();
    });
    // A relative range: the browser resolves it against the page's "now", so it asks for the same queries.
    await page.goto(`${app.url}/?from=now-1h&to=now`);
    // Tiles at the top of the page, drawn from the shared reads.
    await expect(panel(page, "api-latency-p99")).toHaveAttribute("data-state", "ok");
    await expect(panel(page, "etcd-latency-p99")).toHaveAttribute("data-state", "ok");
    await page.waitForLoadState("networkidle");
    expect(heldPanels).toBeGreaterThan(0);
    const keys = proxy.requests.map((r) => r.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    // What the prefetch cost is reported by the first request that used it (a panel or the findings, both
    // released at once above): the header, which totals both, is not zero.
    await expect(page.getByTestId("findings")).not.toContainText("Looking for causes");
    await expect.poll(async () => Number(await page.getByTestId("samples-total").getAttribute("data-samples"))).toBeGreaterThan(0);
  } finally {
    await app.stop();
    await proxy.stop();
  }
});
