// The explorer in Chromium against the real Prometheus of the incident scenario: autocomplete offers the
// backend's own metric names, a query draws its graph and table with Prometheus' numbers, the permalink
// reopened in a fresh browser context shows the same values, a syntax error shows its position, a query
// over the user's samples budget is refused with a clear message, and "Open in explorer" from a panel
// sends the panel's query and gets the panel's numbers — and the header leads back to the dashboard.
import type { Page, Response } from "@playwright/test";
import type { ExploreQueryResult, PanelBatchResponse, PanelData } from "../lib/api-schema";
import { startApp, type RunningApp } from "../test-support/app-server";
import { ampEnv, expect, panelsAsked, test } from "./fixtures";

const EXPR = "sum by (verb) (rate(apiserver_request_total[2m]))";

function exploreUrl(app: RunningApp, from: number, to: number, queries: string[] = [], extra: Record<string, string> = {}): string {
  const p = new URLSearchParams({ from: String(from * 1000), to: String(to * 1000), tz: "utc", ...extra });
  for (const q of queries) p.append("q", q);
  return `${app.url}/explore?${p}`;
}

/** Replace the editor's text (insertText: one edit, so closeBrackets adds nothing) and run it. */
async function runQuery(page: Page, expr: string, index = 0) {
  const input = page.getByTestId("promql-input").nth(index);
  await input.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(expr);
  await page.keyboard.press("Escape"); // close any completion, so Enter runs
  await page.keyboard.press("Enter");
}

/** Prometheus' own answer, straight from the backend. */
async function promRange(promUrl: string, expr: string, start: number, end: number, step: number) {
  const p = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
  const body = (await (await fetch(`${promUrl}/api/v1/query_range?${p}`)).json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  return body.data.result;
}
async function promInstant(promUrl: string, expr: string, time: number) {
  const p = new URLSearchParams({ query: expr, time: String(time) });
  const body = (await (await fetch(`${promUrl}/api/v1/query?${p}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

/** Queries Prometheus has evaluated so far, from its own /metrics (its TSDB holds only the scenario). */
async function prometheusQueries(promUrl: string): Promise<number> {
  const text = await (await fetch(`${promUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('prometheus_engine_query_duration_seconds_count{slice="inner_eval"}'));
  if (!line) throw new Error("Prometheus' /metrics has no query counter");
  return Number(line.split(" ").pop());
}

function isExploreQuery(r: Response): boolean {
  return new URL(r.url()).pathname === "/api/explore/query" && r.status() === 200;
}

/** The table's rows as series → value. */
async function tableValues(page: Page): Promise<Record<string, number>> {
  await expect(page.getByTestId("explore-row").first()).toBeVisible();
  const values: Record<string, number> = {};
  for (const row of await page.getByTestId("explore-row").all()) values[(await row.getAttribute("data-series"))!] = Number(await row.getAttribute("data-value"));
  return values;
}

function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (m) => m.type() === "error" && /Content Security Policy|Refused to/.test(m.text()) && violations.push(m.text()));
  page.on("pageerror", (e) => violations.push(String(e)));
  return violations;
}

test.describe("explorer", () => {
  test("autocomplete offers the backend's metric names; the graph and the table show Prometheus' numbers; nothing is blocked by the CSP", async ({ page, stack }) => {
    const violations = watchCsp(page);
    const { stormStart, stormEnd } = stack.scenario.timeline;
    await page.goto(exploreUrl(stack.app, stormStart, stormEnd));
    const input = page.getByTestId("promql-input");
    await input.click();
    await page.keyboard.type("apiserver_request_tot");
    // The backend's metric name among the completions (others may match the typed letters too): take it.
    const option = page.locator(".cm-tooltip-autocomplete .cm-completionLabel").getByText("apiserver_request_total", { exact: true });
    await expect(option).toBeVisible();
    await option.click();
    await expect(input).toHaveText("apiserver_request_total");
    // Label names and values of that metric, from the backend too.
    await page.keyboard.type("{ve");
    const label = page.locator(".cm-tooltip-autocomplete .cm-completionLabel").getByText("verb", { exact: true });
    await expect(label).toBeVisible();
    await label.click();
    await page.keyboard.type('="');
    await expect(page.locator(".cm-tooltip-autocomplete .cm-completionLabel").getByText("LIST", { exact: true })).toBeVisible();

    const answer = page.waitForResponse(isExploreQuery);
    await runQuery(page, EXPR);
    const body = (await (await answer).json()) as ExploreQueryResult;
    await expect(page.getByTestId("explore-graph")).toBeVisible();
    await expect(page.getByTestId("explore-graph").locator(".ts-line").first()).toBeVisible();
    const samples = page.getByTestId("explore-samples");
    expect(Number(await samples.getAttribute("data-samples"))).toBeGreaterThan(0);
    await expect(samples).toContainText("samples processed");
    // On AMP the query carried the ceiling it shows (what the budget has left); other backends take none.
    expect(body.ceiling !== null).toBe(stack.mode === "amp");
    if (stack.standin) {
      const sent = stack.standin.requests.filter((r) => r.path.endsWith("/api/v1/query_range")).map((r) => new URLSearchParams(r.body || r.query));
      expect(sent.filter((p) => p.get("query") === EXPR).map((p) => Number(p.get("max_samples_processed_error_threshold")))).toContain(body.ceiling);
      await expect(samples).toContainText(`refused above ${body.ceiling!.toLocaleString("en-US")} samples`);
    }

    // The graph's LIST line ends where Prometheus' own answer for the same window and step ends.
    const expected = await promRange(stack.prom.url, EXPR, body.window.start, body.window.end, body.window.step);
    const listExpected = expected.find((s) => s.metric.verb === "LIST")!;
    const legend = page.locator('[data-testid="legend-item"][data-series*=\'verb="LIST"\']');
    await expect(legend).toHaveCount(1);
    expect(Number(await legend.getAttribute("data-last"))).toBeCloseTo(Number(listExpected.values.at(-1)![1]), 9);
    expect(Number(await legend.getAttribute("data-last"))).toBeGreaterThan(0);

    // The table: an instant query at the end of the range, Prometheus' value for each verb.
    const instant = page.waitForResponse(isExploreQuery);
    await page.getByRole("tab", { name: "Table" }).click();
    const tableBody = (await (await instant).json()) as ExploreQueryResult;
    expect(page.url()).toContain("tab=table");
    const rows = await tableValues(page);
    const direct = await promInstant(stack.prom.url, EXPR, tableBody.window.evalTime);
    expect(Object.keys(rows)).toHaveLength(direct.length);
    for (const s of direct) expect(rows[`{verb=${JSON.stringify(s.metric.verb)}}`]).toBeCloseTo(Number(s.value[1]), 9);
    expect(violations).toEqual([]);
  });

  test("the permalink, opened in a fresh browser context, shows the same values; two queries side by side", async ({ page, stack, browser }) => {
    const { stormStart, stormEnd } = stack.scenario.timeline;
    await page.goto(exploreUrl(stack.app, stormStart, stormEnd, [EXPR], { tab: "table" }));
    await page.getByTestId("add-query").click();
    await runQuery(page, 'count(apiserver_request_total{verb="LIST"})', 1);
    await expect(page.getByTestId("explore-query")).toHaveCount(2);
    await expect(page.getByTestId("explore-query").nth(1).getByTestId("explore-row")).toHaveCount(1);
    const before = await tableValues(page);
    expect(Object.keys(before).length).toBeGreaterThan(2);
    const link = await page.getByTestId("explore-permalink").inputValue();
    expect(new URL(link).searchParams.getAll("q")).toEqual([EXPR, 'count(apiserver_request_total{verb="LIST"})']);

    const fresh = await browser.newContext();
    const other = await fresh.newPage();
    await other.goto(link);
    await expect(other.getByTestId("explore-query")).toHaveCount(2);
    await expect(other.getByTestId("explore-query").nth(1).getByTestId("explore-row")).toHaveCount(1);
    expect(await tableValues(other)).toEqual(before);
    await expect(other.getByTestId("promql-input").first()).toHaveText(EXPR);
    await fresh.close();
  });

  test("a syntax error shows its line and column, marked in the editor, and nothing is sent to the backend", async ({ page, stack }) => {
    const { stormStart, stormEnd } = stack.scenario.timeline;
    await page.goto(exploreUrl(stack.app, stormStart, stormEnd));
    const before = await prometheusQueries(stack.prom.url);
    await runQuery(page, "sum(rate(apiserver_request_total[5m])");
    const error = page.getByTestId("explore-error");
    await expect(error).toBeVisible();
    await expect(error).toHaveAttribute("data-kind", "bad_query");
    await expect(error).toHaveAttribute("data-line", "1");
    await expect(error).toHaveAttribute("data-column", "38");
    await expect(error).toContainText('PromQL syntax error at line 1, column 38: found the end of the query, expected ")" to close the "(" at column 4');
    await expect(error.getByTestId("syntax-caret")).toHaveText(`sum(rate(apiserver_request_total[5m])\n${" ".repeat(37)}^`);
    await expect(page.locator(".cm-lintRange-error, .cm-lintPoint-error").first()).toBeAttached();
    expect(await prometheusQueries(stack.prom.url)).toBe(before);
  });

  test('"Open in explorer" from a panel runs the panel\'s query at its step and gets the panel\'s numbers; the header leads back', async ({ page, stack }) => {
    const { stormStart, stormEnd } = stack.scenario.timeline;
    const panelAnswer = page.waitForResponse((r) => r.status() === 200 && (panelsAsked(r.url())?.ids.includes("list-rate") ?? false));
    await page.goto(`${stack.app.url}/panel/list-rate?from=${stormStart * 1000}&to=${stormEnd * 1000}&cluster=default`);
    const raw = (await (await panelAnswer).json()) as PanelData | PanelBatchResponse;
    const data = "panels" in raw ? (raw.panels["list-rate"] as { data: PanelData }).data : raw;
    const query = data.queries[0]!;
    expect(query.series.length).toBeGreaterThan(0);

    await page.getByRole("button", { name: "PromQL" }).click();
    const explored = page.waitForResponse(isExploreQuery);
    await page.getByTestId("open-in-explorer").first().click();
    await page.waitForURL(/\/explore\?/);
    const result = (await (await explored).json()) as ExploreQueryResult;
    expect(result.expr).toBe(query.expr);
    expect(result.window).toMatchObject({ start: data.window.start, end: data.window.end, step: data.window.step });
    const byLabels = (s: { labels: Record<string, string> }) => JSON.stringify(Object.entries(s.labels).sort());
    const panelSeries = new Map(query.series.map((s) => [byLabels(s), s.points]));
    expect(result.series.map(byLabels).sort()).toEqual([...panelSeries.keys()].sort());
    for (const s of result.series) expect(s.points).toEqual(panelSeries.get(byLabels(s)));
    await expect(page.getByTestId("promql-input")).toHaveText(query.expr);
    await expect(page.getByTestId("fixed-step")).toContainText(`step ${data.window.step}s`);

    await page.getByTestId("dashboard-link").click();
    await page.waitForURL((u) => u.pathname === "/");
    const back = new URL(page.url()).searchParams;
    expect([back.get("cluster"), back.get("from"), back.get("to")]).toEqual(["default", String(data.window.start * 1000), String(data.window.end * 1000)]);
  });
});

test.describe("explorer limits", () => {
  let app: RunningApp;
  test.beforeAll(async ({ stack }) => {
    const backend = stack.standin ? ampEnv(stack.standin) : { APISCOPE_PROMETHEUS_URL: stack.prom.url };
    app = await startApp({ ...backend, APISCOPE_CLUSTER_NAME: "budget", APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE: "20000" });
  });
  test.afterAll(async () => app?.stop());

  test("a query over the user's samples budget is refused with a clear message", async ({ page, stack }) => {
    const { start, end } = stack.scenario.timeline;
    await page.goto(exploreUrl(app, start, end));
    await runQuery(page, "sum(rate(apiserver_request_duration_seconds_bucket[5m]))");
    const error = page.getByTestId("explore-error");
    await expect(error).toHaveAttribute("data-kind", "rate_limited");
    await expect(error).toContainText(/Over your sample budget: this query processed [\d,]+ samples, more than the 20,000 left of your 20,000 per minute/);
    await expect(error).toContainText("What to do: Narrow the time range, raise the step or select fewer series");
    // And the next one is refused before it is sent, until the minute has passed.
    await runQuery(page, "up");
    await expect(error).toContainText("Your queries processed more than 20,000 backend samples in the last minute");
  });
});
