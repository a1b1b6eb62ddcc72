"use client";
// The "heatmap" kind: the panel's first query, one series per `le` bucket, drawn by the canvas heatmap.
import { Heatmap } from "../Heatmap";
import type { ChartProps } from "./registry";

export function HeatmapPanel({ panel, data, tz, onZoom, height }: ChartProps<"heatmap">) {
  const { start, end, step, rateInterval } = data.window;
  return (
    <Heatmap
      id={panel.id}
      series={data.queries[0]?.series ?? []}
      start={start}
      end={end}
      step={step}
      unit="seconds"
      timeZone={tz}
      onZoom={onZoom}
      height={height ?? 260}
      label={panel.title}
      windowSeconds={rateInterval}
    />
  );
}
