// Invariants every scrape must satisfy, for every version: counters only go up (except the modelled
// restart, where they reset on the restarted server only), histograms are cumulative integer buckets with
// _count equal to +Inf, and the scenario is deterministic.
import { describe, expect, it } from "vitest";
import { K8S_VERSIONS, createScenario, defaultEnd, type Scenario } from "./index";

const END = defaultEnd(Date.UTC(2026, 10, 23, 12, 0, 0) / 1000);

function histogramsIn(scenario: Scenario) {
  // group _bucket/_sum/_count slots of each histogram series by family + labels without `le`
  const groups = new Map<string, { buckets: Array<{ le: number; index: number }>; sum: number; count: number }>();
  for (const s of scenario.series) {
    if (scenario.families.get(s.family)?.type !== "histogram") continue;
    const { le, ...rest } = s.labels;
    const key = `${s.family}${JSON.stringify(rest)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [], sum: -1, count: -1 }));
    if (s.name.endsWith("_bucket")) g.buckets.push({ le: le === "+Inf" ? Infinity : Number(le), index: s.index });
    else if (s.name.endsWith("_sum")) g.sum = s.index;
    else g.count = s.index;
  }
  return [...groups.entries()];
}

describe.each(K8S_VERSIONS)("Kubernetes %s", (k8sVersion) => {
  const scenario = createScenario({ end: END, k8sVersion });
  const { start, end, restartAt, restartedInstance } = scenario.timeline;
  const step = scenario.options.stepSeconds;
  const cumulative = scenario.series.map((s) => scenario.families.get(s.family)!.type !== "gauge");

  it("counters never decrease, except when the restarted server's counters reset at the restart", () => {
    for (const instance of scenario.instances) {
      let previous = scenario.valuesAt(instance, start).slice();
      for (let t = start + step; t <= end + 600; t += step) {
        const now = scenario.valuesAt(instance, t);
        const restarting = instance === restartedInstance && t === restartAt;
        for (let i = 0; i < now.length; i++) {
          if (!cumulative[i] || Number.isNaN(now[i]) || Number.isNaN(previous[i])) continue;
          if (restarting) continue;
          if (now[i] < previous[i]) throw new Error(`${instance} ${scenario.series[i].name}${JSON.stringify(scenario.series[i].labels)} decreased at ${t}: ${previous[i]} → ${now[i]}`);
        }
        if (restarting) {
          // every counter restarted from (almost) zero
          const cpu = scenario.series.find((s) => s.name === "process_cpu_seconds_total")!.index;
          expect(now[cpu]).toBeLessThan(previous[cpu] / 100);
          let reset = 0;
          let total = 0;
          for (let i = 0; i < now.length; i++) {
            if (!cumulative[i] || Number.isNaN(previous[i]) || previous[i] === 0) continue;
            total++;
            if (Number.isNaN(now[i]) || now[i] < previous[i]) reset++;
          }
          expect(reset / total).toBeGreaterThan(0.99);
        }
        previous = now.slice();
      }
    }
  });

  it("process_start_time_seconds changes at the restart on the restarted server only", () => {
    const startTime = (instance: string, t: number) => scenario.scrape(instance, t).find((s) => s.name === "process_start_time_seconds")!.value;
    for (const instance of scenario.instances) {
      const before = startTime(instance, restartAt - step);
      const after = startTime(instance, restartAt);
      if (instance === restartedInstance) {
        expect(after).toBeGreaterThan(restartAt - step);
        expect(after).toBeLessThanOrEqual(restartAt);
        expect(before).toBeLessThan(start);
      } else {
        expect(after).toBe(before);
      }
    }
  });

  it("histogram buckets are whole numbers, cumulative and monotonic in le, with _count equal to +Inf", () => {
    const groups = histogramsIn(scenario);
    expect(groups.length).toBeGreaterThan(50);
    for (const instance of scenario.instances) {
      for (const t of [start, restartAt, scenario.timeline.stormStart + 1800, end, end + 3600]) {
        const v = scenario.valuesAt(instance, t);
        for (const [key, g] of groups) {
          const sorted = [...g.buckets].sort((a, b) => a.le - b.le);
          if (Number.isNaN(v[g.count])) {
            // a lazy histogram that has not appeared yet: all its parts are absent
            for (const b of sorted) expect(v[b.index], key).toBeNaN();
            continue;
          }
          expect(sorted[sorted.length - 1].le, key).toBe(Infinity);
          let previous = 0;
          for (const b of sorted) {
            expect(Number.isInteger(v[b.index]), `${key} le=${b.le} = ${v[b.index]}`).toBe(true);
            expect(v[b.index], `${key} le=${b.le}`).toBeGreaterThanOrEqual(previous);
            previous = v[b.index];
          }
          expect(v[g.count], key).toBe(previous);
          expect(v[g.sum], key).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it("off-grid scrapes interpolate counters (whole numbers stay whole) and hold gauges", () => {
    const instance = scenario.timeline.hotInstance;
    const t0 = scenario.timeline.stormStart + 1200;
    const a = scenario.valuesAt(instance, t0).slice();
    const mid = scenario.valuesAt(instance, t0 + 11).slice();
    const b = scenario.valuesAt(instance, t0 + step).slice();
    for (let i = 0; i < a.length; i++) {
      const s = scenario.series[i];
      if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
      if (!cumulative[i]) {
        expect(mid[i], s.name).toBe(a[i]);
        continue;
      }
      expect(mid[i], s.name).toBeGreaterThanOrEqual(a[i]);
      expect(mid[i], s.name).toBeLessThanOrEqual(b[i]);
      if (s.name.endsWith("_bucket") || s.name.endsWith("_count")) expect(Number.isInteger(mid[i]), s.name).toBe(true);
    }
  });
});

describe("determinism", () => {
  it("the same seed gives the same samples; another seed does not", () => {
    const a = createScenario({ end: END, seed: 7 });
    const b = createScenario({ end: END, seed: 7 });
    const c = createScenario({ end: END, seed: 8 });
    const t = a.timeline.stormStart + 1500;
    const inst = a.instances[1];
    expect(b.scrape(inst, t)).toEqual(a.scrape(inst, t));
    expect(c.scrape(inst, t)).not.toEqual(a.scrape(inst, t));
  });

  it("an earlier t after a later one gives the same answer as a fresh scenario", () => {
    const used = createScenario({ end: END });
    const inst = used.timeline.hotInstance;
    used.scrape(inst, END + 1800); // moves the state far ahead
    const earlier = used.timeline.stormStart + 745; // off-grid, inside the storm
    const fresh = createScenario({ end: END });
    expect(used.scrape(inst, earlier)).toEqual(fresh.scrape(inst, earlier));
    expect(used.scrape(inst, used.timeline.start)).toEqual(fresh.scrape(inst, fresh.timeline.start));
  });

  it("values do not depend on historySeconds (a short backfill and a default exporter agree)", () => {
    const short = createScenario({ end: END, historySeconds: 3600 });
    const long = createScenario({ end: END });
    for (const t of [END - 3600, END - 1234, END, END + 777]) {
      for (const inst of long.instances) expect(short.scrape(inst, t)).toEqual(long.scrape(inst, t));
    }
  });

  it("rejects t before start and bad options", () => {
    const s = createScenario({ end: END, historySeconds: 3600 });
    expect(() => s.scrape(s.instances[0], s.timeline.start - 1)).toThrow(RangeError);
    expect(() => s.scrape("10.9.9.9:443", END)).toThrow(/unknown instance/);
    expect(() => createScenario({ end: END + 1 })).toThrow(/grid/);
    expect(() => createScenario({ end: END, k8sVersion: "1.29" as never })).toThrow(/k8sVersion/);
    expect(() => createScenario({ end: END, scale: 0 })).toThrow(/scale/);
  });
});

describe("scale", () => {
  it("multiplies API servers, resources, flow schemas and nodes", () => {
    const one = createScenario({ end: END, historySeconds: 600 });
    const three = createScenario({ end: END, historySeconds: 600, scale: 3 });
    expect(three.instances).toHaveLength(9);
    expect(new Set(three.instances).size).toBe(9);
    const flowSchemas = (s: typeof one) => new Set(s.scrape(s.instances[0], END).filter((x) => x.name === "apiserver_flowcontrol_dispatched_requests_total").map((x) => x.labels.flow_schema));
    expect(flowSchemas(three).size).toBe(flowSchemas(one).size + 2);
    const objects = (s: typeof one) => s.scrape(s.instances[0], END).filter((x) => x.name === "apiserver_storage_objects");
    expect(objects(three).length).toBe(objects(one).length + 2);
    const pods = (s: typeof one) => objects(s).find((x) => x.labels.resource === "pods")!.value;
    expect(pods(three) / pods(one)).toBeCloseTo(3, 1);
  });
});
