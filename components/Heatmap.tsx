"use client";
// Request-duration heatmap (panels 23 and 24): one column per query step, one row per `le` bucket on
// a log scale, colour = how many requests fell in that bucket during that step. Cells are drawn on a
// <canvas> (720 × 24 SVG rects would be far too slow); axes, legend, tooltip, crosshair and the zoom
// band are plain DOM on top, so they are crisp, themable and readable by tests. The canvas is
// redrawn only when the data, the size or the theme changes, never on pointer moves. Width and theme
// come from the panel frame (useChartFrame): the heatmap measures nothing itself.

import { rgb } from "d3-color";
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type PointerEvent as ReactPointerEvent,
} from "react";
import type { Series as RangeSeries } from "@/lib/api-schema";
import {
  bandPixelEdges,
  bucketAtY,
  buildHeatmapMatrix,
  colorLevel,
  formatBound,
  formatBucketRange,
  formatCount,
  formatCountShort,
  legendStops,
  logBands,
  nearestTimeIndex,
  paletteIndex,
  yTicks,
  type HeatmapMatrix,
} from "@/lib/heatmap";
import { formatAxisTime, formatDuration, formatTooltipTime, spansDays, timeTicks, type TimeZoneMode } from "@/lib/time-format";
import { useChartFrame } from "./chart-frame";
import { setCrosshair, useCrosshairSource, useCrosshairTime } from "./crosshair";
import { PALETTE_STEPS, colourAtLevel, paletteFor, type HeatmapScale, type Palette } from "./heatmap-colors";
import type { ThemeTokens } from "./theme";

export interface HeatmapProps {
  /** Unique on the page; identifies this chart as a crosshair source. */
  id: string;
  /** `sum by (le) (increase(..._bucket[w]))`: one cumulative series per `le`. */
  series: RangeSeries[];
  /** Visible range, unix seconds (the same range every chart on the page uses). */
  start: number;
  end: number;
  /** Query step in seconds: the width of one column. */
  step: number;
  unit: "seconds";
  /** Total height in CSS px, axes and legend included. */
  height?: number;
  /** Called with the dragged range (unix seconds) when the user drags across the plot. */
  onZoom?: (from: number, to: number) => void;
  timeZone?: TimeZoneMode;
  /** First words of the accessible name, e.g. "etcd latency heatmap". */
  label?: string;
  /** The `increase(...[w])` window each cell counts over, so the tooltip can say what the count means. */
  windowSeconds?: number;
}

const DEFAULT_HEIGHT = 280;
const Y_AXIS_WIDTH = 58;
const RIGHT_PADDING = 10;
const TOP_PADDING = 8; // room for the top tick label ("+Inf")
const X_AXIS_HEIGHT = 20;
const LEGEND_HEIGHT = 26;
const MIN_Y_LABEL_GAP_PX = 13;
const MIN_X_LABEL_GAP_PX = 90;
const DRAG_THRESHOLD_PX = 5;
/** Past this fraction of the plot, the tooltip opens to the left / above the pointer. */
const TOOLTIP_FLIP_FRACTION = 0.6;

// ---------------------------------------------------------------------------------------------
// Data prepared once per data change

interface PreparedHeatmap {
  matrix: HeatmapMatrix;
  /** Palette index per cell (bucket × times.length + timeIndex), 0 = leave undrawn. Computed once
   * per data change so a redraw (resize, theme) only copies colours into pixels. */
  colourIndexByCell: Uint8Array;
  /** Log-unit band edges of the buckets, bottom first. */
  bandEdges: number[];
}

function prepareHeatmap(series: RangeSeries[]): PreparedHeatmap {
  const matrix = buildHeatmapMatrix(series);
  const columns = matrix.times.length;
  const colourIndexByCell = new Uint8Array(matrix.bounds.length * columns);
  matrix.counts.forEach((row, bucket) => {
    row.forEach((count, timeIndex) => {
      colourIndexByCell[bucket * columns + timeIndex] = paletteIndex(colorLevel(count, matrix.max), PALETTE_STEPS);
    });
  });
  return { matrix, colourIndexByCell, bandEdges: logBands(matrix.bounds).edges };
}

// ---------------------------------------------------------------------------------------------
// Drawing

interface PlotGeometry {
  width: number;
  height: number;
  devicePixelRatio: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A CSS colour → one opaque RGBA pixel as a Uint32 in the platform's byte order (ImageData layout). */
function packPixel(colour: string): number {
  const { r, g, b } = rgb(colour);
  return (LITTLE_ENDIAN ? (255 << 24) | (b << 16) | (g << 8) | r : (r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

const packedPalettes = new WeakMap<Palette, Uint32Array>();
function packedPalette(palette: Palette): Uint32Array {
  let packed = packedPalettes.get(palette);
  if (!packed) {
    packed = new Uint32Array(palette.map((colour, i) => (i === 0 ? 0 : packPixel(colour))));
    packedPalettes.set(palette, packed);
  }
  return packed;
}

/** One off-screen strip per heatmap canvas, reused across redraws. */
const bucketStrips = new WeakMap<HTMLCanvasElement, HTMLCanvasElement>();

/**
 * Paints the cells, edges snapped to device pixels so neighbouring cells neither overlap nor blur.
 * Every bucket is one row of identical pixels, so it is composed once, at full device width and one
 * pixel tall, into an off-screen strip (buckets × width, ~40k pixels), and each row is then
 * stretched down its band by drawImage without smoothing. That keeps JS work to ~17k typed-array
 * fills and leaves the ~1M-pixel fill to the browser; 17 000 fillRect calls cost several times more.
 */
function drawCells(
  canvas: HTMLCanvasElement,
  prepared: PreparedHeatmap,
  yPixelEdges: number[],
  range: { start: number; end: number; step: number },
  geometry: PlotGeometry,
  palette: Palette,
  bucketLine: string,
): void {
  const dpr = geometry.devicePixelRatio;
  const widthDevice = Math.max(1, Math.round(geometry.width * dpr));
  const heightDevice = Math.max(1, Math.round(geometry.height * dpr));
  const resized = canvas.width !== widthDevice || canvas.height !== heightDevice;
  if (resized) {
    // Assigning the size also clears the canvas.
    canvas.width = widthDevice;
    canvas.height = heightDevice;
  }
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  if (!resized) ctx.clearRect(0, 0, widthDevice, heightDevice);

  const { times, bounds } = prepared.matrix;
  const columns = times.length;
  const span = Math.max(range.end - range.start, 1e-9);
  const toDeviceX = (t: number) => ((t - range.start) / span) * widthDevice;
  // Each column is centred on its timestamp, so the cell under a line chart's point at time t sits
  // right under it and the shared crosshair crosses both at the same x.
  const columnLeft = new Int32Array(columns);
  const columnRight = new Int32Array(columns);
  for (let i = 0; i < columns; i++) {
    const centre = toDeviceX(times[i]);
    const left = Math.max(0, Math.round(toDeviceX(times[i] - range.step / 2)));
    const right = Math.min(widthDevice, Math.round(toDeviceX(times[i] + range.step / 2)));
    columnLeft[i] = left;
    // Columns narrower than a device pixel still get one, rather than vanish.
    columnRight[i] = right > left ? right : centre >= 0 && centre < widthDevice ? left + 1 : left;
  }

  let strip = bucketStrips.get(canvas);
  if (!strip) {
    strip = document.createElement("canvas");
    bucketStrips.set(canvas, strip);
  }
  strip.width = widthDevice;
  strip.height = Math.max(1, bounds.length);
  const stripCtx = strip.getContext("2d");
  if (!stripCtx) return;
  const image = stripCtx.createImageData(widthDevice, strip.height);
  const pixels = new Uint32Array(image.data.buffer);
  const colours = packedPalette(palette);
  for (let bucket = 0; bucket < bounds.length; bucket++) {
    const rowStart = bucket * widthDevice;
    const cellOffset = bucket * columns;
    for (let column = 0; column < columns; column++) {
      const colour = prepared.colourIndexByCell[cellOffset + column];
      if (colour === 0) continue;
      // A plain loop: cells are ~1–3 pixels wide, where a fill() call per cell costs more than it saves.
      const pixel = colours[colour];
      for (let x = rowStart + columnLeft[column], stop = rowStart + columnRight[column]; x < stop; x++) pixels[x] = pixel;
    }
  }
  stripCtx.putImageData(image, 0, 0);

  ctx.imageSmoothingEnabled = false;
  for (let bucket = 0; bucket < bounds.length; bucket++) {
    const top = Math.max(0, Math.round(yPixelEdges[bucket + 1] * dpr));
    const bottom = Math.min(heightDevice, Math.max(top + 1, Math.round(yPixelEdges[bucket] * dpr)));
    ctx.drawImage(strip, 0, bucket, widthDevice, 1, 0, top, widthDevice, bottom - top);
  }

  // Faint lines between buckets: with 24 rows, neighbouring bands of similar colour otherwise merge.
  ctx.fillStyle = bucketLine;
  for (let bucket = 1; bucket < bounds.length; bucket++) {
    ctx.fillRect(0, Math.round(yPixelEdges[bucket] * dpr) - 1, widthDevice, 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Hooks

/**
 * window.devicePixelRatio, kept current: dragging the window to a screen of another density changes
 * it without a resize. A resolution query only reports leaving its value, so each change re-arms it.
 */
function useDevicePixelRatio(): number {
  const [ratio, setRatio] = useState(() => (typeof window === "undefined" ? 1 : window.devicePixelRatio || 1));
  useEffect(() => {
    let resolution: MediaQueryList | null = null;
    const watch = () => {
      resolution?.removeEventListener("change", onChange);
      const current = window.devicePixelRatio || 1;
      setRatio(current);
      resolution = window.matchMedia(`(resolution: ${current}dppx)`);
      resolution.addEventListener("change", onChange);
    };
    function onChange() {
      watch();
    }
    watch();
    return () => resolution?.removeEventListener("change", onChange);
  }, []);
  return ratio;
}

// ---------------------------------------------------------------------------------------------
// Component

interface HoveredCell {
  timeIndex: number;
  bucket: number;
  /** Pointer position in plot coordinates (CSS px). */
  x: number;
  y: number;
}

interface DragSelection {
  fromX: number;
  toX: number;
}

export function Heatmap({
  id,
  series,
  start,
  end,
  step,
  height = DEFAULT_HEIGHT,
  onZoom,
  timeZone = "local",
  label = "Latency heatmap",
  windowSeconds,
}: HeatmapProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { width: containerWidth, theme } = useChartFrame();
  const devicePixelRatio = useDevicePixelRatio();
  const styles = useMemo(() => heatmapStyles(theme), [theme]);
  const crosshairTime = useCrosshairTime();
  const crosshairSource = useCrosshairSource();
  const [hoveredState, setHovered] = useState<HoveredCell | null>(null);
  const [selection, setSelection] = useState<DragSelection | null>(null);
  const dragStartX = useRef<number | null>(null);

  const prepared = useMemo(() => prepareHeatmap(series), [series]);
  const { matrix } = prepared;
  // A refresh can shrink the matrix under a still pointer: drop a hover that no longer exists.
  const hovered =
    hoveredState && hoveredState.bucket < matrix.bounds.length && hoveredState.timeIndex < matrix.times.length ? hoveredState : null;
  const plotWidth = Math.max(0, containerWidth - Y_AXIS_WIDTH - RIGHT_PADDING);
  const plotHeight = Math.max(20, height - TOP_PADDING - X_AXIS_HEIGHT - LEGEND_HEIGHT);
  const span = Math.max(end - start, 1e-9);
  const yPixelEdges = useMemo(() => bandPixelEdges({ edges: prepared.bandEdges }, plotHeight), [prepared, plotHeight]);
  const palette = paletteFor(theme.heatmapScale);
  const isEmpty = matrix.bounds.length === 0 || matrix.times.length === 0;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || plotWidth <= 0 || isEmpty) return;
    const began = performance.now();
    drawCells(canvas, prepared, yPixelEdges, { start, end, step }, { width: plotWidth, height: plotHeight, devicePixelRatio }, palette, theme.heatmapBucketLine);
    // Exposed for performance checks: the budget is well under one 16 ms frame.
    canvas.dataset.drawMs = (performance.now() - began).toFixed(2);
  }, [prepared, yPixelEdges, start, end, step, plotWidth, plotHeight, devicePixelRatio, palette, theme.heatmapBucketLine, isEmpty]);

  const yTickList = useMemo(() => yTicks(matrix.bounds, yPixelEdges, MIN_Y_LABEL_GAP_PX), [matrix.bounds, yPixelEdges]);
  const multiDay = spansDays(end - start);
  const xTickList = useMemo(
    () => timeTicks(start, end, plotWidth, MIN_X_LABEL_GAP_PX, timeZone),
    [start, end, plotWidth, timeZone],
  );

  const xOf = useCallback((t: number) => ((t - start) / span) * plotWidth, [start, span, plotWidth]);
  const timeAtX = useCallback((x: number) => start + (x / Math.max(plotWidth, 1)) * span, [start, span, plotWidth]);

  const pointerInPlot = (event: ReactPointerEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return {
      x: Math.min(Math.max(event.clientX - rect.left, 0), plotWidth),
      y: Math.min(Math.max(event.clientY - rect.top, 0), plotHeight),
    };
  };

  const handlePointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    const { x, y } = pointerInPlot(event);
    const time = timeAtX(x);
    const timeIndex = nearestTimeIndex(matrix.times, time);
    const onCell = timeIndex >= 0 && Math.abs(matrix.times[timeIndex] - time) <= step / 2 + 1e-6;
    const bucket = bucketAtY(yPixelEdges, y);
    // Publish the cell's own timestamp so every chart lines up on a real sample time.
    setCrosshair(onCell ? matrix.times[timeIndex] : start + Math.round((time - start) / step) * step, id);
    setHovered(onCell && bucket >= 0 ? { timeIndex, bucket, x, y } : null);
    if (dragStartX.current !== null) setSelection({ fromX: dragStartX.current, toX: x });
  };

  const handlePointerLeave = () => {
    setHovered(null);
    setCrosshair(null, null);
  };

  const handlePointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (!onZoom || event.button !== 0) return;
    dragStartX.current = pointerInPlot(event).x;
    // Keep receiving moves when the drag leaves the plot.
    event.currentTarget.setPointerCapture(event.pointerId);
  };

  const finishDrag = (event: ReactPointerEvent<HTMLDivElement>, commit: boolean) => {
    const fromX = dragStartX.current;
    dragStartX.current = null;
    setSelection(null);
    if (fromX === null || !onZoom) return;
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
    const toX = pointerInPlot(event).x;
    if (!commit || Math.abs(toX - fromX) <= DRAG_THRESHOLD_PX) return;
    onZoom(Math.round(timeAtX(Math.min(fromX, toX))), Math.round(timeAtX(Math.max(fromX, toX))));
  };

  if (isEmpty) {
    return (
      <div style={{ ...styles.container, ...styles.empty, width: containerWidth, height }}>
        No requests in this range
      </div>
    );
  }

  const first = matrix.bounds[0];
  const last = matrix.bounds[matrix.bounds.length - 1];
  const ariaLabel =
    `${label}, ${matrix.bounds.length} buckets from ${formatBound(first.upper)} to ${formatBound(last.upper)}, ` +
    `${Math.round(matrix.total).toLocaleString("en-US")} requests`;

  const otherChartCrosshair =
    crosshairTime !== null && crosshairSource !== id && crosshairTime >= start && crosshairTime <= end ? crosshairTime : null;

  return (
    <div style={{ ...styles.container, width: containerWidth, height }}>
      <div
        style={{ ...styles.plot, left: Y_AXIS_WIDTH, top: TOP_PADDING, width: plotWidth, height: plotHeight }}
        onPointerMove={handlePointerMove}
        onPointerLeave={handlePointerLeave}
        onPointerDown={handlePointerDown}
        onPointerUp={(event) => finishDrag(event, true)}
        onPointerCancel={(event) => finishDrag(event, false)}
      >
        <canvas ref={canvasRef} role="img" aria-label={ariaLabel} style={styles.canvas} />
        {hovered && (
          <HoveredCellOutline
            left={xOf(matrix.times[hovered.timeIndex] - step / 2)}
            right={xOf(matrix.times[hovered.timeIndex] + step / 2)}
            top={yPixelEdges[hovered.bucket + 1]}
            bottom={yPixelEdges[hovered.bucket]}
            plotWidth={plotWidth}
            styles={styles}
          />
        )}
        {otherChartCrosshair !== null && (
          <div data-testid="crosshair-line" data-time={otherChartCrosshair} style={{ ...styles.crosshair, left: xOf(otherChartCrosshair) }} />
        )}
        {selection && (
          <div
            data-testid="heatmap-zoom-selection"
            style={{ ...styles.selection, left: Math.min(selection.fromX, selection.toX), width: Math.abs(selection.toX - selection.fromX) }}
          />
        )}
      </div>

      <YAxis ticks={yTickList} styles={styles} />
      <XAxis ticks={xTickList} xOf={xOf} plotHeight={plotHeight} timeZone={timeZone} withDate={multiDay} styles={styles} />
      <Legend
        minPositive={matrix.minPositive}
        max={matrix.max}
        scale={theme.heatmapScale}
        styles={styles}
        hoveredCount={hovered ? matrix.counts[hovered.bucket][hovered.timeIndex] : null}
        top={TOP_PADDING + plotHeight + X_AXIS_HEIGHT}
      />
      {hovered && (
        <Tooltip
          matrix={matrix}
          cell={hovered}
          flipLeft={hovered.x > plotWidth * TOOLTIP_FLIP_FRACTION}
          flipUp={hovered.y > plotHeight * TOOLTIP_FLIP_FRACTION}
          timeZone={timeZone}
          withDate={multiDay}
          windowSeconds={windowSeconds}
          styles={styles}
        />
      )}
    </div>
  );
}

export default Heatmap;

// ---------------------------------------------------------------------------------------------
// Parts

function HoveredCellOutline(props: { left: number; right: number; top: number; bottom: number; plotWidth: number; styles: HeatmapStyles }) {
  const { styles } = props;
  const left = Math.max(0, props.left);
  const right = Math.min(props.plotWidth, props.right);
  return <div style={{ ...styles.cellOutline, left: left - 1, top: props.top - 1, width: Math.max(1, right - left) + 2, height: props.bottom - props.top + 2 }} />;
}

function YAxis({ ticks, styles }: { ticks: { position: number; label: string }[]; styles: HeatmapStyles }) {
  return (
    <div aria-hidden style={{ ...styles.yAxis, top: TOP_PADDING, width: Y_AXIS_WIDTH - 6 }}>
      {ticks.map((tick) => (
        <span key={tick.label} style={{ ...styles.yLabel, top: tick.position }}>
          {tick.label}
        </span>
      ))}
    </div>
  );
}

function XAxis(props: { ticks: number[]; xOf: (t: number) => number; plotHeight: number; timeZone: TimeZoneMode; withDate: boolean; styles: HeatmapStyles }) {
  const { styles } = props;
  return (
    <div aria-hidden style={{ ...styles.xAxis, left: Y_AXIS_WIDTH, top: TOP_PADDING + props.plotHeight }}>
      {props.ticks.map((t) => (
        <span key={t} style={{ ...styles.xLabel, left: props.xOf(t) }}>
          {formatAxisTime(t, props.timeZone, props.withDate)}
        </span>
      ))}
    </div>
  );
}

const LEGEND_BAR_WIDTH = 160;

function Legend(props: { minPositive: number; max: number; scale: HeatmapScale; hoveredCount: number | null; top: number; styles: HeatmapStyles }) {
  const { minPositive, max, scale, styles } = props;
  const stops = useMemo(() => legendStops(minPositive, max, 8), [minPositive, max]);
  // Memoized: every crosshair move on the page re-renders the heatmap, the gradient never changes.
  const gradient = useMemo(
    () =>
      `linear-gradient(to right, ${stops
        .map((s) => `${colourAtLevel(scale, s.level)} ${(s.offset * 100).toFixed(1)}%`)
        .join(", ")})`,
    [stops, scale],
  );
  if (stops.length === 0) {
    return <div style={{ ...styles.legend, top: props.top }}>No requests in this range</div>;
  }
  // Where the hovered cell's count sits on the legend, on the same log scale as the colours.
  const lowLevel = stops[0].level;
  const hoveredLevel = colorLevel(props.hoveredCount, props.max);
  const markerOffset = hoveredLevel === null ? null : lowLevel >= 1 ? 1 : Math.max(0, (hoveredLevel - lowLevel) / (1 - lowLevel));
  return (
    <div data-testid="heatmap-legend" style={{ ...styles.legend, top: props.top }}>
      <span style={styles.legendTitle}>requests per cell</span>
      <span data-testid="heatmap-legend-min">{formatCountShort(stops[0].count)}</span>
      <span style={{ ...styles.legendBar, background: gradient }}>
        {markerOffset !== null && <span style={{ ...styles.legendMarker, left: `${markerOffset * 100}%` }} />}
      </span>
      <span data-testid="heatmap-legend-max">{formatCountShort(props.max)}</span>
    </div>
  );
}

function Tooltip(props: {
  matrix: HeatmapMatrix;
  cell: HoveredCell;
  flipLeft: boolean;
  flipUp: boolean;
  timeZone: TimeZoneMode;
  withDate: boolean;
  windowSeconds?: number;
  styles: HeatmapStyles;
}) {
  const { matrix, cell, styles } = props;
  const window = props.windowSeconds ? formatDuration(props.windowSeconds) : null;
  const time = matrix.times[cell.timeIndex];
  const bounds = matrix.bounds[cell.bucket];
  const count = matrix.counts[cell.bucket][cell.timeIndex];
  // Share of the step's requests: "is this a few slow outliers or most of the traffic?"
  const stepTotal = matrix.counts.reduce((sum, row) => sum + (row[cell.timeIndex] ?? 0), 0);
  const share = count !== null && stepTotal > 0 ? (100 * count) / stepTotal : null;
  // Open away from the nearest edges so the panel's overflow never clips it.
  const left = Y_AXIS_WIDTH + cell.x + (props.flipLeft ? -12 : 12);
  const top = TOP_PADDING + cell.y + (props.flipUp ? -12 : 12);
  const transform = `translate(${props.flipLeft ? "-100%" : "0"}, ${props.flipUp ? "-100%" : "0"})`;
  return (
    <div
      data-testid="heatmap-tooltip"
      role="tooltip"
      data-time={time}
      data-bucket-lower={String(bounds.lower)}
      data-bucket-upper={bounds.upper === Infinity ? "+Inf" : String(bounds.upper)}
      data-count={count === null ? undefined : String(count)}
      style={{ ...styles.tooltip, left, top, transform }}
    >
      <div style={styles.tooltipTime}>{formatTooltipTime(time, props.timeZone, props.withDate)}</div>
      <div>{formatBucketRange(bounds)}</div>
      <div style={styles.tooltipCount}>{count === null ? "no data" : `count ${formatCount(count)}`}</div>
      {count !== null && window && <div style={styles.tooltipShare}>requests in the {window} before this time</div>}
      {share !== null && <div style={styles.tooltipShare}>{share < 0.1 && share > 0 ? "<0.1" : share.toFixed(1)}% of all requests then</div>}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Styles (inline, from the theme tokens the frame provides)

type HeatmapStyles = ReturnType<typeof heatmapStyles>;

function heatmapStyles(theme: ThemeTokens) {
  const { fg, muted, grid, bgPanel } = theme;
  return {
    container: { position: "relative", color: fg, fontSize: 11, userSelect: "none" },
    empty: {
      display: "flex",
      alignItems: "center",
      justifyContent: "center",
      color: muted,
      fontSize: 13,
    },
    // Axis lines as a shadow, not a border: a border would offset the canvas from the pointer maths.
    plot: { position: "absolute", cursor: "crosshair", touchAction: "pan-y", boxShadow: `-1px 1px 0 0 ${grid}` },
    canvas: { display: "block", width: "100%", height: "100%" },
    crosshair: { position: "absolute", top: 0, bottom: 0, width: 0, borderLeft: `1px dashed ${fg}`, opacity: 0.7, pointerEvents: "none" },
    selection: { position: "absolute", top: 0, bottom: 0, background: theme.heatmapSelectionFill, border: `1px solid ${theme.heatmapSelectionBorder}`, pointerEvents: "none" },
    cellOutline: { position: "absolute", border: `1px solid ${fg}`, boxSizing: "border-box", pointerEvents: "none" },
    yAxis: { position: "absolute", left: 0, bottom: 0, pointerEvents: "none" },
    yLabel: { position: "absolute", right: 0, transform: "translateY(-50%)", color: muted, whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" },
    xAxis: { position: "absolute", right: RIGHT_PADDING, height: X_AXIS_HEIGHT, pointerEvents: "none" },
    xLabel: { position: "absolute", top: 4, transform: "translateX(-50%)", color: muted, whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" },
    legend: { position: "absolute", left: Y_AXIS_WIDTH, right: RIGHT_PADDING, height: LEGEND_HEIGHT, display: "flex", alignItems: "center", justifyContent: "flex-end", gap: 6, color: muted },
    legendTitle: { whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis", minWidth: 0 },
    legendBar: { position: "relative", display: "inline-block", flex: `0 1 ${LEGEND_BAR_WIDTH}px`, minWidth: 60, height: 10, borderRadius: 2 },
    legendMarker: { position: "absolute", top: -3, bottom: -3, width: 2, marginLeft: -1, background: fg },
    tooltip: {
      position: "absolute",
      zIndex: 2,
      pointerEvents: "none",
      padding: "6px 8px",
      borderRadius: 4,
      background: bgPanel,
      color: fg,
      border: `1px solid ${grid}`,
      boxShadow: "0 2px 8px rgba(0, 0, 0, 0.25)",
      whiteSpace: "nowrap",
      lineHeight: 1.45,
      fontVariantNumeric: "tabular-nums",
    },
    tooltipTime: { color: muted },
    tooltipCount: { fontWeight: 600 },
    tooltipShare: { color: muted },
  } satisfies Record<string, CSSProperties>;
}
