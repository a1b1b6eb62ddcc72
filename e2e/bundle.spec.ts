// The browser never receives PromQL: the panel catalogue's queries stay on the server (the browser names a
// panel by id; the server decides what runs). Checked on the client bundle `next build` wrote to
// .next/static — every file the browser can download from /_next/static — not on the page's behaviour.
// Uses Playwright's plain `test`: no Prometheus or app stack is started for it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

const NEXT = join(__dirname, "..", ".next");

/** Strings only PromQL (or the catalogue's queries) would put into a bundle. */
const FORBIDDEN = ["apiserver_request_duration_seconds_bucket", "histogram_quantile", "etcd_request_duration_seconds_bucket", "sum by ("];

/**
 * The explorer's PromQL language support (codemirror-promql: its grammar and function list, for highlighting
 * and autocomplete) names PromQL's functions: that chunk is the language, not the catalogue, and may say
 * histogram_quantile. Found by its snippet's description; the catalogue's metric names stay forbidden there.
 */
const LANGUAGE_CHUNK_MARKER = "Approximate a quantile value from an aggregated histogram";
const LANGUAGE_WORDS = new Set(["histogram_quantile"]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

// Runs in the prometheus project only (playwright.config.ts): the bundle is one build for every project.
test("no client chunk contains PromQL", async () => {

  const files = filesUnder(join(NEXT, "static"));
  const js = files.filter((f) => f.endsWith(".js"));
  // An empty or half-written .next/static must not pass: a Next app with React and the charts is dozens
  // of chunks and several hundred kB.
  expect(js.length, "JS chunks in .next/static").toBeGreaterThanOrEqual(10);
  const jsBytes = js.reduce((n, f) => n + statSync(f).size, 0);
  expect(jsBytes, "bytes of JS in .next/static").toBeGreaterThan(300_000);

  const leaks: string[] = [];
  let languageChunks = 0;
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    const language = text.includes(LANGUAGE_CHUNK_MARKER);
    if (language) languageChunks++;
    for (const needle of FORBIDDEN) if (text.includes(needle) && !(language && LANGUAGE_WORDS.has(needle))) leaks.push(`${f.slice(NEXT.length + 1)} contains ${JSON.stringify(needle)}`);
  }
  expect(leaks).toEqual([]);
  // The exemption covers the one language chunk, loaded by the explorer only.
  expect(languageChunks, "chunks with codemirror-promql's function list").toBeLessThanOrEqual(1);

  // The same search finds these strings where they belong, in the server's build: the catalogue was
  // built, and reading chunks this way would see PromQL if it were there.
  const server = filesUnder(join(NEXT, "server"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => readFileSync(f, "utf8"));
  for (const needle of ["histogram_quantile", "sum by ("]) expect(server.some((t) => t.includes(needle)), `${needle} in .next/server`).toBe(true);
});
