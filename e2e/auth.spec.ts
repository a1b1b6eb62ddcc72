// Sign-in, end to end in Chromium, against a real OpenID provider (oidc-provider from npm) and a real
// Prometheus: the permalink survives sign-in, the allow rules give 403s on pages and API, per-cluster rules
// hide a cluster and refuse its panels, API calls without a session get 401 JSON, proxy mode refuses
// identity headers from anyone but the trusted proxy, and a production start on a public address
// without APISCOPE_AUTH is refused. Project "auth" (playwright.config.ts).
import { test as base, expect, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scenarioPrometheus } from "../test-support/fixtures";
import { startOidcProvider, type RunningOidcProvider } from "../test-support/oidc";
import { freePort, type RunningPrometheus } from "../test-support/prometheus";
import type { Scenario } from "../demo/scenario";
import { panel, panelsAsked } from "./fixtures";

const ROOT = join(__dirname, "..");
const PANEL = "longrunning-per-server";
const SESSION_SECRET = "e2e-session-secret-0123456789abcdef-0123456789";

const USERS = {
  alice: { password: "alice-pw", email: "alice@example.com", groups: ["sre", "unrelated-directory-group"] },
  bob: { password: "bob-pw", email: "bob@example.com", groups: ["sre", "platform-admins"] },
  mallory: { password: "mallory-pw", email: "mallory@example.com", groups: ["contractors"] },
};

// ---------------------------------------------------------------------------------------------------
// `next start` with a known port (the redirect URI must be known before the server starts)

interface NextServer {
  url: string;
  child: ChildProcess;
  logs(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function spawnNext(port: number, host: string, env: Record<string, string>): NextServer {
  if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) throw new Error("No production build: run `npx next build` first (npm test does).");
  const baseEnv: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LANG", "TZ", "NODE_OPTIONS"]) if (process.env[k]) baseEnv[k] = process.env[k]!;
  const child = spawn(join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", host, "-p", String(port)], {
    cwd: ROOT,
    env: { ...baseEnv, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-40000)));
  child.stderr?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-40000)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    logs: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

async function startNext(env: Record<string, string>): Promise<NextServer> {
  const port = await freePort();
  const app = spawnNext(port, "127.0.0.1", env);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`next start exited with ${app.child.exitCode}:\n${app.logs()}`);
    try {
      await fetch(`${app.url}/api/clusters`, { redirect: "manual" });
      return app;
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`next start not ready after 60 s:\n${app.logs()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------------------------------
// Fixtures: one Prometheus, one provider, one app in oidc mode per worker; the proxy-mode app on demand

interface OidcStack {
  prom: RunningPrometheus;
  scenario: Scenario;
  idp: RunningOidcProvider;
  app: NextServer;
  configDir: string;
}

interface ProxyStack {
  app: NextServer;
  /** the trusted proxy (connects to the app from 127.0.0.2, like oauth2-proxy after its own sign-in) */
  proxyUrl: string;
  signInAs(user: { email: string; groups: string[] } | null): void;
}

const test = base.extend<object, { oidc: OidcStack; proxyStack: ProxyStack }>({
  oidc: [
    async ({}, use) => {
      const { prom, scenario } = await scenarioPrometheus({ k8sVersion: "1.30" });
      const idp = await startOidcProvider(USERS);
      const configDir = mkdtempSync(join(tmpdir(), "apiscope-auth-e2e-"));
      const configPath = join(configDir, "clusters.json");
      writeFileSync(
        configPath,
        JSON.stringify({
          clusters: [
            { id: "demo", name: "demo", kind: "prometheus", url: prom.url },
            { id: "restricted", name: "restricted (platform admins)", kind: "prometheus", url: prom.url, allow: { groups: ["platform-admins"] } },
          ],
        }),
      );
      const port = await freePort();
      const publicUrl = `http://127.0.0.1:${port}`;
      await idp.configure([`${publicUrl}/api/auth/callback`]);
      const app = spawnNext(port, "127.0.0.1", {
        APISCOPE_CONFIG: configPath,
        APISCOPE_AUTH: "oidc",
        APISCOPE_OIDC_ISSUER: idp.issuer,
        APISCOPE_OIDC_CLIENT_ID: idp.clientId,
        APISCOPE_OIDC_CLIENT_SECRET: idp.clientSecret,
        APISCOPE_OIDC_SCOPES: "openid email groups",
        APISCOPE_PUBLIC_URL: publicUrl,
        APISCOPE_SESSION_SECRET: SESSION_SECRET,
        APISCOPE_ALLOWED_GROUPS: "sre,platform-admins",
      });
      for (const deadline = Date.now() + 60_000; ; ) {
        if (app.child.exitCode !== null) throw new Error(`next start exited:\n${app.logs()}`);
        if (await fetch(`${publicUrl}/api/clusters`).then(() => true, () => false)) break;
        if (Date.now() > deadline) throw new Error(`next start not ready:\n${app.logs()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await use({ prom, scenario, idp, app, configDir });
      await app.stop();
      await idp.stop();
      await prom.stop();
      rmSync(configDir, { recursive: true, force: true });
    },
    { scope: "worker", timeout: 180_000 },
  ],
  proxyStack: [
    async ({ oidc }, use) => {
      const app = await startNext({
        APISCOPE_PROMETHEUS_URL: oidc.prom.url,
        APISCOPE_CLUSTER_NAME: "demo",
        APISCOPE_AUTH: "proxy",
        APISCOPE_PROXY_MODE: "oauth2-proxy",
        APISCOPE_TRUSTED_PROXY_IPS: "127.0.0.2/32",
        APISCOPE_ALLOWED_GROUPS: "sre",
      });
      let user: { email: string; groups: string[] } | null = null;
      const target = new URL(app.url);
      const proxy: Server = createServer((req, res) => {
        // As oauth2-proxy: the client's own X-Forwarded-* never pass; the signed-in user's identity is added.
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !name.startsWith("x-forwarded-")));
        if (user) Object.assign(headers, { "x-forwarded-email": user.email, "x-forwarded-user": user.email, "x-forwarded-groups": user.groups.join(",") });
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers, localAddress: "127.0.0.2" },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on("error", () => res.writeHead(502).end());
        req.pipe(upstream);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      await use({ app, proxyUrl, signInAs: (u) => (user = u) });
      await new Promise<void>((r) => proxy.close(() => r()));
      await app.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
});

// ---------------------------------------------------------------------------------------------------
// Helpers

function permalink(stack: OidcStack, cluster = "demo"): { path: string; from: number; to: number } {
  const to = stack.scenario.timeline.end;
  const from = to - 3 * 3600;
  return { path: `/panel/${PANEL}?from=${from * 1000}&to=${to * 1000}&cluster=${cluster}`, from, to };
}

/** Fill the provider's sign-in form, which the app sent the browser to. */
async function signInAtProvider(page: Page, stack: OidcStack, user: keyof typeof USERS) {
  await expect(page).toHaveURL(new RegExp(`^${stack.idp.issuer}/interaction/`));
  await page.getByLabel("Login").fill(user);
  await page.getByLabel("Password").fill(USERS[user].password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signIn(page: Page, stack: OidcStack, user: keyof typeof USERS, path = "/") {
  await page.goto(`${stack.app.url}${path}`);
  await signInAtProvider(page, stack, user);
  await expect(page).toHaveURL(`${stack.app.url}${path}`);
}

function panelQuery(stack: OidcStack, cluster: string): string {
  const { from, to } = permalink(stack);
  return `/api/panels/${PANEL}?cluster=${cluster}&start=${from}&end=${to}&width=800`;
}

// ---------------------------------------------------------------------------------------------------
// OpenID Connect

test.describe("APISCOPE_AUTH=oidc", () => {
  test("a permalink opened signed out goes through sign-in and lands on the same panel and range", async ({ page, oidc }) => {
    const { path, from, to } = permalink(oidc);
    const panelRequests: URL[] = [];
    page.on("request", (r) => panelsAsked(r.url())?.ids.includes(PANEL) && panelRequests.push(new URL(r.url())));
    await page.goto(`${oidc.app.url}${path}`);
    await signInAtProvider(page, oidc, "alice");
    await expect(page).toHaveURL(`${oidc.app.url}${path}`);
    await expect(panel(page, PANEL)).toHaveAttribute("data-state", "ok");
    await expect(page.locator('[data-testid="panel"]')).toHaveCount(1);
    await expect(page.getByTestId("open-banner")).toHaveCount(0);
    await expect.poll(() => panelRequests.some((u) => u.searchParams.get("start") === String(from) && Number(u.searchParams.get("end")) <= to)).toBe(true);
    expect(oidc.idp.logins).toContain("alice");
  });

  test("the sign-in redirect uses PKCE S256, state and nonce, and comes back to the permalink", async ({ request, oidc }) => {
    const { path } = permalink(oidc);
    // The page itself answers with the redirect to the provider (the login route, served in its place).
    const toProvider = await request.get(`${oidc.app.url}${path}`, { maxRedirects: 0 });
    expect(toProvider.status()).toBe(303);
    expect(toProvider.headers()["cache-control"]).toBe("no-store");
    const authorize = new URL(toProvider.headers().location!);
    expect(authorize.origin).toBe(oidc.idp.issuer);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get("state")).toBeTruthy();
    expect(authorize.searchParams.get("nonce")).toBeTruthy();
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${oidc.app.url}/api/auth/callback`);
    const setCookie = toProvider.headersArray().find((h) => h.name.toLowerCase() === "set-cookie")?.value ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/api\/auth\/callback/);
    // An open redirect is not on offer.
    const evil = await request.get(`${oidc.app.url}/api/auth/login?returnTo=${encodeURIComponent("//evil.example/x")}`, { maxRedirects: 0 });
    expect(evil.status()).toBe(303);
  });

  test("API calls without a session get 401 JSON; pages get the sign-in redirect", async ({ request, oidc }) => {
    for (const path of ["/api/clusters", "/api/targets?cluster=demo", panelQuery(oidc, "demo")]) {
      const res = await request.get(`${oidc.app.url}${path}`, { maxRedirects: 0 });
      expect(res.status(), path).toBe(401);
      expect(res.headers()["content-type"]).toContain("application/json");
      expect(res.headers()["cache-control"]).toBe("no-store");
      expect((await res.json()).error).toMatchObject({ kind: "unauthenticated", hint: expect.stringContaining("sign in") });
    }
    for (const path of ["/", "/?from=now-1h&to=now", `/panel/${PANEL}`]) {
      const res = await request.get(`${oidc.app.url}${path}`, { maxRedirects: 0 });
      expect(res.status(), path).toBe(303);
      expect(res.headers().location, path).toMatch(new RegExp(`^${oidc.idp.issuer}/auth\\?`));
    }
    // A forged or tampered cookie is a signed-out visitor.
    const forged = await request.get(`${oidc.app.url}/api/clusters`, { headers: { Cookie: "apiscope-session=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.BBBB.CCCC" } });
    expect(forged.status()).toBe(401);
  });

  test("a user outside the allowed groups gets 403 on pages and API", async ({ page, oidc }) => {
    const { path } = permalink(oidc);
    await page.goto(`${oidc.app.url}${path}`);
    await signInAtProvider(page, oidc, "mallory");
    await expect(page).toHaveURL(`${oidc.app.url}${path}`);
    await expect(page.getByTestId("auth-page")).toHaveAttribute("data-status", "403");
    await expect(page.getByRole("heading", { name: "Access denied" })).toBeVisible();
    await expect(page.getByText("Signed in as mallory@example.com.")).toBeVisible();
    // The browser's own cookie, from the API.
    for (const p of [path, "/"]) expect((await page.request.get(`${oidc.app.url}${p}`, { maxRedirects: 0 })).status(), p).toBe(403);
    for (const p of ["/api/clusters", "/api/targets?cluster=demo", panelQuery(oidc, "demo")]) {
      const res = await page.request.get(`${oidc.app.url}${p}`);
      expect(res.status(), p).toBe(403);
      expect((await res.json()).error.kind).toBe("forbidden");
    }
    expect(oidc.app.logs()).toMatch(/auth: 403 .*not in APISCOPE_ALLOWED_GROUPS.*mallory@example\.com/);
    // Sign out, then someone else may sign in.
    await page.getByRole("link", { name: /Sign out/ }).click();
    await expect(page.getByTestId("signed-out")).toBeVisible();
    expect((await page.request.get(`${oidc.app.url}/api/clusters`)).status()).toBe(401);
  });

  test("a cluster outside the user's rules is absent from /api/clusters and 403 on its panels", async ({ page, browser, oidc }) => {
    await signIn(page, oidc, "alice", "/?from=now-1h&to=now");
    const clusters = await page.request.get(`${oidc.app.url}/api/clusters`);
    expect(clusters.status()).toBe(200);
    expect((await clusters.json()).clusters.map((c: { id: string }) => c.id)).toEqual(["demo"]);
    await expect(page.getByRole("combobox", { name: "Cluster" }).locator("option")).toHaveText(["demo"]);
    for (const p of [panelQuery(oidc, "restricted"), "/api/targets?cluster=restricted"]) {
      const res = await page.request.get(`${oidc.app.url}${p}`);
      expect(res.status(), p).toBe(403);
      expect((await res.json()).error).toMatchObject({ kind: "forbidden", message: 'You may not see cluster "restricted".' });
    }
    // An unknown cluster is a 404 that lists only the user's own clusters.
    const unknown = await page.request.get(`${oidc.app.url}${panelQuery(oidc, "nope")}`);
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).error.message).toBe('Unknown cluster "nope"; yours: demo');
    // Its name does not unfurl from a permalink either.
    const unfurl = await (await page.request.get(`${oidc.app.url}${permalink(oidc, "restricted").path}`)).text();
    expect(unfurl).not.toContain("platform admins");
    expect(oidc.app.logs()).toMatch(/auth: 403 \/api\/panels\/.* cluster="restricted": not in its allow rule \(sub="alice"/);

    // A platform admin sees both and gets the restricted cluster's data.
    const other = await browser.newContext();
    try {
      const bob = await other.newPage();
      await signIn(bob, oidc, "bob", permalink(oidc, "restricted").path);
      await expect(panel(bob, PANEL)).toHaveAttribute("data-state", "ok");
      await expect(bob.getByTestId("single-panel-context")).toContainText("restricted (platform admins)");
      expect((await (await bob.request.get(`${oidc.app.url}/api/clusters`)).json()).clusters.map((c: { id: string }) => c.id)).toEqual(["demo", "restricted"]);
      expect((await bob.request.get(`${oidc.app.url}${panelQuery(oidc, "restricted")}`)).status()).toBe(200);
    } finally {
      await other.close();
    }
  });

  test("the session cookie is HttpOnly, SameSite=Lax, expires in 8 h, and holds only an encrypted identity", async ({ page, oidc }) => {
    await signIn(page, oidc, "alice", "/?from=now-1h&to=now");
    const cookies = await page.context().cookies(oidc.app.url);
    const session = cookies.find((c) => c.name === "apiscope-session")!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/", secure: false }); // http on loopback; Secure (and __Host-) on https
    expect(session.expires - Date.now() / 1000).toBeGreaterThan(8 * 3600 - 120);
    expect(session.expires - Date.now() / 1000).toBeLessThan(8 * 3600 + 120);
    expect(session.value.split(".")).toHaveLength(5);
    expect(session.value).not.toContain("alice");
    expect(cookies.filter((c) => c.name.startsWith("apiscope-login-"))).toHaveLength(0);
    expect(oidc.app.logs()).toMatch(/auth: signed in sub="alice" email=alice@example\.com groups=\[sre\]/); // only groups a rule names
  });
});

// ---------------------------------------------------------------------------------------------------
// Proxy mode (oauth2-proxy headers)

test.describe("APISCOPE_AUTH=proxy", () => {
  test("identity headers from a client that is not the trusted proxy are refused", async ({ request, proxyStack }) => {
    const forged = { "X-Forwarded-Email": "admin@example.com", "X-Forwarded-User": "admin", "X-Forwarded-Groups": "sre" };
    const api = await request.get(`${proxyStack.app.url}/api/clusters`, { headers: forged });
    expect(api.status()).toBe(403);
    expect((await api.json()).error).toMatchObject({ kind: "forbidden", message: "Identity headers are only accepted from the trusted proxy." });
    const page = await request.get(`${proxyStack.app.url}/`, { headers: forged });
    expect(page.status()).toBe(403);
    // Nor can a client fake the socket stamp.
    const stamped = await request.get(`${proxyStack.app.url}/api/clusters`, { headers: { ...forged, "X-Apiscope-Peer": "127.0.0.2", "X-Apiscope-Peer-Token": "guess" } });
    expect(stamped.status()).toBe(403);
    expect(proxyStack.app.logs()).toMatch(/auth: 403 \/api\/clusters: identity headers refused: peer (::ffff:)?127\.0\.0\.1 is not in APISCOPE_TRUSTED_PROXY_IPS/);
    // Without identity: not signed in.
    expect((await request.get(`${proxyStack.app.url}/api/clusters`)).status()).toBe(401);
  });

  test("through the trusted proxy, the allow rules decide", async ({ page, proxyStack }) => {
    proxyStack.signInAs({ email: "alice@example.com", groups: ["sre"] });
    await page.goto(`${proxyStack.proxyUrl}/?from=now-1h&to=now`);
    await expect(page.getByRole("combobox", { name: "Cluster" }).locator("option")).toHaveText(["demo"]);
    await expect(page.getByTestId("open-banner")).toHaveCount(0);
    expect((await page.request.get(`${proxyStack.proxyUrl}/api/clusters`)).status()).toBe(200);
    proxyStack.signInAs({ email: "mallory@example.com", groups: ["contractors"] });
    expect((await page.request.get(`${proxyStack.proxyUrl}/api/clusters`)).status()).toBe(403);
    const denied = await page.request.get(`${proxyStack.proxyUrl}/`);
    expect(denied.status()).toBe(403);
    expect(await denied.text()).toContain("mallory@example.com");
    proxyStack.signInAs(null);
  });
});

// ---------------------------------------------------------------------------------------------------
// Open dashboards and start-up

test.describe("start-up and APISCOPE_AUTH=none", () => {
  test("APISCOPE_AUTH=none puts a banner on every page", async ({ page, oidc }) => {
    const app = await startNext({ APISCOPE_PROMETHEUS_URL: oidc.prom.url, APISCOPE_CLUSTER_NAME: "demo", APISCOPE_AUTH: "none" });
    try {
      for (const path of ["/?from=now-1h&to=now", `/panel/${PANEL}?from=now-1h&to=now`]) {
        await page.goto(`${app.url}${path}`);
        await expect(page.getByTestId("open-banner")).toContainText("Open dashboard: no sign-in (APISCOPE_AUTH=none)");
      }
      expect((await page.request.get(`${app.url}/api/clusters`)).status()).toBe(200);
      expect(app.logs()).toContain("APISCOPE_AUTH=none: the dashboard is open to anyone who can reach it");
    } finally {
      await app.stop();
    }
  });

  test("a production start on a non-loopback address with no APISCOPE_AUTH is refused", async ({ oidc }) => {
    const port = await freePort();
    const app = spawnNext(port, "0.0.0.0", { APISCOPE_PROMETHEUS_URL: oidc.prom.url });
    const code = await Promise.race([app.exited, new Promise<"running">((r) => setTimeout(() => r("running"), 45_000))]);
    await app.stop();
    expect(code).toBe(1);
    expect(app.logs()).toContain("apiscope: refusing to start: APISCOPE_AUTH is not set and the server listens on 0.0.0.0");
  });

  test("oidc mode refuses to start without a session secret", async ({ oidc }) => {
    const port = await freePort();
    const app = spawnNext(port, "127.0.0.1", {
      APISCOPE_PROMETHEUS_URL: oidc.prom.url,
      APISCOPE_AUTH: "oidc",
      APISCOPE_OIDC_ISSUER: oidc.idp.issuer,
      APISCOPE_OIDC_CLIENT_ID: oidc.idp.clientId,
      APISCOPE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      APISCOPE_ALLOWED_GROUPS: "sre",
    });
    const code = await Promise.race([app.exited, new Promise<"running">((r) => setTimeout(() => r("running"), 45_000))]);
    await app.stop();
    expect(code).toBe(1);
    expect(app.logs()).toContain("APISCOPE_SESSION_SECRET: required with APISCOPE_AUTH=oidc");
  });
});
