// One failing panel never takes down the page: faults are injected by a proxy in front of the real
// Prometheus, only for the long-running panel's query.
import { startApp, type RunningApp } from "../test-support/app-server";
import { startFaultProxy, type FaultProxy } from "../test-support/fault-proxy";
import { freePort } from "../test-support/prometheus";
import { dashboardUrl, expect, panel, test } from "./fixtures";

const PANEL = "longrunning-per-server";

test.describe("panel error states", () => {
  let proxy: FaultProxy;
  let app: RunningApp;

  test.beforeAll(async ({ stack }) => {
    proxy = await startFaultProxy(stack.prom.url);
    app = await startApp({ APISCOPE_PROMETHEUS_URL: proxy.url, APISCOPE_CLUSTER_NAME: "faulty" });
  });
  test.afterAll(async () => {
    await app?.stop();
    await proxy?.stop();
  });

  test("a bad query shows Prometheus' own message on that panel only", async ({ page, stack }) => {
    proxy.rules = [
      {
        queryContains: "apiserver_longrunning_requests",
        fault: { kind: "status", status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: "1:1: parse error: unexpected thing" }) },
      },
    ];
    const { end } = stack.scenario.timeline;
    await page.goto(dashboardUrl(app, end - 3600, end));
    const broken = panel(page, PANEL);
    await expect(broken).toHaveAttribute("data-state", "error");
    await expect(broken.getByTestId("panel-error")).toContainText("parse error: unexpected thing");
    // The neighbour on the page still draws its data.
    await expect(panel(page, "request-rate")).toHaveAttribute("data-state", "ok");
    await expect(page.getByRole("combobox", { name: "Cluster" })).toBeVisible();
  });

  test("garbage from the backend is an error with a hint, not a blank panel", async ({ page, stack }) => {
    proxy.rules = [{ queryContains: "apiserver_longrunning_requests", fault: { kind: "garbage" } }];
    const { end } = stack.scenario.timeline;
    await page.goto(dashboardUrl(app, end - 7200, end));
    const broken = panel(page, PANEL);
    await expect(broken).toHaveAttribute("data-state", "error");
    await expect(broken.getByTestId("panel-error")).toContainText(/What to do/);
    await expect(panel(page, "request-rate")).toHaveAttribute("data-state", "ok");
  });

  test("a backend that is down says so on every panel and the page keeps working", async ({ page }) => {
    const deadPort = await freePort();
    const downApp = await startApp({ APISCOPE_PROMETHEUS_URL: `http://127.0.0.1:${deadPort}`, APISCOPE_CLUSTER_NAME: "down" });
    try {
      await page.goto(`${downApp.url}/?from=now-1h&to=now`);
      const p = panel(page, PANEL);
      await expect(p).toHaveAttribute("data-state", "error");
      await expect(p.getByTestId("panel-error")).toContainText(new RegExp(`127\\.0\\.0\\.1:${deadPort}|unreachable|not reach`, "i"));
      // Still interactive: the time picker changes the URL.
      await page.getByRole("combobox", { name: "Time range" }).selectOption("now-6h");
      await expect(page).toHaveURL(/from=now-6h/);
      // Nothing on the page leaks a stack trace.
      await expect(page.locator("body")).not.toContainText(/at .*\.(js|ts):\d+/);
    } finally {
      await downApp.stop();
    }
  });
});
