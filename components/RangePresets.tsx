"use client";
// The "Last N hours" picker of the dashboard's and the fleet's headers.
import { RELATIVE_PRESETS } from "@/lib/time-range";

/** Shows the preset the range is (or "Custom"); picking one sets `from` to it and `to` to now. */
export function RangePresets({ from, to, onPick }: { from: string; to: string; onPick: (from: string) => void }) {
  return (
    <select aria-label="Time range" value={RELATIVE_PRESETS.some((p) => p.from === from) && to === "now" ? from : ""} onChange={(e) => e.target.value && onPick(e.target.value)}>
      <option value="">Custom</option>
      {RELATIVE_PRESETS.map((p) => (
        <option key={p.from} value={p.from}>
          {p.label}
        </option>
      ))}
    </select>
  );
}
