// Defence in depth for the route handlers: the middleware already refused whoever may not be here, and
// each API route asks again — from the request's own cookie or proxy headers — then applies the
// per-cluster rules, which only the Node side can (the cluster configuration is read from a file).
import "server-only";
import type { NextRequest } from "next/server";
import { clustersFor, discoveredClusterFor, getClusters, ConfigError } from "../config";
import { knowCluster } from "../discovery";
import { DataSourceError } from "../datasource/types";
import { errorResponse } from "../http";
import { identify, principalOf } from "../../auth/identify";
import { jsonError, refusal, refusalLog } from "../../auth/responses";
import { describePrincipal, type Principal } from "../../auth/rules";
import { authSettings, AuthConfigError, type AuthSettings } from "../../auth/settings";

export type RouteAuth = { ok: true; principal: Principal | null } | { ok: false; response: Response };

function settingsOrUndefined(): AuthSettings | undefined {
  try {
    return authSettings();
  } catch (error) {
    if (error instanceof AuthConfigError) return undefined;
    throw error;
  }
}

/** Who is calling, or the response that refuses them (401 JSON, 403 JSON). */
export async function authenticateRoute(req: NextRequest): Promise<RouteAuth> {
  const verdict = await identify({ headers: req.headers, cookie: (name) => req.cookies.get(name)?.value });
  const pathname = req.nextUrl.pathname;
  const refused = refusal(verdict, settingsOrUndefined(), { url: req.nextUrl, pathname, returnTo: pathname, method: req.method });
  if (refused) {
    const line = refusalLog(verdict, pathname);
    if (line) console.warn(line);
    return { ok: false, response: refused };
  }
  return { ok: true, principal: principalOf(verdict as typeof verdict & { kind: "open" | "allowed" }) };
}

/**
 * authenticateRoute plus the cluster's own rule: 403 for a cluster this person may not see, 404 (listing
 * only their clusters) for one that does not exist. Returns the refusal, or null to go on.
 */
export async function refuseUnlessAllowed(req: NextRequest, clusterId: string | null): Promise<Response | null> {
  const auth = await authenticateRoute(req);
  if (!auth.ok) return auth.response;
  if (clusterId === null) return null;
  try {
    const visible = clustersFor(auth.principal);
    // `<entry>:<value>`: the entry's discovery (cached) says whether that value is one of its clusters.
    if (visible.some((c) => clusterId.startsWith(`${c.id}:`))) await knowCluster(clusterId, req.signal);
    if (visible.some((c) => c.id === clusterId) || discoveredClusterFor(auth.principal, clusterId)) return null;
    const shown = JSON.stringify(clusterId.slice(0, 64));
    if (getClusters().some((c) => c.id === clusterId) || discoveredClusterFor(undefined, clusterId)) {
      console.warn(`[apiscope] auth: 403 ${req.nextUrl.pathname} cluster=${shown}: not in its allow rule (${auth.principal ? describePrincipal(auth.principal) : "no sign-in"})`);
      return jsonError(403, "forbidden", `You may not see cluster ${shown}.`, "Pick one of the clusters listed by GET /api/clusters, or ask the dashboard's operators for access.");
    }
    return jsonError(404, "config", `Unknown cluster ${shown}; yours: ${visible.map((c) => c.id).join(", ") || "none"}`, "Pick one of the clusters listed by GET /api/clusters.");
  } catch (error) {
    if (error instanceof ConfigError) {
      return errorResponse(new DataSourceError("config", error.message, { cause: error, hint: "Fix the configuration (see the server log) and restart the server." }));
    }
    if (error instanceof DataSourceError) return errorResponse(error);
    throw error;
  }
}

/** For server components (page metadata): who is looking, null when open or not allowed. */
export async function pagePrincipal(): Promise<Principal | null> {
  const { cookies, headers } = await import("next/headers");
  const [h, c] = await Promise.all([headers(), cookies()]);
  const verdict = await identify({ headers: h as unknown as Headers, cookie: (name) => c.get(name)?.value });
  return verdict.kind === "allowed" ? verdict.principal : null;
}
