// GET /api/v1/rules: what the alerts strip reads (Prometheus, and the AMP ruler's same shape).
import { describe, expect, it } from "vitest";
import type { BackendTarget } from "./errors";
import { parseRules, rulesRequest } from "./prometheus-http";
import { DataSourceError } from "./types";

const target: BackendTarget = { kind: "prometheus", clusterId: "p", clusterName: "Prod", host: "prom:9090" };
const raw = (body: string, status = 200) => ({ status, headers: new Headers({ "content-type": "application/json" }), body });

describe("rules API", () => {
  it("is a GET of rules with no parameters", () => {
    const r = rulesRequest();
    expect([r.method, r.path, r.params.toString()]).toEqual(["GET", "rules", ""]);
  });

  it("keeps alerting rules with their pending and firing alerts, counts recording rules", () => {
    const body = {
      status: "success",
      data: {
        groups: [
          {
            name: "apiscope.alerts",
            file: "/etc/prometheus/apiscope.rules.yml",
            rules: [
              {
                type: "alerting",
                name: "ApiserverListStorm",
                query: "sum(rate(apiserver_request_total[5m])) >= 1",
                duration: 120,
                labels: { severity: "warning" },
                annotations: { summary: "LIST storm on {{ $labels.resource }}" },
                alerts: [
                  { labels: { alertname: "ApiserverListStorm", resource: "pods" }, annotations: { summary: "LIST storm on pods" }, state: "firing", activeAt: "2026-12-02T01:00:00.5Z", value: "1.7e+01" },
                  { labels: { alertname: "ApiserverListStorm", resource: "nodes" }, annotations: {}, state: "inactive", activeAt: "0001-01-01T00:00:00Z", value: "0" },
                ],
                health: "ok",
              },
              { type: "recording", name: "x:y:rate5m", query: "rate(y[5m])", health: "ok" },
            ],
          },
          // AMP and older Prometheus versions leave out what is empty.
          { name: "other", rules: [{ type: "alerting", name: "Broken", query: "apiserver_x", health: "err", alerts: null, labels: null }] },
        ],
      },
    };
    expect(parseRules(raw(JSON.stringify(body)), target)).toEqual([
      {
        name: "apiscope.alerts",
        recordingCount: 1,
        alerting: [
          {
            name: "ApiserverListStorm",
            query: "sum(rate(apiserver_request_total[5m])) >= 1",
            labels: { severity: "warning" },
            annotations: { summary: "LIST storm on {{ $labels.resource }}" },
            health: "ok",
            alerts: [{ labels: { alertname: "ApiserverListStorm", resource: "pods" }, annotations: { summary: "LIST storm on pods" }, state: "firing", activeAt: Date.parse("2026-12-02T01:00:00.5Z") / 1000, value: 17 }],
          },
        ],
      },
      { name: "other", recordingCount: 0, alerting: [{ name: "Broken", query: "apiserver_x", labels: {}, annotations: {}, health: "err", alerts: [] }] },
    ]);
  });

  it("says what was wrong with a malformed answer, without the backend's host", () => {
    for (const body of ["<html>ruler down</html>", JSON.stringify({ status: "success", data: { groups: [{ rules: [] }] } })]) {
      let err: unknown;
      try {
        parseRules(raw(body), target);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DataSourceError);
      expect((err as DataSourceError).kind).toBe("bad_response");
      expect((err as Error).message).not.toContain("prom:9090");
    }
  });
});
