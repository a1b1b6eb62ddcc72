// The page's colours, for light and dark, in one place. Charts read them from useChartFrame().theme
// (components/chart-frame.tsx); app/globals.css mirrors the CSS-variable ones for plain DOM styling,
// and components/theme.test.ts fails when the two disagree.
//
// Which theme is showing is a tiny external store: `<html data-theme>` is set before first paint by
// the boot script in app/layout.tsx (stored choice, else the system's), read here once, and from then
// on changed only through setTheme() (the ThemeToggle). Nothing guesses it from computed DOM colours.
import { useSyncExternalStore } from "react";

export type ThemeName = "light" | "dark";

export interface ThemeTokens {
  name: ThemeName;
  /** Page background. */
  bg: string;
  /** Panel (and tooltip) background: what charts are drawn on. */
  bgPanel: string;
  fg: string;
  /** Axis labels, secondary text. */
  muted: string;
  /** Grid lines and axis lines. */
  grid: string;
  border: string;
  /** Crosshair, zoom selection on line charts, links. */
  accent: string;
  bad: string;
  warn: string;
  good: string;
  codeBg: string;
  /**
   * Heatmap colour scale, fewest → most requests, interpolated in CIE Lab (components/heatmap-colors.ts).
   * On a dark panel more requests = lighter, on a light one = darker, so the busiest cells always
   * stand out most from the background and the emptiest drawn ones still differ from it.
   */
  heatmapScale: readonly string[];
  /** Faint line between heatmap buckets, so neighbouring bands of similar colour do not merge. */
  heatmapBucketLine: string;
  /** The heatmap's drag-to-zoom band. */
  heatmapSelectionFill: string;
  heatmapSelectionBorder: string;
}

/** Tokens mirrored as CSS custom properties in app/globals.css, and the property each one is. */
export const CSS_VARIABLES = {
  bg: "--bg",
  bgPanel: "--bg-panel",
  fg: "--fg",
  muted: "--muted",
  grid: "--grid",
  border: "--border",
  accent: "--accent",
  bad: "--bad",
  warn: "--warn",
  good: "--good",
  codeBg: "--code-bg",
} as const satisfies Partial<Record<keyof ThemeTokens, `--${string}`>>;

const HEATMAP_EXTRAS = {
  heatmapBucketLine: "rgba(128, 128, 128, 0.18)",
  heatmapSelectionFill: "rgba(120, 160, 255, 0.22)",
  heatmapSelectionBorder: "rgba(120, 160, 255, 0.7)",
} as const;

export const THEMES: Readonly<Record<ThemeName, ThemeTokens>> = {
  light: {
    name: "light",
    bg: "#f6f7f9",
    bgPanel: "#ffffff",
    fg: "#1b1f24",
    muted: "#5b6470",
    grid: "#e3e6ea",
    border: "#d5d9df",
    accent: "#2563eb",
    bad: "#c62828",
    warn: "#b26a00",
    good: "#2e7d32",
    codeBg: "#f0f2f5",
    // Pale amber → red → deep plum, readable on white.
    heatmapScale: ["#f7d774", "#f4a442", "#e4672f", "#c0303a", "#86174a", "#4a0c46"],
    ...HEATMAP_EXTRAS,
  },
  dark: {
    name: "dark",
    bg: "#111418",
    bgPanel: "#181c21",
    fg: "#e6e9ed",
    muted: "#9aa4af",
    grid: "#2a3038",
    border: "#303740",
    accent: "#6ea8fe",
    bad: "#ff6b6b",
    warn: "#ffb74d",
    good: "#66bb6a",
    codeBg: "#0f1216",
    // Indigo → teal → green → yellow (viridis-like, its dark end lifted so a single request is
    // visible on a near-black panel).
    heatmapScale: ["#3d4aa8", "#2a7fb0", "#1fa88f", "#5cc75f", "#b9dc3c", "#fdf05a"],
    ...HEATMAP_EXTRAS,
  },
};

/** `<html data-theme>`: the attribute the boot script sets and globals.css switches on. */
export const THEME_ATTRIBUTE = "data-theme";
/** Where the user's pick is kept across visits (the boot script in app/layout.tsx reads it). */
export const THEME_STORAGE_KEY = "apiscope-theme";

let current: ThemeName | null = null;
const listeners = new Set<() => void>();

/** The theme showing now. On the server (and before hydration) "light", as the boot script's default. */
export function getTheme(): ThemeName {
  if (current === null) {
    if (typeof document === "undefined") return "light";
    current = document.documentElement.dataset.theme === "dark" ? "dark" : "light";
  }
  return current;
}

/** Switches the page's theme: the attribute (so CSS follows), the stored pick, and every chart. */
export function setTheme(next: ThemeName): void {
  if (typeof document !== "undefined") {
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }
  if (next === current) return;
  current = next;
  for (const listener of listeners) listener();
}

/** Calls `listener` after every theme change; returns the unsubscribe. */
export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const serverTheme = (): ThemeName => "light";

export function useThemeName(): ThemeName {
  return useSyncExternalStore(subscribeTheme, getTheme, serverTheme);
}

/** The current theme's tokens. Charts get them through useChartFrame().theme. */
export function useTheme(): ThemeTokens {
  return THEMES[useThemeName()];
}
