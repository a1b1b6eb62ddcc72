"use client";
// The dashboard's clock: "now" moves only on a refresh (timer or button), so every panel resolves a
// relative range against the same instant and shares cache keys. The timer pauses while the tab is
// hidden — no query is sent for a dashboard nobody is looking at — and catches up when it shows.
import { useCallback, useEffect, useState } from "react";
import { REFRESH_MS, type Refresh } from "@/lib/dashboard-state";

export function useNow(refresh: Refresh) {
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  const [lastUpdated, setLastUpdated] = useState(() => Date.now());
  const lastUpdatedRef = useLatest(lastUpdated);
  const refreshNow = useCallback(() => {
    setNow(Math.floor(Date.now() / 1000));
    setLastUpdated(Date.now());
  }, []);

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
  }, [refresh, refreshNow, lastUpdatedRef]);

  return { now, refreshNow, lastUpdated };
}

function useLatest<T>(value: T): { current: T } {
  const [ref] = useState(() => ({ current: value }));
  ref.current = value;
  return ref;
}
