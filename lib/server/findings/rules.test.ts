// The rules on hand-made panel answers: each fires on its cause and stays quiet on the look-alikes.
import { describe, expect, it } from "vitest";
import type { PanelData } from "../../api-schema";
import { RULES, Skip, type RuleInput } from "./rules";

const STEP = 60;
const FROM = 1_700_000_000;
const STEPS = 30;
const times = Array.from({ length: STEPS }, (_, i) => FROM + i * STEP);

/** A series that is `base` outside [a, b) steps and `high` inside. */
function shape(base: number, high: number, a: number, b: number): [number, number][] {
  return times.map((t, i) => [t, i >= a && i < b ? high : base]);
}

function panel(id: string, queries: Record<string, { labels: Record<string, string>; points: [number, number | null][] }[]>): PanelData {
  return {
    panelId: id,
    status: "ok",
    window: { start: FROM, end: FROM + STEPS * STEP, step: STEP, rateInterval: STEP + 30, evalTime: FROM + STEPS * STEP },
    queries: Object.entries(queries).map(([qid, series]) => ({ id: qid, legend: "", type: "range", expr: "x", variant: 0, series, stats: null, cached: false, warnings: [] })),
    samplesProcessed: 0,
  };
}

function input(panels: PanelData[]): RuleInput {
  return {
    panels: new Map(panels.map((p) => [p.panelId, p])),
    from: FROM,
    to: FROM + (STEPS - 1) * STEP,
    step: STEP,
    limits: { inflightReadOnly: 400, inflightMutating: 200 },
    audit: { region: "eu-west-1", logGroup: "/aws/eks/t/cluster" },
  };
}

const rule = (cause: string) => RULES.find((r) => r.cause === cause)!;
const at = (i: number) => FROM + i * STEP;

describe("LIST storm", () => {
  const lists = (rate: number) => panel("list-rate", { lists: [{ labels: { resource: "pods", scope: "cluster" }, points: shape(0.01, rate, 10, 20) }] });
  const objects = (perSecond: number) => panel("objects-read", { returned: [{ labels: { resource: "pods" }, points: shape(1, perSecond, 10, 20) }] });
  it("names the resource, the rate and the objects per LIST, from the step it started to the step it ended", () => {
    const [f] = rule("list-storm").run(input([lists(17), objects(17 * 50_000)]));
    expect(f).toMatchObject({ cause: "list-storm", since: at(10), until: at(19), severity: "warning" });
    expect(f!.title).toContain("LISTing all pods cluster-wide 17 times a second (50,000 objects each)");
    expect(f!.audit!.query).toContain('verb = "list" and objectRef.resource = "pods" and not ispresent(objectRef.namespace)');
  });
  it("is critical when it saturates a priority level at the same time", () => {
    const util = panel("apf-seat-utilization", { utilization: [{ labels: { priority_level: "workload-low" }, points: shape(40, 99, 12, 20) }] });
    const [f] = rule("list-storm").run(input([lists(17), objects(17 * 50_000), util]));
    expect(f).toMatchObject({ severity: "critical" });
    expect(f!.title).toContain("saturating the workload-low priority level");
  });
  it("stays quiet for paginated LISTs (few objects each) and for slow LIST rates", () => {
    expect(rule("list-storm").run(input([lists(17), objects(17 * 400)]))).toEqual([]);
    expect(rule("list-storm").run(input([lists(0.5), objects(0.5 * 50_000)]))).toEqual([]);
  });
  it("is a skipped check, not a finding, when the LIST metrics are absent", () => {
    const absent: PanelData = { ...lists(1), status: "absent", absentReason: "apiserver_request_total is not scraped", queries: [] };
    expect(() => rule("list-storm").run(input([absent, objects(1)]))).toThrow(Skip);
  });
});

describe("etcd bottleneck", () => {
  const apiVsEtcd = panel("api-vs-etcd", {
    api: [{ labels: {}, points: shape(0.1, 2, 11, 25) }],
    etcd: [{ labels: {}, points: shape(0.02, 1.5, 10, 25) }],
  });
  it("fires when etcd is slow beyond LISTs, saying API latency follows it", () => {
    const ops = panel("etcd-by-operation", { p99: [{ labels: { operation: "update", type: "*core.Pod" }, points: [[at(29), 1.2]] }] });
    const [f] = rule("etcd-slow").run(input([apiVsEtcd, ops]));
    expect(f).toMatchObject({ cause: "etcd-slow", since: at(10) });
    expect(f!.title).toContain("API latency follows etcd latency");
  });
  it("stays quiet when only etcd LISTs are slow: that is a LIST storm's cost", () => {
    const ops = panel("etcd-by-operation", { p99: [{ labels: { operation: "list", type: "*core.Pod" }, points: [[at(29), 4]] }, { labels: { operation: "get" }, points: [[at(29), 0.02]] }] });
    expect(rule("etcd-slow").run(input([apiVsEtcd, ops]))).toEqual([]);
  });
});

describe("asymmetric load", () => {
  it("names the busy server and its share, and takes over its in-flight finding", () => {
    const lr = panel("longrunning-per-server", {
      longrunning: [
        { labels: { instance: "a:443" }, points: shape(3000, 3000, 0, 0) },
        { labels: { instance: "b:443" }, points: shape(1000, 1000, 0, 0) },
        { labels: { instance: "c:443" }, points: shape(1000, 1000, 0, 0) },
      ],
    });
    const inflight = panel("inflight", { inflight: [{ labels: { instance: "a:443", request_kind: "readOnly" }, points: shape(100, 410, 20, 29) }] });
    const [f] = rule("asymmetric").run(input([lr, inflight]));
    expect(f).toMatchObject({ cause: "asymmetric", id: "asymmetric:a:443", severity: "critical" });
    expect(f!.title).toContain("carries 60 % of the long-running requests");
  });
  it("stays quiet when servers are balanced", () => {
    const lr = panel("longrunning-per-server", { longrunning: ["a", "b", "c"].map((i) => ({ labels: { instance: i }, points: shape(1000, 1000, 0, 0) })) });
    expect(rule("asymmetric").run(input([lr]))).toEqual([]);
  });
});

describe("a WATCH surge", () => {
  it("fires on 8× long-running requests and names when it passed halfway", () => {
    const lr = panel("longrunning-per-server", { longrunning: [{ labels: { instance: "a" }, points: shape(1000, 8000, 15, 30) }] });
    const [f] = rule("watch-surge").run(input([lr]));
    expect(f).toMatchObject({ cause: "watch-surge", since: at(15), until: null });
    expect(f!.title).toContain("multiplied 8.0×");
  });
  it("stays quiet on a 10 % increase", () => {
    const lr = panel("longrunning-per-server", { longrunning: [{ labels: { instance: "a" }, points: shape(9500, 10500, 15, 30) }] });
    expect(rule("watch-surge").run(input([lr]))).toEqual([]);
  });
});
