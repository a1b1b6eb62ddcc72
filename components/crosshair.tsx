"use client";
// One shared crosshair for every chart and heatmap on the page: hovering any of them publishes the
// time under the pointer; all others draw a vertical line there. A tiny external store rather than
// React state at the page root, so a pointer move re-renders only the charts, not every panel.
import { useSyncExternalStore } from "react";

type Listener = () => void;

/** Unix seconds under the pointer, or null when the pointer is on no chart. */
let crosshairTime: number | null = null;
/** Which chart the pointer is on, so it does not draw a second line over its own cursor. */
let crosshairSource: string | null = null;
const listeners = new Set<Listener>();

export function setCrosshair(time: number | null, source: string | null = null): void {
  if (time === crosshairTime && source === crosshairSource) return;
  crosshairTime = time;
  crosshairSource = source;
  for (const l of listeners) l();
}

function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** `enabled: false` (sparklines) keeps a constant snapshot, so a pointer move does not re-render them. */
export function useCrosshairTime(): number | null {
  return useSyncExternalStore(subscribe, () => crosshairTime, () => null);
}

export function useCrosshairSource(): string | null {
  return useSyncExternalStore(subscribe, () => crosshairSource, () => null);
}
