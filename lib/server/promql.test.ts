import { describe, expect, it } from "vitest";
import { assertValidPromQL, injectMatchers, metricNames, PromQLSyntaxError } from "./promql";

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
