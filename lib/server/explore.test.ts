import { describe, expect, it } from "vitest";
import type { ClusterConfig } from "./config";
import { bracketProblem, exploreWindow, lineColumn, scopedExpr, syntaxProblem } from "./explore";
import { LimitError } from "./limits/errors";

describe("syntaxProblem", () => {
  it("accepts valid PromQL", () => {
    expect(syntaxProblem('sum by (verb) (rate(apiserver_request_total{code=~"5.."}[5m]))')).toBeNull();
    expect(syntaxProblem("up\n  + on (instance)\n  up")).toBeNull();
  });

  it("points at an unclosed bracket with what was expected", () => {
    const p = syntaxProblem("rate(up[5m]")!;
    expect(p.position).toEqual({ offset: 11, line: 1, column: 12 });
    expect(p.message).toBe('PromQL syntax error at line 1, column 12: found the end of the query, expected ")" to close the "(" at column 5');
  });

  it("points at a stray closer", () => {
    const p = syntaxProblem("sum(up))")!;
    expect(p.position.offset).toBe(7);
    expect(p.message).toContain('found ")", expected nothing here: this ")" closes no "("');
  });

  it("gives line and column on a multi-line query", () => {
    const p = syntaxProblem("sum(\n  rate(up[5m]\n)")!;
    expect(p.message).toContain('line 3, column 2: found the end of the query, expected ")" to close the "(" at line 1, column 4');
    expect(p.position).toEqual({ offset: 20, line: 3, column: 2 });
  });

  it("falls back to the parser's position when the brackets are fine", () => {
    const p = syntaxProblem("up + * up")!;
    expect(p.position.offset).toBeGreaterThanOrEqual(4);
    expect(p.position.offset).toBeLessThanOrEqual(6);
    expect(p.message).toContain("expected an expression, an operator or a closing bracket");
  });

  it("refuses an empty query with what to type", () => {
    expect(syntaxProblem("  ")!.message).toBe("The query is empty");
  });
});

describe("bracketProblem", () => {
  it("ignores brackets inside strings and comments", () => {
    expect(bracketProblem('up{job="(a"} # )')).toBeNull();
  });
  it("finds an unterminated string", () => {
    expect(bracketProblem('up{job="a}')).toEqual({ offset: 7, expected: 'a closing " for the string that starts here' });
  });
  it("names the mismatched pair", () => {
    expect(bracketProblem("sum(up]")?.expected).toBe('")" to close the "(" at column 4');
  });
});

describe("lineColumn", () => {
  it("counts from 1", () => {
    expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn("ab", 0)).toEqual({ line: 1, column: 1 });
  });
});

describe("scopedExpr", () => {
  const base = { id: "eu", name: "eu", scrapeIntervalSeconds: 30, timeoutMs: 1000, inflightLimits: { readOnly: 400, mutating: 200 }, kind: "amp", region: "eu-west-1" } as const;
  it("runs the expression as written on a cluster of its own", () => {
    expect(scopedExpr(base as ClusterConfig, 'rate(up{cluster="x"}[5m])')).toBe('rate(up{cluster="x"}[5m])');
  });
  it("ANDs the cluster label in on a shared workspace, even beside a typed one", () => {
    const shared = { ...base, clusterLabel: "prod-eu" } as ClusterConfig;
    expect(scopedExpr(shared, 'rate(up{cluster="other"}[5m]) / up')).toBe('rate(up{cluster="prod-eu",cluster="other"}[5m]) / up{cluster="prod-eu"}');
  });
});

describe("exploreWindow", () => {
  it("sizes the step to the width like a panel", () => {
    const w = exploreWindow({ start: 0, end: 3600, width: 120 }, 15, 10_000);
    expect(w.step).toBe(30);
    expect([w.start, w.end]).toEqual([0, 3600]);
  });
  it("keeps an explicit step and aligns to it (the panel's window)", () => {
    const w = exploreWindow({ start: 1010, end: 4590, width: 800, step: 60 }, 15, 10_000);
    expect(w).toEqual({ start: 960, end: 4620, step: 60, rateInterval: 75, evalTime: 4560 });
  });
  it("refuses a step that gives more points than Prometheus answers", () => {
    expect(() => exploreWindow({ start: 0, end: 86_400, width: 800, step: 1 }, 15, 100_000)).toThrow(LimitError);
  });
  it("never reaches past now", () => {
    expect(exploreWindow({ start: 0, end: 10_000, width: 800, step: 60 }, 15, 3000).end).toBe(3000);
  });
});
