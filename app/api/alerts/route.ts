import { type NextRequest } from "next/server";
import { alertsRequestSchema } from "@/lib/api-schema";
import { apiServerAlerts } from "@/lib/server/alerts";
import { jsonAnswer } from "@/lib/server/limits/guard";
import { viewRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** The backend's pending and firing alerts about the API server, for the dashboard's alerts strip. */
export async function GET(req: NextRequest) {
  return viewRoute(req, async () => jsonAnswer(await apiServerAlerts(alertsRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams)), req.signal)));
}
