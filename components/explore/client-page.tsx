"use client";
// Rendered in the browser only, like the dashboard: its time labels depend on the viewer's clock and zone.
import dynamic from "next/dynamic";

function Loading() {
  return <div style={{ padding: 16, color: "var(--muted)" }}>Loading the explorer…</div>;
}

export const ExplorePage = dynamic(() => import("./Explorer").then((m) => m.Explorer), { ssr: false, loading: Loading });
