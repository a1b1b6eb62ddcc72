"use client";
// The "ranked-table" kind: rows ranked by one query's value over the range, other queries as columns,
// and a sparkline per row from a range query matched by labels.
import { formatValue, legendFor } from "@/lib/format";
import { useChartFrame } from "../chart-frame";
import type { ChartProps } from "./registry";
import { labelsKey } from "./series-lines";
import { colorAt } from "./palette";
import { TimeSeriesChart } from "./TimeSeriesChart";

const SPARK_COLUMN = 0.3;

export function RankedTable({ panel, data, tz }: ChartProps<"ranked-table">) {
  const rank = panel.options;
  const header = (id: string) => rank.columnHeaders?.[id] ?? id;
  // The sparkline column is 30 % of the table, less its cell padding.
  const sparkWidth = Math.max(40, Math.floor(useChartFrame().width * SPARK_COLUMN) - 12);
  const ranking = data.queries.find((q) => q.id === rank.rankBy);
  const sparkQuery = data.queries.find((q) => q.id === rank.sparkline);
  const otherColumns = data.queries.filter((q) => q.type === "instant" && q.id !== rank.rankBy);
  if (!ranking) return null;
  const rows = ranking.series
    .map((s) => ({ labels: s.labels, value: s.points[0]?.[1] ?? null }))
    .filter((r) => r.value !== null && Number.isFinite(r.value))
    .sort((a, b) => b.value! - a.value!)
    .slice(0, rank.limit);
  const sparkByKey = new Map((sparkQuery?.series ?? []).map((s) => [labelsKey(s.labels), s.points]));
  return (
    <table data-testid="ranked-table" className="apiscope-table" style={{ width: "100%", borderCollapse: "collapse", fontSize: 13 }}>
      <thead>
        <tr style={{ color: "var(--muted)", textAlign: "left" }}>
          <th style={{ width: 24 }}>#</th>
          <th>{rank.rowHeader}</th>
          <th style={{ textAlign: "right" }}>{header(ranking.id)}</th>
          {otherColumns.map((c) => (
            <th key={c.id} style={{ textAlign: "right" }}>
              {header(c.id)}
            </th>
          ))}
          {sparkQuery && <th style={{ width: `${SPARK_COLUMN * 100}%` }}>over the range</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => {
          const key = labelsKey(r.labels);
          const spark = sparkByKey.get(key);
          return (
            <tr key={key} data-testid="ranked-row" data-rank={i + 1} data-labels={JSON.stringify(r.labels)} data-value={r.value ?? ""} style={{ borderTop: "1px solid var(--grid)" }}>
              <td>{i + 1}</td>
              <td style={{ wordBreak: "break-word" }}>{legendFor(ranking.legend, r.labels)}</td>
              <td style={{ textAlign: "right", fontVariantNumeric: "tabular-nums" }}>{formatValue(r.value, panel.unit)}</td>
              {otherColumns.map((c) => {
                const match = c.series.find((s) => labelsKey(s.labels) === key);
                return (
                  <td key={c.id} style={{ textAlign: "right", fontVariantNumeric: "tabular-nums", color: "var(--muted)" }}>
                    {formatValue(match?.points[0]?.[1] ?? null, panel.unit)}
                  </td>
                );
              })}
              {sparkQuery && (
                <td>
                  {spark && (
                    <TimeSeriesChart id={`${panel.id}-row-${i}`} lines={[{ key: "v", name: "", color: colorAt(i), points: spark }]} unit={panel.unit} start={data.window.start} end={data.window.end} tz={tz} height={28} width={sparkWidth} compact />
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
