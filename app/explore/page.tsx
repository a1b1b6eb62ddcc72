import type { Metadata } from "next";
import { Suspense } from "react";
import { ExplorePage } from "@/components/explore/client-page";
import { initialClusters } from "@/lib/server/page-data";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Explore · apiscope" };

export default async function Page() {
  // The cluster list rides with the page, as on the dashboard.
  const clusters = await initialClusters();
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading the explorer…</div>}>
      <ExplorePage clusters={clusters} />
    </Suspense>
  );
}
