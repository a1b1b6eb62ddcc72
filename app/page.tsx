import { cookies, headers } from "next/headers";
import { after } from "next/server";
import { Suspense } from "react";
import { BrowserOnly } from "@/components/browser-only";
import { Dashboard } from "@/components/Dashboard";
import { PANELS } from "@/lib/panels/catalog";
import { panelMeta } from "@/lib/panels/types";
import { initialClusters } from "@/lib/server/page-data";
import { prefetchDashboard } from "@/lib/server/prefetch";

export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

function toSearch(params: SearchParams): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) search.append(key, v);
  return search;
}

export default async function Page({ searchParams }: { searchParams: Promise<SearchParams> }) {
  // The cluster list rides with the page: the browser does not wait for a round trip before the panels.
  const clusters = await initialClusters();
  // The view's backend work starts now, while the browser loads the scripts; the browser resolves its
  // range against the same "now" so that it asks for exactly these queries (lib/server/prefetch.ts).
  const now = Math.floor(Date.now() / 1000);
  const [h, c] = await Promise.all([headers(), cookies()]);
  after(prefetchDashboard(toSearch(await searchParams), clusters, now, { headers: h as unknown as Headers, cookies: c }));
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading apiscope…</div>}>
      <BrowserOnly>
        <Dashboard panels={PANELS.map(panelMeta)} clusters={clusters} serverNow={now} />
      </BrowserOnly>
    </Suspense>
  );
}
