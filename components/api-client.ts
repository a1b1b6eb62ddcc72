"use client";
// Browser side of the route boundary: every response is validated with the same zod schema the server
// uses, so a proxy's HTML error page or a half-written body becomes a readable error, not a crash.
import type { z } from "zod";
import { apiErrorSchema } from "@/lib/api-schema";

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly kind: string,
    readonly hint: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

export async function getJson<S extends z.ZodType>(url: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { Accept: "application/json" } });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiRequestError("The apiscope server did not answer.", "network", "Check your connection or that the dashboard server is running, then retry.");
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiRequestError(`The apiscope server answered ${res.status} with something that is not JSON.`, "bad_response", "Retry; if it persists, check the server log.");
  }
  if (!res.ok) {
    const parsed = apiErrorSchema.safeParse(body);
    if (parsed.success) throw new ApiRequestError(parsed.data.error.message, parsed.data.error.kind, parsed.data.error.hint, parsed.data.error.detail);
    throw new ApiRequestError(`The apiscope server answered ${res.status}.`, "bad_response", "Retry; if it persists, check the server log.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiRequestError("The apiscope server sent data in an unexpected shape.", "bad_response", "Reload the page: the server may have been upgraded.");
  }
  return parsed.data;
}
