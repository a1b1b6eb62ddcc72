import { type NextRequest } from "next/server";
import { viewRoute } from "@/lib/server/route";
import { panelBatchRequestSchema, type ApiError, type PanelBatchResponse } from "@/lib/api-schema";
import { panelsData } from "@/lib/server/dashboard";
import { errorResponse, panelCacheControl } from "@/lib/server/http";
import { emptyPanels } from "@/lib/server/limits/empty-window";
import { boundView, checkBatchBytes, checkPanelSize, isFutureWindow } from "@/lib/server/limits/guard";

export const dynamic = "force-dynamic";

/**
 * Several panels of one view in one request, so the browser's six connections never queue thirty panel
 * requests: the server runs them all at once (their shared reads once), and each panel gets its own
 * answer or its own error.
 */
export async function GET(req: NextRequest) {
  return viewRoute(
    req,
    async () => {
      const sp = req.nextUrl.searchParams;
      const params = boundView(panelBatchRequestSchema.parse({ ...Object.fromEntries(sp), p: sp.getAll("p") }));
      const results = isFutureWindow(params.start, Date.now() / 1000) ? emptyPanels(params) : await panelsData(params, req.signal);
      const panels: PanelBatchResponse["panels"] = {};
      let windowEnd = Infinity;
      for (const [id, result] of results) {
        try {
          if (!result.ok) throw result.error;
          checkPanelSize(result.data);
          panels[id] = { data: result.data };
          windowEnd = Math.min(windowEnd, result.data.window.end);
        } catch (error) {
          const response = errorResponse(error);
          panels[id] = { error: ((await response.json()) as ApiError).error, status: response.status };
          windowEnd = -Infinity;
        }
      }
      return json({ panels }, panelCacheControl(windowEnd, Date.now() / 1000));
    },
    req.nextUrl.searchParams.getAll("p").length,
  );
}

/**
 * JSON with its cache policy. Not compressed here: Next drops a route handler's Content-Encoding header
 * (the body would reach the browser as gzip bytes labelled JSON), so compression is left to the CDN or proxy
 * in front (Amplify's CloudFront compresses JSON).
 */
function json(body: unknown, cacheControl: string): Response {
  const text = JSON.stringify(body);
  checkBatchBytes(text);
  return new Response(text, { headers: { "Content-Type": "application/json", "Cache-Control": cacheControl } });
}
