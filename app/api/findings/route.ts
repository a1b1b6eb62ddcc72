import { type NextRequest } from "next/server";
import { viewRoute } from "@/lib/server/route";
import { findingsRequestSchema } from "@/lib/api-schema";
import { computeFindings } from "@/lib/server/findings";
import { emptyFindings } from "@/lib/server/limits/empty-window";
import { boundView, isFutureWindow, jsonAnswer } from "@/lib/server/limits/guard";

export const dynamic = "force-dynamic";

/** The findings of a view as JSON: for the dashboard's strip, chat bots and post-mortems. */
export async function GET(req: NextRequest) {
  return viewRoute(
    req,
    async () => {
      const params = boundView(findingsRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams)));
      const findings = isFutureWindow(params.start, Date.now() / 1000) ? emptyFindings(params) : await computeFindings(params, req.signal);
      return jsonAnswer(findings);
    },
  );
}
