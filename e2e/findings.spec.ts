// The findings strip on the default demo: it names the LIST storm above the charts with its numbers, a
// finding's panel link scrolls to and highlights the panel with the same range, and the audit-log query
// is copyable with a console link that carries region, log group, window and query.
import { STORM } from "../demo/scenario";
import { dashboardUrl, expect, panel, test } from "./fixtures";

test.describe("findings", () => {
  test("the strip names the LIST storm first, with its numbers and start", async ({ page, stack }) => {
    const { stormStart, end } = stack.scenario.timeline;
    await page.goto(dashboardUrl(stack.app, end - 3 * 3600, end, { tz: "utc" }));
    const first = page.getByTestId("finding").first();
    await expect(first).toHaveAttribute("data-cause", "list-storm", { timeout: 30_000 });
    await expect(first).toHaveAttribute("data-severity", "critical");
    await expect(first.getByTestId("finding-title")).toContainText(`LISTing all ${STORM.resource} cluster-wide`);
    await expect(first.getByTestId("finding-title")).toContainText(`saturating the ${STORM.priorityLevel} priority level`);
    // Expanded by default: evidence with units.
    await expect(first.getByTestId("finding-evidence")).toContainText("objects per LIST");
    await expect(first.getByTestId("finding-evidence")).toContainText("req/s");
    // "since" is the storm's start to within two view steps (60 s at 3 h on a 30 s scrape).
    const sinceText = await first.getByTestId("finding-since").innerText();
    const hhmm = new Date(stormStart * 1000).toISOString().slice(11, 16);
    const later = new Date((stormStart + 120) * 1000).toISOString().slice(11, 16);
    expect([hhmm, later].some((t) => sinceText.includes(t)), `${sinceText} vs ${hhmm}`).toBe(true);
  });

  test("a finding's panel link scrolls to the panel, highlights it and keeps the range", async ({ page, stack }) => {
    const { end } = stack.scenario.timeline;
    const from = end - 3 * 3600;
    await page.goto(dashboardUrl(stack.app, from, end));
    const first = page.getByTestId("finding").first();
    await expect(first).toHaveAttribute("data-cause", "list-storm", { timeout: 30_000 });
    await first.locator('[data-testid="finding-panel-link"][data-panel-id="slowest-calls"]').click();
    const target = panel(page, "slowest-calls");
    await expect(target).toHaveAttribute("data-highlighted", "true");
    await expect(target).toBeInViewport();
    const url = new URL(page.url());
    expect(url.searchParams.get("from")).toBe(String(from * 1000));
    expect(url.searchParams.get("to")).toBe(String(end * 1000));
    expect(url.searchParams.get("finding")).toBe("list-storm:pods");
    // The highlighted panel shows the storm: LIST pods at the top of the slowest calls…
    const top = target.getByTestId("ranked-row").first();
    await expect(top).toHaveAttribute("data-labels", /"resource":"pods".*"verb":"LIST"|"verb":"LIST".*"resource":"pods"/);
    // … and its row offers the audit-log query that finds who sent them.
    await top.getByTestId("row-audit").click();
    await expect(target.getByTestId("row-audit-details").getByTestId("finding-audit-query")).toContainText('verb = "list" and objectRef.resource = "pods"');
  });

  test("the audit-log query is copyable and its console link carries region, log group, window and query", async ({ page, stack, context }) => {
    const { end } = stack.scenario.timeline;
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto(dashboardUrl(stack.app, end - 3 * 3600, end));
    const first = page.getByTestId("finding").first();
    await expect(first).toHaveAttribute("data-cause", "list-storm", { timeout: 30_000 });
    const query = await first.getByTestId("finding-audit-query").innerText();
    expect(query).toContain('verb = "list" and objectRef.resource = "pods" and not ispresent(objectRef.namespace)');
    await first.getByTestId("finding-audit-copy").click();
    await expect(first.getByTestId("finding-audit-copy")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(query);
    if (stack.mode === "amp") {
      const href = (await first.getByTestId("finding-audit-console").getAttribute("href"))!;
      expect(href).toContain("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights");
      const detail = decodeURIComponent(href.split("#logsV2:logs-insights")[1]!.replaceAll("$", "%"));
      expect(detail).toContain("source~(~'*2faws*2feks*2fdemo*2fcluster)");
      expect(detail).toContain("timeType~'ABSOLUTE");
      expect(detail).toContain("editorString~'fields*20*40timestamp");
    } else {
      // A plain Prometheus cluster has no region configured: the query is there, the link says what to set.
      await expect(first.getByTestId("finding-audit")).toContainText("Set the cluster's region");
    }
  });

  test("a finding's permalink opens the dashboard at the finding's window with it expanded", async ({ page, stack }) => {
    const { end } = stack.scenario.timeline;
    await page.goto(dashboardUrl(stack.app, end - 6 * 3600, end));
    const second = page.getByTestId("finding").nth(1);
    await expect(second).toBeVisible({ timeout: 30_000 });
    const id = (await second.getAttribute("data-finding-id"))!;
    await second.locator("button[aria-expanded]").click();
    const href = (await second.getByTestId("finding-permalink").getAttribute("href"))!;
    await page.goto(`${stack.app.url}${href}`);
    const reopened = page.locator(`[data-testid="finding"][data-finding-id="${id}"]`);
    await expect(reopened.getByTestId("finding-details")).toBeVisible({ timeout: 30_000 });
    const url = new URL(page.url());
    expect(Number(url.searchParams.get("to"))).toBeLessThanOrEqual(end * 1000);
    expect(Number(url.searchParams.get("from"))).toBeGreaterThan((end - 6 * 3600) * 1000);
    await expect(page.getByTestId("finding-missing")).toHaveCount(0);
  });

  test("a link naming a finding this range does not raise says so, and still shows the range's findings", async ({ page, stack }) => {
    const { end } = stack.scenario.timeline;
    await page.goto(dashboardUrl(stack.app, end - 3 * 3600, end, { finding: "asymmetric:10.9.9.9:443" }));
    await expect(page.getByTestId("finding-missing")).toContainText("asymmetric:10.9.9.9:443", { timeout: 30_000 });
    await expect(page.getByTestId("finding").first()).toHaveAttribute("data-cause", "list-storm");
  });
});
