import { type NextRequest } from "next/server";
import { health } from "@/lib/server/health";
import { jsonResponse } from "@/lib/server/limits/guard";
import { fleetRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Can this deployment reach the clusters the caller may see? 200 when all can, 503 otherwise (same body). */
export async function GET(req: NextRequest) {
  return fleetRoute(req, req.nextUrl.searchParams.getAll("cluster"), async (clusters) => {
    const answer = await health(clusters);
    return jsonResponse(answer, { status: answer.ok ? 200 : 503 });
  }, { entries: true });
}
