"use client";
// The dashboard renders in the browser only: its time labels depend on the viewer's clock and time
// zone, which the server cannot know, and its data comes from the browser anyway. Page metadata (the
// permalink unfurl) is still rendered on the server by the page's generateMetadata.
import dynamic from "next/dynamic";

function Loading() {
  return <div style={{ padding: 16, color: "var(--muted)" }}>Loading apiscope…</div>;
}

export const DashboardPage = dynamic(() => import("./Dashboard").then((m) => m.Dashboard), { ssr: false, loading: Loading });
export const SinglePanelPage = dynamic(() => import("./SinglePanel").then((m) => m.SinglePanel), { ssr: false, loading: Loading });
export const FleetPage = dynamic(() => import("./Fleet").then((m) => m.Fleet), { ssr: false, loading: Loading });
