// Findings: the causes the rules recognise in a view, computed from the dashboard's own panel answers.
// The panels are asked at the view's step, the step every shared read already uses, so their
// histogram and counter reads are the ones the dashboard made (served from the cache) and the rest are
// the panels' own cheap queries: the findings add little to a dashboard load (the bench measures it).
import "server-only";
import { setMaxListeners } from "node:events";
import type { FindingsRequest, FindingsResponse, Finding, PanelData } from "../../api-schema";
import { buildExpr, panelById, panelInView, resolveView, type ViewContext } from "../dashboard";
import { readWindow, VIEW_POINTS } from "../plan/planner";
import { rateInterval } from "../query-window";
import { auditTarget } from "../audit-target";
import { RULES, Skip, type RuleFinding, type RuleInput } from "./rules";

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** Every panel a rule reads, asked once each. */
const PANELS_READ = [...new Set(RULES.flatMap((r) => r.reads))];

export async function computeFindings(req: FindingsRequest, signal?: AbortSignal): Promise<FindingsResponse> {
  // Every query of every panel the rules read waits on this one request's signal.
  if (signal) setMaxListeners(0, signal);
  const view = await resolveView(req);
  const window = readWindow("view", view.range.from, view.range.to, view.range.scrapeInterval);
  const panels = new Map<string, PanelData>();
  const failed = new Map<string, string>();
  let samplesProcessed = 0;
  await Promise.all(
    PANELS_READ.map(async (id) => {
      try {
        const data = await panelInView(view, panelById(id), VIEW_POINTS, signal);
        panels.set(id, data);
        samplesProcessed += data.samplesProcessed;
      } catch (err) {
        if (signal?.aborted) throw err;
        failed.set(id, err instanceof Error ? err.message : String(err));
      }
    }),
  );
  const input: RuleInput = { panels, from: view.range.from, to: view.range.to, step: window.step, limits: view.limits, audit: auditTarget(view.cluster) };
  const findings: (RuleFinding & { priority: number })[] = [];
  const skipped: FindingsResponse["skipped"] = [];
  for (const rule of RULES) {
    const broken = rule.reads.filter((id) => failed.has(id));
    try {
      for (const f of rule.run(input)) findings.push({ ...f, priority: rule.priority });
    } catch (err) {
      const reason = broken.length ? `${broken.join(", ")} failed: ${failed.get(broken[0]!)}` : err instanceof Skip ? err.message : "the check failed unexpectedly";
      if (!(err instanceof Skip)) console.error(`[apiscope] finding rule ${rule.cause} failed`, err);
      skipped.push({ check: rule.checks, reason });
    }
  }
  // Date each start to the scrape interval: one short query per finding, over one view step of data.
  await Promise.all(
    findings.map(async (f) => {
      if (!f.start) return;
      const refined = await refineStart(view, panels, f, window.step, signal).catch(() => null);
      if (refined) {
        f.since = refined.since;
        samplesProcessed += refined.samples;
      }
    }),
  );
  samplesProcessed += await attributeSaturationToAsymmetry(view, panels, findings, window, signal).catch(() => 0);
  return {
    findings: dropFolded(findings)
      .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.priority - b.priority || a.since - b.since)
      .map(({ priority: _, start: __, ...f }) => f),
    checked: RULES.map((r) => r.checks).filter((c) => !skipped.some((s) => s.check === c)),
    skipped,
    window: { start: window.start, end: window.end, step: window.step },
    samplesProcessed,
  };
}

/** An asymmetric-load finding already tells its busy server's in-flight state: drop the duplicate. */
function dropFolded<T extends Finding>(findings: T[]): T[] {
  const busy = new Set(findings.filter((f) => f.cause === "asymmetric").map((f) => f.id.slice("asymmetric:".length)));
  return findings.filter((f) => !(f.cause === "inflight-limit" && busy.has(f.id.slice(f.id.indexOf("@") + 1))));
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a).filter((k) => a[k] !== "");
  const kb = Object.keys(b).filter((k) => b[k] !== "");
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
};

/**
 * The first scrape-interval step in (since − step, since] where the finding's defining signal held: the
 * same query the panel ran (its chosen variant), at a step of one scrape.
 */
async function refineStart(view: ViewContext, panels: ReadonlyMap<string, PanelData>, f: RuleFinding, viewStep: number, signal?: AbortSignal) {
  const start = f.start!;
  const result = panels.get(start.panel)?.queries.find((q) => q.id === start.query);
  const template = panelById(start.panel).queries.find((q) => q.id === start.query)?.variants[result?.variant ?? 0]?.expr;
  const scrape = view.range.scrapeInterval;
  if (!result || !template || viewStep <= scrape) return null;
  const fine = { start: f.since - viewStep, end: f.since, step: scrape, rateInterval: rateInterval(scrape, scrape), evalTime: f.since };
  const answer = await view.api.queryRange({ query: buildExpr(template, fine, view.matchers), start: fine.start, end: fine.end, step: fine.step, signal });
  const series = answer.series.find((x) => sameLabels(x.labels, start.labels));
  const first = series?.points.find(([, v]) => v !== null && start.holds(v));
  return first ? { since: first[0], samples: answer.cached ? 0 : (answer.stats?.samplesProcessed ?? 0) } : null;
}

/**
 * A level saturated on the busy server only is the asymmetric load's doing, not a flow's: the asymmetric
 * finding becomes critical and carries it, and the saturation finding becomes a warning that says so.
 * One query per such level: the seat utilization panel's own PromQL, per server instead of the busiest.
 */
async function attributeSaturationToAsymmetry(view: ViewContext, panels: ReadonlyMap<string, PanelData>, findings: RuleFinding[], window: { step: number }, signal?: AbortSignal): Promise<number> {
  const asymmetric = findings.find((f) => f.cause === "asymmetric");
  const saturations = findings.filter((f) => f.cause === "apf-saturation" && !f.title.includes("kube-system"));
  const util = panels.get("apf-seat-utilization")?.queries[0];
  if (!asymmetric || saturations.length === 0 || !util) return 0;
  const busy = asymmetric.id.slice("asymmetric:".length);
  const template = panelById("apf-seat-utilization").queries[0]!.variants[util.variant]!.expr.replace("100 * max by (priority_level) (", "100 * max by (instance, priority_level) (");
  const w = readWindow("view", view.range.from, view.range.to, view.range.scrapeInterval);
  const answer = await view.api.queryRange({ query: buildExpr(template, w, view.matchers), start: w.start, end: w.end, step: w.step, signal });
  for (const f of saturations) {
    const level = f.id.slice("apf-saturation:".length);
    const perServer = answer.series.filter((s) => s.labels.priority_level === level);
    const saturatedOn = perServer.filter((s) => s.points.some(([, v]) => v !== null && v >= 95)).map((s) => s.labels.instance);
    if (saturatedOn.length !== 1 || saturatedOn[0] !== busy) continue;
    f.severity = "warning";
    f.title = f.title.replace(/\.$/, `, on ${busy} only: the busy server of the asymmetric-load finding.`);
    asymmetric.severity = "critical";
    asymmetric.evidence.push({ label: `${level} seats in use on ${busy}`, value: f.evidence[0]?.value ?? null, unit: "percent", context: "saturated there only" });
    asymmetric.panels.push("apf-seat-utilization");
  }
  return answer.cached ? 0 : (answer.stats?.samplesProcessed ?? 0);
}
