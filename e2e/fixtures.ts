// Worker-scoped stacks: a real Prometheus over the backfilled incident scenario, and `next start` pointed
// at it — directly (project "prometheus") or through the SigV4-verifying AMP stand-in (project "amp").
// Started once per worker and shared by every test that asks for it.
import { test as base, expect, type Page } from "@playwright/test";
import { startAmpStandin, type AmpStandin } from "../test-support/amp-standin";
import { startApp, type RunningApp } from "../test-support/app-server";
import { scenarioPrometheus } from "../test-support/fixtures";
import type { RunningPrometheus } from "../test-support/prometheus";
import type { Scenario } from "../demo/scenario";
import { MARGIN } from "../components/charts/timeseries-geometry";

export type BackendMode = "prometheus" | "amp";

export const AMP = {
  workspaceId: "ws-e2e0000-1111-2222-3333-444455556666",
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIAE2ETESTKEY000001", secretAccessKey: "e2e/secret/key/for/the/standin/000000000000", sessionToken: "e2e-session-token" },
};

export interface Stack {
  app: RunningApp;
  prom: RunningPrometheus;
  scenario: Scenario;
  mode: BackendMode;
  standin: AmpStandin | null;
}

/** Environment for an app that reads AMP through the stand-in with credentials from env variables. */
export function ampEnv(standin: AmpStandin, creds = AMP.credentials, region = AMP.region): Record<string, string> {
  return {
    APISCOPE_AMP_WORKSPACE_ID: AMP.workspaceId,
    APISCOPE_AMP_REGION: region,
    APISCOPE_AMP_ENDPOINT: standin.endpoint,
    APISCOPE_CLUSTER_NAME: "demo",
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
    // The SDK must not try instance metadata or a profile from the test machine.
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

export const test = base.extend<{ backend: BackendMode }, { stack: Stack; backendMode: BackendMode }>({
  backendMode: ["prometheus", { scope: "worker", option: true }],
  backend: async ({ backendMode }, use) => use(backendMode),
  stack: [
    async ({ backendMode }, use) => {
      const { prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.30" });
      let standin: AmpStandin | null = null;
      let env: Record<string, string>;
      if (backendMode === "amp") {
        standin = await startAmpStandin({ upstream: prom.url, workspaceId: AMP.workspaceId, region: AMP.region, credentials: AMP.credentials });
        env = ampEnv(standin);
      } else {
        env = { APISCOPE_PROMETHEUS_URL: prom.url, APISCOPE_CLUSTER_NAME: "demo" };
      }
      const app = await startApp(env);
      await use({ app, prom, scenario, mode: backendMode, standin });
      await app.stop();
      await standin?.stop();
      await prom.stop();
    },
    { scope: "worker", timeout: 180_000 },
  ],
});

export { expect };

/** Dashboard URL for an absolute range (epoch ms, Grafana style). */
export function dashboardUrl(app: RunningApp, from: number, to: number, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams({ from: String(from * 1000), to: String(to * 1000), ...extra });
  return `${app.url}/?${p}`;
}

export function panel(page: Page, id: string) {
  return page.locator(`[data-testid="panel"][data-panel-id="${id}"]`);
}

/** Sum a metric's samples for one instance at time t, as the scenario defines them. */
export function scenarioSum(scenario: Scenario, instance: string, t: number, name: string, filter: (labels: Record<string, string>) => boolean = () => true): number {
  return scenario
    .scrape(instance, t)
    .filter((s) => s.name === name && filter(s.labels))
    .reduce((n, s) => n + s.value, 0);
}

/** Where a time falls on a panel's line chart, measured once the page has settled. */
export async function chartGeometry(page: Page, panelId: string, from: number, to: number) {
  const chart = panel(page, panelId).locator(".ts-surface").first();
  await expect(chart).toBeVisible();
  // Panels above load lazily and change height (and the findings strip above the rows grows when its
  // answer arrives): bring the chart on screen and measure once the page has settled.
  await page.waitForLoadState("networkidle");
  await chart.scrollIntoViewIfNeeded();
  await page.waitForLoadState("networkidle");
  const box = (await chart.boundingBox())!;
  const left = box.x + MARGIN.left;
  const right = box.x + box.width - MARGIN.right;
  return { box, xFor: (t: number) => left + ((t - from) / (to - from)) * (right - left), midY: box.y + box.height / 2 };
}

/** Hover a line chart at (x, y); return the tooltip's time and its value per series name. */
export async function tooltipAt(page: Page, panelId: string, x: number, y: number) {
  await page.mouse.move(x, y);
  const tip = panel(page, panelId).getByTestId("chart-tooltip");
  await expect(tip).toBeVisible();
  const values: Record<string, number> = {};
  for (const row of await tip.locator("[data-series]").all()) values[(await row.getAttribute("data-series"))!] = Number(await row.getAttribute("data-value"));
  return { time: Number(await tip.getAttribute("data-time")), values };
}

/**
 * The panels a request asked for: a batch (`/api/panels?…&p=<id>:<width>…`, what the dashboard sends) or one
 * panel (`/api/panels/<id>?…`); null for any other request.
 */
export function panelsAsked(url: string): { ids: string[]; start: string | null } | null {
  const u = new URL(url);
  if (u.pathname === "/api/panels") return { ids: u.searchParams.getAll("p").map((p) => p.split(":")[0]!), start: u.searchParams.get("start") };
  const m = /^\/api\/panels\/([^/]+)$/.exec(u.pathname);
  return m ? { ids: [decodeURIComponent(m[1]!)], start: u.searchParams.get("start") } : null;
}
