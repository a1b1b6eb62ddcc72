// One logical call to a backend: a time budget covering every attempt and every wait, the one retry layer
// (retry.ts), the per-cluster concurrency cap with its fair queue (limits/fair-queue.ts), the per-user
// sample ceiling (limits/budget.ts), the hung-backend detector (limits/hang.ts), and the mapping of
// whatever went wrong into a DataSourceError.
import "server-only";
import { sampleLedger } from "../limits/budget";
import { currentCallerKey } from "../limits/caller";
import { LimitError } from "../limits/errors";
import { FairGate, QueueFull } from "../limits/fair-queue";
import { HangDetector, type Admission } from "../limits/hang";
import { limitSettings } from "../limits/settings";
import type { ApiRequest, Backend, RawResponse } from "./backend";
import { backendBusy, backendHung, isBackendQueryTimeout, isRetryableNetworkError, mapHttpFailure, ourTimeout } from "./errors";
import { fullJitterDelayMs, isRetryableStatus, MAX_ATTEMPTS, parseRetryAfterMs, sleep } from "./retry";
import { DataSourceError } from "./types";

export interface CallOptions {
  timeoutMs: number;
  /** Fires when nobody wants the answer any more. */
  signal?: AbortSignal;
  random?: () => number;
  now?: () => number;
}

/** How long a hung backend is not asked again (then one probe at a time): at most 10 s, at most the timeout. */
function hangCooldownMs(timeoutMs: number): number {
  return Math.min(10_000, timeoutMs);
}

function gateLimits() {
  const s = limitSettings();
  return { concurrency: s.backendConcurrency, queue: s.backendQueue, queuePerUser: s.backendQueuePerUser };
}

/**
 * The concurrency gate and hang detector of a backend: one per backend object, i.e. per configured cluster
 * (the data source keeps one client, with one backend, per cluster; a reset starts afresh).
 */
const perBackend = new WeakMap<Backend, { gate: FairGate; hang: HangDetector }>();

function limitsOf(backend: Backend, timeoutMs: number) {
  let state = perBackend.get(backend);
  if (!state) perBackend.set(backend, (state = { gate: new FairGate(gateLimits), hang: new HangDetector(() => hangCooldownMs(timeoutMs)) }));
  return state;
}

/** Send `request`, retrying what may pass; resolves with a 2xx response or rejects with a DataSourceError (or a LimitError). */
export async function callBackend(backend: Backend, request: ApiRequest, options: CallOptions): Promise<RawResponse> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const target = backend.target;
  const { gate, hang } = limitsOf(backend, options.timeoutMs);
  const caller = currentCallerKey();

  const classify = (error: unknown, queued: boolean): unknown => {
    if (error instanceof DataSourceError || error instanceof LimitError) return error;
    if (error instanceof QueueFull) return backendBusy(target, error.message);
    if (timeout.aborted) return ourTimeout(target, options.timeoutMs, queued);
    if (options.signal?.aborted) return options.signal.reason;
    return error;
  };

  /** Wait before the next attempt, unless that would only turn a useful error into a timeout. */
  const backoff = async (attempt: number, retryAfter: string | null): Promise<boolean> => {
    if (attempt >= MAX_ATTEMPTS) return false;
    const delay = parseRetryAfterMs(retryAfter, now()) ?? fullJitterDelayMs(attempt, options.random);
    if (now() + delay >= deadline) return false;
    try {
      await sleep(delay, signal);
    } catch (error) {
      throw classify(error, false);
    }
    return true;
  };

  for (let attempt = 1; ; attempt++) {
    // A user over the samples ceiling sends nothing more until the minute has moved on.
    const budget = sampleLedger.check(caller, now());
    if (!budget.ok) throw samplesExceeded(budget.retryAfterSeconds);

    const admission: Admission = hang.enter(now());
    if (admission === "refuse") throw backendHung(target, hang.since ?? now(), now());

    let release: () => void;
    try {
      release = await gate.acquire(caller, signal);
    } catch (error) {
      hang.done(admission);
      throw classify(error, true);
    }

    // The backend was found hung while this call waited for its slot: do not join the wait.
    if (admission === "go" && hang.since !== null) {
      release();
      throw backendHung(target, hang.since, now());
    }

    const sentAt = now();
    let response: RawResponse;
    try {
      // The backend is alive as soon as it starts answering, however long its body then takes.
      response = await backend.send(request, signal, () => hang.answered(now()));
      hang.answered(now());
    } catch (error) {
      if (timeout.aborted && !(error instanceof DataSourceError)) hang.noAnswer(sentAt, now());
      const failure = classify(error, false);
      release();
      hang.done(admission);
      if (isRetryableNetworkError(failure) && (await backoff(attempt, null))) continue;
      throw failure;
    }
    release();
    hang.done(admission);

    if (response.status >= 200 && response.status < 300) return response;
    if (isRetryableStatus(response.status) && !isBackendQueryTimeout(response) && (await backoff(attempt, response.headers.get("retry-after")))) continue;
    throw mapHttpFailure(response, target, attempt);
  }
}

export function samplesExceeded(retryAfterSeconds: number): LimitError {
  const ceiling = limitSettings().samplesPerMinute;
  return new LimitError("rate_limited", `Your queries processed more than ${ceiling.toLocaleString("en-US")} backend samples in the last minute`, {
    hint: `Wait ${retryAfterSeconds} s; then narrow the time range, pick one API server, or refresh less often (the server's limit is APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE).`,
    retryAfterSeconds,
  });
}
