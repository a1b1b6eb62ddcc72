// Where a cluster's audit log lives, for the audit-log queries of findings and of table rows.
import "server-only";
import type { AuditTarget } from "../audit-query";
import type { ClusterConfig } from "./config";

/** EKS cluster names: a letter or digit, then letters, digits, '-' and '_' (up to 100). */
const EKS_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/**
 * Where the cluster's audit log is: EKS writes it to /aws/eks/<cluster name>/cluster, in the cluster's
 * region (for AMP, the workspace's). The EKS name is the cluster label, else the configured name when it
 * is a valid EKS name, else the id.
 */
export function auditTarget(cluster: ClusterConfig): AuditTarget {
  const name = cluster.clusterLabel ?? (EKS_NAME.test(cluster.name) ? cluster.name : cluster.id);
  return { region: cluster.kind === "amp" ? cluster.region : null, logGroup: `/aws/eks/${name}/cluster` };
}
