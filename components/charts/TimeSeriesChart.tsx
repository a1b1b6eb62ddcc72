"use client";
// Line chart for every time-series panel (recharts, SVG). Shares the page crosshair, zooms by dragging.
// Its width and colours come from the panel frame (useChartFrame): recharts gets an explicit width
// and measures nothing.
import { useMemo, useState, type CSSProperties } from "react";
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { Point } from "@/lib/api-schema";
import { formatValue } from "@/lib/format";
import type { Unit } from "@/lib/panels/types";
import { axisTimeFormatter, formatTime, timeTicks, type TimeZoneMode } from "@/lib/time-format";
import { useChartFrame } from "../chart-frame";
import { setCrosshair, useCrosshairSource, useCrosshairTime } from "../crosshair";
import type { ThemeTokens } from "../theme";

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

type Row = Record<string, number | null> & { t: number };

/**
 * A point with no neighbour draws no line segment; without a dot a short event (one step of queueing, an
 * APIService down for a minute) would be in the legend but invisible on the chart. `false` for a line with
 * no such point: recharts then renders no per-point element at all.
 */
function isolatedDots(rows: Row[], key: string, color: string) {
  const has = (j: number) => rows[j]?.[key] !== undefined && rows[j]?.[key] !== null;
  const isolated = new Set<number>();
  for (let i = 0; i < rows.length; i++) if (has(i) && !has(i - 1) && !has(i + 1)) isolated.add(i);
  if (isolated.size === 0) return false;
  return (p: { index?: number; cx?: number; cy?: number }) => {
    const i = p.index ?? -1;
    if (!isolated.has(i) || p.cx === undefined || p.cy === undefined) return <g key={`${key}-${i}`} />;
    return <circle key={`${key}-${i}`} cx={p.cx} cy={p.cy} r={2.5} fill={color} />;
  };
}

/** One row per timestamp with a column per line: the shape recharts wants. */
function toRows(lines: ChartLine[]): Row[] {
  const byTime = new Map<number, Row>();
  for (const line of lines) {
    for (const [t, v] of line.points) {
      let row = byTime.get(t);
      if (!row) {
        row = { t } as Row;
        byTime.set(t, row);
      }
      row[line.key] = v;
    }
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

interface TooltipPayloadItem {
  dataKey?: string | number;
  value?: number | null;
  color?: string;
  name?: string;
}

function ChartTooltip(props: { active?: boolean; label?: number; payload?: TooltipPayloadItem[]; unit: Unit; tz: TimeZoneMode; theme: ThemeTokens }) {
  const { active, label, payload, unit, tz, theme } = props;
  if (!active || label === undefined || !payload?.length) return null;
  const items = [...payload].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
  return (
    <div data-testid="chart-tooltip" data-time={label} style={{ ...tooltipStyle, background: theme.bgPanel, border: `1px solid ${theme.border}` }}>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>{formatTime(label, tz, { date: true, seconds: true })}</div>
      {items.map((it) => (
        <div key={String(it.dataKey)} data-series={it.name} data-value={it.value ?? ""} style={{ display: "flex", gap: 8, justifyContent: "space-between" }}>
          <span>
            <span style={{ color: it.color }}>■</span> {it.name}
          </span>
          <span style={{ fontVariantNumeric: "tabular-nums" }}>{formatValue(it.value, unit)}</span>
        </div>
      ))}
    </div>
  );
}

const tooltipStyle: CSSProperties = {
  borderRadius: 4,
  padding: "6px 8px",
  fontSize: 12,
  maxWidth: 420,
  boxShadow: "0 2px 8px rgba(0,0,0,.2)",
};

export function TimeSeriesChart({ id, lines, unit, start, end, tz, height = 220, thresholds = [], onZoom }: TimeSeriesChartProps) {
  const frame = useChartFrame();
  const { theme } = frame;
  const width = Math.max(0, frame.width);
  const rows = useMemo(() => toRows(lines), [lines]);
  const dots = useMemo(() => new Map(lines.map((l) => [l.key, isolatedDots(rows, l.key, l.color)])), [lines, rows]);
  const crosshair = useCrosshairTime();
  const crosshairSource = useCrosshairSource();
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  // The tooltip is mounted only under the pointer: recharts measures its box (a forced layout of the whole
  // page) on every render, and eighteen charts doing so on each data arrival slowed the first paint by seconds.
  const [pointerIn, setPointerIn] = useState(false);
  const tickFormat = useMemo(() => axisTimeFormatter(tz, end - start), [tz, start, end]);
  // Ticks on round clock times (every 15 min, every hour…), like the heatmap's, so the axes line up.
  const ticks = useMemo(() => timeTicks(start, end, Math.max(width - 90, 100), 80, tz), [start, end, width, tz]);

  const label = (s: { activeLabel?: unknown }) => (typeof s?.activeLabel === "number" ? s.activeLabel : Number(s?.activeLabel));

  return (
    <div data-testid="timeseries-chart" data-chart-id={id} style={{ width, height, userSelect: "none" }} onPointerEnter={() => setPointerIn(true)} onPointerLeave={() => setPointerIn(false)}>
      <LineChart
        width={width}
        height={height}
        data={rows}
        margin={{ top: 8, right: 12, bottom: 0, left: 4 }}
        onMouseMove={(s) => {
          const t = label(s as { activeLabel?: unknown });
          if (!Number.isFinite(t)) return;
          setCrosshair(t, id);
          if (drag) setDrag({ from: drag.from, to: t });
        }}
        onMouseLeave={() => {
          setCrosshair(null, null);
          setDrag(null);
        }}
        onMouseDown={(s) => {
          if (!onZoom) return;
          const t = label(s as { activeLabel?: unknown });
          if (Number.isFinite(t)) setDrag({ from: t, to: t });
        }}
        onMouseUp={() => {
          if (drag && onZoom && drag.from !== drag.to) onZoom(Math.min(drag.from, drag.to), Math.max(drag.from, drag.to));
          setDrag(null);
        }}
      >
        <CartesianGrid stroke={theme.grid} strokeDasharray="3 3" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[start, end]}
          allowDataOverflow
          tickFormatter={tickFormat}
          ticks={ticks}
          stroke={theme.muted}
          fontSize={11}
          // The ticks above are already spaced for their labels: interval 0 keeps recharts from measuring
          // every label's text in the DOM to thin them out (a forced layout per chart).
          interval={0}
        />
        <YAxis
          width={72}
          stroke={theme.muted}
          fontSize={11}
          tickFormatter={(v: number) => formatValue(v, unit)}
          domain={[0, "auto"]}
          // Five ticks on a 220 px axis never overlap: no measuring (as the x axis).
          interval={0}
        />
        {pointerIn && (
          <Tooltip
            content={(p) => <ChartTooltip {...(p as object)} unit={unit} tz={tz} theme={theme} />}
            isAnimationActive={false}
            cursor={{ stroke: theme.muted, strokeWidth: 1 }}
            wrapperStyle={{ zIndex: 10 }}
          />
        )}
        {thresholds.map((th) => (
          <ReferenceLine
            key={th.label}
            y={th.value}
            stroke={th.color ?? theme.bad}
            strokeDasharray="6 4"
            ifOverflow="extendDomain"
            label={{ value: th.label, position: "insideTopRight", fill: theme.muted, fontSize: 11 }}
          />
        ))}
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.name}
            stroke={l.color}
            strokeWidth={1.5}
            strokeDasharray={l.dashed ? "4 3" : undefined}
            dot={dots.get(l.key) ?? false}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
        {crosshair !== null && crosshairSource !== id && crosshair >= start && crosshair <= end && (
          <ReferenceLine x={crosshair} stroke={theme.accent} strokeWidth={1} className="apiscope-crosshair" />
        )}
        {drag && drag.from !== drag.to && <ReferenceArea x1={drag.from} x2={drag.to} fill={theme.accent} fillOpacity={0.15} />}
      </LineChart>
    </div>
  );
}
