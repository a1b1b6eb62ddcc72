import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { resolveTargets } from "@/lib/server/dashboard";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

const targetsRequest = z.object({
  cluster: z.string().min(1).max(100),
  job: z.string().max(200).optional(),
  end: z.coerce.number().int().positive().optional(),
});

export async function GET(req: NextRequest) {
  try {
    const p = targetsRequest.parse(Object.fromEntries(req.nextUrl.searchParams));
    return NextResponse.json(await resolveTargets(p.cluster, p.job, p.end ?? Math.floor(Date.now() / 1000)));
  } catch (err) {
    return errorResponse(err);
  }
}
