import { NextResponse, type NextRequest } from "next/server";
import { panelRequestSchema } from "@/lib/api-schema";
import { refuseUnlessAllowed } from "@/lib/server/auth/guard";
import { panelData } from "@/lib/server/dashboard";
import { errorResponse, panelCacheControl } from "@/lib/server/http";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, ctx: { params: Promise<{ panelId: string }> }) {
  // Sign-in again (defence in depth behind middleware.ts) and the cluster's allow rule.
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  try {
    const { panelId } = await ctx.params;
    const params = panelRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
    const data = await panelData(panelId, params, req.signal);
    return NextResponse.json(data, { headers: { "Cache-Control": panelCacheControl(data.window.end, Date.now() / 1000) } });
  } catch (err) {
    return errorResponse(err);
  }
}
