// The alerts strip in Chromium: the backend's own alerts about the API server beside the findings.
// - the shared e2e stack loads no rules: the strip says so and how to load the recommended ones;
// - a stack of its own (the demo's setup: the live watch-surge scenario, Prometheus evaluating
//   rules/apiscope.rules.yml) shows the alert, its age and a link to its panel for its window;
// - a failing alerts request (injected) leaves the findings and the panels alone.
import { startApp, type RunningApp } from "../test-support/app-server";
import { liveScenarioPrometheus, promAlerts, waitForAlerts, type LiveScenario } from "../test-support/live-scenario";
import { dashboardUrl, expect, panel, test } from "./fixtures";

const alertsTest = test.extend<object, { alertsStack: { app: RunningApp; live: LiveScenario } }>({
  alertsStack: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const live = await liveScenarioPrometheus({ incident: "watch-surge" });
      const app = await startApp({ APISCOPE_PROMETHEUS_URL: live.prom.url, APISCOPE_CLUSTER_NAME: "demo (live)" });
      await waitForAlerts(live.prom.url, (a) => a.some((x) => x.labels.alertname === "ApiserverWatchSurge"));
      await use({ app, live });
      await app.stop();
      await live.stop();
    },
    { scope: "worker", timeout: 180_000 },
  ],
});

test("without alerting rules on the backend, the strip says how to load the recommended ones", async ({ page, stack }) => {
  const end = stack.scenario.timeline.end;
  await page.goto(dashboardUrl(stack.app, end - 3600, end));
  const strip = page.getByTestId("alerts");
  await expect(strip.getByTestId("alerts-no-rules")).toContainText("No alerting rules about the API server are loaded");
  await expect(strip.getByTestId("alerts-no-rules")).toContainText("rules/apiscope.rules.yml");
  await expect(strip.getByTestId("alerts-no-rules")).toContainText("Alert and recording rules");
  await expect(page.getByTestId("findings")).toBeVisible();
});

alertsTest("a firing or pending alert shows its state, age and summary, and links to its panel for its window", async ({ page, alertsStack }) => {
  const { app, live } = alertsStack;
  const now = Math.floor(Date.now() / 1000);
  await page.goto(dashboardUrl(app, now - 3 * 3600, now));
  const item = page.locator('[data-testid="alert"][data-alert="ApiserverWatchSurge"]');
  await expect(item).toBeVisible();
  // What Prometheus itself says of the alert, read at the same time.
  const surge = (await promAlerts(live.prom.url)).find((a) => a.labels.alertname === "ApiserverWatchSurge")!;
  expect(["pending", "firing"]).toContain(await item.getAttribute("data-state"));
  await expect(item.getByTestId("alert-age")).toHaveText(/^(pending|firing) for (under a minute|\d+ min) · warning$/);
  await expect(item).toContainText(surge.annotations.summary!);
  const link = item.getByTestId("alert-link");
  await expect(link).toHaveText("show Long-running requests per API server");
  const href = new URL((await link.getAttribute("href"))!, app.url);
  expect(href.searchParams.get("viewPanel")).toBe("longrunning-per-server");
  // The window starts a quarter of an hour before the alert became active.
  const activeAt = Date.parse(surge.activeAt!) / 1000;
  expect(Number(href.searchParams.get("from")) / 1000).toBeCloseTo(activeAt - 15 * 60, -1);
  await link.click();
  await expect(page).toHaveURL(/viewPanel=longrunning-per-server/);
  await expect(panel(page, "longrunning-per-server")).toBeInViewport();
});

test("a failing alerts request leaves the findings and the panels alone", async ({ page, stack }) => {
  await page.route("**/api/alerts?**", (route) => route.fulfill({ status: 502, contentType: "text/html", body: "<html>bad gateway</html>" }));
  const end = stack.scenario.timeline.end;
  await page.goto(dashboardUrl(stack.app, end - 3600, end));
  await expect(page.getByTestId("alerts-error")).toContainText("Alerts could not be read");
  await expect(page.getByTestId("alerts-error")).toContainText("The findings and panels are unaffected.");
  await expect(page.getByTestId("findings").locator("li").first()).toBeVisible();
  await expect(panel(page, "request-rate").locator("[data-testid='stat-value']").first()).toBeVisible();
});
