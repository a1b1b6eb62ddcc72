"use client";
// The "ranked-table" kind: rows ranked by one query's value over the range, other queries as columns,
// and a sparkline per row from a range query matched by labels.
import { Fragment, useState } from "react";
import { auditQuery, type AuditFilter } from "@/lib/audit-query";
import type { PanelData } from "@/lib/api-schema";
import { formatValue, legendFor } from "@/lib/format";
import type { RankedTableOptions } from "@/lib/panels/kinds";
import { AuditQueryBox } from "../AuditQueryBox";
import { useChartFrame } from "../chart-frame";
import type { ChartProps } from "./registry";
import { labelsKey } from "./series-lines";
import { colorAt } from "./palette";
import { Sparkline } from "./Sparkline";

const SPARK_COLUMN = 0.3;

const fill = (template: string | undefined, labels: Record<string, string>) =>
  template ? template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? "") || undefined : undefined;

/** The audit-log query for one row: the panel's rowAudit templates filled from the row's labels, over the panel's window. */
function rowAuditQuery(rowAudit: NonNullable<RankedTableOptions["rowAudit"]>, target: NonNullable<PanelData["audit"]>, labels: Record<string, string>, data: PanelData) {
  const filter: AuditFilter = {
    verb: fill(rowAudit.verb, labels),
    resource: fill(rowAudit.resource, labels),
    flowSchema: fill(rowAudit.flowSchema, labels),
    priorityLevel: fill(rowAudit.priorityLevel, labels),
  };
  return auditQuery(target, filter, data.window.start, data.window.end);
}

export function RankedTable({ panel, data }: ChartProps<"ranked-table">) {
  const rank = panel.options;
  const [auditRow, setAuditRow] = useState<string | null>(null);
  const audit = rank.rowAudit && data.audit ? { templates: rank.rowAudit, target: data.audit } : null;
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
          {audit && <th />}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => {
          const key = labelsKey(r.labels);
          const spark = sparkByKey.get(key);
          const columns = 3 + otherColumns.length + (sparkQuery ? 1 : 0) + 1;
          return (
            <Fragment key={key}>
            <tr data-testid="ranked-row" data-rank={i + 1} data-labels={JSON.stringify(r.labels)} data-value={r.value ?? ""} style={{ borderTop: "1px solid var(--grid)" }}>
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
                    <Sparkline id={`${panel.id}-row-${i}`} lines={[{ key: "v", color: colorAt(i), points: spark }]} start={data.window.start} end={data.window.end} height={28} width={sparkWidth} />
                  )}
                </td>
              )}
              {audit && (
                <td style={{ textAlign: "right" }}>
                  <button type="button" data-testid="row-audit" aria-expanded={auditRow === key} onClick={() => setAuditRow(auditRow === key ? null : key)} style={{ fontSize: 11, padding: "0 4px" }} title="The audit-log query that finds who sent these requests">
                    who?
                  </button>
                </td>
              )}
            </tr>
            {audit && auditRow === key && (
              <tr data-testid="row-audit-details">
                <td colSpan={columns}>
                  <AuditQueryBox audit={rowAuditQuery(audit.templates, audit.target, r.labels, data)} scope="this panel's range" />
                </td>
              </tr>
            )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
