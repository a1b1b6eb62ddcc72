import { NextResponse, type NextRequest } from "next/server";
import { authenticateRoute } from "@/lib/server/auth/guard";
import { publicClusters } from "@/lib/server/config";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  // Only the clusters this person may see (their `allow` rules); the middleware already checked sign-in.
  const auth = await authenticateRoute(req);
  if (!auth.ok) return auth.response;
  try {
    return NextResponse.json({ clusters: publicClusters(auth.principal) });
  } catch (err) {
    return errorResponse(err);
  }
}
