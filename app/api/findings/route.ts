import { type NextRequest } from "next/server";
import { findingsRequestSchema } from "@/lib/api-schema";
import { refuseUnlessAllowed } from "@/lib/server/auth/guard";
import { computeFindings } from "@/lib/server/findings";
import { errorResponse } from "@/lib/server/http";
import { emptyFindings } from "@/lib/server/limits/empty-window";
import { admitRequest, boundView, isFutureWindow, jsonAnswer } from "@/lib/server/limits/guard";

export const dynamic = "force-dynamic";

/** The findings of a view as JSON: for the dashboard's strip, chat bots and post-mortems. */
export async function GET(req: NextRequest) {
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  const admitted = await admitRequest(req);
  if (admitted instanceof Response) return admitted;
  return admitted.run(async () => {
    try {
      const params = boundView(findingsRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams)));
      const findings = isFutureWindow(params.start, Date.now() / 1000) ? emptyFindings(params) : await computeFindings(params, req.signal);
      return jsonAnswer(findings);
    } catch (err) {
      return errorResponse(err);
    }
  });
}
