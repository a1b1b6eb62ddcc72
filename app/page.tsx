import { Suspense } from "react";
import { DashboardPage } from "@/components/client-pages";
import { PANELS } from "@/lib/panels/catalog";
import { panelMeta } from "@/lib/panels/types";
import { initialClusters } from "@/lib/server/page-data";

export const dynamic = "force-dynamic";

export default async function Page() {
  // The cluster list rides with the page: the browser does not wait for a round trip before the panels.
  const clusters = await initialClusters();
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading apiscope…</div>}>
      <DashboardPage panels={PANELS.map(panelMeta)} clusters={clusters} />
    </Suspense>
  );
}
