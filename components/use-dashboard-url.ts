"use client";
// The dashboard state read from and written to the URL. Range changes push a history entry (back
// returns to the previous range); cosmetic changes (theme, collapse) replace it.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { parseDashboardParams, serializeDashboardState, type DashboardState } from "@/lib/dashboard-state";

export function useDashboardUrl() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const parsed = useMemo(() => parseDashboardParams(new URLSearchParams(params.toString())), [params]);
  const update = useCallback(
    (patch: Partial<DashboardState>, mode: "push" | "replace" = "push") => {
      const next = serializeDashboardState({ ...parsed.state, ...patch });
      const url = `${pathname}?${next.toString()}`;
      if (mode === "push") router.push(url, { scroll: false });
      else router.replace(url, { scroll: false });
    },
    [parsed.state, pathname, router],
  );
  return { ...parsed, update };
}
