// The production build the bench's `next start` instances run (test-support/app-server.ts starts them and
// only checks that .next/BUILD_ID exists). The bench builds once, when there is no build or a source file
// the build depends on is newer than it; otherwise the existing build is reused.
//
// BENCH_BUILD=auto (default) | always | never: `never` uses whatever build exists (stale or not).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..");
const BUILD_ID = join(ROOT, ".next", "BUILD_ID");

/** What the build is made from: the app's source trees and the files that configure the build. */
const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = [
  "middleware.ts",
  "instrumentation.ts",
  "next.config.mjs",
  "next.config.js",
  "next.config.ts",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
];
/** Test files are not part of the build. */
const NOT_BUILT = /\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)testing\//;

/** The newest source file and its mtime (ms). */
function newestSource(): { file: string; mtimeMs: number } {
  let newest = { file: "", mtimeMs: 0 };
  const visit = (path: string) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return; // deleted meanwhile (others are editing)
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    if (NOT_BUILT.test(relative(ROOT, path))) return;
    if (st.mtimeMs > newest.mtimeMs) newest = { file: relative(ROOT, path), mtimeMs: st.mtimeMs };
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(ROOT, d))) visit(join(ROOT, d));
  for (const f of SOURCE_FILES) if (existsSync(join(ROOT, f))) visit(join(ROOT, f));
  return newest;
}

/** Another `next build` running in this checkout (e.g. someone's `npm test`): its pid, if any. */
function otherNextBuild(): number | null {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (!cmd.some((a) => /(^|\/)next$/.test(a) || a.endsWith("next/dist/bin/next")) || !cmd.includes("build")) continue;
      if (readlinkSync(`/proc/${name}/cwd`) === ROOT) return Number(name);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runNextBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
    // The bench's own settings must not end up in the build (.env.production is Amplify's business).
    for (const k of Object.keys(env)) if (k.startsWith("APISCOPE_")) delete env[k];
    const child = spawn(join(ROOT, "node_modules", ".bin", "next"), ["build"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
    child.stderr?.on("data", (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}:\n${output}`))));
  });
}

/** Someone else building the same checkout: wait (up to 5 minutes) for theirs rather than use or write .next meanwhile. */
export async function waitForOtherBuild(log: (line: string) => void): Promise<void> {
  for (let waited = 0, pid = otherNextBuild(); pid !== null && waited < 300_000; waited += 2000, pid = otherNextBuild()) {
    if (waited === 0) log(`bench: another \`next build\` (pid ${pid}) is running in this checkout; waiting for it …`);
    await sleep(2000);
  }
}

/** Makes sure .next holds a production build of the current sources; says what it did. */
export async function ensureProductionBuild(log: (line: string) => void): Promise<void> {
  const mode = process.env.BENCH_BUILD ?? "auto";
  await waitForOtherBuild(log);
  const built = existsSync(BUILD_ID) ? statSync(BUILD_ID).mtimeMs : null;
  if (mode === "never") {
    if (built === null) throw new Error("BENCH_BUILD=never but there is no production build (.next/BUILD_ID)");
    log("bench: using the existing production build (BENCH_BUILD=never).");
    return;
  }
  const newest = newestSource();
  const reason =
    mode === "always"
      ? "BENCH_BUILD=always"
      : built === null
        ? "no production build yet"
        : newest.mtimeMs > built
          ? `${newest.file} changed after the last build`
          : null;
  if (!reason) {
    log(`bench: reusing the production build of ${new Date(built!).toISOString()} (no source is newer).`);
    return;
  }
  log(`bench: next build (${reason}) …`);
  const t0 = performance.now();
  try {
    await runNextBuild();
  } catch (err) {
    // Others edit this checkout while the bench runs: a half-saved change can break one build. Once more.
    log(`bench: next build failed; retrying once in 15 s (${(err instanceof Error ? err.message : String(err)).split("\n").find((l) => /error|failed/i.test(l))?.trim() ?? "see below"}) …`);
    await sleep(15_000);
    await runNextBuild();
  }
  log(`bench: built in ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
}

/** The current build's id and time, to notice a build replaced while the bench's servers run on it. */
export function buildStamp(): string | null {
  try {
    return `${readFileSync(BUILD_ID, "utf8").trim()} @ ${new Date(statSync(BUILD_ID).mtimeMs).toISOString()}`;
  } catch {
    return null;
  }
}
