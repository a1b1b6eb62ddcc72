import { type NextRequest } from "next/server";
import { exploreQueryRequestSchema } from "@/lib/api-schema";
import { exploreAnswer, runExploreQuery } from "@/lib/server/explore";
import { panelCacheControl } from "@/lib/server/http";
import { boundView, jsonAnswer } from "@/lib/server/limits/guard";
import { viewRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** One explorer expression over the view's range (the graph) or at its end (the table). */
export async function GET(req: NextRequest) {
  return viewRoute(req, () =>
    exploreAnswer(async () => {
      const params = boundView(exploreQueryRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams)));
      const result = await runExploreQuery(params, req.signal);
      // A window that ended a while ago will not change: the browser may keep it, as it keeps panels.
      return jsonAnswer(result, panelCacheControl(result.window.end, Date.now() / 1000));
    }),
  );
}
