"use client";
// The dashboard state read from and written to the URL. Range changes push a history entry (back
// returns to the previous range); cosmetic changes (time zone, collapsed rows) replace it.
// history.pushState keeps this client-side (Next 15 syncs useSearchParams with it): no server round trip,
// and two quick clicks both land because each update merges into the URL as it is now.
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { parseDashboardParams, serializeDashboardState, type DashboardState } from "@/lib/dashboard-state";

export function useDashboardUrl() {
  const params = useSearchParams();
  const search = params.toString();
  const parsed = useMemo(() => parseDashboardParams(new URLSearchParams(search)), [search]);
  const update = useCallback((patch: Partial<DashboardState>, mode: "push" | "replace" = "push") => {
    const current = parseDashboardParams(new URLSearchParams(window.location.search)).state;
    const url = `${window.location.pathname}?${serializeDashboardState({ ...current, ...patch }).toString()}`;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  }, []);
  return { ...parsed, search, update };
}
