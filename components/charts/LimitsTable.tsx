"use client";
// The "limits-table" kind: one row per value of a label (e.g. each priority level), one column per
// instant query, rows flagged when the declared "used" column reaches the declared limit column.
import { formatValue } from "@/lib/format";
import type { ChartProps } from "./registry";

export function LimitsTable({ panel, data }: ChartProps<"limits-table">) {
  const { rowLabel, rowHeader, sortBy, saturation, unlimitedRows = [] } = panel.options;
  const rowKeys = new Set<string>();
  const values = new Map<string, Map<string, number | null>>();
  for (const q of data.queries) {
    const col = new Map<string, number | null>();
    for (const s of q.series) {
      const key = s.labels[rowLabel] ?? "";
      rowKeys.add(key);
      col.set(key, s.points[0]?.[1] ?? null);
    }
    values.set(q.id, col);
  }
  const value = (queryId: string | undefined, row: string) => (queryId ? (values.get(queryId)?.get(row) ?? null) : null);
  const rows = [...rowKeys].sort((a, b) => (value(sortBy, b) ?? 0) - (value(sortBy, a) ?? 0) || a.localeCompare(b));
  return (
    <table data-testid="limits-table" className="apiscope-table" style={{ width: "100%", borderCollapse: "collapse", fontSize: 13 }}>
      <thead>
        <tr style={{ color: "var(--muted)", textAlign: "left" }}>
          <th>{rowHeader}</th>
          {data.queries.map((q) => (
            <th key={q.id} style={{ textAlign: "right" }}>
              {q.legend}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const unlimited = unlimitedRows.find((u) => u.value === row);
          const used = value(saturation?.used, row);
          const limit = value(saturation?.limit, row) ?? value(saturation?.fallbackLimit, row);
          const saturated = !!saturation && !unlimited && used !== null && limit !== null && limit > 0 && used >= saturation.ratio * limit;
          return (
            <tr key={row} data-testid="limits-row" data-level={row} style={{ borderTop: "1px solid var(--grid)", color: saturated ? "var(--bad)" : undefined }}>
              <td>
                {row}
                {unlimited && <span style={{ color: "var(--muted)" }}> ({unlimited.note})</span>}
                {saturated && <b> · saturated</b>}
              </td>
              {data.queries.map((q) => (
                <td key={q.id} style={{ textAlign: "right", fontVariantNumeric: "tabular-nums" }}>
                  {formatValue(value(q.id, row), panel.unit)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
