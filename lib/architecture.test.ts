// The folder rules of README.md "Layout", checked on every import statement of the source tree (read with
// the TypeScript parser, so comments and strings are not mistaken for imports). Each rule lists the
// offending imports as `file:line → specifier`, so a failure says what to move.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const FOLDERS = ["app", "components", "lib", "demo", "scripts", "test-support", "e2e"] as const;
type Folder = (typeof FOLDERS)[number];
const SKIP_DIRS = new Set(["node_modules", ".next", ".cache", ".data", "test-results", "e2e-artifacts", ".git"]);
const SOURCE = /\.(ts|tsx|mts|cts)$/;

interface Import {
  /** importing file, relative to the root, with / separators */
  file: string;
  line: number;
  spec: string;
  typeOnly: boolean;
  /** where it lands: a builtin, an npm package, or a project path relative to the root (no extension) */
  target: { kind: "builtin" } | { kind: "package"; name: string } | { kind: "project"; path: string };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

const posix = (p: string) => p.split(sep).join("/");

function resolveProject(fromFile: string, spec: string): string {
  const base = spec.startsWith("@/") ? join(ROOT, spec.slice(2)) : resolve(dirname(fromFile), spec);
  const candidates = [base, ...[".ts", ".tsx", ".mts", ".cts"].map((e) => base + e), ...["index.ts", "index.tsx"].map((i) => join(base, i))];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
  return posix(relative(ROOT, found)).replace(/\.(ts|tsx|mts|cts)$/, "");
}

const BUILTINS = new Set(builtinModules);

function targetOf(fromFile: string, spec: string): Import["target"] {
  if (spec.startsWith(".") || spec.startsWith("@/")) return { kind: "project", path: resolveProject(fromFile, spec) };
  if (spec.startsWith("node:") || BUILTINS.has(spec) || BUILTINS.has(spec.split("/")[0]!)) return { kind: "builtin" };
  const parts = spec.split("/");
  return { kind: "package", name: spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]! };
}

function importsOf(full: string, text = readFileSync(full, "utf8")): { imports: Import[]; source: ts.SourceFile } {
  const source = ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true, full.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const file = posix(relative(ROOT, full));
  const imports: Import[] = [];
  const add = (node: ts.Node, spec: string, typeOnly: boolean) =>
    imports.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, spec, typeOnly, target: targetOf(full, spec) });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node, node.moduleSpecifier.text, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node, node.moduleReference.expression.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteral(node.arguments[0]!)) {
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
      if (isDynamicImport || isRequire) add(node, (node.arguments[0] as ts.StringLiteral).text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true); // `typeof import("…")`
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, source };
}

const files = FOLDERS.flatMap((f) => (existsSync(join(ROOT, f)) ? walk(join(ROOT, f)) : []));
const parsed = new Map(files.map((f) => [posix(relative(ROOT, f)), importsOf(f)]));
const all = [...parsed.values()].flatMap((p) => p.imports);

const folderOf = (path: string): Folder | null => (FOLDERS as readonly string[]).find((f) => path === f || path.startsWith(`${f}/`)) as Folder | null;
/** Test code: test files and helpers kept in a `testing/` folder for them. */
const isTestCode = (path: string) => /\.(test|spec)\.(ts|tsx|mts|cts)$/.test(path) || /(^|\/)testing\//.test(path);
const show = (i: Import) => `${i.file}:${i.line} → ${i.spec}${i.typeOnly ? " (type-only)" : ""}`;
const projectPath = (i: Import) => (i.target.kind === "project" ? i.target.path : null);
const under = (path: string | null, prefix: string) => path !== null && (path === prefix || path.startsWith(`${prefix}/`));

/** Every cycle a depth-first search meets, each as [a, b, …, a]; empty when the graph is acyclic. */
function findCycles<N>(edges: Map<N, Map<N, unknown>>): N[][] {
  const nodes = new Set<N>([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]);
  const cycles: N[][] = [];
  const state = new Map<N, "open" | "done">();
  const stack: N[] = [];
  const visit = (n: N) => {
    state.set(n, "open");
    stack.push(n);
    for (const to of edges.get(n)?.keys() ?? []) {
      if (state.get(to) === "open") cycles.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
  return cycles;
}

describe("architecture: the checker itself", () => {
  it("reads imports from the syntax tree: type-only, re-exports, dynamic, require; not comments or strings", () => {
    const text = [
      "// import { x } from \"../app/commented-out\";",
      "/* export * from \"../app/in-a-block-comment\"; */",
      'const s = "import y from \'../scripts/in-a-string\'";',
      'import "server-only";',
      'import type { A } from "./theme";',
      'import { type B, type C } from "@/lib/api-schema";',
      'import D, { type E } from "../lib/format";',
      'export { F } from "node:fs";',
      'export type { G } from "zod";',
      'const m = await import("../demo/scenario");',
      'const r = require("@aws-sdk/client-amp/dist");',
      'type T = typeof import("../lib/server/promql");',
    ].join("\n");
    const { imports } = importsOf(join(ROOT, "components", "virtual.ts"), text);
    expect(imports.map((i) => [i.spec, i.typeOnly, i.target])).toEqual([
      ["server-only", false, { kind: "package", name: "server-only" }],
      ["./theme", true, { kind: "project", path: "components/theme" }],
      ["@/lib/api-schema", true, { kind: "project", path: "lib/api-schema" }],
      ["../lib/format", false, { kind: "project", path: "lib/format" }],
      ["node:fs", false, { kind: "builtin" }],
      ["zod", true, { kind: "package", name: "zod" }],
      ["../demo/scenario", false, { kind: "project", path: "demo/scenario/index" }],
      ["@aws-sdk/client-amp/dist", false, { kind: "package", name: "@aws-sdk/client-amp" }],
      ["../lib/server/promql", true, { kind: "project", path: "lib/server/promql" }],
    ]);
  });

  it("finds a cycle when there is one, and none in a DAG", () => {
    const g = (pairs: [string, string][]) => {
      const m = new Map<string, Map<string, unknown>>();
      for (const [a, b] of pairs) m.set(a, (m.get(a) ?? new Map()).set(b, true));
      return m;
    };
    expect(findCycles(g([["app", "lib"], ["app", "components"], ["components", "lib"]]))).toEqual([]);
    expect(findCycles(g([["app", "components"], ["components", "lib"], ["lib", "app"]]))).toEqual([["app", "components", "lib", "app"]]);
    expect(findCycles(g([["lib", "test-support"], ["test-support", "lib"]]))).toEqual([["lib", "test-support", "lib"]]);
  });
});

describe("architecture: the import graph", () => {
  it("finds the source tree (so an empty scan cannot pass)", () => {
    for (const f of ["app", "components", "lib", "demo"] as const) expect(files.filter((x) => folderOf(posix(relative(ROOT, x))) === f).length, f).toBeGreaterThan(3);
    expect(all.length).toBeGreaterThan(200);
    // the scan sees type-only imports and re-exports
    expect(all.some((i) => i.typeOnly)).toBe(true);
    expect(all.some((i) => i.file === "test-support/prometheus.ts" && i.spec === "../demo/prometheus")).toBe(true);
  });

  it("demo/ imports only node builtins, npm packages and demo/", () => {
    const bad = all.filter((i) => folderOf(i.file) === "demo" && i.target.kind === "project" && folderOf(i.target.path) !== "demo");
    expect(bad.map(show)).toEqual([]);
  });

  it("every npm package imported is declared in package.json", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: object; devDependencies?: object };
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
    const bad = all.filter((i) => i.target.kind === "package" && !declared.has(i.target.name));
    expect(bad.map(show)).toEqual([]);
  });

  it("lib/ (outside tests) never imports components/, app/, scripts/, test-support/, e2e/ or demo/", () => {
    const forbidden: Folder[] = ["components", "app", "scripts", "test-support", "e2e", "demo"];
    const bad = all.filter((i) => folderOf(i.file) === "lib" && !isTestCode(i.file) && forbidden.includes(folderOf(projectPath(i) ?? "")!));
    expect(bad.map(show)).toEqual([]);
  });

  it("code outside tests never imports test code (a *.test file or a testing/ helper)", () => {
    const bad = all.filter((i) => !isTestCode(i.file) && projectPath(i) !== null && isTestCode(projectPath(i)!) && ["lib", "app", "components", "demo"].includes(folderOf(i.file)!));
    expect(bad.map(show)).toEqual([]);
  });

  it("components/ never imports lib/server/ (not even types: components use lib/api-schema) nor lib/panels/catalog", () => {
    const bad = all.filter((i) => folderOf(i.file) === "components" && (under(projectPath(i), "lib/server") || projectPath(i) === "lib/panels/catalog"));
    expect(bad.map(show)).toEqual([]);
  });

  it("lib/auth/ (run by middleware, in the edge runtime) never imports lib/server/, and the browser never imports lib/auth/", () => {
    const fromAuth = all.filter((i) => i.file.startsWith("lib/auth/") && under(projectPath(i), "lib/server"));
    const fromBrowser = all.filter((i) => folderOf(i.file) === "components" && under(projectPath(i), "lib/auth"));
    expect([...fromAuth, ...fromBrowser].map(show)).toEqual([]);
  });

  it('every lib/server/ module (not tests, not testing/ helpers) starts with import "server-only"', () => {
    const modules = [...parsed.keys()].filter((f) => f.startsWith("lib/server/") && !isTestCode(f));
    expect(modules.length).toBeGreaterThan(10);
    const bad = modules.filter((f) => {
      const first = parsed.get(f)!.source.statements[0];
      return !(first && ts.isImportDeclaration(first) && !first.importClause && ts.isStringLiteral(first.moduleSpecifier) && first.moduleSpecifier.text === "server-only");
    });
    expect(bad).toEqual([]);
  });

  it("the graph of top-level folders has no cycle", () => {
    const edges = new Map<Folder, Map<Folder, Import>>();
    for (const i of all) {
      const from = folderOf(i.file);
      const to = folderOf(projectPath(i) ?? "");
      if (!from || !to || from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, i);
    }
    // The graph is not empty: the app is built on the others.
    expect(edges.get("app")?.has("lib")).toBe(true);
    expect(edges.get("components")?.has("lib")).toBe(true);

    const cycles = findCycles(edges).map((loop) => `${loop.join(" → ")}: ${loop.slice(0, -1).map((a, k) => show(edges.get(a)!.get(loop[k + 1]!)!)).join("; ")}`);
    expect(cycles).toEqual([]);
  });
});
