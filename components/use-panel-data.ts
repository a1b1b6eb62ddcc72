"use client";
import { useQuery } from "@tanstack/react-query";
import type { PanelData } from "@/lib/api-schema";
import { panelBatcher, type PanelView } from "./panel-batcher";

export type { PanelView };

/** Widths are bucketed so a few pixels of layout change don't become a new query. */
export function widthBucket(px: number): number {
  return Math.max(200, Math.round(px / 100) * 100);
}

/** Query keys are data: everything the answer depends on, nothing else. */
export function panelQueryKey(panelId: string, view: PanelView, width: number) {
  return ["panel", panelId, view.cluster, view.job, view.instance, view.from, view.to, width] as const;
}

/** The findings of a view (components/FindingsStrip.tsx); the header adds their cost to the panels'. */
export function findingsQueryKey(view: PanelView | null) {
  return ["findings", view?.cluster, view?.job, view?.instance, view?.from, view?.to] as const;
}

/** Whether a cached panel answer (by its query key) is for this cluster, job and instance. */
export function keyHasScope(key: readonly unknown[], view: Pick<PanelView, "cluster" | "job" | "instance">): boolean {
  return key[2] === view.cluster && key[3] === view.job && key[4] === view.instance;
}

/** Whether a cached panel answer (by its query key) is for exactly this view. */
export function keyHasView(key: readonly unknown[], view: PanelView): boolean {
  return keyHasScope(key, view) && key[5] === view.from && key[6] === view.to;
}


export function usePanelData(panelId: string, view: PanelView | null, width: number, enabled: boolean) {
  return useQuery<PanelData>({
    queryKey: view ? panelQueryKey(panelId, view, width) : ["panel", panelId, "pending"],
    // Sent with the other panels of the view (components/panel-batcher.ts).
    queryFn: ({ signal }) => panelBatcher.load(panelId, view!, width, signal),
    enabled: enabled && view !== null,
    // Keep the previous picture on screen while the next range of the same cluster and servers loads:
    // nothing the user saw is lost. Another cluster's picture would mislead, so it is not kept.
    placeholderData: (prev, prevQuery) => (view && prevQuery && keyHasScope(prevQuery.queryKey, view) ? prev : undefined),
    // Superseded ranges (every refresh makes new keys) are dropped quickly: 30 panels × many refreshes add up.
    gcTime: 60_000,
  });
}
