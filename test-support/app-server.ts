// Starts the production build (`next start`) on a free loopback port with the given APISCOPE_* env.
// Tests get their own server per backend (plain Prometheus, AMP stand-in, fault proxy) this way.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./prometheus";

const ROOT = join(__dirname, "..");

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
  /** what the server printed, for assertions on logged errors */
  logs(): string;
}

export async function startApp(env: Record<string, string>): Promise<RunningApp> {
  if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) throw new Error("No production build: run `npx next build` first (npm test does).");
  const port = await freePort();
  // Only what the app needs: the test runner's own AWS_* or APISCOPE_* variables must not leak in.
  const baseEnv: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LANG", "TZ", "NODE_OPTIONS"]) if (process.env[k]) baseEnv[k] = process.env[k]!;
  const child = spawn(join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: ROOT,
    env: { ...baseEnv, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-20000)));
  child.stderr?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-20000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      // Any HTTP answer means the server is up; the status is the test's business.
      await fetch(`${url}/api/clusters`);
      break;
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`next start not ready after 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    logs: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
