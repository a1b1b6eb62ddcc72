// The alerts strip's server side against a real Prometheus evaluating the recommended rules over the live
// watch-surge scenario (the demo's setup): directly, and as AMP through the SigV4-verifying stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAmpStandin, type AmpStandin } from "../../test-support/amp-standin";
import { liveScenarioPrometheus, waitForAlerts, type LiveScenario } from "../../test-support/live-scenario";
import { apiServerAlerts } from "./alerts";
import { resetDataSourceState } from "./datasource";
import { NO_AMBIENT_AWS, setEnv } from "./datasource/testing/env";

const WORKSPACE = "ws-alerts";
const REGION = "eu-west-1";
const KEYS = { accessKeyId: "ASIAALERTSTEST", secretAccessKey: "alerts-secret", sessionToken: "alerts-token" };

let live: LiveScenario;
let standin: AmpStandin;
beforeAll(async () => {
  live = await liveScenarioPrometheus({ incident: "watch-surge" });
  standin = await startAmpStandin({ upstream: live.prom.url, workspaceId: WORKSPACE, region: REGION, credentials: KEYS });
  // The rules evaluate on the live scrape: wait until Prometheus itself lists the alert.
  await waitForAlerts(live.prom.url, (a) => a.some((x) => x.labels.alertname === "ApiserverWatchSurge"));
});
afterAll(async () => {
  resetDataSourceState();
  await standin?.stop();
  await live?.stop();
});

function expectSurge(r: Awaited<ReturnType<typeof apiServerAlerts>>) {
  expect(r.recommendedLoaded).toBe(true);
  expect(r.rulesLoaded).toBe(11); // the alerting rules of rules/apiscope.rules.yml
  expect(r.unhealthyRules).toEqual([]);
  const surge = r.alerts.find((a) => a.name === "ApiserverWatchSurge");
  expect(surge, JSON.stringify(r.alerts)).toMatchObject({ severity: "warning", panel: "longrunning-per-server", labels: { job: "apiserver" } });
  expect(["pending", "firing"]).toContain(surge!.state);
  expect(surge!.summary).toMatch(/^WATCH surge: \d+ long-running requests$/);
  // Became active after the live scrape began, i.e. within the last few minutes, not in the backfill.
  expect(surge!.activeAt).toBeGreaterThan(r.now - 300);
  expect(surge!.activeAt).toBeLessThanOrEqual(r.now);
}

describe("apiServerAlerts", () => {
  it("reads the pending and firing alerts of a Prometheus", async () => {
    const restore = setEnv({ APISCOPE_CONFIG: undefined, APISCOPE_AMP_WORKSPACE_ID: undefined, APISCOPE_PROMETHEUS_URL: live.prom.url, APISCOPE_CLUSTER_NAME: "live" });
    resetDataSourceState();
    try {
      expectSurge(await apiServerAlerts({ cluster: "default" }));
      // Another job's view shows none of them.
      const other = await apiServerAlerts({ cluster: "default", job: "kube-apiserver" });
      expect(other.alerts.filter((a) => a.labels.job === "kube-apiserver")).toEqual([]);
    } finally {
      restore();
    }
  });

  it("reads the same from an AMP workspace's ruler path, SigV4-signed", async () => {
    const restore = setEnv({
      ...NO_AMBIENT_AWS,
      AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
      AWS_SESSION_TOKEN: KEYS.sessionToken,
      APISCOPE_CONFIG: undefined,
      APISCOPE_PROMETHEUS_URL: undefined,
      APISCOPE_AMP_WORKSPACE_ID: WORKSPACE,
      APISCOPE_AMP_REGION: REGION,
      APISCOPE_AMP_ENDPOINT: standin.endpoint,
      APISCOPE_CLUSTER_NAME: "live (AMP)",
    });
    resetDataSourceState();
    standin.requests.length = 0;
    try {
      expectSurge(await apiServerAlerts({ cluster: "default" }));
      const rulesCalls = standin.requests.filter((r) => r.path.endsWith("/api/v1/rules"));
      expect(rulesCalls.map((r) => [r.method, r.verdict])).toEqual([["GET", "ok"]]);
      // Cached briefly: a second look within seconds asks the backend nothing more.
      await apiServerAlerts({ cluster: "default" });
      expect(standin.requests.filter((r) => r.path.endsWith("/api/v1/rules"))).toHaveLength(1);
    } finally {
      restore();
    }
  });
});
