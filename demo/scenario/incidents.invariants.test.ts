// The invariants of invariants.test.ts, exposition.test.ts and versions.test.ts for every incident kind: counters
// only go up (except at a modelled restart), histograms are cumulative whole numbers, off-grid scrapes
// interpolate, values do not depend on historySeconds, the text format passes promtool, and the families the
// incident kinds add carry each version's names and labels (kubernetes/apiserver at tags 1.24.0 … 1.35.0).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { INCIDENT_KINDS, K8S_VERSIONS, createScenario, defaultEnd, familyOf, parseTextFormat, renderTextFormat, type IncidentKind, type K8sVersion, type Scenario } from "./index";
import { sumOf } from "./test-helpers";

const END = defaultEnd(Date.UTC(2026, 10, 23, 12, 0, 0) / 1000);
const PROMTOOL = process.env.PROMTOOL_BIN ?? "/usr/bin/promtool";
const KINDS = INCIDENT_KINDS.filter((k): k is Exclude<IncidentKind, "list-storm"> => k !== "list-storm");
const minor = (v: string) => Number(v.split(".")[1]);

function histogramsIn(scenario: Scenario) {
  const groups = new Map<string, { buckets: Array<{ le: number; index: number }>; count: number }>();
  for (const s of scenario.series) {
    if (scenario.families.get(s.family)?.type !== "histogram") continue;
    const { le, ...rest } = s.labels;
    const key = `${s.family}${JSON.stringify(rest)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [], count: -1 }));
    if (s.name.endsWith("_bucket")) g.buckets.push({ le: le === "+Inf" ? Infinity : Number(le), index: s.index });
    else if (s.name.endsWith("_count")) g.count = s.index;
  }
  return [...groups.values()].map((g) => ({ ...g, buckets: g.buckets.sort((a, b) => a.le - b.le) }));
}

describe.each(KINDS)("%s", (kind) => {
  const scenario = createScenario({ end: END, incident: kind, k8sVersion: "1.30" });
  const { start, end } = scenario.timeline;
  const step = scenario.options.stepSeconds;
  const cumulative = scenario.series.map((s) => scenario.families.get(s.family)!.type !== "gauge");
  const restarts = new Set(scenario.timeline.restarts.map((r) => `${r.instance}@${r.at}`));

  it("counters never decrease except at a restart; histograms stay cumulative whole numbers", () => {
    const histograms = histogramsIn(scenario);
    const checks = new Set([start, scenario.timeline.stormStart + 600, scenario.timeline.stormStart + 1800, end, end + 3600]);
    for (const instance of scenario.instances) {
      let previous = scenario.valuesAt(instance, start).slice();
      for (let t = start + step; t <= end + 3600; t += step) {
        const now = scenario.valuesAt(instance, t);
        if (!restarts.has(`${instance}@${t}`)) {
          for (let i = 0; i < now.length; i++) {
            if (!cumulative[i] || Number.isNaN(now[i]) || Number.isNaN(previous[i])) continue;
            if (now[i] < previous[i]) throw new Error(`${instance} ${scenario.series[i].name}${JSON.stringify(scenario.series[i].labels)} decreased at ${t}: ${previous[i]} → ${now[i]}`);
          }
        } else {
          const cpu = scenario.series.find((s) => s.name === "process_cpu_seconds_total")!.index;
          expect(now[cpu]).toBeLessThan(previous[cpu] / 100);
        }
        if (checks.has(t)) {
          for (const g of histograms) {
            if (Number.isNaN(now[g.count])) continue;
            let last = 0;
            for (const b of g.buckets) {
              const v = now[b.index];
              if (!Number.isInteger(v) || v < last) throw new Error(`${scenario.series[b.index].name}${JSON.stringify(scenario.series[b.index].labels)} = ${v} after ${last} at ${t}`);
              last = v;
            }
            expect(now[g.count]).toBe(last);
          }
        }
        previous = now.slice();
      }
    }
  });

  it("is deterministic, off-grid scrapes interpolate, values do not depend on historySeconds", () => {
    const again = createScenario({ end: END, incident: kind, k8sVersion: "1.30" });
    const short = createScenario({ end: END, incident: kind, k8sVersion: "1.30", historySeconds: 3600 });
    const t = scenario.timeline.stormStart + 1234;
    for (const i of scenario.instances) {
      expect(again.scrape(i, t)).toEqual(scenario.scrape(i, t));
      expect(short.scrape(i, END - 1800)).toEqual(scenario.scrape(i, END - 1800));
    }
    const i = scenario.instances[0];
    const a = scenario.valuesAt(i, t - 4).slice();
    const b = scenario.valuesAt(i, t - 4 + step).slice();
    const mid = scenario.valuesAt(i, t - 4 + 11).slice();
    for (let k = 0; k < a.length; k++) {
      if (Number.isNaN(a[k]) || Number.isNaN(b[k]) || !cumulative[k]) continue;
      expect(mid[k]).toBeGreaterThanOrEqual(a[k]);
      expect(mid[k]).toBeLessThanOrEqual(b[k]);
    }
  });

  it.each(K8S_VERSIONS)("the text format on %s parses back to scrape() and passes promtool check metrics", (version) => {
    const s = createScenario({ end: END, incident: kind, k8sVersion: version, historySeconds: 7200 });
    const t = s.incident.steady?.to ?? END - 1800;
    for (const instance of [s.instances[0], s.instances[2]]) {
      const text = renderTextFormat(s, instance, t);
      const parsed = parseTextFormat(text);
      expect(parsed.samples).toHaveLength(s.scrape(instance, t).length);
      const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8" });
      // The real apiserver's `apiserver_admission_webhook_rejection_count` breaks promtool's naming lint (a
      // counter without _total, ending in _count): the only complaint allowed.
      const complaints = (r.stderr + r.stdout).split("\n").filter((l) => l.trim() !== "" && !l.startsWith("apiserver_admission_webhook_rejection_count "));
      expect(complaints).toEqual([]);
      if (!text.includes("apiserver_admission_webhook_rejection_count{")) expect(r.status).toBe(0);
    }
  });
});

describe("scale", () => {
  it.each(KINDS)("%s runs with scale 2 (six servers, twice the nodes)", (kind) => {
    const s = createScenario({ end: END, incident: kind, scale: 2, historySeconds: 600 });
    expect(s.instances).toHaveLength(6);
    expect(s.scrape(s.instances[5], END).length).toBeGreaterThan(1000);
    if (s.incident.kind === "watch-surge") expect(s.incident.nodes).toEqual({ before: 2000, after: 16000 });
  });
});

/** Label names of the families the incident kinds add, per version. */
function expectedLabels(version: K8sVersion): Record<string, string[] | undefined> {
  const m = minor(version);
  const byGroup = m >= 34;
  return {
    apiserver_admission_webhook_request_total: ["name", "type", "operation", "code", "rejected"],
    apiserver_admission_webhook_rejection_count: ["name", "type", "operation", "error_type", "rejection_code"],
    apiserver_cache_list_total: byGroup ? ["group", "resource", "index"] : ["resource_prefix", "index"],
    apiserver_cache_list_fetched_objects_total: byGroup ? ["group", "resource", "index"] : ["resource_prefix", "index"],
    apiserver_cache_list_returned_objects_total: byGroup ? ["group", "resource"] : ["resource_prefix"],
    apiserver_watch_cache_events_dispatched_total: byGroup ? ["group", "resource"] : ["resource"],
    apiserver_watch_cache_initializations_total: byGroup ? ["group", "resource"] : ["resource"],
    apiserver_terminated_watchers_total: byGroup ? ["group", "resource"] : ["resource"],
    // etcd's database size: renamed in 1.26 (endpoint), replaced in 1.28 (cluster → storage_cluster_id in 1.30)
    etcd_db_total_size_in_bytes: m <= 25 ? ["endpoint"] : undefined,
    apiserver_storage_db_total_size_in_bytes: m >= 26 && m <= 28 ? ["endpoint"] : undefined,
    apiserver_storage_size_bytes: m >= 30 ? ["storage_cluster_id"] : m >= 28 ? ["cluster"] : undefined,
  };
}

describe.each(K8S_VERSIONS)("families the incident kinds add, on %s", (version) => {
  const samples = (kind: IncidentKind) => {
    const s = createScenario({ end: END, incident: kind, k8sVersion: version });
    const t = s.incident.steady?.to ?? END;
    const types = new Map([...s.families].map(([k, v]) => [k, v.type]));
    return { s, all: s.instances.flatMap((i) => s.scrape(i, t)).map((x) => ({ ...x, family: familyOf(x.name, types) })) };
  };
  const webhook = samples("webhook-slow");
  const surge = samples("watch-surge");

  it("are present with this version's names and label names", () => {
    const expected = expectedLabels(version);
    const seen = new Set<string>();
    for (const x of [...webhook.all, ...surge.all]) {
      if (!(x.family in expected)) continue;
      seen.add(x.family);
      const want = expected[x.family];
      expect(want, `${x.family} should not exist on ${version}`).toBeDefined();
      expect(Object.keys(x.labels).sort(), x.name).toEqual([...want!].sort());
    }
    for (const [family, labels] of Object.entries(expected)) if (labels) expect(seen, family).toContain(family);
  });

  it("name the object type like etcd did (Go type up to 1.25, then group-resource, then group and resource) and the cache prefix", () => {
    const pods = surge.all.filter((x) => x.name === "apiserver_watch_cache_events_dispatched_total");
    const m = minor(version);
    if (m <= 25) expect(pods.map((x) => x.labels.resource)).toContain("*core.Pod");
    else if (m <= 33) expect(pods.map((x) => x.labels.resource)).toEqual(expect.arrayContaining(["pods", "leases.coordination.k8s.io"]));
    else expect(pods.find((x) => x.labels.resource === "leases")?.labels.group).toBe("coordination.k8s.io");
    const cacheLists = surge.all.filter((x) => x.name === "apiserver_cache_list_total");
    if (m <= 33) expect(cacheLists.map((x) => x.labels.resource_prefix)).toEqual(expect.arrayContaining(["/pods", "/minions", "/services/specs"]));
    else expect(cacheLists.map((x) => x.labels.resource)).toEqual(expect.arrayContaining(["pods", "nodes", "services"]));
    expect(cacheLists.find((x) => x.labels.index === "f:spec.nodeName")).toBeDefined();
  });

  it("HELP texts carry this version's stability", () => {
    const help = (family: string) => webhook.s.families.get(family)?.help ?? "";
    expect(help("apiserver_admission_webhook_request_total")).toMatch(/^\[ALPHA\] Admission webhook request total/);
    if (minor(version) >= 30) expect(help("apiserver_storage_size_bytes")).toBe("[STABLE] Size of the storage database file physically allocated in bytes.");
    if (minor(version) === 28) expect(help("apiserver_storage_db_total_size_in_bytes")).toMatch(/^\[ALPHA\] \(Deprecated since 1\.28\.0\) /);
  });

  it("1.24 with --show-hidden-metrics-for-version 1.23 shows registered watchers multiplying in a watch surge", () => {
    if (version !== "1.24") return;
    const s = createScenario({ end: END, incident: "watch-surge", k8sVersion: "1.24", showHiddenMetricsForVersion: "1.23" });
    const t = s.incident.steady!.to;
    const registered = (at: number) => s.instances.reduce((n, i) => n + sumOf(s.scrape(i, at), "apiserver_registered_watchers"), 0);
    expect(registered(t) / registered(s.timeline.incidentStart! - 600)).toBeGreaterThan(7);
    const i = s.instances[0];
    expect(sumOf(s.scrape(i, t), "apiserver_longrunning_gauge", (l) => l.verb === "WATCH")).toBe(sumOf(s.scrape(i, t), "apiserver_registered_watchers"));
  });
});
