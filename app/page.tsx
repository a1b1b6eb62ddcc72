import { Suspense } from "react";
import { Dashboard } from "@/components/Dashboard";

export const dynamic = "force-dynamic";

export default function Page() {
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading apiscope…</div>}>
      <Dashboard />
    </Suspense>
  );
}
