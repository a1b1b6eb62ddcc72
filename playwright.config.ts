import { defineConfig } from "@playwright/test";

// Debian's chromium (apt-get install -y chromium); Playwright's own browser download is not reachable here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Each worker starts its own Prometheus + `next start` stacks (worker fixtures); one worker keeps them
  // shared across files and fits the 2-core machine.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    viewport: { width: 1366, height: 900 },
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  // The suite runs against plain Prometheus, and a subset again against AMP through the SigV4-verifying
  // stand-in; the fault-proxy tests are plain-Prometheus only, the AMP error tests AMP only.
  // Project "auth" runs the sign-in tests (their own stacks: a real OpenID provider, oidc and proxy modes).
  projects: [
    { name: "prometheus", use: { backendMode: "prometheus" } as object, testIgnore: [/amp\.spec\.ts/, /auth\.spec\.ts/] },
    // The second pass, through AMP, runs a subset: the AMP-specific tests, the dashboard and the findings
    // (the console link needs a region), and the explorer (its queries carry AMP's sample ceiling); the rest
    // exercises the same browser code on the same data.
    { name: "amp", use: { backendMode: "amp" } as object, testMatch: [/amp\.spec\.ts/, /dashboard\.spec\.ts/, /findings\.spec\.ts/, /explore\.spec\.ts/] },
    { name: "auth", testMatch: /auth\.spec\.ts/ },
  ],
});
