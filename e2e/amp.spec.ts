// Amazon Managed Service for Prometheus through the SigV4-verifying stand-in (signatures recomputed with
// the AWS SDK's own signer, then forwarded to the real Prometheus): credentials from a profile, the
// specific errors a misconfigured deployment gets, and the fleet of a shared workspace (its clusters
// discovered from their `cluster` label, each reading asked once for all of them).
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoFleet, FLEET_HISTORY_SECONDS } from "../demo/fleet";
import { startAmpStandin } from "../test-support/amp-standin";
import { startApp } from "../test-support/app-server";
import { sharedWorkspacePrometheus } from "../test-support/fixtures";
import { AMP, ampEnv, dashboardUrl, expect, panel, test } from "./fixtures";

const PANEL = "longrunning-per-server";

test.describe("AMP mode", () => {
  test("credentials from a shared-credentials profile", async ({ page, stack }) => {
    const dir = mkdtempSync(join(tmpdir(), "apiscope-aws-"));
    const file = join(dir, "credentials");
    writeFileSync(
      file,
      `[incident]\naws_access_key_id = ${AMP.credentials.accessKeyId}\naws_secret_access_key = ${AMP.credentials.secretAccessKey}\naws_session_token = ${AMP.credentials.sessionToken}\n`,
    );
    const env = ampEnv(stack.standin!);
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    delete env.AWS_SESSION_TOKEN;
    const app = await startApp({ ...env, AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, "config"), AWS_PROFILE: "incident" });
    try {
      const { end } = stack.scenario.timeline;
      await page.goto(dashboardUrl(app, end - 3600, end));
      await expect(panel(page, PANEL)).toHaveAttribute("data-state", "ok");
      await expect(panel(page, PANEL).getByTestId("legend-item")).toHaveCount(stack.scenario.instances.length);
    } finally {
      await app.stop();
    }
  });

  const cases: { name: string; kind: string; text: RegExp; env: Record<string, string> }[] = [
    { name: "a wrong secret", kind: "signature", text: /signature/i, env: { AWS_SECRET_ACCESS_KEY: "not-the-right-secret-000000000000000000000" } },
    { name: "a wrong region", kind: "signature", text: /region/i, env: { APISCOPE_AMP_REGION: "us-east-1" } },
  ];
  for (const c of cases) {
    test(`${c.name} gives the specific error on the panel`, async ({ page, stack }) => {
      const app = await startApp({ ...ampEnv(stack.standin!), ...c.env });
      try {
        const { end } = stack.scenario.timeline;
        await page.goto(dashboardUrl(app, end - 3600, end));
        const err = panel(page, PANEL).getByTestId("panel-error");
        await expect(err).toBeVisible();
        await expect(err).toHaveAttribute("data-kind", c.kind);
        await expect(err).toContainText(c.text);
        await expect(err).toContainText("aps:QueryMetrics");
      } finally {
        await app.stop();
      }
    });
  }

  test("an expired session token gives the expired-token error on the panel", async ({ page, stack }) => {
    // Its own key pair, so the other tests' credentials stay valid at the stand-in.
    const expiring = { accessKeyId: "AKIAE2EEXPIRING00001", secretAccessKey: "e2e/expiring/secret/000000000000000000000", sessionToken: "e2e-token-that-will-expire" };
    stack.standin!.addCredentials(expiring);
    stack.standin!.expireSessionToken(expiring.sessionToken);
    const app = await startApp(ampEnv(stack.standin!, expiring));
    try {
      const { end } = stack.scenario.timeline;
      await page.goto(dashboardUrl(app, end - 3600, end));
      const err = panel(page, PANEL).getByTestId("panel-error");
      await expect(err).toHaveAttribute("data-kind", "expired_token");
      await expect(err).toContainText(/expired/i);
    } finally {
      await app.stop();
    }
  });

  test("two clusters can be switched in the header", async ({ page, stack }) => {
    const dir = mkdtempSync(join(tmpdir(), "apiscope-config-"));
    const config = join(dir, "clusters.json");
    writeFileSync(
      config,
      JSON.stringify({
        clusters: [
          { id: "prod-amp", name: "prod", kind: "amp", region: AMP.region, workspaceId: AMP.workspaceId, endpoint: stack.standin!.endpoint },
          { id: "lab", name: "lab (Prometheus)", kind: "prometheus", url: stack.prom.url },
        ],
      }),
    );
    const env = ampEnv(stack.standin!);
    for (const k of ["APISCOPE_AMP_WORKSPACE_ID", "APISCOPE_AMP_REGION", "APISCOPE_AMP_ENDPOINT", "APISCOPE_CLUSTER_NAME"]) delete env[k];
    const app = await startApp({ ...env, APISCOPE_CONFIG: config });
    try {
      const { end } = stack.scenario.timeline;
      await page.goto(dashboardUrl(app, end - 3600, end));
      const picker = page.getByRole("combobox", { name: "Cluster" });
      await expect(picker.locator("option")).toHaveText(["prod (AMP eu-west-1)", "lab (Prometheus)"]);
      await expect(panel(page, PANEL)).toHaveAttribute("data-state", "ok");
      // Everything the prod view asks for (the other panels, findings, alerts) has been answered first.
      await page.waitForLoadState("networkidle");
      const signedBefore = stack.standin!.requests.length;
      await picker.selectOption("lab");
      await expect(page).toHaveURL(/cluster=lab/);
      await expect(panel(page, PANEL)).toHaveAttribute("data-state", "ok");
      await page.getByRole("combobox", { name: "Time range" }).selectOption("now-3h");
      await expect(panel(page, PANEL)).toHaveAttribute("data-state", "ok");
      // The lab cluster is not behind the stand-in: nothing new was signed for it.
      expect(stack.standin!.requests.length).toBe(signedBefore);
      await picker.selectOption("prod-amp");
      await expect(page).toHaveURL(/cluster=prod-amp/);
      await expect(panel(page, PANEL)).toHaveAttribute("data-state", "ok");
    } finally {
      await app.stop();
    }
  });

  test("a shared workspace's fleet: clusters discovered from their label, read grouped, each opening its dashboard", async ({ page, stack }) => {
    test.setTimeout(180_000);
    // The demo's other clusters (the e2e fleet spec's shared fixture), behind a second stand-in workspace.
    const others = demoFleet("1.30");
    const shared = await sharedWorkspacePrometheus(
      others.map((c) => ({ label: c.label, k8sVersion: c.version, incident: c.incident })),
      { end: stack.scenario.options.end, historySeconds: FLEET_HISTORY_SECONDS },
    );
    const workspaceId = "ws-e2e-shared-0000";
    const standin = await startAmpStandin({ upstream: shared.prom.url, workspaceId, region: AMP.region, credentials: AMP.credentials });
    const dir = mkdtempSync(join(tmpdir(), "apiscope-config-"));
    const config = join(dir, "clusters.json");
    writeFileSync(config, JSON.stringify({ clusters: [{ id: "ws", name: "shared", kind: "amp", region: AMP.region, workspaceId, endpoint: standin.endpoint, discoverClusters: { label: "cluster" } }] }));
    const env = ampEnv(stack.standin!);
    for (const k of ["APISCOPE_AMP_WORKSPACE_ID", "APISCOPE_AMP_REGION", "APISCOPE_AMP_ENDPOINT", "APISCOPE_CLUSTER_NAME"]) delete env[k];
    const app = await startApp({ ...env, APISCOPE_CONFIG: config });
    try {
      const to = stack.scenario.timeline.end - 40 * 60;
      const from = to - 3600;
      await page.goto(`${app.url}/fleet?from=${from * 1000}&to=${to * 1000}`);
      const rows = page.getByTestId("fleet-row");
      const ids = others.map((c) => `ws:${c.label}`).sort();
      await expect(rows).toHaveCount(ids.length);
      await expect(page.locator('[data-testid="fleet-row"][data-status="ok"]')).toHaveCount(ids.length, { timeout: 60_000 });
      expect((await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-cluster")!))).sort()).toEqual(ids);
      await expect(page.getByTestId("fleet-notice")).toHaveCount(0);
      // Each reading was asked once for the workspace, grouped by cluster, never once per row.
      const readings = standin.requests.flatMap((r) => (r.path.endsWith("/api/v1/query") ? (new URLSearchParams(r.method === "POST" ? r.body : r.query).get("query") ?? []) : []));
      expect(readings.length).toBeGreaterThan(0);
      for (const q of readings) expect(q).not.toMatch(/cluster="/);
      expect(new Set(readings).size).toBe(readings.length);

      const watchers = page.locator('[data-testid="fleet-row"][data-cluster="ws:watchers"]');
      await watchers.getByRole("link").first().click();
      await expect(page).toHaveURL(/\/\?/);
      expect(new URL(page.url()).searchParams.get("cluster")).toBe("ws:watchers");
      await expect(page.getByLabel("Cluster", { exact: true })).toHaveValue("ws:watchers");
      await expect(panel(page, "request-rate").getByTestId("stat-value")).not.toHaveText("–", { timeout: 30_000 });
      // A value the workspace does not have is refused by name, without a backend of the caller's choosing.
      const made = await page.request.get(`${app.url}/api/panels?${new URLSearchParams({ cluster: 'ws:nope"} or up{', start: String(from), end: String(to), p: "request-rate:400" })}`);
      expect(made.status()).toBe(404);
      expect(((await made.json()) as { error: { message: string } }).error.message).toContain("Unknown cluster");
    } finally {
      await app.stop();
      await standin.stop();
      await shared.prom.stop();
    }
  });

  test("the browser never sees credential material", async ({ page, stack }) => {
    const secrets = [AMP.credentials.accessKeyId, AMP.credentials.secretAccessKey, AMP.credentials.sessionToken];
    const leaks: string[] = [];
    page.on("response", async (res) => {
      const headers = JSON.stringify(await res.allHeaders());
      let body = "";
      try {
        body = (await res.body()).toString("latin1");
      } catch {
        /* redirects have no body */
      }
      for (const s of secrets) if (headers.includes(s) || body.includes(s)) leaks.push(`${res.url()} contains ${s.slice(0, 6)}…`);
    });
    const { end } = stack.scenario.timeline;
    await page.goto(dashboardUrl(stack.app, end - 3600, end));
    await expect(panel(page, PANEL)).toHaveAttribute("data-state", "ok");
    await page.request.get(`${stack.app.url}/api/clusters`).then(async (r) => {
      const text = await r.text();
      for (const s of [...secrets, stack.standin!.endpoint]) expect(text).not.toContain(s);
    });
    expect(leaks).toEqual([]);
    // The client bundle carries no signing code and no key.
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : files.push(join(d, f))));
    walk(".next/static");
    for (const f of files.filter((f) => f.endsWith(".js"))) {
      const js = readFileSync(f, "utf8");
      for (const s of secrets) expect(js, f).not.toContain(s);
      expect(js, f).not.toMatch(/AWS4-HMAC-SHA256|x-amz-security-token/i);
    }
  });
});
