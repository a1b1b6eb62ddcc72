"use client";
// The chart-kind registry: one generic component per kind of lib/panels/kinds.ts. Components read only
// the panel's declared options and the data; none knows a particular panel.
import type { ComponentType } from "react";
import type { PanelData } from "@/lib/api-schema";
import type { ChartKind } from "@/lib/panels/kinds";
import type { PanelMeta, PanelMetaOf } from "@/lib/panels/types";
import type { TimeZoneMode } from "@/lib/dashboard-state";
import { HeatmapPanel } from "./HeatmapPanel";
import { LimitsTable } from "./LimitsTable";
import { RankedTable } from "./RankedTable";
import { StatTile } from "./StatTile";
import { TimeSeriesPanel } from "./TimeSeriesPanel";

/** What the panel frame hands every chart. Width and theme come from the ChartFrame context. */
export interface ChartProps<K extends ChartKind> {
  panel: PanelMetaOf<K>;
  data: PanelData;
  tz: TimeZoneMode;
  onZoom?: (from: number, to: number) => void;
  /** Taller charts on a panel's own page. */
  height?: number;
}

export const CHARTS: { readonly [K in ChartKind]: ComponentType<ChartProps<K>> } = {
  stat: StatTile,
  timeseries: TimeSeriesPanel,
  "ranked-table": RankedTable,
  "limits-table": LimitsTable,
  heatmap: HeatmapPanel,
};

/** The chart for a panel of any kind. */
export function Chart(props: Omit<ChartProps<ChartKind>, "panel"> & { panel: PanelMeta }) {
  // The map is keyed by kind, so the component always matches the panel's own kind.
  const Component = CHARTS[props.panel.chart] as ComponentType<ChartProps<ChartKind>>;
  return <Component {...(props as ChartProps<ChartKind>)} />;
}
