// Which of the backend's alerts the strip shows: the API server's (apiscope's groups, rules reading API
// server metrics, or alerts naming the view's job), of this cluster, worst and oldest first.
import { describe, expect, it } from "vitest";
import { selectApiServerAlerts } from "./alerts";
import type { ActiveAlert, AlertingRule, RuleGroup } from "./datasource";

const alert = (labels: Record<string, string>, over: Partial<ActiveAlert> = {}): ActiveAlert => ({
  labels,
  annotations: { summary: `${labels.alertname} summary` },
  state: "firing",
  activeAt: 1000,
  value: 1,
  ...over,
});
const rule = (name: string, query: string, alerts: ActiveAlert[], over: Partial<AlertingRule> = {}): AlertingRule => ({ name, query, labels: {}, annotations: {}, health: "ok", alerts, ...over });
const group = (name: string, alerting: AlertingRule[], recordingCount = 0): RuleGroup => ({ name, alerting, recordingCount });

describe("selectApiServerAlerts", () => {
  it("keeps apiscope's alerts and other rules reading API server metrics; drops the rest unless they name the job", () => {
    const groups = [
      group("apiscope.alerts", [
        rule("ApiserverListStorm", "sum(rate(apiserver_request_total[5m]))", [alert({ alertname: "ApiserverListStorm", job: "apiserver", severity: "warning", apiscope_panel: "list-rate" })]),
      ]),
      group("kubernetes-apps", [rule("KubePodCrashLooping", "kube_pod_container_status_restarts_total > 0", [alert({ alertname: "KubePodCrashLooping", job: "kube-state-metrics" })])]),
      group("kube-apiserver-slos", [rule("KubeAPIErrorBudgetBurn", "apiserver_request:burnrate1h > 0.1", [alert({ alertname: "KubeAPIErrorBudgetBurn", severity: "critical" })])]),
      group("general", [rule("TargetDown", "up == 0", [alert({ alertname: "TargetDown", job: "apiserver" }, { state: "pending", activeAt: 900 })])]),
    ];
    const r = selectApiServerAlerts(groups, { job: "apiserver", now: 2000 });
    // Firing first; critical before warning; the pending TargetDown (names the job) last.
    expect(r.alerts.map((a) => a.name)).toEqual(["KubeAPIErrorBudgetBurn", "ApiserverListStorm", "TargetDown"]);
    expect(r.rulesLoaded).toBe(2); // apiscope's and the one reading apiserver_ metrics; not up == 0
    expect(r.recommendedLoaded).toBe(true);
    expect(r.alerts[1]).toMatchObject({ state: "firing", severity: "warning", panel: "list-rate", summary: "ApiserverListStorm summary", activeAt: 1000 });
    expect(r.alerts[0]!.panel).toBeNull();
    expect(r.now).toBe(2000);
  });

  it("leaves out another job's and another cluster's alerts", () => {
    const groups = [
      group("apiscope.alerts", [
        rule("ApiserverEtcdSlow", "etcd_request_duration_seconds_bucket", [
          alert({ alertname: "ApiserverEtcdSlow", job: "apiserver", cluster: "prod" }),
          alert({ alertname: "ApiserverEtcdSlow", job: "apiserver", cluster: "staging" }),
          alert({ alertname: "ApiserverEtcdSlow", job: "kube-apiserver", cluster: "prod" }),
        ]),
      ]),
    ];
    const r = selectApiServerAlerts(groups, { job: "apiserver", clusterLabel: { name: "cluster", value: "prod" }, now: 2000 });
    expect(r.alerts.map((a) => a.labels)).toEqual([{ alertname: "ApiserverEtcdSlow", job: "apiserver", cluster: "prod" }]);
  });

  it("counts no rule when none is about the API server, and names rules that fail to evaluate", () => {
    expect(selectApiServerAlerts([group("node", [rule("NodeDown", "up{job='node'} == 0", [])]), group("apiscope.recording", [], 4)], { job: "apiserver", now: 1 })).toMatchObject({
      rulesLoaded: 0,
      recommendedLoaded: false,
      alerts: [],
    });
    const broken = selectApiServerAlerts([group("apiscope.alerts", [rule("ApiserverWatchSurge", "apiserver_longrunning_requests", [], { health: "err" })])], { job: null, now: 1 });
    expect(broken).toMatchObject({ rulesLoaded: 1, unhealthyRules: ["ApiserverWatchSurge"] });
  });

  it("takes a panel only from the catalogue", () => {
    const r = selectApiServerAlerts([group("apiscope.alerts", [rule("X", "apiserver_request_total", [alert({ alertname: "X", apiscope_panel: "no-such-panel" })])])], { job: null, now: 1 });
    expect(r.alerts[0]!.panel).toBeNull();
  });
});
