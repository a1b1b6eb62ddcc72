// The clusters `npm run demo` adds to the incident cluster for the fleet page: a healthy one on another
// Kubernetes version, and one with a WATCH surge still going on 1.24. They share a second Prometheus and
// are told apart by their `cluster` label, as clusters sharing an AMP workspace are. The e2e tests start
// the same fleet.
import type { IncidentKind, K8sVersion } from "./scenario";

export interface DemoFleetCluster {
  /** The `cluster` label value and the cluster id. */
  label: string;
  name: string;
  version: K8sVersion;
  incident: IncidentKind;
}

export function demoFleet(incidentVersion: K8sVersion): DemoFleetCluster[] {
  const other: K8sVersion = incidentVersion === "1.35" ? "1.24" : "1.35";
  return [
    { label: "calm", name: `calm (Kubernetes ${other}, healthy)`, version: other, incident: "healthy" },
    { label: "watchers", name: "watchers (Kubernetes 1.24, WATCH surge)", version: "1.24", incident: "watch-surge" },
  ];
}

/**
 * The incident cluster runs on an EKS Provisioned Control Plane tier (lib/server/config.ts
 * CONTROL_PLANE_TIERS), so its seat panel draws the tier's ceiling and its fleet row the seats against it.
 */
export const DEMO_CONTROL_PLANE_TIER = "XL";

/** Their history is shorter than the incident cluster's six hours: they are there for the fleet page. */
export const FLEET_HISTORY_SECONDS = 3 * 3600;
