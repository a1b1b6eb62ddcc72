"use client";
// The pages render in the browser only: their time labels depend on the viewer's clock and time zone,
// which the server cannot know, and their data comes from the browser anyway. Page metadata (the
// permalink unfurl) is still rendered on the server by the page's generateMetadata.
//
//   <BrowserOnly><Dashboard … /></BrowserOnly>     (app/page.tsx, a server component)
//
// Not next/dynamic with ssr:false: that loads a page's code only after hydration, a second round of
// script requests before the first panel can ask for data. A client component handed over as children is
// among the page's own scripts, and BrowserOnly draws it once the browser has hydrated.
import { useSyncExternalStore, type ReactNode } from "react";

const noSubscription = () => () => {};

/** False in the server render and the hydration that matches it, true from the next render on. */
function useInBrowser(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

export function BrowserOnly({ children }: { children: ReactNode }) {
  return useInBrowser() ? children : <div style={{ padding: 16, color: "var(--muted)" }}>Loading apiscope…</div>;
}
