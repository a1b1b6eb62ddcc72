// PromQL rewriting through the Prometheus project's own grammar (lezer-promql), never by regex:
// dashboard variables (job, instance, cluster) become label matchers on every selector, and the
// metric names an expression needs are read from its syntax tree.
import "server-only";
import { parser } from "@prometheus-io/lezer-promql";
import type { SyntaxNode } from "@lezer/common";

export interface LabelMatcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/** PromQL string literal: double-quoted with backslash escapes, as Prometheus accepts. */
export function quoteLabelValue(value: string): string {
  return JSON.stringify(value);
}

export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${quoteLabelValue(m.value)}`;
}

export class PromQLSyntaxError extends Error {
  constructor(
    readonly expr: string,
    readonly position: number,
  ) {
    super(`PromQL syntax error at character ${position + 1}: …${expr.slice(Math.max(0, position - 20), position + 20)}…`);
    this.name = "PromQLSyntaxError";
  }
}

function parseChecked(expr: string) {
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new PromQLSyntaxError(expr, node.from);
    },
  });
  return tree;
}

function childOfType(node: SyntaxNode, name: string): SyntaxNode | null {
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name === name) return c;
  return null;
}

/** Label names a selector already constrains, so a dashboard variable never overrides a panel's own matcher. */
function matchedLabelNames(expr: string, matchers: SyntaxNode | null): Set<string> {
  const names = new Set<string>();
  if (!matchers) return names;
  for (let c = matchers.firstChild; c; c = c.nextSibling) {
    const label = childOfType(c, "LabelName");
    if (label) names.add(expr.slice(label.from, label.to));
  }
  return names;
}

/**
 * Add `matchers` to every vector selector in `expr` (inside rate(), histogram_quantile(), subqueries…).
 * A selector that already matches on a label keeps its own matcher for that label — unless `always`:
 * then ours is added beside it (Prometheus ANDs both), so a typed `cluster="other"` can never widen a scope.
 */
export function injectMatchers(expr: string, matchers: LabelMatcher[], opts: { always?: boolean } = {}): string {
  if (matchers.length === 0) return expr;
  const tree = parseChecked(expr);
  const edits: { at: number; text: string }[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.name !== "VectorSelector") return;
      const node = ref.node;
      const existing = childOfType(node, "LabelMatchers");
      const taken = opts.always ? new Set<string>() : matchedLabelNames(expr, existing);
      const added = matchers.filter((m) => !taken.has(m.name)).map(formatMatcher);
      if (added.length === 0) return false;
      if (existing) {
        // Insert right after "{"; a trailing comma separates from matchers already present.
        const inner = expr.slice(existing.from + 1, existing.to - 1).trim();
        edits.push({ at: existing.from + 1, text: added.join(",") + (inner ? "," : "") });
      } else {
        edits.push({ at: node.to, text: `{${added.join(",")}}` });
      }
      return false;
    },
  });
  let out = expr;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}

/** Metric names an expression reads (`foo`, `foo{…}` and `{__name__="foo"}`). */
export function metricNames(expr: string): string[] {
  const tree = parseChecked(expr);
  const names = new Set<string>();
  tree.iterate({
    enter(ref) {
      if (ref.name !== "VectorSelector") return;
      const id = childOfType(ref.node, "Identifier");
      if (id) {
        names.add(expr.slice(id.from, id.to));
        return false;
      }
      const lm = childOfType(ref.node, "LabelMatchers");
      for (let c = lm?.firstChild ?? null; c; c = c.nextSibling) {
        const label = childOfType(c, "LabelName");
        const op = childOfType(c, "MatchOp");
        const value = childOfType(c, "StringLiteral");
        if (label && op && value && expr.slice(label.from, label.to) === "__name__" && expr.slice(op.from, op.to) === "=") {
          names.add(JSON.parse(expr.slice(value.from, value.to)) as string);
        }
      }
      return false;
    },
  });
  return [...names];
}

/** Throws PromQLSyntaxError when `expr` does not parse. */
export function assertValidPromQL(expr: string): void {
  parseChecked(expr);
}
