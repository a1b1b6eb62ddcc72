// The whole dashboard as an SRE sees it: every row renders without an error, the crosshair follows the
// pointer across every chart, and the heatmap's hover count is the bucket's increase.
import { mkdirSync } from "node:fs";
import { PANELS } from "../lib/panels/catalog";
import { dashboardUrl, expect, panel, test } from "./fixtures";

test.use({ viewport: { width: 1366, height: 900 } });

test("every row renders, no panel errors, and a full-page screenshot is kept", async ({ page, stack }) => {
  const { end } = stack.scenario.timeline;
  await page.goto(dashboardUrl(stack.app, end - 3 * 3600, end));
  await expect(page.locator('[data-testid="row"]')).toHaveCount(8);
  for (const p of PANELS) {
    const el = panel(page, p.id);
    await el.scrollIntoViewIfNeeded();
    await expect(el, p.id).not.toHaveAttribute("data-state", "loading");
    await expect(el, p.id).not.toHaveAttribute("data-state", "error");
  }
  await expect(page.getByTestId("panel-error")).toHaveCount(0);
  // The incident's data is on the page: every panel drew something.
  const states = await page.locator('[data-testid="panel"]').evaluateAll((els) => els.map((e) => `${e.getAttribute("data-panel-id")}=${e.getAttribute("data-state")}`));
  expect(states.filter((s) => !s.endsWith("=ok"))).toEqual([]);
  mkdirSync("e2e-artifacts", { recursive: true });
  await page.screenshot({ path: "e2e-artifacts/dashboard-1.30.png", fullPage: true });
});

test("hovering one chart moves the crosshair on every chart and heatmap", async ({ page, stack }) => {
  const { end } = stack.scenario.timeline;
  const from = end - 3 * 3600;
  // Tall enough that every panel is on screen and drawn.
  await page.setViewportSize({ width: 1366, height: 9000 });
  await page.goto(dashboardUrl(stack.app, from, end));
  for (const p of PANELS) await expect(panel(page, p.id), p.id).toHaveAttribute("data-state", "ok");
  const source = panel(page, "longrunning-per-server").locator(".ts-surface").first();
  const box = (await source.boundingBox())!;
  const others = PANELS.filter((p) => p.chart === "timeseries" && p.id !== "longrunning-per-server");
  const heatmaps = PANELS.filter((p) => p.chart === "heatmap");

  async function positions() {
    const lines: number[] = [];
    for (const p of others) {
      const line = panel(page, p.id).locator(".apiscope-crosshair line").first();
      await expect(line, p.id).toBeAttached();
      lines.push(Number(await line.getAttribute("x1")));
    }
    for (const p of heatmaps) {
      const line = panel(page, p.id).getByTestId("crosshair-line");
      await expect(line, p.id).toBeAttached();
      lines.push(Number(await line.getAttribute("data-time")));
    }
    return lines;
  }
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  const first = await positions();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
  const second = await positions();
  first.forEach((x, i) => expect(second[i]!, `chart ${i}`).toBeGreaterThan(x));
});

test("the API heatmap's hover count equals the bucket's increase queried directly", async ({ page, stack }) => {
  const { end, stormStart } = stack.scenario.timeline;
  const from = end - 3 * 3600;
  await page.goto(dashboardUrl(stack.app, from, end));
  const p = panel(page, "api-latency-heatmap");
  await p.scrollIntoViewIfNeeded();
  await expect(p).toHaveAttribute("data-state", "ok");
  await p.getByRole("button", { name: "PromQL" }).click();
  const expr = (await p.getByTestId("panel-promql").locator("pre").first().textContent())!;
  const canvas = p.locator("canvas").first();
  // Panels above load lazily and change height: let the page settle, then measure right before hovering.
  await page.waitForLoadState("networkidle");
  // A cell in the slow band during the storm, and one in the fast band.
  for (const yFrac of [0.15, 0.8]) {
    const tip = p.getByTestId("heatmap-tooltip");
    await expect(async () => {
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      const x = box.x + box.width * ((stormStart + 1800 - from) / (end - from));
      await page.mouse.move(x, box.y + box.height * yFrac);
      await expect(tip).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const t = Number(await tip.getAttribute("data-time"));
    const lower = await tip.getAttribute("data-bucket-lower");
    const upper = await tip.getAttribute("data-bucket-upper");
    const count = Number(await tip.getAttribute("data-count"));
    const res = await fetch(`${stack.prom.url}/api/v1/query`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: expr, time: String(t) }),
    });
    const body = (await res.json()) as { data: { result: { metric: { le: string }; value: [number, string] }[] } };
    const at = (le: string | null) => {
      if (le === null || Number(le) === 0) return 0;
      const want = le === "+Inf" ? Infinity : Number(le);
      const hit = body.data.result.find((r) => (r.metric.le === "+Inf" ? Infinity : Number(r.metric.le)) === want);
      return Number(hit!.value[1]);
    };
    expect(count).toBeCloseTo(at(upper) - at(lower), 6);
    expect(count).toBeGreaterThan(0);
  }
});

test("the first row flags what is wrong mid-incident, and nothing before it", async ({ page, stack }) => {
  const { stormStart, stormEnd } = stack.scenario.timeline;
  const tiles = ["apf-rejections-rate", "etcd-latency-p99", "terminations"];
  await page.goto(dashboardUrl(stack.app, stormStart - 3600, stormEnd - 600));
  for (const id of tiles) await expect(panel(page, id).getByTestId("stat-value"), id).toHaveAttribute("data-bad", "true");
  await page.goto(dashboardUrl(stack.app, stormStart - 3 * 3600, stormStart - 600));
  for (const id of ["api-latency-p99", "etcd-latency-p99"]) await expect(panel(page, id).getByTestId("stat-value"), id).toHaveAttribute("data-bad", "false");
  await expect(panel(page, "apf-rejections-rate")).toHaveAttribute("data-state", "empty");
  await expect(panel(page, "apf-rejections-rate")).toContainText("No APF rejections in this range.");
});
