// What every view-scoped route does around its own work: sign-in and the cluster's allow rule again
// (defence in depth behind middleware.ts), this caller's request and samples budgets, the per-cluster
// queue, and errors mapped to answers that help without leaking.
import "server-only";
import type { NextRequest } from "next/server";
import { authenticateRoute, refuseUnlessAllowed } from "./auth/guard";
import { clustersFor, ConfigError, discoveredClusterFor, type ClusterConfig } from "./config";
import { knowCluster, listClusters } from "./discovery";
import { DataSourceError } from "./datasource/types";
import { errorResponse } from "./http";
import { admitRequest } from "./limits/guard";

/** `cost`: how many panels the request asks for (a batch costs one token per panel). */
export async function viewRoute(req: NextRequest, work: () => Promise<Response>, cost = 1): Promise<Response> {
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  const admitted = await admitRequest(req, cost);
  if (admitted instanceof Response) return admitted;
  return admitted.run(async () => {
    try {
      return await work();
    } catch (err) {
      return errorResponse(err);
    }
  });
}

/**
 * The same for routes over several clusters (the fleet): every cluster the caller may see, or those of
 * them `named` (a name outside their rules is refused like an unknown one, listing only theirs). The
 * request costs one token per cluster, as if each were asked for on its own. `entries`: a shared
 * workspace's discovering entry stands for itself instead of its discovered clusters (health: one check
 * per backend, not one per cluster label value).
 */
export async function fleetRoute(req: NextRequest, named: string[], work: (clusters: ClusterConfig[]) => Promise<Response>, opts: { entries?: boolean } = {}): Promise<Response> {
  const auth = await authenticateRoute(req);
  if (!auth.ok) return auth.response;
  let clusters: ClusterConfig[];
  try {
    if (named.length === 0) clusters = opts.entries ? clustersFor(auth.principal) : (await listClusters(auth.principal)).clusters;
    else {
      // Only the named clusters' entries are discovered: a row's request never waits on another backend.
      const visible = clustersFor(auth.principal);
      await Promise.all(named.filter((id) => visible.some((c) => id.startsWith(`${c.id}:`))).map((id) => knowCluster(id, req.signal)));
      const find = (id: string) => visible.find((c) => c.id === id) ?? discoveredClusterFor(auth.principal, id);
      const unknown = named.find((id) => !find(id));
      if (unknown !== undefined) {
        return errorResponse(
          new DataSourceError("config", `Unknown cluster ${JSON.stringify(unknown.slice(0, 64))}; yours: ${visible.map((c) => c.id).join(", ") || "none"}`, {
            hint: "Pick clusters listed by GET /api/clusters.",
          }),
        );
      }
      clusters = [...new Set(named)].map((id) => find(id)!);
    }
  } catch (err) {
    return errorResponse(configFailure(err));
  }
  const admitted = await admitRequest(req, clusters.length);
  if (admitted instanceof Response) return admitted;
  return admitted.run(async () => {
    try {
      return await work(clusters);
    } catch (err) {
      return errorResponse(err);
    }
  });
}

/** A broken configuration as a data-source error routes answer with; anything else unchanged. */
function configFailure(err: unknown): unknown {
  return err instanceof ConfigError ? new DataSourceError("config", err.message, { cause: err, hint: "Fix the configuration (see the server log) and restart the server." }) : err;
}
