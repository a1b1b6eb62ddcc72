"use client";
// What the last refresh cost: samples the backend processed for every panel on screen and for the view's
// findings (AMP bills per sample processed), summed from their answers in the query cache. Both count:
// the findings and the panels derive from the same shared reads, and whichever asked first reports the
// read's cost, so a total of the panels alone would depend on which request reached the server first.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { FindingsResponse, PanelData } from "@/lib/api-schema";
import { formatValue } from "@/lib/format";
import { findingsQueryKey, keyHasView, type PanelView } from "./use-panel-data";

export function SamplesTotal({ view }: { view: PanelView | null }) {
  const client = useQueryClient();
  const [total, setTotal] = useState<{ samples: number; panels: number }>({ samples: 0, panels: 0 });
  useEffect(() => {
    if (!view) return;
    const sum = () => {
      let samples = client.getQueryData<FindingsResponse>(findingsQueryKey(view))?.samplesProcessed ?? 0;
      let panels = 0;
      for (const q of client.getQueryCache().findAll({ queryKey: ["panel"] })) {
        if (!keyHasView(q.queryKey, view)) continue;
        const data = q.state.data as PanelData | undefined;
        if (!data) continue;
        samples += data.samplesProcessed;
        panels++;
      }
      setTotal((t) => (t.samples === samples && t.panels === panels ? t : { samples, panels }));
    };
    sum();
    return client.getQueryCache().subscribe(sum);
  }, [client, view]);
  if (total.panels === 0) return null;
  return (
    <span data-testid="samples-total" data-samples={total.samples} title="Samples the backend processed for this refresh: the panels on screen and the findings (AMP bills per sample processed)" style={{ color: "var(--muted)", fontSize: 12 }}>
      {formatValue(total.samples, "count")} samples · {total.panels} panels and findings
    </span>
  );
}
