"use client";
// A big number with a sparkline: the first glance of row 1.
import type { PanelData } from "@/lib/api-schema";
import { formatValue, legendFor } from "@/lib/format";
import type { PanelMetaOf, Unit } from "@/lib/panels/types";
import { limitFor } from "./limits";
import type { ChartProps } from "./registry";
import { lastValue, linesFor, peak } from "./series-lines";
import { Sparkline } from "./Sparkline";

interface Reading {
  label: string;
  value: number | null;
  /** highest value in the range: an incident earlier in the range stays visible after it ends */
  peak: number | null;
  unit: Unit;
  limit?: number;
  bad: boolean;
}

/** A reading this close to its configured limit is bad: the next burst hits the limit. */
const NEAR_LIMIT = 0.9;

function readings(panel: PanelMetaOf<"stat">, data: PanelData): Reading[] {
  const out: Reading[] = [];
  for (const q of data.queries) {
    const unit = (q.unit as Unit | undefined) ?? panel.unit;
    // Highest peak first, so the tile leads with the reading that mattered in the range
    // (read-only over mutating in-flight, the busiest rejection reason).
    const ordered = [...q.series].sort((a, b) => peak(b.points) - peak(a.points));
    for (const s of ordered) {
      const value = lastValue(s.points);
      const highest = peak(s.points);
      const label = legendFor(q.legend, s.labels);
      const limit = limitFor(panel.options.limits, data.limits, s.labels);
      // Near its configured limit, or above its query's bad line (SLO, any rejection…).
      const bad = value !== null && ((limit !== undefined && value >= NEAR_LIMIT * limit) || (q.badAbove !== undefined && value > q.badAbove));
      out.push({ label, value, peak: Number.isFinite(highest) ? highest : null, unit, limit, bad });
    }
  }
  return out;
}

export function StatTile({ panel, data }: ChartProps<"stat">) {
  const list = readings(panel, data);
  const [main, ...rest] = list;
  const { lines } = linesFor(data.queries.slice(0, 1), 4);
  return (
    <div data-testid="stat-tile">
      <div style={{ display: "flex", alignItems: "baseline", gap: 8, flexWrap: "wrap" }}>
        <span data-testid="stat-value" data-bad={main?.bad ? "true" : "false"} style={{ fontSize: 26, fontWeight: 600, color: main?.bad ? "var(--bad)" : "var(--fg)", fontVariantNumeric: "tabular-nums" }}>
          {main ? formatValue(main.value, main.unit) : "–"}
        </span>
        {main && list.length > 1 && <span style={{ color: "var(--muted)" }}>{main.label}</span>}
        {main?.limit !== undefined && <span style={{ color: "var(--muted)" }}>/ {main.limit}</span>}
      </div>
      {main && main.peak !== null && main.peak !== main.value && (
        <div data-testid="stat-peak" style={{ fontSize: 12, color: "var(--muted)" }}>
          peak in range <b style={{ color: "var(--fg)", fontVariantNumeric: "tabular-nums" }}>{formatValue(main.peak, main.unit)}</b>
        </div>
      )}
      {rest.length > 0 && (
        <div style={{ display: "flex", gap: 12, flexWrap: "wrap", fontSize: 12 }}>
          {rest.map((r) => (
            <span key={r.label} style={{ color: r.bad ? "var(--bad)" : "var(--muted)" }}>
              {r.label} <b style={{ fontVariantNumeric: "tabular-nums" }}>{formatValue(r.value, r.unit)}</b>
              {r.limit !== undefined && ` / ${r.limit}`}
              {r.peak !== null && r.peak !== r.value && ` (peak ${formatValue(r.peak, r.unit)})`}
            </span>
          ))}
        </div>
      )}
      <Sparkline id={`${panel.id}-spark`} lines={lines} start={data.window.start} end={data.window.end} height={40} />
    </div>
  );
}
