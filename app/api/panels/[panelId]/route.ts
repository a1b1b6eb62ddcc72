import { NextResponse, type NextRequest } from "next/server";
import { panelRequestSchema } from "@/lib/api-schema";
import { panelData } from "@/lib/server/dashboard";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest, ctx: { params: Promise<{ panelId: string }> }) {
  try {
    const { panelId } = await ctx.params;
    const params = panelRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
    const data = await panelData(panelId, params, req.signal);
    // A window that ended more than 10 minutes ago will not change: let the browser and CDN keep it.
    const immutable = data.window.end < Date.now() / 1000 - 600;
    return NextResponse.json(data, { headers: { "Cache-Control": immutable ? "private, max-age=3600" : "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
