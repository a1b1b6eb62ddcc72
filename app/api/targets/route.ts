import { type NextRequest } from "next/server";
import { targetsRequestSchema } from "@/lib/api-schema";
import { refuseUnlessAllowed } from "@/lib/server/auth/guard";
import { resolveTargets } from "@/lib/server/dashboard";
import { errorResponse } from "@/lib/server/http";
import { admitRequest, jsonAnswer } from "@/lib/server/limits/guard";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  const admitted = await admitRequest(req);
  if (admitted instanceof Response) return admitted;
  return admitted.run(async () => {
    try {
      const p = targetsRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
      return jsonAnswer(await resolveTargets(p.cluster, p.job, p.end ?? Math.floor(Date.now() / 1000)));
    } catch (err) {
      return errorResponse(err);
    }
  });
}
