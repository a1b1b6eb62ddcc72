import { Suspense } from "react";
import { BrowserOnly } from "@/components/browser-only";
import { Fleet } from "@/components/Fleet";
import { initialClusterList } from "@/lib/server/page-data";

export const dynamic = "force-dynamic";

export const metadata = { title: "apiscope — fleet" };

export default async function Page() {
  // The clusters this person may see ride with the page; each row then asks for its own readings.
  const list = await initialClusterList();
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading apiscope…</div>}>
      <BrowserOnly>
        <Fleet clusters={list?.clusters} notices={list?.notices} />
      </BrowserOnly>
    </Suspense>
  );
}
