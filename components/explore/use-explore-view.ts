"use client";
// The explorer's view: the dashboard's URL state, clock and cluster list (so the shared Header's time and
// cluster pickers work unchanged), plus the queries, step and tab of lib/explore-state.ts. No targets:
// the explorer runs expressions as written, not within a job.
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import type { ClusterSummary } from "@/lib/api-schema";
import { zoomedRange, type DashboardState } from "@/lib/dashboard-state";
import { parseExploreParams, serializeExploreState, type ExploreState } from "@/lib/explore-state";
import { resolveRange } from "@/lib/time-range";
import { useClusterChoice } from "../use-cluster-choice";
import type { DashboardView } from "../use-dashboard-view";
import { useNow } from "../use-now";

function writeUrl(next: ExploreState, mode: "push" | "replace"): void {
  const url = `${window.location.pathname}?${serializeExploreState(next).toString()}`;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

export function useExploreView(initialClusters?: ClusterSummary[]) {
  const search = useSearchParams().toString();
  const { state, notices } = useMemo(() => parseExploreParams(new URLSearchParams(search)), [search]);
  const { now, refreshNow, lastUpdated } = useNow(state.view.refresh, search);
  const range = useMemo(() => resolveRange(state.view.from, state.view.to, now), [state.view.from, state.view.to, now]);

  /** Each change merges into the URL as it is now, so two quick ones both land. */
  const updateExplore = useCallback((patch: Partial<ExploreState>, mode: "push" | "replace" = "push") => {
    writeUrl({ ...parseExploreParams(new URLSearchParams(window.location.search)).state, ...patch }, mode);
  }, []);
  const update = useCallback((patch: Partial<DashboardState>, mode: "push" | "replace" = "push") => {
    const current = parseExploreParams(new URLSearchParams(window.location.search)).state;
    // A new range sized by the user drops a link's fixed step: the graph sizes it again.
    const step = patch.from !== undefined || patch.to !== undefined ? null : current.step;
    writeUrl({ ...current, step, view: { ...current.view, ...patch } }, mode);
  }, []);

  const clusters = useClusterChoice(state.view.cluster, initialClusters);

  const header: DashboardView = {
    state: state.view,
    update,
    range,
    now,
    refreshNow,
    lastUpdated,
    clusters: clusters.clusters,
    clusterId: clusters.clusterId,
    clusterName: clusters.clusterName,
    targets: null,
    view: null,
    viewError: (clusters.error ?? undefined) as unknown,
    notices: [
      ...notices,
      ...(range.notice ? [range.notice] : []),
      ...(clusters.notice ? [clusters.notice] : []),
    ],
    onZoom: (from: number, to: number) => update(zoomedRange(from, to)),
  };
  return { header, explore: state, updateExplore };
}
