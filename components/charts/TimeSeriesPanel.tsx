"use client";
// The "timeseries" kind: lines over time, one small chart per unit when queries differ in unit (memory
// beside CPU), fixed thresholds and the cluster's configured limits as reference lines, and a legend.
import type { PanelData } from "@/lib/api-schema";
import type { Unit } from "@/lib/panels/types";
import { autoFitColumnWidth, ChartFrameProvider, useChartFrame } from "../chart-frame";
import type { ChartProps } from "./registry";
import { limitLines } from "./limits";
import { linesFor } from "./series-lines";
import { TimeSeriesChart, type ChartLine } from "./TimeSeriesChart";

function byUnit(queries: PanelData["queries"], panelUnit: Unit): Map<Unit, PanelData["queries"]> {
  const groups = new Map<Unit, PanelData["queries"]>();
  for (const q of queries) {
    const unit = (q.unit as Unit | undefined) ?? panelUnit;
    groups.set(unit, [...(groups.get(unit) ?? []), q]);
  }
  return groups;
}

export function TimeSeriesPanel({ panel, data, tz, onZoom, height }: ChartProps<"timeseries">) {
  const { start, end } = data.window;
  const groups = byUnit(data.queries, panel.unit);
  const multiples = groups.size > 1;
  const { width } = useChartFrame();
  // Small multiples share the row: each gets its grid cell's width (minmax(280px, 1fr), gap 8).
  const cellWidth = multiples ? autoFitColumnWidth(width, groups.size, 280, 8) : width;
  const thresholds = [...(panel.options.thresholds ?? []), ...limitLines(panel.options.limits, data.limits, panel.unit)];
  return (
    <div style={{ display: "grid", gridTemplateColumns: multiples ? "repeat(auto-fit, minmax(280px, 1fr))" : "1fr", gap: 8 }}>
      {[...groups].map(([unit, queries]) => {
        const { lines, hidden } = linesFor(queries, panel.options.maxSeries);
        return (
          <div key={unit}>
            {multiples && <div style={{ fontSize: 12, color: "var(--muted)" }}>{queries.map((q) => q.caption ?? q.id).join(", ")}</div>}
            <ChartFrameProvider width={cellWidth}>
              <TimeSeriesChart id={`${panel.id}-${unit}`} lines={lines} unit={unit} start={start} end={end} tz={tz} thresholds={multiples ? [] : thresholds} onZoom={onZoom} height={height} />
            </ChartFrameProvider>
            <Legend lines={lines} hidden={hidden} />
          </div>
        );
      })}
    </div>
  );
}

function Legend({ lines, hidden }: { lines: ChartLine[]; hidden: number }) {
  return (
    <ul data-testid="chart-legend" style={{ listStyle: "none", margin: "4px 0 0", padding: 0, display: "flex", flexWrap: "wrap", gap: "2px 12px", fontSize: 12 }}>
      {lines.map((l) => (
        <li key={l.key} data-testid="legend-item">
          <span style={{ color: l.color }}>{l.dashed ? "┅" : "■"}</span> {l.name}
        </li>
      ))}
      {hidden > 0 && <li style={{ color: "var(--muted)" }}>+{hidden} more with lower peaks</li>}
    </ul>
  );
}
