// A panel's data as CSV: one row per timestamp, one column per series (range queries), or one row per
// series (instant queries). Values are the exact numbers the backend returned.
import type { PanelData } from "./api-schema";
import { legendFor } from "./format";

function cell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function panelCsv(data: PanelData): string {
  const lines: string[] = [];
  const range = data.queries.filter((q) => q.type === "range");
  const instant = data.queries.filter((q) => q.type === "instant");
  if (range.length) {
    const columns = range.flatMap((q) => q.series.map((s) => ({ name: `${q.id}: ${legendFor(q.legend, s.labels)}`, values: new Map(s.points) })));
    const times = [...new Set(columns.flatMap((c) => [...c.values.keys()]))].sort((a, b) => a - b);
    lines.push(["time", "unix_seconds", ...columns.map((c) => c.name)].map(cell).join(","));
    for (const t of times) {
      lines.push([new Date(t * 1000).toISOString(), String(t), ...columns.map((c) => numberCell(c.values.get(t)))].map(cell).join(","));
    }
  }
  if (instant.length) {
    if (lines.length) lines.push("");
    lines.push(["query", "series", "labels", "unix_seconds", "value"].join(","));
    for (const q of instant)
      for (const s of q.series) {
        const [t, v] = s.points[0] ?? [data.window.end, null];
        lines.push([q.id, legendFor(q.legend, s.labels), JSON.stringify(s.labels), String(t), numberCell(v)].map(cell).join(","));
      }
  }
  return lines.join("\n") + "\n";
}

function numberCell(v: number | null | undefined): string {
  return v === null || v === undefined ? "" : String(v);
}
