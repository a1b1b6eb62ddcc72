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

/** Functions whose answer has no labels to tell clusters apart by: an expression using them is not grouped. */
const LABEL_DROPPING_FUNCTIONS = new Set(["scalar", "vector", "absent", "absent_over_time", "time", "label_replace", "label_join", "info"]);

/**
 * `(A or vector(c)) <op> B` (a share that is 0 when A has no series): per value of the label, `vector(c)`
 * becomes `(B * 0 + c)` grouped like B, i.e. c for every value B has, where `vector(c)` is c for the one
 * value a scoped expression reads. Returns B's node, or null when `node` is not such a `vector(c)`.
 */
function shareDenominator(node: SyntaxNode, expr: string): SyntaxNode | null {
  const or = node.parent;
  if (or?.name !== "BinaryExpr" || !childOfType(or, "Or") || or.lastChild?.from !== node.from) return null;
  const body = childOfType(node, "FunctionCallBody");
  // vector(<number>) only: its one argument a literal.
  if (!body?.firstChild || body.firstChild.from !== body.lastChild?.from || body.firstChild.name !== "NumberDurationLiteral") return null;
  let operand: SyntaxNode = or;
  while (operand.parent?.name === "ParenExpr") operand = operand.parent;
  const outer = operand.parent;
  if (outer?.name !== "BinaryExpr" || outer.firstChild?.from !== operand.from || !["Div", "Mul", "Add", "Sub"].some((op) => childOfType(outer, op))) return null;
  return outer.lastChild;
}

/**
 * The same expression evaluated for every value of `label` at once: `label` added to every aggregation's
 * `by (…)` (or a `by (label)` where there is none; taken out of a `without (…)`) and to every `on (…)` vector
 * matching (taken out of an `ignoring (…)`), so each answer series carries its value and equals what the
 * expression with `label="<value>"` on every selector answers. Null when that cannot be promised: the
 * expression drops labels (scalar(), vector() but in a share's `or vector(c)`, absent(), label_replace()…).
 */
export function groupByLabel(expr: string, label: string): string | null {
  const tree = parseChecked(expr);
  const edits: { from: number; to: number; text: string }[] = [];
  let groupable = true;
  const labelsOf = (grouping: SyntaxNode): string[] => {
    const names: string[] = [];
    for (let c = grouping.firstChild; c; c = c.nextSibling) if (c.name === "LabelName") names.push(expr.slice(c.from, c.to));
    return names;
  };
  /** `(a, b)` with `label` added (keep) or removed (!keep). */
  const rewrite = (grouping: SyntaxNode, keep: boolean) => {
    const names = labelsOf(grouping);
    const next = keep ? (names.includes(label) ? names : [...names, label]) : names.filter((n) => n !== label);
    if (next.length !== names.length) edits.push({ from: grouping.from, to: grouping.to, text: `(${next.join(", ")})` });
  };
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === "FunctionCall") {
        const id = childOfType(node, "FunctionIdentifier");
        const name = id ? expr.slice(id.from, id.to) : "";
        const denominator = name === "vector" ? shareDenominator(node, expr) : null;
        const groupedDenominator = denominator && groupByLabel(expr.slice(denominator.from, denominator.to), label);
        if (groupedDenominator) {
          const body = childOfType(node, "FunctionCallBody")!;
          edits.push({ from: node.from, to: node.to, text: `(${groupedDenominator} * 0 + ${expr.slice(body.from + 1, body.to - 1).trim()})` });
          return false;
        }
        if (LABEL_DROPPING_FUNCTIONS.has(name)) groupable = false;
      } else if (node.name === "AggregateExpr") {
        const modifier = childOfType(node, "AggregateModifier");
        const grouping = modifier && childOfType(modifier, "GroupingLabels");
        if (!modifier || !grouping) {
          const op = childOfType(node, "AggregateOp")!;
          edits.push({ from: op.to, to: op.to, text: ` by (${label})` });
        } else rewrite(grouping, childOfType(modifier, "By") !== null);
      } else if (node.name === "MatchingModifierClause") {
        const grouping = childOfType(node, "GroupingLabels");
        if (grouping) rewrite(grouping, childOfType(node, "On") !== null);
      }
    },
  });
  if (!groupable) return null;
  let out = expr;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}
