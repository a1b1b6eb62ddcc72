import { describe, expect, it } from "vitest";
import { buildExpr } from "../server/panel-data";
import { expandPlaceholders, templateMetricNames } from "../server/template";
import { assertValidPromQL, metricNames } from "../server/promql";
import { queryWindow } from "../server/query-window";
import { PANELS } from "./catalog";
import { ROWS } from "./types";

const window = queryWindow(1_795_000_000 - 3600, 1_795_000_000, 800, 30);

describe("panel catalogue", () => {
  it("has the thirty panels of panels.md, numbered 1..30, in row order", () => {
    expect(PANELS.map((p) => p.number)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const rowOrder = ROWS.map((r) => r.id);
    const seen = PANELS.map((p) => rowOrder.indexOf(p.row));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
  it("has unique, URL-safe ids", () => {
    const ids = PANELS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });
  it("every query variant is valid PromQL before and after the dashboard's matchers are injected", () => {
    for (const p of PANELS)
      for (const q of p.queries)
        for (const v of q.variants) {
          const expanded = expandPlaceholders(v.expr, window);
          expect(expanded, `${p.id}/${q.id}`).not.toContain("$__");
          assertValidPromQL(expanded);
          const built = buildExpr(v.expr, window, [
            { name: "job", op: "=", value: "apiserver" },
            { name: "cluster", op: "=", value: "c1" },
          ]);
          assertValidPromQL(built);
          // every selector got the job and cluster matchers
          const selectors = metricNames(expanded).length;
          expect(selectors, `${p.id}/${q.id} reads no metric`).toBeGreaterThan(0);
          expect(built.match(/job="apiserver"/g)!.length, built).toBeGreaterThanOrEqual(selectors);
          expect(built.match(/cluster="c1"/g)!.length, built).toBe(built.match(/job="apiserver"/g)!.length);
          expect(templateMetricNames(v.expr).sort()).toEqual(metricNames(expanded).sort());
        }
  });
  it("never divides by the exempt priority level", () => {
    for (const p of PANELS)
      for (const q of p.queries)
        for (const v of q.variants)
          if (/\/\s*on/.test(v.expr) && v.expr.includes("limit")) expect(v.expr, p.id).toContain('priority_level!="exempt"');
  });
  it("gives every panel an explanation, a hint, an absent reason and an empty message", () => {
    for (const p of PANELS) {
      for (const text of [p.title, p.explanation, p.hint, p.absentReason, p.emptyMessage]) expect(text.length, p.id).toBeGreaterThan(5);
    }
  });
  it("ranked tables name queries that exist", () => {
    for (const p of PANELS) {
      if (p.chart !== "ranked-table") continue;
      const ids = p.queries.map((q) => q.id);
      expect(ids).toContain(p.options.rankBy);
      if (p.options.sparkline) expect(ids).toContain(p.options.sparkline);
    }
  });
});
