// Error → HTTP response mapping shared by every route: a user-readable message and a hint, never a stack.
// What the browser gets is cleaned (lib/server/limits/redact.ts publicText: no hosts, ports, paths, raw
// bytes or credential material, even from a message that slipped through with one); the server log gets
// the full detail (BackendError.internal: host, workspace, the backend's own words) with credential
// material redacted. No error answer is cached anywhere (Cache-Control: no-store).
import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import type { ApiError } from "../api-schema";
import { BackendError } from "./datasource/errors";
import { DataSourceError } from "./datasource/types";
import { LimitError } from "./limits/errors";
import { publicText, redactSecrets } from "./limits/redact";
import { PromQLSyntaxError } from "./promql";

const STATUS: Record<string, number> = {
  config: 404,
  bad_query: 400,
  throttled: 429,
  timeout: 504,
  query_timeout: 504,
  unreachable: 502,
};

/** Browser-facing kinds with a status of their own (BackendError.publicKind). */
const PUBLIC_KIND_STATUS: Record<string, number> = { too_large: 422 };

/** Throttled by a backend: when to come back, as the browser is told (it does not retry by itself). */
const THROTTLED_RETRY_AFTER_SECONDS = 5;

export const NO_STORE = "no-store";

/**
 * Cache-Control of a panel's data. A window that ended more than 10 minutes before `nowSeconds` will not
 * change (late samples have landed): the browser may keep it for an hour. A window touching the last 10
 * minutes is still being written, and is never stored.
 */
export function panelCacheControl(windowEnd: number, nowSeconds: number): string {
  return windowEnd < nowSeconds - 600 ? "private, max-age=3600" : NO_STORE;
}

/** A JSON answer with an explicit Cache-Control (no-store unless said otherwise). */
export function jsonResponse(body: unknown, init: { status?: number; cacheControl?: string; headers?: Record<string, string> } = {}): NextResponse {
  return NextResponse.json(body, { status: init.status ?? 200, headers: { "Cache-Control": init.cacheControl ?? NO_STORE, ...(init.headers ?? {}) } });
}

function errorJson(status: number, error: ApiError["error"], headers: Record<string, string> = {}): NextResponse<ApiError> {
  const clean: ApiError["error"] = { kind: error.kind, message: publicText(error.message), hint: publicHint(error.hint) };
  if (error.detail) clean.detail = publicText(error.detail, 300);
  return NextResponse.json({ error: clean }, { status, headers: { "Cache-Control": NO_STORE, ...headers } });
}

/** Hints are written by us (they may name env vars and example URLs): only secrets and raw bytes are cut. */
function publicHint(hint: string): string {
  // eslint-disable-next-line no-control-regex
  return redactSecrets(hint).replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, 600);
}

/** One line per failure in the server log: what the browser was told, and what exactly happened. */
function logFailure(kind: string, message: string, detail?: string, internal?: string): void {
  console.error(redactSecrets(`[apiscope] ${kind}: ${message}${detail ? ` (${detail})` : ""}${internal ? ` — ${internal}` : ""}`));
}

function safeString(value: unknown): string {
  try {
    return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function errorResponse(err: unknown): NextResponse<ApiError> {
  // The browser moved on (new range, page closed): nobody reads this answer, and it is no server fault.
  if (err instanceof Error && err.name === "AbortError") {
    return errorJson(499, { kind: "cancelled", message: "The request was cancelled.", hint: "Nothing to do." });
  }
  if (err instanceof LimitError) {
    const retry = err.retryAfterSeconds;
    return errorJson(err.status, { kind: err.kind, message: err.message, hint: err.hint }, retry ? { "Retry-After": String(retry) } : {});
  }
  if (err instanceof DataSourceError) {
    const internal = err instanceof BackendError ? err.internal : undefined;
    const publicKind = err instanceof BackendError && err.publicKind ? err.publicKind : err.kind;
    logFailure(err.kind, err.message, err.detail, internal);
    const status = PUBLIC_KIND_STATUS[publicKind] ?? STATUS[err.kind] ?? 502;
    const headers: Record<string, string> = status === 429 ? { "Retry-After": String(THROTTLED_RETRY_AFTER_SECONDS) } : {};
    return errorJson(status, { kind: publicKind, message: err.message, hint: err.hint, detail: err.detail }, headers);
  }
  if (err instanceof ZodError) {
    const first = err.issues[0];
    const where = first?.path.join(".") || "request";
    return errorJson(400, { kind: "bad_request", message: `Invalid ${where}: ${first?.message ?? "malformed"}.`, hint: "Fix the URL parameter or reload the dashboard." });
  }
  if (err instanceof PromQLSyntaxError) {
    logFailure("bad_query", err.message);
    return errorJson(500, { kind: "bad_query", message: err.message, hint: "This is a bug in the panel definition." });
  }
  // The original (its stack) stays in the log, to find the bug; credential material does not.
  console.error("[apiscope] unexpected error", redactSecrets(err instanceof Error ? (err.stack ?? err.message) : safeString(err)));
  return errorJson(500, { kind: "internal", message: "The dashboard server failed unexpectedly.", hint: "Retry; if it persists, check the server log." });
}
