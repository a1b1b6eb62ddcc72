// PrometheusApi for one configured cluster: request building, the shared cache, the call with its
// timeout and retries, and strict parsing, put together.
import "server-only";
import type { AmpClient } from "@aws-sdk/client-amp";
import type { ClusterConfig } from "../config";
import { ampBackend, prometheusBackend, type ApiRequest, type Backend, type FetchFn, type RawResponse } from "./backend";
import { CoalescingCache, ttlForWindowEnd } from "./cache";
import type { CredentialProvider } from "./credentials";
import type { BackendTarget } from "./errors";
import {
  instantQueryRequest,
  labelNamesRequest,
  labelValuesRequest,
  parseInstantResult,
  parseRangeResult,
  parseSeries,
  parseStrings,
  rangeQueryRequest,
  seriesRequest,
  type QueryLimits,
} from "./prometheus-http";
import { callBackend } from "./transport";
import type { InstantResult, PrometheusApi, RangeResult } from "./types";

/** Seams for tests; production uses the defaults. */
export interface ClientDeps {
  fetch?: FetchFn;
  /** AMP: instead of the process-wide chain (or the cluster's assumed role). */
  credentials?: CredentialProvider;
  /** AMP alias resolution: a client with a stubbed request handler. */
  ampClient?: AmpClient;
  /** Defaults to the process-wide result cache. */
  cache?: CoalescingCache<unknown>;
  random?: () => number;
  now?: () => number;
}

/** One cache for every cluster: keys start with the cluster id. */
export const sharedResultCache = new CoalescingCache<unknown>();

export function createPrometheusClient(cluster: ClusterConfig, deps: ClientDeps = {}): PrometheusApi {
  const backend: Backend = cluster.kind === "amp" ? ampBackend(cluster, deps) : prometheusBackend(cluster, deps);
  const cache = deps.cache ?? sharedResultCache;
  const now = deps.now ?? Date.now;
  const limits: QueryLimits = {
    timeoutMs: cluster.timeoutMs,
    maxSamplesProcessed: cluster.kind === "amp" ? cluster.maxSamplesProcessed : undefined,
  };

  async function call<T>(request: ApiRequest, windowEnd: number, parse: (r: RawResponse, t: BackendTarget) => T, signal?: AbortSignal) {
    const key = `${cluster.id}\n${request.method} ${request.path}\n${request.params.toString()}`;
    const load = async (sharedSignal: AbortSignal) => {
      const response = await callBackend(backend, request, { timeoutMs: cluster.timeoutMs, signal: sharedSignal, random: deps.random, now: deps.now });
      return parse(response, backend.target);
    };
    return cache.get(key, load, () => ttlForWindowEnd(windowEnd, now()), signal) as Promise<{ value: T; source: "hit" | "joined" | "loaded" }>;
  }

  const markCached = <T extends RangeResult | InstantResult>({ value, source }: { value: T; source: string }): T =>
    source === "hit" ? { ...value, cached: true } : value;

  return {
    async queryRange(q) {
      return markCached(await call(rangeQueryRequest(q, limits), q.end, parseRangeResult, q.signal));
    },
    async query(q) {
      return markCached(await call(instantQueryRequest(q, limits), q.time ?? now() / 1000, parseInstantResult, q.signal));
    },
    async series(q) {
      return (await call(seriesRequest(q), q.end, parseSeries, q.signal)).value;
    },
    async labelNames(q) {
      return (await call(labelNamesRequest(q), q.end, parseStrings, q.signal)).value;
    },
    async labelValues(q) {
      return (await call(labelValuesRequest(q), q.end, parseStrings, q.signal)).value;
    },
  };
}
