import { type NextRequest } from "next/server";
import { fleetRequestSchema } from "@/lib/api-schema";
import { loadFleet } from "@/lib/server/fleet";
import { boundView, jsonAnswer } from "@/lib/server/limits/guard";
import { fleetRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** The clusters the caller may see (or the ones named), with their readings at the end of the range, worst first. */
export async function GET(req: NextRequest) {
  const params = req.nextUrl.searchParams;
  const named = params.getAll("cluster");
  return fleetRoute(req, named, async (clusters) => {
    const { start, end } = boundView(fleetRequestSchema.parse({ start: params.get("start") ?? undefined, end: params.get("end") ?? undefined, cluster: named.length ? named : undefined }));
    return jsonAnswer(await loadFleet(clusters, start, end, req.signal));
  });
}
