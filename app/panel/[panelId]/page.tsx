import type { Metadata } from "next";
import { Suspense } from "react";
import { BrowserOnly } from "@/components/browser-only";
import { SinglePanel } from "@/components/SinglePanel";
import { pagePrincipal } from "@/lib/server/auth/guard";
import { clustersFor } from "@/lib/server/config";
import { PANELS, PANELS_BY_ID } from "@/lib/panels/catalog";
import { panelMeta } from "@/lib/panels/types";
import { resolveRange } from "@/lib/time-range";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ panelId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function first(v: string | string[] | undefined): string | null {
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/** resolveRange only returns drawable ranges (else the default, with a notice); a time that is not one reads "?". */
function utc(t: number): string {
  const d = new Date(t * 1000);
  return Number.isNaN(d.getTime()) ? "?" : d.toISOString().slice(0, 16).replace("T", " ");
}

/** What a chat tool shows when the permalink is pasted: panel, cluster and range in UTC. */
export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const { panelId } = await params;
  const sp = await searchParams;
  const panel = PANELS_BY_ID.get(panelId);
  if (!panel) return { title: "apiscope — Kubernetes API server dashboard" };
  let clusterName = "unknown cluster";
  try {
    // Only clusters this person may see: a restricted cluster's name must not unfurl in a chat either.
    const clusters = clustersFor(await pagePrincipal());
    const id = first(sp.cluster);
    clusterName = (clusters.find((c) => c.id === id) ?? clusters[0])?.name ?? clusterName;
  } catch {
    /* config errors are shown on the page itself */
  }
  const range = resolveRange(first(sp.from), first(sp.to), Math.floor(Date.now() / 1000));
  const rangeText = range.toParam === "now" && range.fromParam.startsWith("now") ? `${range.fromParam} → now` : `${utc(range.from)} → ${utc(range.to)} UTC`;
  const instance = first(sp.instance);
  const title = `${panel.title} · ${clusterName} · ${rangeText}`;
  const description = `${panel.explanation} Cluster ${clusterName}${instance ? `, API server ${instance}` : ""}, ${rangeText}.`;
  return {
    title,
    description,
    openGraph: { title, description, type: "website", siteName: "apiscope" },
    twitter: { card: "summary", title, description },
  };
}

export default async function PanelPage({ params }: Props) {
  const { panelId } = await params;
  return (
    <Suspense fallback={<div style={{ padding: 16 }}>Loading apiscope…</div>}>
      <BrowserOnly>
        <SinglePanel panelId={panelId} panels={PANELS.map(panelMeta)} />
      </BrowserOnly>
    </Suspense>
  );
}
