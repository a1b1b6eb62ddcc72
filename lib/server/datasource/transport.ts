// One logical call: a time budget covering every attempt, retries for 429 only, and the mapping of
// whatever went wrong into a DataSourceError.
import "server-only";
import type { ApiRequest, Backend, RawResponse } from "./backend";
import { mapHttpFailure, ourTimeout } from "./errors";
import { fullJitterDelayMs, MAX_ATTEMPTS, parseRetryAfterMs, sleep } from "./retry";
import { DataSourceError } from "./types";

export interface CallOptions {
  timeoutMs: number;
  /** Fires when nobody wants the answer any more. */
  signal?: AbortSignal;
  random?: () => number;
  now?: () => number;
}

/** Send `request`, retrying throttled attempts; resolves with a 2xx response or rejects with a DataSourceError. */
export async function callBackend(backend: Backend, request: ApiRequest, options: CallOptions): Promise<RawResponse> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;

  const classify = (error: unknown): unknown => {
    if (error instanceof DataSourceError) return error;
    if (timeout.aborted) return ourTimeout(backend.target, options.timeoutMs);
    if (options.signal?.aborted) return options.signal.reason;
    return error;
  };

  for (let attempt = 1; ; attempt++) {
    let response: RawResponse;
    try {
      response = await backend.send(request, signal);
    } catch (error) {
      throw classify(error);
    }
    if (response.status >= 200 && response.status < 300) return response;

    if (response.status === 429 && attempt < MAX_ATTEMPTS) {
      const delay = parseRetryAfterMs(response.headers.get("retry-after"), now()) ?? fullJitterDelayMs(attempt, options.random);
      // Waiting past the budget would only turn "throttled" into a less useful "timeout".
      if (now() + delay < deadline) {
        try {
          await sleep(delay, signal);
        } catch (error) {
          throw classify(error);
        }
        continue;
      }
    }
    throw mapHttpFailure(response, backend.target, attempt);
  }
}
