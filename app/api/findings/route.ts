import { NextResponse, type NextRequest } from "next/server";
import { findingsRequestSchema } from "@/lib/api-schema";
import { refuseUnlessAllowed } from "@/lib/server/auth/guard";
import { computeFindings } from "@/lib/server/findings";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** The findings of a view as JSON: for the dashboard's strip, chat bots and post-mortems. */
export async function GET(req: NextRequest) {
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  try {
    const params = findingsRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
    const findings = await computeFindings(params, req.signal);
    return NextResponse.json(findings, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(err);
  }
}
