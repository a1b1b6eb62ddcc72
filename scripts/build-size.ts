// `npx tsx scripts/build-size.ts [--limit-mb 220]`, run by `npm test` after `next build`: does the
// production build fit Amplify Hosting's 220 MB limit for an SSR app's build output?
//
// What is deployed is the build output without its cache, plus the files Next's output file tracing says the
// server needs at run time (every `*.nft.json` under .next: node_modules, mostly) — the same set
// `output: "standalone"` copies and Amplify bundles for its compute. Files are counted once each, in bytes;
// the limit is taken as 220 × 10^6 bytes, the smaller reading of "220 MB". Exit 1 over the limit, naming
// the biggest parts; exit 2 when there is no build.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");
export const AMPLIFY_LIMIT_BYTES = 220e6;

function* walk(dir: string, skip: (path: string) => boolean): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) yield* walk(path, skip);
    else if (entry.isFile()) yield path;
  }
}

export interface BuildSize {
  totalBytes: number;
  /** Bytes per top-level part: `.next/<dir>` or `node_modules/<package>`. */
  parts: Map<string, number>;
  files: number;
}

/** The deployable size of the build in `nextDir` (default `.next` of this project). */
export function measureBuild(nextDir = join(ROOT, ".next")): BuildSize {
  const cache = join(nextDir, "cache");
  const files = new Set<string>();
  const traces: string[] = [];
  for (const file of walk(nextDir, (p) => p === cache)) {
    files.add(file);
    if (file.endsWith(".nft.json")) traces.push(file);
  }
  for (const trace of traces) {
    const { files: traced } = JSON.parse(readFileSync(trace, "utf8")) as { files: string[] };
    for (const f of traced) {
      const path = resolve(dirname(trace), f);
      if (existsSync(path) && statSync(path).isFile()) files.add(path);
    }
  }
  const parts = new Map<string, number>();
  let totalBytes = 0;
  for (const file of files) {
    const bytes = statSync(file).size;
    totalBytes += bytes;
    const rel = relative(ROOT, file).split(sep);
    const part = rel[0] === "node_modules" ? `node_modules/${rel[1]?.startsWith("@") ? `${rel[1]}/${rel[2]}` : rel[1]}` : rel.slice(0, 2).join("/");
    parts.set(part, (parts.get(part) ?? 0) + bytes);
  }
  return { totalBytes, parts, files: files.size };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function main(): number {
  const { values } = parseArgs({ options: { "limit-mb": { type: "string" }, dir: { type: "string" } } });
  const limit = values["limit-mb"] ? Number(values["limit-mb"]) * 1e6 : AMPLIFY_LIMIT_BYTES;
  const dir = values.dir ? resolve(values.dir) : join(ROOT, ".next");
  if (!existsSync(join(dir, "BUILD_ID"))) {
    console.error(`build-size: no production build in ${dir}: run \`npx next build\` first.`);
    return 2;
  }
  const size = measureBuild(dir);
  const biggest = [...size.parts].sort((a, b) => b[1] - a[1]).slice(0, 8);
  const verdict = size.totalBytes <= limit ? "within" : "OVER";
  console.log(`build-size: ${mb(size.totalBytes)} in ${size.files} files (.next without its cache + traced server files), ${verdict} the limit of ${mb(limit)}`);
  for (const [part, bytes] of biggest) console.log(`  ${mb(bytes).padStart(9)}  ${part}`);
  if (size.totalBytes > limit) {
    console.log("build-size: Amplify refuses SSR build output over 220 MB: drop or lazy-load the biggest dependencies above, or check that nothing large is imported by the server by accident.");
    return 1;
  }
  return 0;
}

if (process.argv[1] && /build-size\.[cm]?[tj]s$/.test(process.argv[1])) process.exit(main());
