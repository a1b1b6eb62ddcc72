// Error → HTTP response mapping shared by every route: a user-readable message and a hint, never a stack.
import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import type { ApiError } from "../api-schema";
import { DataSourceError } from "./datasource/types";
import { PromQLSyntaxError } from "./promql";

const STATUS: Record<string, number> = {
  config: 404,
  bad_query: 400,
  throttled: 429,
  timeout: 504,
  query_timeout: 504,
  unreachable: 502,
};

/**
 * Cache-Control of a panel's data. A window that ended more than 10 minutes before `nowSeconds` will not
 * change (late samples have landed): the browser may keep it for an hour. A window touching the last 10
 * minutes is still being written, and is never stored.
 */
export function panelCacheControl(windowEnd: number, nowSeconds: number): string {
  return windowEnd < nowSeconds - 600 ? "private, max-age=3600" : "no-store";
}

export function errorResponse(err: unknown): NextResponse<ApiError> {
  // The browser moved on (new range, page closed): nobody reads this answer, and it is no server fault.
  if (err instanceof Error && err.name === "AbortError") {
    return NextResponse.json({ error: { kind: "cancelled", message: "The request was cancelled.", hint: "Nothing to do." } }, { status: 499 });
  }
  if (err instanceof DataSourceError) {
    console.error(`[apiscope] ${err.kind}: ${err.message}${err.detail ? ` (${err.detail})` : ""}`);
    return NextResponse.json(
      { error: { kind: err.kind, message: err.message, hint: err.hint, detail: err.detail } },
      { status: STATUS[err.kind] ?? 502 },
    );
  }
  if (err instanceof ZodError) {
    const first = err.issues[0];
    const where = first?.path.join(".") || "request";
    return NextResponse.json(
      { error: { kind: "bad_request", message: `Invalid ${where}: ${first?.message ?? "malformed"}.`, hint: "Fix the URL parameter or reload the dashboard." } },
      { status: 400 },
    );
  }
  if (err instanceof PromQLSyntaxError) {
    return NextResponse.json({ error: { kind: "bad_query", message: err.message, hint: "This is a bug in the panel definition." } }, { status: 500 });
  }
  console.error("[apiscope] unexpected error", err);
  return NextResponse.json(
    { error: { kind: "internal", message: "The dashboard server failed unexpectedly.", hint: "Retry; if it persists, check the server log." } },
    { status: 500 },
  );
}
