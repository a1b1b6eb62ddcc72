// The causes apiscope recognises, each a rule over the panels' own answers (so a finding's numbers are
// the numbers on the panels it links to). A rule returns its findings, or throws Skip when the panels
// it reads are absent: an absent metric is a check that could not run, never a finding.
import "server-only";
import type { ClusterLimits, Evidence, Finding, FindingSeverity, PanelData } from "../../api-schema";
import { auditQuery, type AuditFilter, type AuditTarget } from "../../audit-query";
import { correlation, episode, labelOf, meanOf, peak, seriesOf, sumSeries, valuesOf, type Series } from "./signals";
import * as T from "./thresholds";

export interface RuleInput {
  panels: ReadonlyMap<string, PanelData>;
  /** The findings' window: from, to (unix s) and the step of the panels' data. */
  from: number;
  to: number;
  step: number;
  limits: ClusterLimits;
  audit: AuditTarget;
}

export class Skip extends Error {}

/**
 * The signal that defines a finding's start: one series of one panel query and the condition on it. The
 * engine re-reads that query at the scrape interval around `since` to date the start to the scrape, not
 * to the view's step.
 */
export interface StartSignal {
  panel: string;
  query: string;
  labels: Record<string, string>;
  holds: (v: number) => boolean;
}

/** A finding as a rule returns it: with the signal that dates its start, when one series defines it. */
export type RuleFinding = Finding & { start?: StartSignal };

export interface Rule {
  cause: string;
  /** What the strip says it checked, e.g. "LIST storms (cluster-wide LISTs of large resources)". */
  checks: string;
  /** Panels the rule reads: those must be fetched (they are the dashboard's own, so mostly cached). */
  reads: string[];
  /** Root causes sort before symptoms of the same severity. */
  priority: number;
  run(input: RuleInput): RuleFinding[];
}

function panel(input: RuleInput, id: string): PanelData {
  const data = input.panels.get(id);
  if (!data || data.status !== "ok") throw new Skip(data?.absentReason ?? `the panel ${id} has no data`);
  return data;
}

function optional(input: RuleInput, id: string): PanelData | undefined {
  const data = input.panels.get(id);
  return data && data.status === "ok" ? data : undefined;
}

/** null while the condition still holds at the end of the range. */
function untilOf(last: number, input: RuleInput): number | null {
  return last + input.step >= input.to ? null : last;
}

function windowOf(since: number, until: number | null, input: RuleInput): { start: number; end: number } {
  return { start: since - input.step, end: until === null ? input.to : until + input.step };
}

function audit(input: RuleInput, filter: AuditFilter, since: number, until: number | null) {
  const w = windowOf(since, until, input);
  return auditQuery(input.audit, filter, w.start, w.end);
}

const fmt = {
  rate: (v: number) => (v >= 10 ? Math.round(v).toString() : v.toPrecision(2)),
  count: (v: number) => Math.round(v).toLocaleString("en-US"),
  pct: (v: number) => `${Math.round(v)} %`,
  seconds: (v: number) => (v >= 1 ? `${v.toPrecision(3)} s` : `${Math.round(v * 1000)} ms`),
};

function ev(label: string, value: number | null, unit: Evidence["unit"], context?: string): Evidence {
  return context ? { label, value, unit, context } : { label, value, unit };
}

/** The saturated priority levels in the range and when each was saturated. */
function saturatedLevels(input: RuleInput): { level: string; since: number; last: number; peak: number }[] {
  const util = panel(input, "apf-seat-utilization");
  return seriesOf(util, "utilization").flatMap((s) => {
    const e = episode(s.points, (v) => v >= T.APF_SATURATED_PERCENT);
    return e ? [{ level: s.labels.priority_level ?? "", since: e.since, last: e.last, peak: e.peak }] : [];
  });
}

const overlaps = (a: { since: number; last: number }, b: { since: number; last: number }) => a.since <= b.last && b.since <= a.last;

// ── 1. LIST storm ────────────────────────────────────────────────────────────────────────────────
const listStorm: Rule = {
  cause: "list-storm",
  checks: "LIST storms (cluster-wide LISTs returning many objects)",
  reads: ["list-rate", "objects-read", "slowest-calls", "apf-seat-utilization"],
  priority: 1,
  run(input) {
    const lists = seriesOf(panel(input, "list-rate"), "lists");
    const returned = seriesOf(panel(input, "objects-read"), "returned");
    const out: RuleFinding[] = [];
    for (const s of lists.filter((l) => l.labels.scope === "cluster")) {
      const resource = s.labels.resource ?? "";
      const group = s.labels.group ?? "";
      const e = episode(s.points, (v) => v >= T.LIST_STORM_MIN_RATE);
      if (!e) continue;
      // Objects per LIST while it held: objects returned for the resource ÷ its LISTs of every scope.
      const allScopes = sumSeries(lists.filter((l) => l.labels.resource === resource && (l.labels.group ?? "") === group));
      const objects = sumSeries(returned.filter((r) => r.labels.resource === resource && (r.labels.group ?? "") === group));
      const listRate = meanOf(s.points, e.since, e.last)!;
      const perList = (meanOf(objects, e.since, e.last) ?? 0) / Math.max(meanOf(allScopes, e.since, e.last) ?? listRate, 1e-9);
      if (perList < T.LIST_STORM_MIN_OBJECTS_PER_LIST) continue;
      const until = untilOf(e.last, input);
      const p99 = valuesOf(optional(input, "slowest-calls"), "p99").find((r) => r.labels.verb === "LIST" && r.labels.resource === resource && (r.labels.group ?? "") === group)?.value ?? null;
      const saturated = optionalSaturation(input).filter((l) => overlaps(l, e));
      const level = saturated.sort((a, b) => b.peak - a.peak)[0];
      const severity: FindingSeverity = level || (p99 !== null && p99 >= T.SLO_CLUSTER_LIST_SECONDS) ? "critical" : "warning";
      const what = group ? `${resource}.${group}` : resource;
      out.push({
        id: `list-storm:${what}`,
        cause: "list-storm",
        severity,
        title: `A client is LISTing all ${what} cluster-wide ${fmt.rate(listRate)} times a second (${fmt.count(perList)} objects each)${
          level ? `, saturating the ${level.level} priority level` : ""
        }.`,
        since: e.since,
        until,
        evidence: [
          ev(`cluster-wide LIST ${what}`, listRate, "reqps"),
          ev("objects per LIST", perList, "count"),
          ev(`${what} returned`, meanOf(objects, e.since, e.last), "perSecond"),
          ...(p99 !== null ? [ev(`LIST ${what} p99 over the range`, p99, "seconds", `SLO ${T.SLO_CLUSTER_LIST_SECONDS} s`)] : []),
          ...(level ? [ev(`${level.level} seats in use`, level.peak, "percent", "peak, busiest server")] : []),
        ],
        panels: ["list-rate", "objects-read", "slowest-calls", ...(level ? ["apf-seat-utilization", "apf-top-flows"] : [])],
        actions: [
          "Find the client with the audit-log query below (user.username, userAgent).",
          "Switch it to an informer (one LIST, then WATCH from a shared cache), or paginate with limit/continue.",
          `Narrow it: a namespace, or a field selector (spec.nodeName=<node> for per-node agents) instead of all ${resource} in the cluster.`,
        ],
        audit: audit(input, { verb: "list", resource, clusterScope: true }, e.since, until),
        start: { panel: "list-rate", query: "lists", labels: s.labels, holds: (v) => v >= T.LIST_STORM_MIN_RATE },
      });
    }
    return out;
  },
};

function optionalSaturation(input: RuleInput) {
  try {
    return saturatedLevels(input);
  } catch {
    return [];
  }
}

// ── 2. A priority level saturated, and the flow that holds it ───────────────────────────────────
const apfSaturation: Rule = {
  cause: "apf-saturation",
  checks: "API Priority and Fairness: saturated priority levels and the flows holding their seats",
  reads: ["apf-seat-utilization", "apf-top-flows", "apf-queue-wait", "apf-rejected"],
  priority: 2,
  run(input) {
    const flows = valuesOf(optional(input, "apf-top-flows"), "avg");
    const waits = seriesOf(optional(input, "apf-queue-wait"), "p99");
    const rejected = seriesOf(optional(input, "apf-rejected"), "rejected");
    return saturatedLevels(input)
      .filter((l) => l.level !== "exempt")
      .map((l): RuleFinding => {
        const inLevel = flows.filter((f) => f.labels.priority_level === l.level).sort((a, b) => b.value - a.value);
        const total = inLevel.reduce((s, f) => s + f.value, 0);
        const top = inLevel[0];
        const flow = top?.labels.flow_schema ?? "";
        const share = top && total > 0 ? (100 * top.value) / total : null;
        const wait = peak(waits.filter((w) => w.labels.priority_level === l.level && (!flow || w.labels.flow_schema === flow)).flatMap((w) => w.points));
        const levelRejections = rejected.filter((r) => r.labels.priority_level === l.level);
        const byReason = new Map<string, number>();
        for (const r of levelRejections) byReason.set(r.labels.reason ?? "", (byReason.get(r.labels.reason ?? "") ?? 0) + (peak(r.points) ?? 0));
        const rejecting = [...byReason.values()].some((v) => v > 0);
        const noisyKubeSystem = T.KUBE_SYSTEM_FLOWS.test(flow) && T.CRITICAL_LEVELS.has(l.level);
        const until = untilOf(l.last, input);
        return {
          id: `apf-saturation:${l.level}`,
          cause: "apf-saturation",
          severity: rejecting || (wait !== null && wait >= T.QUEUE_WAIT_BAD_SECONDS) || noisyKubeSystem ? "critical" : "warning",
          title: `The ${l.level} priority level is saturated (${fmt.pct(l.peak)} of its seats in use)${
            flow ? `; flow schema ${flow} holds ${share !== null ? fmt.pct(share) : "most"} of them` : ""
          }${noisyKubeSystem ? ": an agent in kube-system is competing with critical traffic" : ""}.`,
          since: l.since,
          until,
          evidence: [
            ev(`${l.level} seats in use`, l.peak, "percent", "of its current limit, busiest server"),
            ...(top ? [ev(`seats held by ${flow}`, top.value, "count", `of ${fmt.count(total)} in ${l.level}, average over the range`)] : []),
            ...(wait !== null ? [ev(`queue wait p99${flow ? ` (${flow})` : ""}`, wait, "seconds", "peak")] : []),
            ...[...byReason].filter(([, v]) => v > 0).map(([reason, v]) => ev(`rejected: ${reason}`, v, "perSecond", "peak")),
          ],
          panels: ["apf-seat-utilization", "apf-top-flows", "apf-queue-wait", "apf-rejected", "apf-limits"],
          actions: [
            ...(flow ? [`Find who sends ${flow} requests with the audit-log query below.`] : []),
            noisyKubeSystem
              ? `Move that agent out of ${flow}: give its service account its own FlowSchema on a lower priority level, so it cannot starve ${l.level}.`
              : `Slow the flooding client down, or give it its own FlowSchema and priority level so it only competes with itself.`,
            `If the level is legitimately short, raise its nominalConcurrencyShares (taking shares from idle levels) rather than deepening its queues.`,
          ],
          audit: audit(input, { flowSchema: flow || undefined, priorityLevel: flow ? undefined : l.level }, l.since, until),
          start: { panel: "apf-seat-utilization", query: "utilization", labels: { priority_level: l.level }, holds: (v) => v >= T.APF_SATURATED_PERCENT },
        };
      });
  },
};

// ── 3. etcd is the bottleneck ───────────────────────────────────────────────────────────────────
const etcdSlow: Rule = {
  cause: "etcd-slow",
  checks: "etcd latency, and whether it explains the API latency",
  reads: ["api-vs-etcd", "etcd-by-operation", "api-latency-p99"],
  priority: 3,
  run(input) {
    const both = panel(input, "api-vs-etcd");
    const etcd = seriesOf(both, "etcd")[0];
    const api = seriesOf(both, "api")[0];
    if (!etcd) throw new Skip("etcd_request_duration_seconds has no series in this range");
    const e = episode(etcd.points, (v) => v >= T.ETCD_P99_SLOW_SECONDS, T.MIN_STEPS_LATENCY);
    if (!e) return [];
    const ops = valuesOf(optional(input, "etcd-by-operation"), "p99").sort((a, b) => b.value - a.value);
    const slowNonList = ops.filter((o) => !/^list/i.test(o.labels.operation ?? "") && o.value >= T.ETCD_NON_LIST_SLOW_SECONDS);
    // Only LISTs slow in etcd: the cost of a LIST storm, reported as that.
    if (ops.length > 0 && slowNonList.length === 0) return [];
    const values = etcd.points.flatMap(([, v]) => (v === null ? [] : [v])).sort((a, b) => a - b);
    const lowerQuartile = values[Math.floor(values.length / 4)] ?? e.peak;
    const rose = e.peak >= T.ETCD_RISE_RATIO * lowerQuartile;
    const r = api ? correlation(api.points, etcd.points) : null;
    const apiEpisode = api ? episode(api.points, (v) => v >= T.ETCD_P99_SLOW_SECONDS) : null;
    const single = peak(seriesOf(optional(input, "api-latency-p99"), "single").flatMap((s) => s.points));
    const until = untilOf(e.last, input);
    const worst = slowNonList[0];
    const op = worst ? `${worst.labels.operation ?? ""} ${labelOf(worst.labels, "type", "resource")}`.trim() : "";
    return [
      {
        id: "etcd-slow",
        cause: "etcd-slow",
        severity: !rose ? "info" : single !== null && single >= T.SLO_SINGLE_OBJECT_SECONDS ? "critical" : "warning",
        title: !rose
          ? `etcd p99 is ${fmt.seconds(e.peak)} all along this range: high for etcd, but not a change that explains an incident here.`
          : `etcd is slow (p99 ${fmt.seconds(e.peak)}) and the API server waits for it${
          r !== null && r >= 0.7 ? ": API latency follows etcd latency" : ""
        }${worst ? `; slowest: ${op}` : ""}.`,
        since: e.since,
        until,
        evidence: [
          ev("etcd p99", e.peak, "seconds", "peak, worst server"),
          ev("etcd p99 before", lowerQuartile, "seconds", "lower quartile over the range"),
          ...(api ? [ev("API p99", peak(api.points), "seconds", "peak, worst server")] : []),
          ...(r !== null ? [ev("correlation of API p99 with etcd p99", r, "count", "Pearson, over the range")] : []),
          ...(apiEpisode ? [ev("etcd slowed down before the API", (apiEpisode.since - e.since) / 60, "count", "minutes earlier")] : []),
          ...slowNonList.slice(0, 3).map((o) => ev(`etcd ${o.labels.operation ?? ""} ${labelOf(o.labels, "type", "resource")} p99`, o.value, "seconds", "over the range")),
        ],
        panels: ["api-vs-etcd", "etcd-latency-heatmap", "etcd-by-operation", "etcd-latency-p99"],
        actions: [
          "On EKS etcd is managed: open a support case with the window above if it persists; check the cluster's etcd database size against its quota.",
          "Cut what loads etcd: unpaginated LISTs that miss the watch cache (resourceVersion=\"\"), large objects (big ConfigMaps, Secrets, CRDs), high write rates from controllers.",
          "Self-managed: etcd disk fsync latency (etcd_disk_wal_fsync_duration_seconds), defragmentation, and its network to the API servers.",
        ],
        start: { panel: "api-vs-etcd", query: "etcd", labels: etcd.labels, holds: (v) => v >= T.ETCD_P99_SLOW_SECONDS },
      },
    ];
  },
};

// ── 4. A slow admission webhook ─────────────────────────────────────────────────────────────────
const webhookSlow: Rule = {
  cause: "webhook-slow",
  checks: "admission webhook latency",
  reads: ["webhook-duration"],
  priority: 4,
  run(input) {
    const hooks = seriesOf(panel(input, "webhook-duration"), "p90");
    return hooks.flatMap((h): RuleFinding[] => {
      const e = episode(h.points, (v) => v >= T.WEBHOOK_SLOW_SECONDS, T.MIN_STEPS_LATENCY);
      if (!e) return [];
      const name = h.labels.name ?? "";
      const until = untilOf(e.last, input);
      return [
        {
          id: `webhook-slow:${name}`,
          cause: "webhook-slow",
          severity: e.peak >= T.WEBHOOK_CRITICAL_SECONDS ? "critical" : "warning",
          title: `Admission webhook ${name} takes ${fmt.seconds(e.peak)} (p90): every write it matches waits for it.`,
          since: e.since,
          until,
          evidence: [ev(`${name} p90`, e.peak, "seconds", "peak, worst server"), ev("default webhook timeout", 10, "seconds")],
          panels: ["webhook-duration", "slowest-calls", "inflight"],
          actions: [
            `Check the pods and endpoints of the service behind ${name}: its own latency, restarts, and the network path from the control plane.`,
            "Narrow its rules (namespaceSelector, objectSelector, operations) so it sees only the writes it must, and set a short timeoutSeconds.",
            "If it is not security-critical, failurePolicy: Ignore keeps writes flowing while it is down.",
          ],
          start: { panel: "webhook-duration", query: "p90", labels: h.labels, holds: (v) => v >= T.WEBHOOK_SLOW_SECONDS },
        },
      ];
    });
  },
};

// ── 5. A WATCH surge ────────────────────────────────────────────────────────────────────────────
const watchSurge: Rule = {
  cause: "watch-surge",
  checks: "WATCH surges (long-running requests multiplying)",
  reads: ["longrunning-per-server", "top-watched-resources", "watch-events"],
  priority: 5,
  run(input) {
    const total = sumSeries(seriesOf(panel(input, "longrunning-per-server"), "longrunning"));
    if (total.length < 2) return [];
    // The lowest point before the highest: a surge is growth, not a slow decline.
    let maxAt = 0;
    for (let i = 0; i < total.length; i++) if (total[i]![1]! > total[maxAt]![1]!) maxAt = i;
    const high = total[maxAt]![1]!;
    const low = Math.min(...total.slice(0, maxAt + 1).map(([, v]) => v!));
    if (high < T.WATCH_SURGE_RATIO * Math.max(low, 1) || high - low < T.WATCH_SURGE_MIN_INCREASE) return [];
    const halfway = low + (high - low) / 2;
    const since = total.find(([, v], i) => i <= maxAt && v! >= halfway)![0];
    const e = episode(total, (v) => v >= halfway, 1);
    const until = e ? untilOf(e.last, input) : null;
    // Which resource grew most: the ranked table's series over the range.
    const watched = seriesOf(optional(input, "top-watched-resources"), "series")
      .map((s: Series) => ({ s, growth: (peak(s.points) ?? 0) - Math.min(...s.points.flatMap(([, v]) => (v === null ? [] : [v]))) }))
      .sort((a, b) => b.growth - a.growth)[0];
    const resource = watched ? labelOf(watched.s.labels, "resource", "kind") : "";
    const events = seriesOf(optional(input, "watch-events"), "events");
    return [
      {
        id: "watch-surge",
        cause: "watch-surge",
        severity: "warning",
        title: `WATCH requests multiplied ${(high / Math.max(low, 1)).toFixed(1)}× (from ${fmt.count(low)} to ${fmt.count(high)})${
          resource ? `, most of them on ${resource}` : ""
        }.`,
        since,
        until,
        evidence: [
          ev("long-running requests before", low, "count", "all API servers"),
          ev("long-running requests at the peak", high, "count", "all API servers"),
          ...(watched ? [ev(`new WATCHes on ${resource}`, watched.growth, "count")] : []),
          ...(events.length ? [ev("watch events sent", peak(sumSeries(events)), "perSecond", "peak")] : []),
        ],
        panels: ["longrunning-per-server", "top-watched-resources", "watch-events"],
        actions: [
          "Find the new watchers with the audit-log query below (a DaemonSet shows as one userAgent from every node).",
          "Fewer, larger nodes multiply watches less (the guide: eight xlarge nodes send 8× the WATCHes of one 8xlarge).",
          "Use immutable ConfigMaps and Secrets (they are not watched) and limit Helm's release history.",
        ],
        audit: audit(input, { verb: "watch", resource: resource || undefined }, since, until),
      },
    ];
  },
};

// ── 6. Asymmetric load: one API server far busier than the others ──────────────────────────────
const asymmetric: Rule = {
  cause: "asymmetric",
  checks: "load balance across API servers",
  reads: ["longrunning-per-server", "inflight"],
  priority: 6,
  run(input) {
    const per = seriesOf(panel(input, "longrunning-per-server"), "longrunning");
    if (per.length < 2) return [];
    const mean = per.map((s) => ({ instance: s.labels.instance ?? "", v: meanOf(s.points, input.to - Math.max(input.step * 5, 300)) ?? 0 }));
    mean.sort((a, b) => b.v - a.v);
    const busy = mean[0]!;
    const others = mean.slice(1);
    const othersMean = others.reduce((s, o) => s + o.v, 0) / others.length;
    if (busy.v < T.ASYMMETRY_MIN_LONGRUNNING || busy.v < T.ASYMMETRY_RATIO * Math.max(othersMean, 1)) return [];
    const share = (100 * busy.v) / mean.reduce((s, o) => s + o.v, 0);
    const busySeries = per.find((s) => s.labels.instance === busy.instance)!;
    const ratioPoints = busySeries.points.map(([t, v]): [number, number | null] => {
      const rest = per.filter((s) => s !== busySeries).map((s) => s.points.find(([pt]) => pt === t)?.[1] ?? null).filter((x): x is number => x !== null);
      return [t, v === null || rest.length === 0 ? null : v / Math.max(rest.reduce((a, b) => a + b, 0) / rest.length, 1)];
    });
    const e = episode(ratioPoints, (r) => r >= T.ASYMMETRY_RATIO);
    const inflight = inflightNearLimit(input).find((n) => n.instance === busy.instance);
    return [
      {
        id: `asymmetric:${busy.instance}`,
        cause: "asymmetric",
        severity: inflight?.severity === "critical" ? "critical" : "warning",
        title: `API server ${busy.instance} carries ${fmt.pct(share)} of the long-running requests (${fmt.count(busy.v)} against ${fmt.count(othersMean)} on the others)${
          inflight ? `, and its in-flight requests are at ${fmt.pct(100 * inflight.ratio)} of the limit` : ""
        }.`,
        since: e?.since ?? input.from,
        until: null,
        evidence: [
          ev(`long-running on ${busy.instance}`, busy.v, "count", "recent average"),
          ev("long-running on the others", othersMean, "count", "recent average, per server"),
          ...(inflight ? [ev(`${inflight.kind} in-flight on ${busy.instance}`, inflight.peak, "count", `of ${inflight.limit}`)] : []),
        ],
        panels: ["longrunning-per-server", "inflight", "process"],
        actions: [
          "Long-lived connections (WATCH, HTTP/2) stay on the server they opened on: after a restart or upgrade they pile onto the first server up.",
          "Let it even out, or roll the clients (restart the heaviest watchers) so they reconnect across servers; on self-managed control planes, set --goaway-chance (e.g. 0.001) on the API servers.",
        ],
      },
    ];
  },
};

// ── In-flight near the limit ─────────────────────────────────────────────────────────────────────
function inflightNearLimit(input: RuleInput) {
  const data = optional(input, "inflight");
  if (!data) return [];
  return seriesOf(data, "inflight").flatMap((s) => {
    const kind = labelOf(s.labels, "request_kind", "requestKind") === "mutating" ? "mutating" : "readOnly";
    const limit = kind === "mutating" ? input.limits.inflightMutating : input.limits.inflightReadOnly;
    if (!limit) return [];
    const e = episode(s.points, (v) => v >= T.INFLIGHT_NEAR_LIMIT * limit);
    if (!e) return [];
    return [{ instance: s.labels.instance ?? "", kind: kind === "mutating" ? "mutating" : "read-only", limit, peak: e.peak, ratio: e.peak / limit, since: e.since, last: e.last, severity: (e.peak >= limit ? "critical" : "warning") as FindingSeverity }];
  });
}

const inflight: Rule = {
  cause: "inflight-limit",
  checks: "in-flight requests against the servers' limits",
  reads: ["inflight"],
  priority: 7,
  run(input) {
    panel(input, "inflight");
    return inflightNearLimit(input).map((n): Finding => ({
      id: `inflight-limit:${n.kind}@${n.instance}`,
      cause: "inflight-limit",
      severity: n.severity,
      title: `${n.kind} requests in flight on ${n.instance} reached ${fmt.count(n.peak)} of its limit of ${n.limit}: new ones queue or get 429.`,
      since: n.since,
      until: untilOf(n.last, input),
      evidence: [ev(`${n.kind} in flight on ${n.instance}`, n.peak, "count", `of ${n.limit}`)],
      panels: ["inflight", "peak-inflight", "apf-seat-utilization"],
      actions: ["Find the caller in the LIST and APF rows (a LIST storm or a flooding flow fills the limit); raise the limits only on a control plane you run."],
    }));
  },
};

// ── Terminations, server errors, deprecated APIs, APF off ───────────────────────────────────────
const terminations: Rule = {
  cause: "terminations",
  checks: "requests terminated by the API server",
  reads: ["terminations"],
  priority: 8,
  run(input) {
    const data = input.panels.get("terminations");
    // The counter appears with the first termination: absent means none.
    if (!data || data.status !== "ok") return [];
    const s = seriesOf(data, "terminated")[0];
    const e = s ? episode(s.points, (v) => v > 0) : null;
    if (!e) return [];
    return [
      {
        id: "terminations",
        cause: "terminations",
        severity: "warning",
        title: `The API server is terminating requests in self-defence (${fmt.rate(e.peak)}/s at the peak): clients see errors and retry.`,
        since: e.since,
        until: untilOf(e.last, input),
        evidence: [ev("requests terminated", e.peak, "perSecond", "peak")],
        panels: ["terminations", "slowest-calls", "inflight"],
        actions: ["Find the verb and resource in 'Slowest calls'; terminations follow timeouts and overload, so fix the cause named above first."],
      },
    ];
  },
};

const serverErrors: Rule = {
  cause: "server-errors",
  checks: "5xx answers",
  reads: ["request-rate"],
  priority: 9,
  run(input) {
    const s = seriesOf(panel(input, "request-rate"), "5xx")[0];
    const e = s ? episode(s.points, (v) => v >= T.ERRORS_WARNING_RATIO) : null;
    if (!e) return [];
    return [
      {
        id: "server-errors",
        cause: "server-errors",
        severity: e.peak >= T.ERRORS_CRITICAL_RATIO ? "critical" : "warning",
        title: `${fmt.pct(100 * e.peak)} of requests failed with 5xx at the peak.`,
        since: e.since,
        until: untilOf(e.last, input),
        evidence: [ev("5xx share of requests", e.peak, "ratio", "peak")],
        panels: ["request-rate", "slowest-calls", "webhook-duration", "api-vs-etcd"],
        actions: ["5xx come from etcd, webhooks or an overloaded server: the findings above (or 'Slowest calls' and 'API p99 against etcd p99') say which."],
      },
    ];
  },
};

const deprecated: Rule = {
  cause: "deprecated-apis",
  checks: "deprecated APIs still called",
  reads: ["apiservices-deprecated"],
  priority: 20,
  run(input) {
    const data = input.panels.get("apiservices-deprecated");
    if (!data || data.status !== "ok") return [];
    const apis = seriesOf(data, "deprecated").filter((s) => (peak(s.points) ?? 0) > 0);
    if (apis.length === 0) return [];
    const names = apis.map((a) => `${a.labels.resource ?? ""}.${a.labels.group ?? ""}/${a.labels.version ?? ""}${a.labels.removed_release ? ` (removed in ${a.labels.removed_release})` : ""}`);
    return [
      {
        id: "deprecated-apis",
        cause: "deprecated-apis",
        severity: "info",
        title: `Clients still call ${apis.length} deprecated API${apis.length > 1 ? "s" : ""}: ${names.slice(0, 3).join(", ")}${names.length > 3 ? "…" : ""}.`,
        since: input.from,
        until: null,
        evidence: [ev("deprecated APIs called", apis.length, "count")],
        panels: ["apiservices-deprecated"],
        actions: ["They break on the upgrade that removes them: find the callers in the audit log (annotations k8s.io/deprecated) and move them to the current version."],
      },
    ];
  },
};

const apfOff: Rule = {
  cause: "apf-off",
  checks: "API Priority and Fairness enabled",
  reads: ["apf-seat-utilization", "request-rate"],
  priority: 21,
  run(input) {
    const util = input.panels.get("apf-seat-utilization");
    const requests = input.panels.get("request-rate");
    if (!requests || requests.status !== "ok" || !util || util.status === "ok") return [];
    return [
      {
        id: "apf-off",
        cause: "apf-off",
        severity: "info",
        title: "API Priority and Fairness metrics are missing: APF is off or its metrics are dropped by the scrape, so one client can starve all others.",
        since: input.from,
        until: null,
        evidence: [],
        panels: ["apf-seat-utilization"],
        actions: ["Keep APF on (the default since Kubernetes 1.20) and keep apiserver_flowcontrol_* in the scrape."],
      },
    ];
  },
};

export const RULES: readonly Rule[] = [listStorm, apfSaturation, etcdSlow, webhookSlow, watchSurge, asymmetric, inflight, terminations, serverErrors, deprecated, apfOff];
