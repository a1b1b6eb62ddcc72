import { NextResponse, type NextRequest } from "next/server";
import { panelRequestSchema } from "@/lib/api-schema";
import { panelData } from "@/lib/server/dashboard";
import { errorResponse, panelCacheControl } from "@/lib/server/http";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, ctx: { params: Promise<{ panelId: string }> }) {
  try {
    const { panelId } = await ctx.params;
    const params = panelRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
    const data = await panelData(panelId, params, req.signal);
    return NextResponse.json(data, { headers: { "Cache-Control": panelCacheControl(data.window.end, Date.now() / 1000) } });
  } catch (err) {
    return errorResponse(err);
  }
}
