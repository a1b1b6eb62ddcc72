// GET /api/health: can this deployment reach every cluster the caller may see? Per cluster: reachable or
// why not (the same cleaned error a panel shows), the round trip of one trivial query (`vector(1)`, no
// samples processed, never cached: its time is the current millisecond), which credential source signs
// (AMP), the API-server job found and the Kubernetes version the scrape reports (kubernetes_build_info).
// Never a URL, host, key or token: only what /api/clusters already shows, plus those facts.
import "server-only";
import type { ApiError, HealthCluster, HealthResponse } from "../api-schema";
import { clusterMatchers, type ClusterConfig } from "./config";
import { resolveTargets } from "./dashboard";
import { clientFor, credentialSource } from "./datasource";
import { errorResponse } from "./http";
import { injectMatchers } from "./promql";

/** The git version each API server reports, most common first (a rolling upgrade shows two). */
async function kubernetesVersion(cluster: ClusterConfig, job: string, now: number): Promise<string | null> {
  const matchers = [...clusterMatchers(cluster), { name: "job", op: "=" as const, value: job }];
  const answer = await clientFor(cluster.id).query({ query: injectMatchers("count by (git_version) (kubernetes_build_info)", matchers), time: Math.floor(now / 30) * 30 });
  const versions = answer.samples.filter((s) => s.labels.git_version).sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  return versions.length ? versions.map((s) => s.labels.git_version).join(", ") : null;
}

export async function clusterHealth(cluster: ClusterConfig): Promise<HealthCluster> {
  const base = { id: cluster.id, name: cluster.name, kind: cluster.kind };
  const started = performance.now();
  try {
    const credentials = cluster.kind === "amp" ? await credentialSource(cluster) : null;
    const now = Date.now() / 1000;
    const t0 = performance.now();
    await clientFor(cluster.id).query({ query: "vector(1)", time: now });
    const latencyMs = Math.round(performance.now() - t0);
    const { job } = await resolveTargets(cluster.id, undefined, Math.floor(now));
    const version = job ? await kubernetesVersion(cluster, job, now) : null;
    return { ...base, reachable: true, latencyMs, credentials, job, kubernetesVersion: version, error: null };
  } catch (error) {
    const body = (await errorResponse(error).json()) as ApiError;
    const { kind, message, hint } = body.error;
    return { ...base, reachable: false, latencyMs: Math.round(performance.now() - started), credentials: null, job: null, kubernetesVersion: null, error: { kind, message, hint } };
  }
}

/** Every cluster at once (each call is bounded by its cluster's timeout); `ok` only when all are reachable with a job. */
export async function health(clusters: readonly ClusterConfig[]): Promise<HealthResponse> {
  const results = await Promise.all(clusters.map(clusterHealth));
  return { ok: results.length > 0 && results.every((c) => c.reachable && c.job !== null), clusters: results };
}
