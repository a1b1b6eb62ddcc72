import { describe, expect, it } from "vitest";
import { assertValidPromQL, groupByLabel, injectMatchers, metricNames, PromQLSyntaxError } from "./promql";

const job = { name: "job", op: "=" as const, value: "apiserver" };

describe("injectMatchers", () => {
  it("adds matchers to a bare selector", () => {
    expect(injectMatchers("sum by (instance) (apiserver_longrunning_requests)", [job])).toBe('sum by (instance) (apiserver_longrunning_requests{job="apiserver"})');
  });
  it("adds matchers inside existing braces, keeping the panel's own", () => {
    expect(injectMatchers('rate(apiserver_request_total{verb="LIST"}[2m])', [job])).toBe('rate(apiserver_request_total{job="apiserver",verb="LIST"}[2m])');
  });
  it("reaches every selector of a binary expression and leaves vector() alone", () => {
    const out = injectMatchers("(sum(rate(a_total{code=~\"5..\"}[1m])) or vector(0)) / sum(rate(a_total[1m]))", [job]);
    expect(out).toBe('(sum(rate(a_total{job="apiserver",code=~"5.."}[1m])) or vector(0)) / sum(rate(a_total{job="apiserver"}[1m]))');
    assertValidPromQL(out);
  });
  it("never overrides a label the panel matches on itself", () => {
    expect(injectMatchers('up{job="other"}', [job])).toBe('up{job="other"}');
  });
  it("escapes values so a label value cannot break out of the string", () => {
    const out = injectMatchers("up", [{ name: "instance", op: "=", value: 'a"b\\c' }]);
    expect(out).toBe('up{instance="a\\"b\\\\c"}');
    assertValidPromQL(out);
  });
  it("handles empty braces and __name__ selectors", () => {
    expect(injectMatchers("up{}", [job])).toBe('up{job="apiserver"}');
    expect(injectMatchers('{__name__="up"}', [job])).toBe('{job="apiserver",__name__="up"}');
  });
  it("rejects invalid PromQL instead of producing garbage", () => {
    expect(() => injectMatchers("sum(rate(up[5m]", [job])).toThrow(PromQLSyntaxError);
  });
});

describe("metricNames", () => {
  it("lists every metric an expression reads", () => {
    expect(metricNames("histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m]))) / on() y + z{a=\"b\"}").sort()).toEqual(["x_bucket", "y", "z"]);
  });
  it("reads __name__ matchers", () => {
    expect(metricNames('{__name__="up", job="x"}')).toEqual(["up"]);
  });
  it("ignores label names and functions", () => {
    expect(metricNames("sum by (instance) (rate(foo[1m]))")).toEqual(["foo"]);
  });
});

describe("groupByLabel", () => {
  it("groups every aggregation by the label, with or without its own grouping", () => {
    expect(groupByLabel('histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="a"}[5m])))', "cluster")).toBe('histogram_quantile(0.99, sum by (le, cluster) (rate(x_bucket{job="a"}[5m])))');
    expect(groupByLabel("sum(rate(x[5m])) / sum(rate(y[5m]))", "cluster")).toBe("sum by (cluster)(rate(x[5m])) / sum by (cluster)(rate(y[5m]))");
    expect(groupByLabel("max(x) by (priority_level)", "tenant")).toBe("max(x) by (priority_level, tenant)");
    expect(groupByLabel("topk(1, x)", "cluster")).toBe("topk by (cluster)(1, x)");
    for (const e of ["sum by (le) (x)", "sum(x) / sum(y)", "topk(1, x)"]) assertValidPromQL(groupByLabel(e, "cluster")!);
  });
  it("keeps the label through without (…), on (…) and ignoring (…)", () => {
    expect(groupByLabel("sum without (instance, cluster) (x)", "cluster")).toBe("sum without (instance) (x)");
    expect(groupByLabel("sum by (a) (x) / on(a) group_left sum by (a) (y)", "cluster")).toBe("sum by (a, cluster) (x) / on(a, cluster) group_left sum by (a, cluster) (y)");
    expect(groupByLabel("x / on() y", "cluster")).toBe("x / on(cluster) y");
    expect(groupByLabel("x / ignoring(cluster, b) y", "cluster")).toBe("x / ignoring(b) y");
    expect(groupByLabel("max by (cluster) (x)", "cluster")).toBe("max by (cluster) (x)");
  });
  it("keeps a share's `or vector(0)` a 0 for every value the denominator has", () => {
    const share = '(sum(rate(a{code=~"5.."}[1m])) or vector(0)) / sum(rate(a[1m]))';
    expect(groupByLabel(share, "cluster")).toBe('(sum by (cluster)(rate(a{code=~"5.."}[1m])) or (sum by (cluster)(rate(a[1m])) * 0 + 0)) / sum by (cluster)(rate(a[1m]))');
    assertValidPromQL(groupByLabel(share, "cluster")!);
  });
  it("refuses expressions whose answer drops labels", () => {
    expect(groupByLabel("sum(x) or vector(0)", "cluster")).toBeNull();
    expect(groupByLabel("(sum(x) or vector(time())) / sum(y)", "cluster")).toBeNull();
    expect(groupByLabel("x / scalar(sum(y))", "cluster")).toBeNull();
    expect(groupByLabel('label_replace(x, "cluster", "a", "", "")', "cluster")).toBeNull();
  });
});
