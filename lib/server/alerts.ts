// The alerts strip's answer: the backend's pending and firing alerts about the API server (Prometheus, or
// the AMP ruler through the same datasource), beside the findings. One rules call per cluster: the rules
// API lists each alerting rule with its active alerts, which is what /api/v1/alerts would list again.
import "server-only";
import type { AlertsRequest, AlertsResponse, ActiveAlertView } from "../api-schema";
import { PANELS } from "../panels/catalog";
import { clusterLabelName, getCluster } from "./config";
import { resolveTargets } from "./dashboard";
import { clientFor, type RuleGroup } from "./datasource";

/** The group names of rules/apiscope.rules.yml start with this. */
export const RECOMMENDED_GROUP_PREFIX = "apiscope.";
/** A rule is about the API server when it reads the API server's own metrics (kubernetes-mixin's do too). */
const API_SERVER_METRICS = /\b(apiserver_|etcd_request_duration_seconds)/;
const PANEL_IDS: ReadonlySet<string> = new Set(PANELS.map((p) => p.id));
const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1 };

export interface AlertScope {
  /** the view's API-server job (alerts naming another job are someone else's); null: not known */
  job: string | null;
  /** clusters sharing an AMP workspace: only alerts carrying this cluster label (name, value) */
  clusterLabel?: { name: string; value: string };
  now: number;
}

/** Which alerts of `groups` are about this cluster's API server, worst and oldest first. Pure. */
export function selectApiServerAlerts(groups: readonly RuleGroup[], scope: AlertScope): AlertsResponse {
  const ours = (labels: Record<string, string>) =>
    (!scope.job || labels.job === undefined || labels.job === scope.job) && (!scope.clusterLabel || labels[scope.clusterLabel.name] === scope.clusterLabel.value);
  let rulesLoaded = 0;
  let recommendedLoaded = false;
  const unhealthyRules: string[] = [];
  const alerts: ActiveAlertView[] = [];
  for (const group of groups) {
    const recommended = group.name.startsWith(RECOMMENDED_GROUP_PREFIX);
    for (const rule of group.alerting) {
      const aboutApiServer = recommended || API_SERVER_METRICS.test(rule.query);
      if (aboutApiServer) {
        rulesLoaded++;
        if (recommended) recommendedLoaded = true;
        if (rule.health === "err") unhealthyRules.push(rule.name);
      }
      for (const a of rule.alerts) {
        // A rule that is not about the API server still counts when its alert names the view's job.
        if (!(aboutApiServer || (scope.job !== null && a.labels.job === scope.job)) || !ours(a.labels)) continue;
        const panel = a.labels.apiscope_panel ?? rule.labels.apiscope_panel;
        alerts.push({
          name: a.labels.alertname ?? rule.name,
          state: a.state,
          severity: a.labels.severity ?? null,
          summary: a.annotations.summary ?? null,
          description: a.annotations.description ?? null,
          activeAt: a.activeAt,
          panel: panel && PANEL_IDS.has(panel) ? panel : null,
          labels: a.labels,
        });
      }
    }
  }
  alerts.sort(
    (x, y) =>
      (x.state === "firing" ? 0 : 1) - (y.state === "firing" ? 0 : 1) ||
      (SEVERITY_ORDER[x.severity ?? ""] ?? 2) - (SEVERITY_ORDER[y.severity ?? ""] ?? 2) ||
      (x.activeAt ?? scope.now) - (y.activeAt ?? scope.now) ||
      x.name.localeCompare(y.name),
  );
  return { rulesLoaded, recommendedLoaded, unhealthyRules, alerts, now: scope.now };
}

export async function apiServerAlerts(req: AlertsRequest, signal?: AbortSignal): Promise<AlertsResponse> {
  const cluster = getCluster(req.cluster);
  const now = Math.floor(Date.now() / 1000);
  // The job discovery is the dashboard's own (cached): it costs nothing extra on a dashboard load.
  const [groups, targets] = await Promise.all([clientFor(req.cluster).rules({ signal }), resolveTargets(req.cluster, req.job, now)]);
  // Ages are counted from when the answer was in, rounded up: an alert that became active while the rules
  // were being read (its activeAt has fractions of a second) must not look younger than zero.
  const answeredAt = Math.ceil(Date.now() / 1000);
  return selectApiServerAlerts(groups, { job: targets.job, clusterLabel: cluster.clusterLabel === undefined ? undefined : { name: clusterLabelName(cluster), value: cluster.clusterLabel }, now: answeredAt });
}
