import { Suspense } from "react";
import { DashboardPage } from "@/components/client-pages";
import { PANELS } from "@/lib/panels/catalog";
import { panelMeta } from "@/lib/panels/types";

export const dynamic = "force-dynamic";

export default function Page() {
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading apiscope…</div>}>
      <DashboardPage panels={PANELS.map(panelMeta)} />
    </Suspense>
  );
}
