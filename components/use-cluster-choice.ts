"use client";
// The clusters this person may see (the list the server page sent along, else /api/clusters) and the one
// a page shows: the URL's when it is one of them, else the first — with a notice saying so.
import { useQuery } from "@tanstack/react-query";
import { clustersResponseSchema, type ClusterSummary } from "@/lib/api-schema";
import { pickCluster } from "@/lib/dashboard-state";
import { getJson } from "./api-client";

export function useClusterChoice(asked: string | null, initialClusters?: ClusterSummary[]) {
  const clusters = useQuery({
    queryKey: ["clusters"],
    queryFn: ({ signal }) => getJson("/api/clusters", clustersResponseSchema, signal),
    initialData: initialClusters ? { clusters: initialClusters } : undefined,
    staleTime: Infinity,
  });
  const list = clusters.data?.clusters ?? [];
  const clusterId = pickCluster(asked, list);
  const known = asked !== null && clusterId === asked;
  return {
    clusters: list,
    clusterId,
    clusterName: list.find((c) => c.id === clusterId)?.name ?? null,
    error: clusters.error,
    notice: asked && clusters.data && !known ? `There is no cluster "${asked}" configured here; showing ${list[0]?.name ?? "the first one"}.` : null,
  };
}
