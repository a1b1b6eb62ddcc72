"use client";
// The dashboard's clock: every panel resolves a relative range against the same instant, so they share
// cache keys. "Now" moves when the URL changes (a new range, cluster or job is looked at as of now), on a
// refresh tick, and on the refresh button. The timer pauses while the tab is hidden — no query is sent
// for a dashboard nobody is looking at — and catches up when it shows.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { REFRESH_MS, type Refresh } from "@/lib/dashboard-state";

export function useNow(refresh: Refresh, urlKey: string) {
  const client = useQueryClient();
  const [tick, setTick] = useState(0);
  // Read the clock when the URL or the tick changes, during render, so no query goes out with a stale "now".
  const now = useMemo(() => Math.floor(Date.now() / 1000), [urlKey, tick]);
  const lastUpdated = now * 1000;
  const lastUpdatedRef = useRef(lastUpdated);
  useEffect(() => {
    lastUpdatedRef.current = lastUpdated;
  }, [lastUpdated]);

  const refreshNow = useCallback(() => {
    setTick((t) => t + 1);
    // An absolute range keeps its query keys across a refresh: ask for its data again anyway.
    void client.invalidateQueries({ queryKey: ["panel"] });
  }, [client]);

  useEffect(() => {
    const ms = REFRESH_MS[refresh];
    if (ms === null) return;
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = () => {
      if (timer === null) timer = setInterval(refreshNow, ms);
    };
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") stop();
      else {
        if (Date.now() - lastUpdatedRef.current >= ms) refreshNow();
        start();
      }
    };
    if (document.visibilityState !== "hidden") start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      stop();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [refresh, refreshNow]);

  return { now, refreshNow, lastUpdated };
}
