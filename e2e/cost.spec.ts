// The backend bills per sample processed: off-screen panels are not queried, every query is step-aligned
// and sent once, and the header shows what the last refresh cost.
import type { Response } from "@playwright/test";
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
  page.on("response", (r) => {
    if (panelsAsked(r.url())) {
      responses.push(r);
      urls.push(r.url());
    }
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
  await expect(page.getByTestId("samples-total")).toHaveAttribute("data-samples", String(total));
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
