import { NextResponse } from "next/server";
import { publicClusters } from "@/lib/server/config";
import { errorResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    return NextResponse.json({ clusters: publicClusters() });
  } catch (err) {
    return errorResponse(err);
  }
}
