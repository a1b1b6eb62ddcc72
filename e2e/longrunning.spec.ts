import { dashboardUrl, expect, panel, scenarioSum, test } from "./fixtures";

const PANEL = "longrunning-per-server";
const METRIC = "apiserver_longrunning_requests";

test.describe("Long-running requests per API server", () => {
  test("draws one line per API server with the scenario's values, and the incident's shape", async ({ page, stack }) => {
    const { scenario, app } = stack;
    const { end, stormStart, stormEnd } = scenario.timeline;
    const from = end - 3 * 3600;
    await page.goto(dashboardUrl(app, from, end));
    const p = panel(page, PANEL);
    await expect(p).toHaveAttribute("data-state", "ok");

    // Three lines, each labelled by an API server's instance.
    const legend = p.getByTestId("legend-item");
    await expect(legend).toHaveCount(scenario.instances.length);
    const names = (await legend.allTextContents()).map((t) => t.replace("■", "").trim()).sort();
    expect(names).toEqual([...scenario.instances].sort());

    const chart = p.locator(".recharts-surface").first();
    // Panels above load lazily and change height: measure once the page has settled.
    await page.waitForLoadState("networkidle");
    const box = (await chart.boundingBox())!;
    const plotLeft = box.x + 80; // y axis width + margin
    const plotRight = box.x + box.width - 14;
    const xFor = (t: number) => plotLeft + ((t - from) / (end - from)) * (plotRight - plotLeft);

    /** Hover at time t; return the tooltip's time and per-server values. */
    async function readAt(t: number) {
      await page.mouse.move(xFor(t), box.y + box.height / 2);
      const tip = p.getByTestId("chart-tooltip");
      await expect(tip).toBeVisible();
      const time = Number(await tip.getAttribute("data-time"));
      const values = new Map<string, number>();
      for (const row of await tip.locator("[data-series]").all()) {
        values.set((await row.getAttribute("data-series"))!, Number(await row.getAttribute("data-value")));
      }
      return { time, values };
    }

    // At a known moment the values are exactly the scenario's (the backfill is on the query step grid).
    const mid = await readAt(stormStart + 20 * 60);
    expect(mid.values.size).toBe(scenario.instances.length);
    for (const instance of scenario.instances) {
      expect(mid.values.get(instance)).toBe(scenarioSum(scenario, instance, mid.time, METRIC));
    }

    // The fix (agents switch to informers) adds about 1,000 WATCH connections across the servers.
    const before = await readAt(stormStart - 10 * 60);
    const after = await readAt(stormEnd + 15 * 60);
    const total = (r: { values: Map<string, number> }) => [...r.values.values()].reduce((a, b) => a + b, 0);
    expect(before.time).toBeLessThan(stormStart);
    expect(after.time).toBeGreaterThan(stormEnd);
    expect(total(after) - total(before)).toBeGreaterThan(700);
    expect(total(after) - total(before)).toBeLessThan(1300);
  });

  test("shows a loading state while the data is on its way", async ({ page, stack }) => {
    const { scenario, app } = stack;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await page.route(`**/api/panels/${PANEL}?**`, async (route) => {
      await gate;
      await route.continue();
    });
    await page.goto(dashboardUrl(app, scenario.timeline.end - 3600, scenario.timeline.end));
    const p = panel(page, PANEL);
    await expect(p.getByTestId("panel-loading")).toBeVisible();
    await expect(p).toHaveAttribute("data-state", "loading");
    release();
    await expect(p).toHaveAttribute("data-state", "ok");
    await expect(p.getByTestId("panel-loading")).toHaveCount(0);
  });
});
