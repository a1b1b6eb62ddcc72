import { type NextRequest } from "next/server";
import { authenticateRoute } from "@/lib/server/auth/guard";
import { errorResponse } from "@/lib/server/http";
import { admitRequest, jsonAnswer } from "@/lib/server/limits/guard";
import { clusterList } from "@/lib/server/page-data";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  // Only the clusters this person may see (their `allow` rules); the middleware already checked sign-in.
  const auth = await authenticateRoute(req);
  if (!auth.ok) return auth.response;
  const admitted = await admitRequest(req);
  if (admitted instanceof Response) return admitted;
  try {
    return jsonAnswer(await clusterList(auth.principal));
  } catch (err) {
    return errorResponse(err);
  }
}
