import { type NextRequest } from "next/server";
import { panelBatchRequestSchema, type ApiError, type PanelBatchResponse } from "@/lib/api-schema";
import { refuseUnlessAllowed } from "@/lib/server/auth/guard";
import { panelsData } from "@/lib/server/dashboard";
import { errorResponse, panelCacheControl } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/**
 * Several panels of one view in one request, so the browser's six connections never queue thirty panel
 * requests: the server runs them all at once (their shared reads once), and each panel gets its own
 * answer or its own error.
 */
export async function GET(req: NextRequest) {
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  try {
    const sp = req.nextUrl.searchParams;
    const params = panelBatchRequestSchema.parse({ ...Object.fromEntries(sp), p: sp.getAll("p") });
    const results = await panelsData(params, req.signal);
    const panels: PanelBatchResponse["panels"] = {};
    let windowEnd = Infinity;
    for (const [id, result] of results) {
      if (result.ok) {
        panels[id] = { data: result.data };
        windowEnd = Math.min(windowEnd, result.data.window.end);
      } else {
        const response = errorResponse(result.error);
        panels[id] = { error: ((await response.json()) as ApiError).error, status: response.status };
        windowEnd = -Infinity;
      }
    }
    return json({ panels }, panelCacheControl(windowEnd, Date.now() / 1000));
  } catch (err) {
    return errorResponse(err);
  }
}

/**
 * JSON with its cache policy. Not compressed here: Next drops a route handler's Content-Encoding header
 * (the body would reach the browser as gzip bytes labelled JSON), so compression is left to the CDN or proxy
 * in front (Amplify's CloudFront compresses JSON).
 */
function json(body: unknown, cacheControl: string): Response {
  return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json", "Cache-Control": cacheControl } });
}
