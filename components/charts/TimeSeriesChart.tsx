"use client";
// Line chart for every time-series panel and the explorer: plain SVG (geometry in timeseries-geometry.ts).
// Shares the page crosshair, shows a tooltip under the pointer, zooms by dragging. Its width and colours
// come from the panel frame (useChartFrame): it measures nothing.
//
// Not a charting library's chart: a dashboard draws about twenty of these at once, and with recharts (a
// store, selectors and a tree of components per chart) their first render took most of the time between
// the last answer and the painted page (`npm run bench`, P1).
import { useId, useMemo, useState, type CSSProperties, type MouseEvent } from "react";
import type { Point } from "@/lib/api-schema";
import { formatValue } from "@/lib/format";
import type { Unit } from "@/lib/panels/types";
import { axisTimeFormatter, formatTime, timeTicks, type TimeZoneMode } from "@/lib/time-format";
import { useChartFrame } from "../chart-frame";
import { setCrosshair, useCrosshairSource, useCrosshairTime } from "../crosshair";
import type { ThemeTokens } from "../theme";
import { MARGIN, nearestTime, timeSeriesGeometry, valuesAt, type PlotBox } from "./timeseries-geometry";

export interface ChartLine {
  key: string;
  name: string;
  color: string;
  points: Point[];
  dashed?: boolean;
}

export interface TimeSeriesChartProps {
  id: string;
  lines: ChartLine[];
  unit: Unit;
  start: number;
  end: number;
  tz: TimeZoneMode;
  height?: number;
  thresholds?: { value: number; label: string; color?: string }[];
  onZoom?: (from: number, to: number) => void;
}

const AXIS_FONT = 11;

export function TimeSeriesChart({ id, lines, unit, start, end, tz, height = 220, thresholds = [], onZoom }: TimeSeriesChartProps) {
  const frame = useChartFrame();
  const { theme } = frame;
  const width = Math.max(0, frame.width);
  // Keyed by the thresholds' values: callers build a new array on every render, and a pointer move must
  // not redo the paths (thresholdKey stands for thresholdValues in the dependencies).
  const thresholdValues = thresholds.map((t) => t.value);
  const thresholdKey = thresholdValues.join(" ");
  const geo = useMemo(() => timeSeriesGeometry(lines, thresholdValues, start, end, width, height), [lines, thresholdKey, start, end, width, height]);
  const { plot, x, y } = geo;
  const tickFormat = useMemo(() => axisTimeFormatter(tz, end - start), [tz, start, end]);
  // Ticks on round clock times (every 15 min, every hour…), like the heatmap's, so the axes line up.
  const timeTickValues = useMemo(() => timeTicks(start, end, Math.max(width - 90, 100), 80, tz), [start, end, width, tz]);
  const [hover, setHover] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const clipId = `ts-clip-${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;

  /** The data's timestamp under the pointer (the nearest one), or null off the plot. */
  const timeAt = (e: MouseEvent<SVGSVGElement>): number | null => {
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    if (px < plot.left - 4 || px > plot.right + 4) return null;
    const t = x.invert(Math.min(plot.right, Math.max(plot.left, px)));
    return nearestTime(geo.times, t) ?? t;
  };
  const leave = () => {
    setHover(null);
    setDrag(null);
    setCrosshair(null, null);
  };

  return (
    <div data-testid="timeseries-chart" data-chart-id={id} style={{ position: "relative", width, height, userSelect: "none" }}>
      <svg
        className="ts-surface"
        width={width}
        height={height}
        style={{ display: "block", overflow: "visible" }}
        onMouseMove={(e) => {
          const t = timeAt(e);
          if (t === null) return leave();
          setHover(t);
          setCrosshair(t, id);
          if (drag) setDrag({ from: drag.from, to: t });
        }}
        onMouseLeave={leave}
        onMouseDown={(e) => {
          const t = onZoom ? timeAt(e) : null;
          if (t !== null) setDrag({ from: t, to: t });
        }}
        onMouseUp={() => {
          if (drag && onZoom && drag.from !== drag.to) onZoom(Math.min(drag.from, drag.to), Math.max(drag.from, drag.to));
          setDrag(null);
        }}
      >
        <defs>
          <clipPath id={clipId}>
            <rect x={plot.left} y={plot.top - 2} width={plot.right - plot.left} height={plot.bottom - plot.top + 4} />
          </clipPath>
        </defs>
        <g className="ts-grid">
          {geo.valueTicks.map((v) => (
            <line key={v} x1={plot.left} x2={plot.right} y1={y(v)} y2={y(v)} stroke={theme.grid} strokeDasharray="3 3" />
          ))}
        </g>
        <ValueAxis ticks={geo.valueTicks} y={y} plot={plot} unit={unit} theme={theme} />
        <TimeAxis ticks={timeTickValues} x={x} plot={plot} format={tickFormat} theme={theme} />
        {thresholds.map((th) => (
          <g key={th.label} className="ts-reference-line">
            <line x1={plot.left} x2={plot.right} y1={y(th.value)} y2={y(th.value)} stroke={th.color ?? theme.bad} strokeDasharray="6 4" />
            <text x={plot.right - 4} y={y(th.value) - 4} textAnchor="end" fill={theme.muted} fontSize={AXIS_FONT}>
              {th.label}
            </text>
          </g>
        ))}
        <g clipPath={`url(#${clipId})`}>
          {geo.shapes.map(({ line, d, dots }) => (
            <g key={line.key} className="ts-line" data-series={line.name}>
              <path className="ts-line-path" d={d} fill="none" stroke={line.color} strokeWidth={1.5} strokeDasharray={line.dashed ? "4 3" : undefined} strokeLinejoin="round" />
              {dots.map(([cx, cy]) => (
                <circle key={`${cx},${cy}`} cx={cx} cy={cy} r={2.5} fill={line.color} />
              ))}
            </g>
          ))}
        </g>
        <SharedCrosshair chartId={id} x={x} plot={plot} start={start} end={end} theme={theme} />
        {hover !== null && <line className="ts-cursor" x1={x(hover)} x2={x(hover)} y1={plot.top} y2={plot.bottom} stroke={theme.muted} strokeWidth={1} pointerEvents="none" />}
        {drag && drag.from !== drag.to && (
          <rect className="ts-zoom-area" x={x(Math.min(drag.from, drag.to))} width={Math.abs(x(drag.to) - x(drag.from))} y={plot.top} height={plot.bottom - plot.top} fill={theme.accent} fillOpacity={0.15} pointerEvents="none" />
        )}
      </svg>
      {hover !== null && <ChartTooltip time={hover} lines={lines} unit={unit} tz={tz} theme={theme} left={x(hover)} flip={x(hover) > width / 2} />}
    </div>
  );
}

function ValueAxis({ ticks, y, plot, unit, theme }: { ticks: number[]; y: (v: number) => number; plot: PlotBox; unit: Unit; theme: ThemeTokens }) {
  return (
    <g className="ts-value-axis" fill={theme.muted} fontSize={AXIS_FONT}>
      <line x1={plot.left} x2={plot.left} y1={plot.top} y2={plot.bottom} stroke={theme.muted} />
      {ticks.map((v) => (
        <g key={v}>
          <line x1={plot.left - 6} x2={plot.left} y1={y(v)} y2={y(v)} stroke={theme.muted} />
          <text x={plot.left - 9} y={y(v)} textAnchor="end" dominantBaseline="middle">
            {formatValue(v, unit)}
          </text>
        </g>
      ))}
    </g>
  );
}

function TimeAxis({ ticks, x, plot, format, theme }: { ticks: number[]; x: (t: number) => number; plot: PlotBox; format: (t: number) => string; theme: ThemeTokens }) {
  return (
    <g className="ts-time-axis" fill={theme.muted} fontSize={AXIS_FONT}>
      <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke={theme.muted} />
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={plot.bottom} y2={plot.bottom + 6} stroke={theme.muted} />
          <text x={x(t)} y={plot.bottom + 18} textAnchor="middle">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

/**
 * The line at the time another chart is hovered. Its own component: a pointer move re-renders this line on
 * every chart of the page, not the charts.
 */
function SharedCrosshair({ chartId, x, plot, start, end, theme }: { chartId: string; x: (t: number) => number; plot: PlotBox; start: number; end: number; theme: ThemeTokens }) {
  const time = useCrosshairTime();
  const source = useCrosshairSource();
  if (time === null || source === chartId || time < start || time > end) return null;
  return (
    <g className="apiscope-crosshair" pointerEvents="none">
      <line x1={x(time)} x2={x(time)} y1={plot.top} y2={plot.bottom} stroke={theme.accent} strokeWidth={1} />
    </g>
  );
}

function ChartTooltip({ time, lines, unit, tz, theme, left, flip }: { time: number; lines: ChartLine[]; unit: Unit; tz: TimeZoneMode; theme: ThemeTokens; left: number; flip: boolean }) {
  const items = valuesAt(lines, time);
  return (
    <div
      data-testid="chart-tooltip"
      data-time={time}
      style={{
        ...tooltipStyle,
        left: flip ? undefined : left + 12,
        right: flip ? `calc(100% - ${left - 12}px)` : undefined,
        background: theme.bgPanel,
        border: `1px solid ${theme.border}`,
      }}
    >
      <div style={{ fontWeight: 600, marginBottom: 4 }}>{formatTime(time, tz, { date: true, seconds: true })}</div>
      {items.length === 0 && <div style={{ color: theme.muted }}>no value at this time</div>}
      {items.map(({ line, value }) => (
        <div key={line.key} data-series={line.name} data-value={value} style={{ display: "flex", gap: 8, justifyContent: "space-between" }}>
          <span>
            <span style={{ color: line.color }}>■</span> {line.name}
          </span>
          <span style={{ fontVariantNumeric: "tabular-nums" }}>{formatValue(value, unit)}</span>
        </div>
      ))}
    </div>
  );
}

const tooltipStyle: CSSProperties = {
  position: "absolute",
  top: MARGIN.top,
  zIndex: 10,
  pointerEvents: "none",
  borderRadius: 4,
  padding: "6px 8px",
  fontSize: 12,
  width: "max-content",
  maxWidth: 420,
  boxShadow: "0 2px 8px rgba(0,0,0,.2)",
};
