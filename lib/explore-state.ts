// The explorer's URL state: the dashboard's (cluster, range, time zone, refresh — parsed by
// dashboard-state.ts, so a dashboard link and an explorer link read alike) plus the queries (`q=`,
// repeatable), an optional fixed step and the view (graph or table). Pure functions; the hook is in
// components/explore/.
import { EXPLORE_EXPR_MAX, EXPLORE_QUERIES_MAX } from "./api-schema";
import { parseDashboardParams, serializeDashboardState, type DashboardState } from "./dashboard-state";

export type ExploreTab = "graph" | "table";

export interface ExploreState {
  view: DashboardState;
  /** The expressions side by side, in order. */
  queries: string[];
  /** Seconds between points, when the link fixes it (an "Open in explorer" link: its panel's step). */
  step: number | null;
  tab: ExploreTab;
}

const EXPLORE_PARAMS = ["q", "step", "tab"];

export function parseExploreParams(input: URLSearchParams): { state: ExploreState; notices: string[] } {
  const rest = new URLSearchParams(input);
  for (const name of EXPLORE_PARAMS) rest.delete(name);
  const { state: view, notices } = parseDashboardParams(rest);
  const all = input.getAll("q");
  const queries = all.slice(0, EXPLORE_QUERIES_MAX).map((q) => q.slice(0, EXPLORE_EXPR_MAX));
  if (all.length > EXPLORE_QUERIES_MAX) notices.push(`Showing the first ${EXPLORE_QUERIES_MAX} of ${all.length} queries.`);
  if (all.some((q) => q.length > EXPLORE_EXPR_MAX)) notices.push(`A query was cut to ${EXPLORE_EXPR_MAX} characters.`);
  const stepRaw = input.get("step");
  let step: number | null = null;
  if (stepRaw !== null && stepRaw !== "") {
    const n = Number(stepRaw);
    if (Number.isInteger(n) && n >= 1 && n <= 86_400) step = n;
    else notices.push(`Ignored step="${stepRaw.slice(0, 20)}": use whole seconds from 1 to 86400.`);
  }
  const tabRaw = input.get("tab");
  if (tabRaw && tabRaw !== "graph" && tabRaw !== "table") notices.push(`Ignored tab="${tabRaw.slice(0, 20)}": use graph or table.`);
  return { state: { view, queries, step, tab: tabRaw === "table" ? "table" : "graph" }, notices };
}

export function serializeExploreState(s: ExploreState): URLSearchParams {
  const p = serializeDashboardState({ ...s.view, job: null, instance: null, collapsed: [], viewPanel: null, finding: null });
  for (const q of s.queries) p.append("q", q);
  if (s.step !== null) p.set("step", String(s.step));
  if (s.tab !== "graph") p.set("tab", s.tab);
  return p;
}

/**
 * The explorer link of a panel's query: its expression over the panel's window (absolute times) at its
 * step, so the explorer sends exactly the query the panel ran and shows the panel's numbers.
 */
export function explorerHref(args: { cluster: string | null; tz: DashboardState["tz"]; expr: string; window: { start: number; end: number; step: number }; tab?: ExploreTab }): string {
  const p = new URLSearchParams();
  if (args.cluster) p.set("cluster", args.cluster);
  p.set("from", String(args.window.start * 1000));
  p.set("to", String(args.window.end * 1000));
  if (args.tz !== "local") p.set("tz", args.tz);
  p.append("q", args.expr);
  p.set("step", String(args.window.step));
  if (args.tab === "table") p.set("tab", "table");
  return `/explore?${p}`;
}
