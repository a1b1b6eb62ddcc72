import { type NextRequest } from "next/server";
import { viewRoute } from "@/lib/server/route";
import { panelRequestSchema } from "@/lib/api-schema";
import { panelData } from "@/lib/server/dashboard";
import { panelCacheControl } from "@/lib/server/http";
import { emptyPanel } from "@/lib/server/limits/empty-window";
import { boundView, isFutureWindow, panelAnswer } from "@/lib/server/limits/guard";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, ctx: { params: Promise<{ panelId: string }> }) {
  // Sign-in again (defence in depth behind middleware.ts) and the cluster's allow rule.
  return viewRoute(
    req,
    async () => {
      const { panelId } = await ctx.params;
      const params = boundView(panelRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams)));
      const now = Date.now() / 1000;
      const data = isFutureWindow(params.start, now) ? emptyPanel(panelId, params) : await panelData(panelId, params, req.signal);
      return panelAnswer(data, panelCacheControl(data.window.end, Date.now() / 1000));
    },
  );
}
