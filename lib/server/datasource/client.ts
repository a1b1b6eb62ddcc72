// PrometheusApi for one configured cluster: request building, the caches, the call with its timeout and
// retries, and strict parsing, put together.
//
// Caching, from the caller's side:
//   1. This instance's results (cache.ts): an identical call within its TTL is answered from memory
//      (`cached: true`), an identical call in flight is joined.
//   2. The shared cache (shared-cache.ts, when APISCOPE_CACHE_URL is set): another instance's result for the
//      same call (`cached: true`), or its in-flight call, waited for.
//   3. Range queries only (range-slices.ts): the steps of the window already fetched for the same
//      expression and step are reused, and only the missing steps plus the always-fresh tail are queried.
//      `stats` then count the samples of the calls made this time; `cached: true` only when none was made
//      (and `stats.samplesProcessed` is 0: nothing was processed for this answer).
import "server-only";
import type { AmpClient } from "@aws-sdk/client-amp";
import { LRUCache } from "lru-cache";
import { currentCaller } from "../limits/caller";
import type { ClusterConfig } from "../config";
import { ampBackend, prometheusBackend, type ApiRequest, type Backend, type FetchFn, type RawResponse } from "./backend";
import { CoalescingCache, EXTENT_TTL_MS, freezeShared, MAX_POINTS_PER_KEY, ttlForWindowEnd } from "./cache";
import type { CredentialProvider } from "./credentials";
import type { BackendTarget } from "./errors";
import {
  instantQueryRequest,
  labelNamesRequest,
  labelValuesRequest,
  metadataRequest,
  parseInstantResult,
  parseMetadata,
  parseRangeResult,
  parseSeries,
  parseRules,
  parseStrings,
  rangeQueryRequest,
  rulesRequest,
  seriesRequest,
  type QueryLimits,
} from "./prometheus-http";
import { extentFromResult, isSplittable, mergeExtents, planRange, stepPhase, sumStats, updateExtents, type ExtentSet } from "./range-slices";
import { defaultSharedCache } from "./redis-cache";
import { cacheSettings, loadShared, type SharedCache } from "./shared-cache";
import { callBackend } from "./transport";
import { isLastingRefusal, type InstantResult, type Labels, type MetricMetadata, type PrometheusApi, type RangeQuery, type RangeResult, type RuleGroup } from "./types";

/** Seams for tests; production uses the defaults. */
export interface ClientDeps {
  fetch?: FetchFn;
  /** AMP: instead of the process-wide chain (or the cluster's assumed role). */
  credentials?: CredentialProvider;
  /** AMP alias resolution: a client with a stubbed request handler. */
  ampClient?: AmpClient;
  /** Defaults to the process-wide result cache. */
  cache?: CoalescingCache<unknown>;
  /** Cache shared with other instances; defaults to APISCOPE_CACHE_URL's Redis when set. `null`: none. */
  shared?: SharedCache | null;
  /** Range-query steps newer than now − this are never reused; defaults to APISCOPE_CACHE_FRESHNESS_SECONDS (60). */
  freshnessSeconds?: number;
  random?: () => number;
  now?: () => number;
}

/** One cache for every cluster: keys start with the cluster id and its backend. */
export const sharedResultCache = new CoalescingCache<unknown>({ remembers: isLastingRefusal });

/** The shared lock outlives one load (the call's timeout) by this much, then another instance may take over. */
const LOCK_MARGIN_MS = 1_000;

/** What this instance's cache holds for one call. */
interface Entry {
  value: unknown;
  ttlMs: number;
  /** Came from the shared cache: this instance queried nothing for it. */
  shared: boolean;
}

/**
 * What a cluster's cached results are keyed by besides its id: the backend it queries, so that deployments
 * sharing a Redis with different backends behind the same id never see each other's results.
 */
function backendIdentity(cluster: ClusterConfig): string {
  if (cluster.kind === "amp") return ["amp", cluster.region, cluster.workspaceId ?? `alias:${cluster.workspaceAlias}`, cluster.endpoint ?? "", cluster.roleArn ?? ""].join(" ");
  const auth = cluster.auth;
  const credentials = auth.type === "basic" ? `${auth.usernameEnv}:${auth.passwordEnv}` : auth.type === "bearer" ? auth.tokenEnv : "";
  return ["prometheus", cluster.url, auth.type, credentials].join(" ");
}

// Values read back from the shared cache are checked for shape (another version may have written them)
// and frozen like freshly parsed ones.
function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function reviveRange(value: unknown): RangeResult {
  if (!isRecord(value) || !Array.isArray(value.series) || !Array.isArray(value.warnings)) throw new Error("not a range result");
  for (const s of value.series) if (!isRecord(s) || !isRecord(s.labels) || !Array.isArray(s.points)) throw new Error("not a range series");
  return freezeShared(value as unknown as RangeResult);
}

function reviveInstant(value: unknown): InstantResult {
  if (!isRecord(value) || !Array.isArray(value.samples) || !Array.isArray(value.warnings)) throw new Error("not an instant result");
  return freezeShared(value as unknown as InstantResult);
}

function reviveList<T>(value: unknown): T[] {
  if (!Array.isArray(value)) throw new Error("not a list");
  return freezeShared(value as T[]);
}

function reviveMetadata(value: unknown): MetricMetadata {
  if (!isRecord(value)) throw new Error("not metadata");
  return freezeShared(value as MetricMetadata);
}

function reviveExtents(value: unknown, step: number): ExtentSet | undefined {
  if (!isRecord(value) || value.step !== step || !Array.isArray(value.extents)) return undefined;
  for (const e of value.extents) {
    if (!isRecord(e) || typeof e.start !== "number" || typeof e.end !== "number" || !Array.isArray(e.series) || !Array.isArray(e.warnings)) return undefined;
  }
  return value as unknown as ExtentSet;
}

/**
 * Keys a page's prefetch loaded (lib/server/prefetch.ts) whose cost no request has reported yet. The first
 * request to use one (a panel's or the findings') reports it as its own cost, so the view's cost as the
 * header totals it is the same with or without the prefetch; every later one sees a cache hit. Forgotten
 * after a minute: the page was closed before asking.
 */
const unclaimedPrefetch = new LRUCache<string, true>({ max: 5_000, ttl: 60_000 });

export function createPrometheusClient(cluster: ClusterConfig, deps: ClientDeps = {}): PrometheusApi {
  const backend: Backend = cluster.kind === "amp" ? ampBackend(cluster, deps) : prometheusBackend(cluster, deps);
  const cache = deps.cache ?? sharedResultCache;
  const shared = deps.shared === undefined ? defaultSharedCache() : (deps.shared ?? undefined);
  const freshnessSeconds = deps.freshnessSeconds ?? cacheSettings().freshnessSeconds;
  const now = deps.now ?? Date.now;
  const limits: QueryLimits = {
    timeoutMs: cluster.timeoutMs,
    maxSamplesProcessed: cluster.kind === "amp" ? cluster.maxSamplesProcessed : undefined,
    acceptsSampleCeiling: cluster.kind === "amp",
  };
  const scope = `${cluster.id}\n${backendIdentity(cluster)}`;

  const send = (request: ApiRequest, signal: AbortSignal): Promise<RawResponse> =>
    callBackend(backend, request, { timeoutMs: cluster.timeoutMs, signal, random: deps.random, now: deps.now });

  /** `load` behind this instance's cache and the shared one; `cached`: nothing was queried for this caller. */
  async function cachedCall<T>(key: string, windowEnd: number, revive: (value: unknown) => T, load: (signal: AbortSignal) => Promise<T>, callerSignal?: AbortSignal) {
    const ttl = () => ttlForWindowEnd(windowEnd, now());
    const loadEntry = async (signal: AbortSignal): Promise<Entry> => {
      const options = { lockMs: cluster.timeoutMs + LOCK_MARGIN_MS, waitMs: cluster.timeoutMs, ttlMs: ttl, revive, signal };
      const loaded = await loadShared(shared, key, options, () => load(signal));
      const fromShared = loaded.source === "shared";
      return { value: loaded.value, shared: fromShared, ttlMs: fromShared ? Math.min(ttl(), loaded.ttlMs ?? 0) : ttl() };
    };
    const prefetching = currentCaller()?.prefetch === true;
    const loadFor = prefetching
      ? async (signal: AbortSignal): Promise<Entry> => {
          unclaimedPrefetch.set(key, true);
          try {
            return await loadEntry(signal);
          } catch (err) {
            unclaimedPrefetch.delete(key);
            throw err;
          }
        }
      : loadEntry;
    const { value, source } = await cache.get(key, loadFor, (entry) => (entry as Entry).ttlMs, callerSignal);
    const entry = value as Entry;
    // The prefetch's load, first used by a panel: that panel reports what it cost.
    if (!prefetching && !entry.shared && unclaimedPrefetch.delete(key)) return { value: entry.value as T, cached: false };
    // Joined another caller's request: the backend did the work once, and that caller reports its cost.
    return { value: entry.value as T, cached: source !== "loaded" || entry.shared };
  }

  function call<T>(request: ApiRequest, windowEnd: number, parse: (r: RawResponse, t: BackendTarget) => T, revive: (value: unknown) => T, signal?: AbortSignal) {
    const key = `${scope}\n${request.method} ${request.path}\n${request.params.toString()}`;
    return cachedCall(key, windowEnd, revive, async (s) => parse(await send(request, s), backend.target), signal);
  }

  const markCached = <T extends RangeResult | InstantResult>({ value, cached }: { value: T; cached: boolean }): T =>
    cached && !value.cached ? { ...value, cached: true } : value;

  /** A range query from the stored extents of its expression and step, plus backend calls for the rest. */
  async function incrementalRange(q: RangeQuery, signal: AbortSignal): Promise<RangeResult> {
    const extentsKey = `${scope}\nextents\n${q.step} ${stepPhase(q.start, q.step)}\n${q.query}`;
    // Steps after this are always queried and never stored: late samples may still change them.
    const horizon = now() / 1000 - freshnessSeconds;
    let stored = cache.extents.get(extentsKey);
    if (!stored && shared) {
      const hit = await shared.get(extentsKey);
      stored = hit && reviveExtents(hit.value, q.step);
      if (stored) cache.extents.set(extentsKey, stored, { ttl: Math.max(1, Math.min(EXTENT_TTL_MS, hit!.ttlMs)) });
    }
    const plan = planRange(q, stored?.extents ?? [], horizon);
    const fetched = await Promise.all(
      plan.fetch.map(async (span) => {
        const response = await send(rangeQueryRequest({ ...q, start: span.start, end: span.end }, limits), signal);
        const result = parseRangeResult(response, backend.target);
        return { piece: extentFromResult(span, result), stats: result.stats };
      }),
    );
    const pieces = fetched.map((f) => f.piece);
    const merged = mergeExtents([...plan.reused, ...pieces]);

    if (pieces.length > 0) {
      // Into the freshest local copy: another window of the same query may have stored steps meanwhile.
      const base = cache.extents.get(extentsKey) ?? stored;
      const extents = updateExtents(base?.extents ?? [], pieces, q.step, horizon, MAX_POINTS_PER_KEY);
      if (extents.length > 0) {
        const updated: ExtentSet = { step: q.step, extents };
        cache.extents.set(extentsKey, updated, { ttl: EXTENT_TTL_MS });
        await shared?.set(extentsKey, updated, EXTENT_TTL_MS);
      }
    }
    const result: RangeResult =
      pieces.length > 0
        ? { series: merged.series, stats: sumStats(fetched.map((f) => f.stats)), warnings: merged.warnings }
        : { series: merged.series, stats: { samplesProcessed: 0 }, warnings: merged.warnings, cached: true };
    return freezeShared(result);
  }

  return {
    async queryRange(q) {
      const request = rangeQueryRequest(q, limits);
      if (!isSplittable(q)) return markCached(await call(request, q.end, parseRangeResult, reviveRange, q.signal));
      const key = `${scope}\n${request.method} ${request.path}\n${request.params.toString()}`;
      return markCached(await cachedCall(key, q.end, reviveRange, (signal) => incrementalRange(q, signal), q.signal));
    },
    async query(q) {
      return markCached(await call(instantQueryRequest(q, limits), q.time ?? now() / 1000, parseInstantResult, reviveInstant, q.signal));
    },
    async series(q) {
      return (await call(seriesRequest(q), q.end, parseSeries, reviveList<Labels>, q.signal)).value;
    },
    async labelNames(q) {
      return (await call(labelNamesRequest(q), q.end, parseStrings, reviveList<string>, q.signal)).value;
    },
    async labelValues(q) {
      return (await call(labelValuesRequest(q), q.end, parseStrings, reviveList<string>, q.signal)).value;
    },
    async metadata(q) {
      // Metadata describes what is scraped now: cached like an answer for a window ending now.
      return (await call(metadataRequest(q), now() / 1000, parseMetadata, reviveMetadata, q.signal)).value;
    },
    async rules(q = {}) {
      // Cached like recent metadata (RECENT_TTL_MS): alerts change at the rules' evaluation interval.
      return (await call(rulesRequest(), now() / 1000, parseRules, reviveList<RuleGroup>, q.signal)).value;
    },
  };
}
