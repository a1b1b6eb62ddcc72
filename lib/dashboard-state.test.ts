import { describe, expect, it } from "vitest";
import { parseDashboardParams, serializeDashboardState, zoomedRange } from "./dashboard-state";

const parse = (q: string) => parseDashboardParams(new URLSearchParams(q));

describe("dashboard URL state", () => {
  it("round-trips every field", () => {
    const { state } = parse("cluster=prod&job=apiserver&instance=10.0.0.1:443&from=now-6h&to=now&refresh=30s&tz=utc&collapsed=watch,list&viewPanel=inflight");
    expect(state).toMatchObject({ cluster: "prod", job: "apiserver", instance: "10.0.0.1:443", from: "now-6h", refresh: "30s", tz: "utc", collapsed: ["watch", "list"], viewPanel: "inflight" });
    expect(parse(serializeDashboardState(state).toString()).state).toEqual(state);
  });
  it("carries Grafana's var- parameters and ignores its noise", () => {
    const { state, notices } = parse("orgId=1&var-job=kube-apiserver&var-cluster=eks-1&from=now-24h&to=now&timezone=utc");
    expect(state).toMatchObject({ job: "kube-apiserver", cluster: "eks-1", tz: "utc" });
    expect(notices).toEqual([]);
  });
  it("drops malformed or unknown values with a notice each, keeping defaults", () => {
    const { state, notices } = parse('cluster=<script>&instance="}or vector(1)&refresh=1ms&tz=Mars&collapsed=nope&bogus=1');
    expect(state).toMatchObject({ cluster: null, instance: null, refresh: "off", tz: "local", collapsed: [] });
    expect(notices).toHaveLength(6);
  });
});

describe("zoomedRange", () => {
  it("covers the dragged range in whole seconds, as URL milliseconds", () => {
    expect(zoomedRange(1700000000.6, 1700003600.2)).toEqual({ from: "1700000000000", to: "1700003601000" });
  });
});
