import { type NextRequest } from "next/server";
import { viewRoute } from "@/lib/server/route";
import { targetsRequestSchema } from "@/lib/api-schema";
import { resolveTargets } from "@/lib/server/dashboard";
import { jsonAnswer } from "@/lib/server/limits/guard";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  return viewRoute(
    req,
    async () => {
      const p = targetsRequestSchema.parse(Object.fromEntries(req.nextUrl.searchParams));
      return jsonAnswer(await resolveTargets(p.cluster, p.job, p.end ?? Math.floor(Date.now() / 1000)));
    },
  );
}
