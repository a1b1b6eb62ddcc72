// Amazon Managed Service for Prometheus through the SigV4-verifying stand-in (signatures recomputed with
// the AWS SDK's own signer, then forwarded to the real Prometheus): credentials from a profile, and the
// specific errors a misconfigured deployment gets.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "../test-support/app-server";
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
