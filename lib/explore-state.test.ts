import { describe, expect, it } from "vitest";
import { explorerHref, parseExploreParams, serializeExploreState } from "./explore-state";

describe("explore URL state", () => {
  it("reads the dashboard's fields and the queries, step and tab", () => {
    const { state, notices } = parseExploreParams(new URLSearchParams("cluster=eu&from=now-3h&to=now&tz=utc&q=up&q=sum(rate(x[5m]))&step=60&tab=table"));
    expect(notices).toEqual([]);
    expect(state.view).toMatchObject({ cluster: "eu", from: "now-3h", to: "now", tz: "utc" });
    expect(state.queries).toEqual(["up", "sum(rate(x[5m]))"]);
    expect(state.step).toBe(60);
    expect(state.tab).toBe("table");
  });

  it("round-trips through the URL, queries in order", () => {
    const { state } = parseExploreParams(new URLSearchParams("from=1000&to=2000&q=b&q=a+%2B+1"));
    const again = parseExploreParams(serializeExploreState(state)).state;
    expect(again).toEqual(state);
    expect(again.queries).toEqual(["b", "a + 1"]);
  });

  it("says what it ignored", () => {
    const { state, notices } = parseExploreParams(new URLSearchParams("q=up&step=0.5&tab=pie"));
    expect(state.step).toBeNull();
    expect(state.tab).toBe("graph");
    expect(notices).toEqual(['Ignored step="0.5": use whole seconds from 1 to 86400.', 'Ignored tab="pie": use graph or table.']);
  });

  it("builds a panel's link with its window and step", () => {
    const href = explorerHref({ cluster: "demo", tz: "utc", expr: 'sum(rate(a{job="x"}[75s]))', window: { start: 600, end: 4200, step: 60 } });
    const { state } = parseExploreParams(new URL(href, "http://x").searchParams);
    expect(href.startsWith("/explore?")).toBe(true);
    expect(state).toMatchObject({ queries: ['sum(rate(a{job="x"}[75s]))'], step: 60, view: { cluster: "demo", from: "600000", to: "4200000", tz: "utc" } });
  });
});
