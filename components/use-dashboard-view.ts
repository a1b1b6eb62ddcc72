"use client";
// Everything a page needs to draw panels: the URL state, the resolved time range, the cluster and its
// targets, and the notices for anything in the URL that had to be corrected.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { targetsResponseSchema, type ClusterSummary } from "@/lib/api-schema";
import { zoomedRange } from "@/lib/dashboard-state";
import { resolveRange } from "@/lib/time-range";
import { getJson } from "./api-client";
import { useClusterChoice } from "./use-cluster-choice";
import { useDashboardUrl } from "./use-dashboard-url";
import { useNow } from "./use-now";
import type { PanelView } from "./use-panel-data";

/**
 * `initialClusters`: the cluster list the server page sent along, when it could; `serverNow`: the "now" the
 * page resolved the first view against (its queries are already under way on the server).
 */
export function useDashboardView(initialClusters?: ClusterSummary[], serverNow?: number) {
  const { state, notices, update, search } = useDashboardUrl();
  const { now, refreshNow, lastUpdated } = useNow(state.refresh, search, serverNow);
  const range = useMemo(() => resolveRange(state.from, state.to, now), [state.from, state.to, now]);

  const clusters = useClusterChoice(state.cluster, initialClusters);
  const { clusterId } = clusters;

  // Jobs and instances as of the viewed range (an old permalink names servers that may be gone now),
  // rounded to 5 minutes so refreshes reuse the answer.
  const targetsEnd = Math.ceil(range.to / 300) * 300;
  const targets = useQuery({
    queryKey: ["targets", clusterId, state.job, targetsEnd],
    queryFn: ({ signal }) =>
      getJson(
        `/api/targets?cluster=${encodeURIComponent(clusterId!)}&end=${targetsEnd}${state.job ? `&job=${encodeURIComponent(state.job)}` : ""}`,
        targetsResponseSchema,
        signal,
      ),
    placeholderData: (prev, prevQuery) => (prevQuery && prevQuery.queryKey[1] === clusterId ? prev : undefined),
    enabled: clusterId !== null,
    staleTime: 5 * 60_000,
  });
  const job = targets.data?.job ?? null;
  const instance = state.instance && targets.data?.instances.includes(state.instance) ? state.instance : null;
  // Panels do not wait for the targets: the server resolves the job itself (the URL's, else the default),
  // so the view carries what the URL asked for. Except with an instance in the URL: one the targets do not
  // know (an old permalink's server, since replaced) would make every panel a 400 until they arrive, so
  // those views wait for the targets, which drop it (the notice below says so).
  const waitForTargets = state.instance !== null && !targets.data && !targets.error;
  const viewInstance = targets.data ? instance : state.instance;
  const view: PanelView | null = clusterId && !waitForTargets ? { cluster: clusterId, job: state.job, instance: viewInstance, from: range.from, to: range.to } : null;

  const allNotices = [
    ...notices,
    ...(range.notice ? [range.notice] : []),
    ...(clusters.notice ? [clusters.notice] : []),
    ...(state.job && targets.data && state.job !== job ? [`Job "${state.job}" has no API-server metrics; showing job "${job}".`] : []),
    ...(state.instance && targets.data && !instance ? [`Instance "${state.instance}" is not an API server of this job; showing all.`] : []),
  ];

  /** Zooming pushes a history entry, so the browser's back button returns to the previous range. */
  const onZoom = (from: number, to: number) => update(zoomedRange(from, to));

  return {
    state,
    update,
    range,
    now,
    refreshNow,
    lastUpdated,
    clusters: clusters.clusters,
    clusterId,
    clusterName: clusters.clusterName,
    targets: targets.data ?? null,
    view,
    viewError: (targets.error ?? clusters.error ?? undefined) as unknown,
    notices: allNotices,
    onZoom,
  };
}

export type DashboardView = ReturnType<typeof useDashboardView>;
