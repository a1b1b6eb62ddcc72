import { type NextRequest } from "next/server";
import { panelRequestSchema } from "@/lib/api-schema";
import { refuseUnlessAllowed } from "@/lib/server/auth/guard";
import { panelData } from "@/lib/server/dashboard";
import { errorResponse, panelCacheControl } from "@/lib/server/http";
import { emptyPanel } from "@/lib/server/limits/empty-window";
import { admitRequest, boundView, isFutureWindow, panelAnswer } from "@/lib/server/limits/guard";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, ctx: { params: Promise<{ panelId: string }> }) {
  // Sign-in again (defence in depth behind middleware.ts) and the cluster's allow rule.
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  // This user's request and samples budgets; the work below is queued and charged to them.
  const admitted = await admitRequest(req);
  if (admitted instanceof Response) return admitted;
  return admitted.run(async () => {
    try {
      const { panelId } = await ctx.params;
      const params = boundView(panelRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams)));
      const now = Date.now() / 1000;
      const data = isFutureWindow(params.start, now) ? emptyPanel(panelId, params) : await panelData(panelId, params, req.signal);
      return panelAnswer(data, panelCacheControl(data.window.end, Date.now() / 1000));
    } catch (err) {
      return errorResponse(err);
    }
  });
}
