"use client";
// What a chart needs from the frame it sits in: its width and the theme. The panel frame measures its
// content width once (one ResizeObserver for the whole panel) and wraps its chart in
// <ChartFrameProvider width={…}>; TimeSeriesChart and Heatmap read useChartFrame() and measure nothing
// themselves. The theme is not the frame's to measure either: it comes from components/theme.ts, the
// one store the ThemeToggle writes.
//
//   const [width, setWidth] = useState(0);                  // Panel.tsx: one ResizeObserver on the
//   …new ResizeObserver((e) => setWidth(e[0].contentRect.width))  // element the chart fills
//   <ChartFrameProvider width={width}><Heatmap … /></ChartFrameProvider>
//
// A chart that gets only part of the frame (small multiples side by side, a sparkline in a table
// column) is wrapped in a nested provider with its own share (see autoFitColumnWidth), or passes an
// explicit `width` prop (TimeSeriesChart).
// (No JSX in this file, so its unit test runs under vitest, whose TypeScript settings keep JSX as is.)
import { createContext, createElement, useContext, useMemo, type ReactNode } from "react";
import { useTheme, type ThemeTokens } from "./theme";

export interface ChartFrame {
  /** Width in CSS px the chart must draw at, axes included. */
  width: number;
  theme: ThemeTokens;
}

/** The width a chart gets outside any provider (what the charts assumed before their first measure). */
export const FALLBACK_CHART_WIDTH = 800;

const FrameWidth = createContext<number | null>(null);

export function ChartFrameProvider({ width, children }: { width: number; children: ReactNode }) {
  const safe = Number.isFinite(width) && width > 0 ? width : 0;
  return createElement(FrameWidth.Provider, { value: safe }, children);
}

/** The nearest provider's width (FALLBACK_CHART_WIDTH when there is none) and the current theme. */
export function useChartFrame(): ChartFrame {
  const width = useContext(FrameWidth) ?? FALLBACK_CHART_WIDTH;
  const theme = useTheme();
  return useMemo(() => ({ width, theme }), [width, theme]);
}

/**
 * The width of each cell of `grid-template-columns: repeat(auto-fit, minmax(minCellPx, 1fr))` with
 * `gap` px between cells, holding `items` cells in a container `width` px wide: what a small-multiples
 * grid gives each chart, so it can be provided without measuring every cell.
 */
export function autoFitColumnWidth(width: number, items: number, minCellPx: number, gapPx: number): number {
  if (!(width > 0) || items <= 0) return 0;
  // auto-fit makes as many tracks as fit at their minimum, then collapses the empty ones.
  const tracks = Math.max(1, Math.floor((width + gapPx) / (minCellPx + gapPx)));
  const columns = Math.min(items, tracks);
  // A container narrower than one minimum cell still gets a minimum-width cell (it overflows).
  return Math.max(minCellPx, (width - gapPx * (columns - 1)) / columns);
}
