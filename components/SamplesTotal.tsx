"use client";
// What the last refresh cost: samples the backend processed for every panel on screen (AMP bills per
// sample processed), summed from the panels' answers in the query cache.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { PanelData } from "@/lib/api-schema";
import { formatValue } from "@/lib/format";
import { keyHasView, type PanelView } from "./use-panel-data";

export function SamplesTotal({ view }: { view: PanelView | null }) {
  const client = useQueryClient();
  const [total, setTotal] = useState<{ samples: number; panels: number }>({ samples: 0, panels: 0 });
  useEffect(() => {
    if (!view) return;
    const sum = () => {
      let samples = 0;
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
    <span data-testid="samples-total" data-samples={total.samples} title="Samples the backend processed for this refresh (AMP bills per sample processed)" style={{ color: "var(--muted)", fontSize: 12 }}>
      {formatValue(total.samples, "count")} samples · {total.panels} panels
    </span>
  );
}
