// The fleet page in Chromium, on the demo's fleet: the LIST-storm incident cluster (Kubernetes 1.30) and
// the demo's other clusters (demo/fleet.ts) in a second real Prometheus, told apart by their `cluster`
// label. The rows come worst first, the numbers are the API's, the load's cost is shown, and a row opens
// that cluster's dashboard on the same range; a cluster whose backend is down is shown as such, first; a
// row's top finding comes on a click.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test as base, expect } from "@playwright/test";
import { DEMO_CONTROL_PLANE_TIER, demoFleet, FLEET_HISTORY_SECONDS } from "../demo/fleet";
import type { Scenario } from "../demo/scenario";
import { fleetResponseSchema } from "../lib/api-schema";
import { formatValue } from "../lib/format";
import { startApp, type RunningApp } from "../test-support/app-server";
import { replayTextScrape, scenarioPrometheus, sharedWorkspacePrometheus } from "../test-support/fixtures";
import { freePort, type RunningPrometheus } from "../test-support/prometheus";
import { panel } from "./fixtures";

/** A shared workspace with more values of its cluster label than discovery lists (MAX_DISCOVERED_CLUSTERS is 200). */
const WIDE_VALUES = 205;

interface WideStack {
  app: RunningApp;
}

interface FleetStack {
  app: RunningApp;
  scenario: Scenario;
  ids: string[];
}

const test = base.extend<object, { fleet: FleetStack; wide: WideStack }>({
  // A real Prometheus holding 205 small clusters: a two-metric API-server scrape, one copy per `cluster`
  // value, replayed over half an hour (cheap: ~400 series), behind a `discoverClusters` entry.
  wide: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), "apiscope-fleet-wide-e2e-"));
      const values = Array.from({ length: WIDE_VALUES }, (_, i) => `c-${String(i).padStart(3, "0")}`);
      const scrape = [
        "# TYPE apiserver_request_total counter",
        ...values.map((v) => `apiserver_request_total{cluster="${v}",code="200",verb="GET",resource="pods",scope="resource"} 100`),
        "# TYPE apiserver_current_inflight_requests gauge",
        ...values.map((v) => `apiserver_current_inflight_requests{cluster="${v}",request_kind="readOnly"} 2`),
        "",
      ].join("\n");
      writeFileSync(join(dir, "wide.prom"), scrape);
      const prom: RunningPrometheus = await replayTextScrape(join(dir, "wide.prom"), { job: "apiserver", instance: "10.0.0.1:443", durationSeconds: 1800 });
      const clusters = [{ id: "wide", name: "wide workspace", kind: "prometheus", url: prom.url, discoverClusters: { label: "cluster" } }];
      writeFileSync(join(dir, "clusters.json"), JSON.stringify({ clusters }));
      const app = await startApp({ APISCOPE_CONFIG: join(dir, "clusters.json") });
      await use({ app });
      await app.stop();
      await prom.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: "worker", timeout: 240_000 },
  ],
  fleet: [
    async ({}, use) => {
      const incident = await scenarioPrometheus({ k8sVersion: "1.30" });
      const others = demoFleet("1.30");
      const shared = await sharedWorkspacePrometheus(
        others.map((c) => ({ label: c.label, k8sVersion: c.version, incident: c.incident })),
        { end: incident.scenario.options.end, historySeconds: FLEET_HISTORY_SECONDS },
      );
      const dir = mkdtempSync(join(tmpdir(), "apiscope-fleet-e2e-"));
      const clusters = [
        { id: "default", name: "demo (Kubernetes 1.30)", kind: "prometheus", url: incident.prom.url, controlPlaneTier: DEMO_CONTROL_PLANE_TIER },
        ...others.map((c) => ({ id: c.label, name: c.name, kind: "prometheus", url: shared.prom.url, clusterLabel: c.label })),
        // Not part of the demo: a cluster whose backend is down, to be shown as such.
        { id: "gone", name: "gone", kind: "prometheus", url: `http://127.0.0.1:${await freePort()}` },
      ];
      writeFileSync(join(dir, "clusters.json"), JSON.stringify({ clusters }));
      const app = await startApp({ APISCOPE_CONFIG: join(dir, "clusters.json") });
      await use({ app, scenario: incident.scenario, ids: clusters.map((c) => c.id) });
      await app.stop();
      await Promise.all([incident.prom.stop(), shared.prom.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: "worker", timeout: 240_000 },
  ],
});

/** An hour inside the LIST storm (fixed 25 min before the scenario's end). */
function stormHour(scenario: Scenario) {
  const to = scenario.timeline.end - 40 * 60;
  return { from: to - 3600, to };
}

test.describe("fleet", () => {
  test("lists the demo's clusters worst first, with the API's numbers and the load's cost", async ({ page, fleet }) => {
    const { from, to } = stormHour(fleet.scenario);
    await page.goto(`${fleet.app.url}/fleet?from=${from * 1000}&to=${to * 1000}`);
    const rows = page.getByTestId("fleet-row");
    await expect(rows).toHaveCount(fleet.ids.length);
    await expect(page.locator('[data-testid="fleet-row"][data-status="loading"]')).toHaveCount(0, { timeout: 30_000 });

    const shown = await rows.evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute("data-cluster")!, status: e.getAttribute("data-status"), score: Number(e.getAttribute("data-score")) })),
    );
    expect(shown.map((r) => r.id).sort()).toEqual([...fleet.ids].sort());
    // The cluster that cannot be read leads, saying why (never where its backend is).
    expect(shown[0]).toMatchObject({ id: "gone", status: "error" });
    const gone = page.locator('[data-testid="fleet-row"][data-cluster="gone"]');
    await expect(gone.getByTestId("fleet-row-error")).toContainText('Cannot reach the Prometheus of cluster "gone"');
    await expect(gone).not.toContainText("127.0.0.1");
    // Then worst first: scores never rise down the table, and the saturated incident cluster leads.
    const read = shown.slice(1);
    expect(read.every((r) => r.status === "ok")).toBe(true);
    for (let i = 1; i < read.length; i++) expect(read[i]!.score).toBeLessThanOrEqual(read[i - 1]!.score);
    expect(read[0]!.id).toBe("default");
    expect(read[0]!.score).toBeGreaterThanOrEqual(1);

    // The page shows what the API answers for the same range (the API's numbers equal the dashboard's:
    // lib/server/fleet.integration.test.ts).
    const res = await page.request.get(`${fleet.app.url}/api/fleet?start=${from}&end=${to}`);
    const api = fleetResponseSchema.parse(await res.json());
    for (const r of api.rows) {
      if (r.status !== "ok") continue;
      const row = page.locator(`[data-testid="fleet-row"][data-cluster="${r.id}"]`);
      await expect(row).toContainText(formatValue(r.readings.requestRate, "reqps"));
      await expect(row).toContainText(formatValue(r.readings.apiP99Seconds, "seconds"));
      if (r.readings.seatLevel) await expect(row).toContainText(r.readings.seatLevel);
    }
    expect(api.rows.map((r) => r.id)).toEqual(shown.map((r) => r.id));

    // The cost of the load is on the page: the rows' samples summed (the first load queried the backends).
    const samples = Number(await page.getByTestId("fleet-samples").getAttribute("data-samples"));
    expect(samples).toBeGreaterThan(0);
  });

  test("the EKS console's panels draw on the demo's 1.30, 1.35 and 1.24 clusters; the tier's ceiling is on the seat panel and in the row", async ({ page, fleet }) => {
    const { from, to } = stormHour(fleet.scenario);
    // Tall enough that every panel is near the screen and asked for at once.
    await page.setViewportSize({ width: 1366, height: 9000 });
    const added = ["apf-control-plane-seats", "etcd-db-size", "webhook-calls", "webhook-rejections", "scheduler-pending", "scheduler-attempts", "kcm-workqueue-depth", "kcm-workqueue-latency"];
    const versions = { default: "1.30", calm: "1.35", watchers: "1.24" } as const;
    for (const [id, version] of Object.entries(versions)) {
      expect(demoFleet("1.30").map((c) => [c.label, c.version]).concat([["default", "1.30"]])).toContainEqual([id, version]);
      await page.goto(`${fleet.app.url}/?cluster=${id}&from=${from * 1000}&to=${to * 1000}`);
      for (const panelId of added) {
        const p = panel(page, panelId);
        await expect(p, `${id}/${panelId}`).toHaveAttribute("data-state", "ok", { timeout: 30_000 });
        // Drawn: a line with points, not an empty frame.
        await expect(p.locator(".ts-line-path").first(), `${id}/${panelId}`).toHaveAttribute("d", /\d/);
      }
      // The quota is a labelled line on the etcd panel of every cluster.
      // (Recharts draws a reference line's label in a layer of its own, beside the line.)
      await expect(panel(page, "etcd-db-size").locator(".ts-reference-line line")).toHaveCount(1);
      await expect(panel(page, "etcd-db-size").locator("svg text", { hasText: "quota 8 GiB" })).toBeVisible();
    }

    // The incident cluster is on XL: its ceiling is drawn, labelled, on the seat panel; the others are Standard.
    await page.goto(`${fleet.app.url}/?cluster=default&from=${from * 1000}&to=${to * 1000}`);
    const seats = panel(page, "apf-control-plane-seats");
    await expect(seats).toHaveAttribute("data-state", "ok", { timeout: 30_000 });
    await expect(seats.locator(".ts-reference-line line")).toHaveCount(1);
    await expect(seats.locator("svg text", { hasText: "tier ceiling 1,700 (Provisioned Control Plane XL)" })).toBeVisible();
    await page.goto(`${fleet.app.url}/?cluster=calm&from=${from * 1000}&to=${to * 1000}`);
    await expect(panel(page, "apf-control-plane-seats")).toHaveAttribute("data-state", "ok", { timeout: 30_000 });
    await expect(panel(page, "apf-control-plane-seats").locator(".ts-reference-line")).toHaveCount(0);
    await expect(panel(page, "apf-control-plane-seats")).not.toContainText("tier ceiling");

    await page.goto(`${fleet.app.url}/fleet?from=${from * 1000}&to=${to * 1000}`);
    const row = page.locator('[data-testid="fleet-row"][data-cluster="default"]');
    await expect(row).toHaveAttribute("data-status", "ok", { timeout: 30_000 });
    await expect(row).toContainText(/\d[\d,]* \/ 1,700 XL \(\d/);
    await expect(page.locator('[data-testid="fleet-row"][data-cluster="calm"]')).toContainText("standard");
  });

  test("a row opens that cluster's dashboard on the same range, and the dashboard links back", async ({ page, fleet }) => {
    const { from, to } = stormHour(fleet.scenario);
    await page.goto(`${fleet.app.url}/fleet?from=${from * 1000}&to=${to * 1000}`);
    const row = page.locator('[data-testid="fleet-row"][data-cluster="watchers"]');
    await expect(row).toHaveAttribute("data-status", "ok", { timeout: 30_000 });
    await row.getByRole("link").click();
    await expect(page).toHaveURL(/\/\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get("cluster")).toBe("watchers");
    expect(url.searchParams.get("from")).toBe(String(from * 1000));
    expect(url.searchParams.get("to")).toBe(String(to * 1000));
    await expect(page.getByLabel("Cluster", { exact: true })).toHaveValue("watchers");
    await expect(panel(page, "request-rate").getByTestId("stat-value")).not.toHaveText("–", { timeout: 30_000 });

    await page.getByRole("link", { name: "Fleet" }).click();
    await expect(page).toHaveURL(/\/fleet\?/);
    const back = new URL(page.url());
    expect(back.searchParams.get("from")).toBe(String(from * 1000));
    expect(back.searchParams.get("to")).toBe(String(to * 1000));
    await expect(page.getByTestId("fleet-row")).toHaveCount(fleet.ids.length);
  });

  test("a row's top finding is asked for on a click only, names the cause, and links to its permalink", async ({ page, fleet }) => {
    const { from, to } = stormHour(fleet.scenario);
    const findingRequests: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/findings") findingRequests.push(r.url());
    });
    await page.goto(`${fleet.app.url}/fleet?from=${from * 1000}&to=${to * 1000}`);
    const row = page.locator('[data-testid="fleet-row"][data-cluster="default"]');
    await expect(row).toHaveAttribute("data-status", "ok", { timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    expect(findingRequests).toEqual([]);
    await row.getByTestId("fleet-finding-ask").click();
    const finding = row.getByTestId("fleet-finding");
    await expect(finding).toHaveAttribute("data-cause", "list-storm", { timeout: 30_000 });
    await expect(finding).toContainText("samples");
    expect(findingRequests).toHaveLength(1);
    const href = new URL((await finding.getByRole("link").getAttribute("href"))!, fleet.app.url);
    expect(href.searchParams.get("cluster")).toBe("default");
    expect(href.searchParams.get("finding")).toMatch(/^list-storm:/);
    expect(href.searchParams.get("from")).toBe(String(from * 1000));
  });

  test("a cluster that cannot be asked for is refused by name, listing only the caller's clusters", async ({ request, fleet }) => {
    const { from, to } = stormHour(fleet.scenario);
    const res = await request.get(`${fleet.app.url}/api/fleet?start=${from}&end=${to}&cluster=nope`);
    expect(res.status()).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('"nope"');
    expect(body.error.message).toContain("default");
  });

  test("a shared workspace with more clusters than discovery lists: the first 200 by name, and a notice saying how many were left out", async ({ page, wide }) => {
    await page.goto(`${wide.app.url}/fleet`);
    const notice = page.getByTestId("fleet-notice");
    await expect(notice).toHaveCount(1);
    await expect(notice).toHaveText(`wide workspace: 200 of the ${WIDE_VALUES} values of label cluster are listed (the first by name; at most 200).`);
    await expect(notice).toBeVisible();
    // Exactly the first 200 values by name are rows; the five after them are not.
    const rows = page.getByTestId("fleet-row");
    await expect(rows).toHaveCount(200);
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-cluster")!));
    expect([...ids].sort()).toEqual(Array.from({ length: 200 }, (_, i) => `wide:c-${String(i).padStart(3, "0")}`));
    // A value past the cap is no cluster of this deployment: refused by name, as any unknown id.
    const res = await page.request.get(`${wide.app.url}/api/fleet?start=${Math.floor(Date.now() / 1000) - 3600}&end=${Math.floor(Date.now() / 1000)}&cluster=wide:c-204`);
    expect(res.status()).toBe(404);
  });
});
