// What every view-scoped route does around its own work: sign-in and the cluster's allow rule again
// (defence in depth behind middleware.ts), this caller's request and samples budgets, the per-cluster
// queue, and errors mapped to answers that help without leaking.
import "server-only";
import type { NextRequest } from "next/server";
import { refuseUnlessAllowed } from "./auth/guard";
import { errorResponse } from "./http";
import { admitRequest } from "./limits/guard";

/** `cost`: how many panels the request asks for (a batch costs one token per panel). */
export async function viewRoute(req: NextRequest, work: () => Promise<Response>, cost = 1): Promise<Response> {
  const refused = await refuseUnlessAllowed(req, req.nextUrl.searchParams.get("cluster"));
  if (refused) return refused;
  const admitted = await admitRequest(req, cost);
  if (admitted instanceof Response) return admitted;
  return admitted.run(async () => {
    try {
      return await work();
    } catch (err) {
      return errorResponse(err);
    }
  });
}
