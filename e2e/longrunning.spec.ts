import { chartGeometry, dashboardUrl, expect, panel, scenarioSum, test, tooltipAt, panelsAsked } from "./fixtures";

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

    const g = await chartGeometry(page, PANEL, from, end);
    /** Hover at time t; return the tooltip's time and per-server values. */
    const readAt = async (t: number) => {
      const r = await tooltipAt(page, PANEL, g.xFor(t), g.midY);
      return { time: r.time, values: new Map(Object.entries(r.values)) };
    };

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
    // Hold back the batch that carries this panel (and any single-panel request for it).
    await page.route((url) => panelsAsked(url.href)?.ids.includes(PANEL) ?? false, async (route) => {
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
