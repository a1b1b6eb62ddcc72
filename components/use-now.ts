"use client";
// The dashboard's clock: every panel resolves a relative range against the same instant, so they share
// cache keys. "Now" moves when the URL changes (a new range, cluster or job is looked at as of now), on a
// refresh tick, and on the refresh button. The timer pauses while the tab is hidden — no query is sent
// for a dashboard nobody is looking at — and catches up when it shows.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { REFRESH_MS, type Refresh } from "@/lib/dashboard-state";

/** The server page's "now" is used when within this of the browser's clock: further, one of them is wrong or the page is stale. */
const SERVER_NOW_TOLERANCE_S = 60;

/**
 * `serverNow`: the instant the server page resolved the first view at. The first "now" is that one (when it
 * is recent), so a relative range means the same seconds as the queries the page already started.
 */
export function useNow(refresh: Refresh, urlKey: string, serverNow?: number) {
  const client = useQueryClient();
  const [tick, setTick] = useState(0);
  const firstUrlKey = useRef(urlKey);
  // Read the clock when the URL or the tick changes, during render, so no query goes out with a stale "now".
  const now = useMemo(() => {
    const clock = Math.floor(Date.now() / 1000);
    const first = tick === 0 && urlKey === firstUrlKey.current;
    return first && serverNow !== undefined && Math.abs(serverNow - clock) <= SERVER_NOW_TOLERANCE_S ? serverNow : clock;
  }, [urlKey, tick, serverNow]);
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
