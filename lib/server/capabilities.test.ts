import { describe, expect, it } from "vitest";
import { pickVariant, type Capabilities } from "./capabilities";
import { PANELS_BY_ID } from "../panels/catalog";

function caps(metrics: string[], labels: Record<string, string[]> = {}): Capabilities {
  return { metrics: new Set(metrics), labels: new Map(Object.entries(labels).map(([k, v]) => [k, new Set(v)])), histograms: new Map() };
}

const longrunning = PANELS_BY_ID.get("longrunning-per-server")!.queries[0]!;
const utilization = PANELS_BY_ID.get("apf-seat-utilization")!.queries[0]!;
const execution = PANELS_BY_ID.get("apf-execution-p90")!.queries[0]!;
const rejected = PANELS_BY_ID.get("apf-rejected")!.queries[0]!;

describe("pickVariant", () => {
  it("prefers apiserver_longrunning_requests and falls back to the ≤1.24 gauge", () => {
    expect(pickVariant(longrunning, caps(["apiserver_longrunning_requests", "apiserver_longrunning_gauge"]))!.expr).toContain("apiserver_longrunning_requests");
    expect(pickVariant(longrunning, caps(["apiserver_longrunning_gauge"]))!.expr).toContain("apiserver_longrunning_gauge");
    expect(pickVariant(longrunning, caps(["up"]))).toBeNull();
  });
  it("picks the APF seat metrics by Kubernetes version", () => {
    const v135 = caps(["apiserver_flowcontrol_current_executing_seats", "apiserver_flowcontrol_current_limit_seats", "apiserver_flowcontrol_nominal_limit_seats"]);
    expect(pickVariant(utilization, v135)!.expr).toContain("current_executing_seats");
    const v124 = caps(["apiserver_flowcontrol_request_concurrency_in_use", "apiserver_flowcontrol_request_concurrency_limit"]);
    expect(pickVariant(utilization, v124)!.expr).toContain("request_concurrency_limit");
  });
  it("checks label names where a label was added", () => {
    const withType = caps(["apiserver_flowcontrol_request_execution_seconds_bucket"], { apiserver_flowcontrol_request_execution_seconds_count: ["priority_level", "flow_schema", "type"] });
    expect(pickVariant(execution, withType)!.expr).toContain('type="regular"');
    const withoutType = caps(["apiserver_flowcontrol_request_execution_seconds_bucket"], { apiserver_flowcontrol_request_execution_seconds_count: ["priority_level", "flow_schema"] });
    expect(pickVariant(execution, withoutType)!.expr).not.toContain("type=");
  });
  it("treats a not-yet-created rejection counter as 'none yet' when APF is on, absent when APF is off", () => {
    expect(pickVariant(rejected, caps(["apiserver_flowcontrol_dispatched_requests_total"]))).not.toBeNull();
    expect(pickVariant(rejected, caps(["apiserver_request_total"]))).toBeNull();
  });
});
