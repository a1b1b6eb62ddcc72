// Where an AMP cluster's queries go: the configured endpoint, the standard regional endpoint for a
// workspace id, or — for a workspace alias — the endpoint the control plane reports
// (ListWorkspaces filtered by alias, then DescribeWorkspace, since WorkspaceSummary has no endpoint).
// Alias lookups are cached per process; a failed lookup is not, so the next call retries.
import "server-only";
import { AmpClient, DescribeWorkspaceCommand, paginateListWorkspaces } from "@aws-sdk/client-amp";
import type { AmpClusterConfig } from "../config";
import { AMP_QUERY_PERMISSIONS } from "./errors";
import type { CredentialProvider } from "./credentials";
import { DataSourceError } from "./types";

export interface WorkspaceEndpoint {
  workspaceId: string;
  /** Ends with `/workspaces/<id>/`; `api/v1/...` is appended. */
  endpoint: URL;
}

type AmpWorkspaceCluster = Pick<AmpClusterConfig, "name" | "region" | "workspaceId" | "workspaceAlias" | "endpoint" | "roleArn">;

const aliasLookups = new Map<string, Promise<WorkspaceEndpoint>>();

export function standardWorkspaceEndpoint(region: string, workspaceId: string): string {
  return `https://aps-workspaces.${region}.amazonaws.com/workspaces/${workspaceId}/`;
}

export function resolveWorkspaceEndpoint(
  cluster: AmpWorkspaceCluster,
  deps: { credentials: CredentialProvider; ampClient?: AmpClient },
): Promise<WorkspaceEndpoint> {
  if (cluster.workspaceId) {
    const endpoint = cluster.endpoint ?? standardWorkspaceEndpoint(cluster.region, cluster.workspaceId);
    return Promise.resolve({ workspaceId: cluster.workspaceId, endpoint: new URL(endpoint) });
  }
  const alias = cluster.workspaceAlias!;
  const key = `${cluster.region} ${cluster.roleArn ?? ""} ${alias}`;
  let lookup = aliasLookups.get(key);
  if (!lookup) {
    // Bounded HTTP timeouts: the lookup is cached while pending, so a hung call must end in an error
    // (which evicts it) rather than block every later query of this cluster.
    const client =
      deps.ampClient ??
      new AmpClient({ region: cluster.region, credentials: deps.credentials, requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 } });
    lookup = lookUpAlias(client, cluster.name, cluster.region, alias);
    aliasLookups.set(key, lookup);
    lookup.catch(() => aliasLookups.delete(key));
  }
  return lookup;
}

async function lookUpAlias(client: AmpClient, clusterName: string, region: string, alias: string): Promise<WorkspaceEndpoint> {
  const where = `AMP workspace alias "${alias}" in ${region} (cluster "${clusterName}")`;
  try {
    // The alias filter is a prefix match: keep exact matches only.
    const matches: string[] = [];
    for await (const page of paginateListWorkspaces({ client }, { alias })) {
      for (const workspace of page.workspaces ?? []) if (workspace.alias === alias && workspace.workspaceId) matches.push(workspace.workspaceId);
    }
    if (matches.length === 0) {
      throw new DataSourceError("not_found", `${where}: no workspace has this alias`, {
        hint: "Check the alias and the region (`aws amp list-workspaces --region …`), or configure workspaceId instead.",
      });
    }
    if (matches.length > 1) {
      throw new DataSourceError("config", `${where}: ${matches.length} workspaces share this alias (${matches.join(", ")})`, {
        hint: "Configure workspaceId instead of workspaceAlias to pick one.",
      });
    }
    const { workspace } = await client.send(new DescribeWorkspaceCommand({ workspaceId: matches[0] }));
    if (!workspace?.prometheusEndpoint) {
      throw new DataSourceError("bad_response", `${where}: DescribeWorkspace returned no prometheusEndpoint (status ${workspace?.status?.statusCode ?? "unknown"})`, {
        hint: "The workspace may still be creating or is being deleted: check it in the AMP console.",
      });
    }
    return { workspaceId: matches[0]!, endpoint: new URL(workspace.prometheusEndpoint.replace(/\/*$/, "/")) };
  } catch (error) {
    if (error instanceof DataSourceError) throw error;
    throw controlPlaneError(where, error);
  }
}

function controlPlaneError(where: string, error: unknown): DataSourceError {
  const name = (error as { name?: string })?.name ?? "Error";
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const text = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
  if (name === "CredentialsProviderError") {
    return new DataSourceError("config", `${where}: no usable AWS credentials: ${text}`, {
      cause: error,
      hint: "On Amplify attach an SSR compute role to the app; elsewhere set AWS_PROFILE or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY.",
    });
  }
  if (name === "AccessDeniedException" || status === 403) {
    return new DataSourceError("access_denied", `${where}: looking up the alias was denied: ${text}`, {
      status,
      cause: error,
      hint: `Resolving an alias needs aps:ListWorkspaces and aps:DescribeWorkspace (queries need ${AMP_QUERY_PERMISSIONS}), or configure workspaceId instead.`,
    });
  }
  if (name === "ThrottlingException" || status === 429) {
    return new DataSourceError("throttled", `${where}: the AMP control plane throttled the alias lookup`, { status, cause: error, hint: "Retry in a moment, or configure workspaceId to skip the lookup." });
  }
  return new DataSourceError(status === undefined ? "unreachable" : "server_error", `${where}: the alias lookup failed: ${text}`, {
    status,
    cause: error,
    hint: "Check network access to the AMP control plane (aps.<region>.amazonaws.com), or configure workspaceId instead.",
  });
}

/** Tests only. */
export function clearWorkspaceLookups(): void {
  aliasLookups.clear();
}
