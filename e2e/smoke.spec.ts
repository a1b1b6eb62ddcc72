// `npm run smoke` against a locally started production build: it passes on a healthy one, and on one whose
// backend is down it fails and names the problem (the cluster and what to check) without its address.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startApp } from "../test-support/app-server";
import { freePort } from "../test-support/prometheus";
import { expect, test } from "./fixtures";

const ROOT = join(__dirname, "..");

/** Runs the smoke script as `npm run smoke -- <url>` does; its output and exit code. */
function runSmoke(url: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "smoke.ts"), url], { cwd: ROOT, env: { ...process.env, APISCOPE_SMOKE_COOKIE: "" } });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

test.describe("npm run smoke", () => {
  test.setTimeout(120_000);

  test("passes against a healthy production build", async ({ stack }) => {
    const { code, out } = await runSmoke(stack.app.url);
    expect(out).toContain("PASS page: the dashboard and its scripts load");
    expect(out).toMatch(/PASS health: .*✓ default: \d+ ms, job apiserver/s);
    expect(out).toMatch(/PASS panel: the "request-rate" panel of default answered with [1-9]\d* series/);
    expect(code, out).toBe(0);
  });

  test("fails against one whose backend is down, naming the cluster and what to check", async () => {
    const port = await freePort();
    const app = await startApp({ APISCOPE_PROMETHEUS_URL: `http://127.0.0.1:${port}`, APISCOPE_CLUSTER_NAME: "down" });
    try {
      const { code, out } = await runSmoke(app.url);
      expect(code, out).toBe(1);
      expect(out).toContain("PASS page");
      expect(out).toMatch(/FAIL health: .*✗ default: Cannot reach the Prometheus of cluster "down"/s);
      expect(out).toMatch(/FAIL panel: the "request-rate" panel of default answered 502 unreachable/);
      expect(out).toContain("checks failed");
      expect(out).not.toContain(String(port));
    } finally {
      await app.stop();
    }
  });

  test("says what is wrong when nothing answers at the address", async () => {
    const { code, out } = await runSmoke(`http://127.0.0.1:${await freePort()}`);
    expect(code).toBe(1);
    expect(out).toContain("FAIL page: GET / failed: ECONNREFUSED");
  });
});
