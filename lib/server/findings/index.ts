// Findings: the causes the rules recognise in a view, computed from the dashboard's own panel answers.
// The panels are asked at the view's step, the step every shared read already uses, so their
// histogram and counter reads are the ones the dashboard made (served from the cache) and the rest are
// the panels' own cheap queries: the findings add little to a dashboard load (the bench measures it).
import "server-only";
import type { FindingsRequest, FindingsResponse, Finding, PanelData } from "../../api-schema";
import type { ClusterConfig } from "../config";
import { panelById, panelInView, resolveView } from "../dashboard";
import { readWindow, VIEW_POINTS } from "../plan/planner";
import type { AuditTarget } from "./audit";
import { RULES, Skip, type RuleInput } from "./rules";

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** Where the cluster's audit log is: EKS writes it to /aws/eks/<cluster name>/cluster. */
export function auditTarget(cluster: ClusterConfig): AuditTarget {
  const name = cluster.clusterLabel ?? cluster.id;
  return { region: cluster.kind === "amp" ? cluster.region : null, logGroup: `/aws/eks/${name}/cluster` };
}

/** Every panel a rule reads, asked once each. */
const PANELS_READ = [...new Set(RULES.flatMap((r) => r.reads))];

export async function computeFindings(req: FindingsRequest, signal?: AbortSignal): Promise<FindingsResponse> {
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
  const findings: (Finding & { priority: number })[] = [];
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
  return {
    findings: dropFolded(findings)
      .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.priority - b.priority || a.since - b.since)
      .map(({ priority: _, ...f }) => f),
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
