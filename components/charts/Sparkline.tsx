"use client";
// The small trend line of a stat tile or a table row: one SVG path per line, no axes, no tooltip, no zoom.
// Plain SVG rather than a recharts chart: a dashboard holds forty-odd of them, and each recharts chart is a
// store and a tree of components (forty-four of them took most of the page's first render).
import { useMemo } from "react";
import { useChartFrame } from "../chart-frame";
import { sparklineShapes, type SparkLine } from "./sparkline-shapes";

export interface SparklineProps {
  id: string;
  lines: SparkLine[];
  start: number;
  end: number;
  height: number;
  /** Width in CSS px, overriding the frame's: a sparkline in a table column gets part of the frame. */
  width?: number;
}

export function Sparkline({ id, lines, start, end, height, width: widthOverride }: SparklineProps) {
  const frame = useChartFrame();
  const width = Math.max(0, widthOverride ?? frame.width);
  const shapes = useMemo(() => sparklineShapes(lines, start, end, width, height), [lines, start, end, width, height]);
  return (
    <svg data-testid="sparkline" data-chart-id={id} width={width} height={height} style={{ display: "block" }} aria-hidden>
      {shapes.map(({ line, d, dots }) => (
        <g key={line.key}>
          <path d={d} fill="none" stroke={line.color} strokeWidth={1.25} strokeDasharray={line.dashed ? "4 3" : undefined} />
          {dots.map(([cx, cy]) => (
            <circle key={`${cx},${cy}`} cx={cx} cy={cy} r={2} fill={line.color} />
          ))}
        </g>
      ))}
    </svg>
  );
}
