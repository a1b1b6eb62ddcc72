import { Suspense } from "react";
import { DashboardPage } from "@/components/client-pages";

export const dynamic = "force-dynamic";

export default function Page() {
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading apiscope…</div>}>
      <DashboardPage />
    </Suspense>
  );
}
