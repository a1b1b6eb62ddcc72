// The deployable size: .next without its cache, plus each file the traces name once.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCommands } from "./amplify-check";
import { measureBuild } from "./build-size";
import { readFileSync } from "node:fs";

const dir = mkdtempSync(join(tmpdir(), "apiscope-build-size-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(path: string, bytes: number) {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), "x".repeat(bytes));
}

describe("measureBuild", () => {
  it("counts .next without its cache and the traced files once", () => {
    file(".next/BUILD_ID", 10);
    file(".next/cache/webpack/huge.pack", 5000);
    file(".next/server/a.js", 100);
    file(".next/server/b.js", 200);
    file("node_modules/dep/index.js", 1000);
    file("node_modules/unused/index.js", 7000);
    const trace = JSON.stringify({ version: 1, files: ["../../node_modules/dep/index.js", "../../node_modules/missing.js"] });
    writeFileSync(join(dir, ".next/server/a.js.nft.json"), trace);
    writeFileSync(join(dir, ".next/server/b.js.nft.json"), trace);
    const size = measureBuild(join(dir, ".next"));
    const traceBytes = Buffer.byteLength(trace) * 2;
    expect(size.totalBytes).toBe(10 + 100 + 200 + 1000 + traceBytes);
    expect(size.files).toBe(6);
  });
});

describe("amplify.yml's build commands", () => {
  it("are read in order from the real spec: install, copy APISCOPE_* into .env.production, build", () => {
    const commands = buildCommands(readFileSync(join(__dirname, "..", "amplify.yml"), "utf8"));
    expect(commands.some((c) => c.startsWith("npm ci"))).toBe(true);
    const copyEnv = commands.findIndex((c) => c.includes("APISCOPE_") && c.includes(".env.production"));
    const build = commands.indexOf("npm run build");
    expect(copyEnv).toBeGreaterThan(commands.findIndex((c) => c.startsWith("npm ci")));
    expect(build).toBeGreaterThan(copyEnv);
  });

  it("refuses a spec without a build phase", () => {
    expect(() => buildCommands("version: 1\nfrontend:\n  phases:\n    preBuild:\n      commands:\n        - npm ci\n")).toThrow("no build phase");
  });
});
