"use client";
// One row per priority level, one column per instant query (nominal, current, bounds, in use).
import type { PanelData } from "@/lib/api-schema";
import { formatValue } from "@/lib/format";
import type { PanelDef } from "@/lib/panels/types";

export function LimitsTable({ panel, data }: { panel: PanelDef; data: PanelData }) {
  const levels = new Set<string>();
  const values = new Map<string, Map<string, number | null>>();
  for (const q of data.queries) {
    const col = new Map<string, number | null>();
    for (const s of q.series) {
      const level = s.labels.priority_level ?? "";
      levels.add(level);
      col.set(level, s.points[0]?.[1] ?? null);
    }
    values.set(q.id, col);
  }
  const nominal = values.get("nominal");
  const rows = [...levels].sort((a, b) => (nominal?.get(b) ?? 0) - (nominal?.get(a) ?? 0) || a.localeCompare(b));
  return (
    <table data-testid="limits-table" className="apiscope-table" style={{ width: "100%", borderCollapse: "collapse", fontSize: 13 }}>
      <thead>
        <tr style={{ color: "var(--muted)", textAlign: "left" }}>
          <th>priority level</th>
          {data.queries.map((q) => (
            <th key={q.id} style={{ textAlign: "right" }}>
              {q.legend}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((level) => {
          const inUse = values.get("in-use")?.get(level) ?? null;
          const current = values.get("current")?.get(level) ?? nominal?.get(level) ?? null;
          // exempt is never queued or rejected, whatever its nominal 0 / current 1 seats say.
          const saturated = level !== "exempt" && inUse !== null && current !== null && current > 0 && inUse >= 0.95 * current;
          return (
            <tr key={level} data-testid="limits-row" data-level={level} style={{ borderTop: "1px solid var(--grid)", color: saturated ? "var(--bad)" : undefined }}>
              <td>
                {level}
                {level === "exempt" && <span style={{ color: "var(--muted)" }}> (never limited)</span>}
                {saturated && <b> · saturated</b>}
              </td>
              {data.queries.map((q) => (
                <td key={q.id} style={{ textAlign: "right", fontVariantNumeric: "tabular-nums" }}>
                  {formatValue(values.get(q.id)?.get(level) ?? null, panel.unit)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
