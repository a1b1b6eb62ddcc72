// A request refused by apiscope's own limits (not by a backend): what happened, what to do, and the HTTP
// status it answers with. lib/server/http.ts turns it into the same JSON shape as every other error.
import "server-only";

export type LimitKind =
  /** a request parameter is outside what may be asked (range, instance, job) */
  | "bad_request"
  /** this user sent too many requests, or had too many backend samples processed, lately */
  | "rate_limited"
  /** an answer (the backend's, or the one for the browser) is over its size limit */
  | "too_large";

const STATUS: Record<LimitKind, number> = { bad_request: 400, rate_limited: 429, too_large: 422 };

export class LimitError extends Error {
  readonly kind: LimitKind;
  readonly hint: string;
  readonly status: number;
  /** For 429: when to come back, whole seconds (the Retry-After header). */
  readonly retryAfterSeconds?: number;

  constructor(kind: LimitKind, message: string, opts: { hint: string; retryAfterSeconds?: number }) {
    super(message);
    this.name = "LimitError";
    this.kind = kind;
    this.hint = opts.hint;
    this.status = STATUS[kind];
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = Math.max(1, Math.ceil(opts.retryAfterSeconds));
  }
}

export function badRequest(message: string, hint: string): LimitError {
  return new LimitError("bad_request", message, { hint });
}
