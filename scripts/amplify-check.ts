// `npx tsx scripts/amplify-check.ts [--keep]`, for CI: do amplify.yml's build commands succeed in a clean
// copy of the repository, and does their output fit Amplify's 220 MB?
//
// The copy holds what git tracks at HEAD (`git archive`), nothing of this working tree's node_modules,
// .next or .env files; the preBuild and build commands run there in order under bash with `set -e`, as
// Amplify runs them, with only PATH and HOME of this environment (and a sample APISCOPE_* variable, to
// check that the build copies it into .env.production). Then scripts/build-size.ts measures the copy's
// build. It installs every dependency (`npm ci`, from npm's local cache after the test run's own) and
// builds: about two minutes, run by `npm test` after its own build.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { AMPLIFY_LIMIT_BYTES, measureBuild } from "./build-size";

const ROOT = resolve(__dirname, "..");
const SAMPLE_VARIABLE = { name: "APISCOPE_CLUSTER_NAME", value: "amplify-check" };

/**
 * The commands of `frontend.phases.<phase>.commands` in amplify.yml, in order. A small reader for the
 * spec's own shape (`- command` lines under `commands:`), not a YAML parser: an unexpected shape throws.
 */
export function buildCommands(yaml: string, phases = ["preBuild", "build"]): string[] {
  const lines = yaml.split("\n");
  const commands: string[] = [];
  for (const phase of phases) {
    const at = lines.findIndex((l) => l.trim() === `${phase}:`);
    if (at < 0) throw new Error(`amplify.yml has no ${phase} phase`);
    const header = lines.findIndex((l, i) => i > at && l.trim() === "commands:");
    if (header < 0) throw new Error(`amplify.yml's ${phase} phase has no commands`);
    const indent = lines[header]!.search(/\S/);
    for (const line of lines.slice(header + 1)) {
      if (!line.trim() || line.trim().startsWith("#")) continue;
      if (line.search(/\S/) <= indent) break;
      const m = /^\s*-\s+(.*)$/.exec(line);
      if (!m) throw new Error(`amplify.yml: cannot read the command line ${JSON.stringify(line.trim())}`);
      commands.push(m[1]!.replace(/^'(.*)'$/, "$1"));
    }
  }
  return commands;
}

function main(): number {
  const { values } = parseArgs({ options: { keep: { type: "boolean", default: false } } });
  const commands = buildCommands(readFileSync(join(ROOT, "amplify.yml"), "utf8"));
  const copy = mkdtempSync(join(tmpdir(), "apiscope-amplify-"));
  try {
    execFileSync("bash", ["-c", `git -C ${JSON.stringify(ROOT)} archive HEAD | tar -x -C ${JSON.stringify(copy)}`], { stdio: "inherit" });
    console.log(`amplify-check: ${commands.length} commands of amplify.yml in a clean copy (${copy})`);
    // No NODE_ENV: Amplify's build does not set one, and npm ci would skip devDependencies under "production".
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NEXT_TELEMETRY_DISABLED: "1", [SAMPLE_VARIABLE.name]: SAMPLE_VARIABLE.value } as unknown as NodeJS.ProcessEnv;
    for (const command of commands) {
      console.log(`$ ${command}`);
      const run = spawnSync("bash", ["-c", `set -eo pipefail\n${command}`], { cwd: copy, env, stdio: "inherit" });
      if (run.status !== 0) {
        console.error(`amplify-check: FAIL: \`${command}\` exited with ${run.status ?? run.signal}: Amplify's build would stop here.`);
        return 1;
      }
    }
    const envFile = readFileSync(join(copy, ".env.production"), "utf8");
    if (!envFile.includes(`${SAMPLE_VARIABLE.name}=${SAMPLE_VARIABLE.value}`)) {
      console.error("amplify-check: FAIL: the build did not copy APISCOPE_* variables into .env.production: the SSR runtime would not see them.");
      return 1;
    }
    const size = measureBuild(join(copy, ".next"));
    const fits = size.totalBytes <= AMPLIFY_LIMIT_BYTES;
    console.log(`amplify-check: ${fits ? "PASS" : "FAIL"}: the build succeeded; its output is ${(size.totalBytes / 1e6).toFixed(1)} MB of Amplify's ${AMPLIFY_LIMIT_BYTES / 1e6} MB.`);
    return fits ? 0 : 1;
  } finally {
    if (values.keep) console.log(`amplify-check: kept ${copy}`);
    else rmSync(copy, { recursive: true, force: true });
  }
}

if (process.argv[1] && /amplify-check\.[cm]?[tj]s$/.test(process.argv[1])) process.exit(main());
