"use client";
// The fleet's rows: each cluster's readings, its score, and what it cost; the name opens its dashboard
// on the same range. A row's top finding is asked for only on a click: the findings read the dashboard's
// panels (about one dashboard load of samples), far more than the row's own readings.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { findingsResponseSchema, type ClusterSummary, type FleetReadings, type FleetRow } from "@/lib/api-schema";
import { SCORE_THRESHOLDS, tierSeatShare } from "@/lib/fleet-score";
import { formatValue } from "@/lib/format";
import { getJson } from "./api-client";

export interface FleetEntry {
  cluster: ClusterSummary;
  row?: FleetRow;
  /** The request for this row failed (the server did not answer, or refused it). */
  requestError?: string;
}

interface Column {
  title: string;
  cell: (r: FleetReadings) => { text: string; bad: boolean };
}

const over = (value: number | null, threshold: number) => value !== null && value >= threshold;

const COLUMNS: Column[] = [
  { title: "Requests", cell: (r) => ({ text: formatValue(r.requestRate, "reqps"), bad: false }) },
  { title: "5xx", cell: (r) => ({ text: formatValue(r.errorShare, "ratio"), bad: over(r.errorShare, SCORE_THRESHOLDS.errorShare) }) },
  { title: "429", cell: (r) => ({ text: formatValue(r.throttledShare, "ratio"), bad: over(r.throttledShare, SCORE_THRESHOLDS.throttledShare) }) },
  { title: "4xx", cell: (r) => ({ text: formatValue(r.clientErrorShare, "ratio"), bad: false }) },
  { title: "API p99", cell: (r) => ({ text: formatValue(r.apiP99Seconds, "seconds"), bad: over(r.apiP99Seconds, SCORE_THRESHOLDS.apiP99Seconds) }) },
  {
    title: "Busiest APF level",
    cell: (r) => ({
      text: r.seatUtilizationPercent === null ? "–" : `${formatValue(r.seatUtilizationPercent, "percent")} ${r.seatLevel ?? ""}`,
      bad: over(r.seatUtilizationPercent, SCORE_THRESHOLDS.seatUtilizationPercent),
    }),
  },
  {
    // Only clusters on an EKS Provisioned Control Plane tier have a fixed cluster-wide seat ceiling.
    title: "Seats / tier",
    cell: (r) => {
      const share = tierSeatShare(r);
      return {
        text: !r.tier ? "standard" : `${formatValue(r.tier.inUse, "count")} / ${formatValue(r.tier.seats, "count")} ${r.tier.name}${share === null ? "" : ` (${formatValue(share, "ratio")})`}`,
        bad: over(share, SCORE_THRESHOLDS.tierSeatShare),
      };
    },
  },
  {
    title: "In-flight / limit",
    cell: (r) => ({ text: r.inflightShare === null ? "–" : `${formatValue(r.inflightShare, "ratio")} ${r.inflightKind ?? ""}`, bad: over(r.inflightShare, SCORE_THRESHOLDS.inflightShare) }),
  },
  { title: "etcd p99", cell: (r) => ({ text: formatValue(r.etcdP99Seconds, "seconds"), bad: over(r.etcdP99Seconds, SCORE_THRESHOLDS.etcdP99Seconds) }) },
  {
    title: "etcd size / quota",
    cell: (r) => ({
      text: r.etcdSizeBytes === null ? "–" : `${formatValue(r.etcdSizeBytes, "bytes")} / ${formatValue(r.etcdQuotaBytes, "bytes")}`,
      bad: r.etcdSizeBytes !== null && r.etcdSizeBytes / r.etcdQuotaBytes >= SCORE_THRESHOLDS.etcdSizeShare,
    }),
  },
];

interface ViewRange {
  start: number;
  end: number;
  fromParam: string;
  toParam: string;
}

function TopFinding({ clusterId, range }: { clusterId: string; range: ViewRange }) {
  const [asked, setAsked] = useState(false);
  const findings = useQuery({
    queryKey: ["fleet-finding", clusterId, range.start, range.end],
    queryFn: ({ signal }) => getJson(`/api/findings?${new URLSearchParams({ cluster: clusterId, start: String(range.start), end: String(range.end) })}`, findingsResponseSchema, signal),
    enabled: asked,
    staleTime: 60_000,
  });
  if (!asked) {
    return (
      <button type="button" data-testid="fleet-finding-ask" onClick={() => setAsked(true)} title="Ask for this cluster's findings in the range (reads its dashboard's panels: about one dashboard load)">
        top finding
      </button>
    );
  }
  if (findings.error) return <span style={{ color: "var(--bad)" }}>{findings.error.message}</span>;
  if (!findings.data) return <span style={{ color: "var(--muted)" }}>looking…</span>;
  const top = findings.data.findings[0];
  const cost = `${formatValue(findings.data.samplesProcessed, "count")} samples`;
  if (!top) return <span data-testid="fleet-finding" data-cause="" style={{ color: "var(--muted)" }}>no problem found ({cost})</span>;
  const link = `/?${new URLSearchParams({ cluster: clusterId, from: range.fromParam, to: range.toParam, finding: top.id })}`;
  return (
    <span data-testid="fleet-finding" data-cause={top.cause} data-severity={top.severity}>
      <a href={link} style={{ color: top.severity === "critical" ? "var(--bad)" : undefined }}>
        {top.title}
      </a>{" "}
      <span style={{ color: "var(--muted)" }}>({cost})</span>
    </span>
  );
}

const cellStyle = { padding: "6px 10px", borderBottom: "1px solid var(--border)", textAlign: "right" as const, fontVariantNumeric: "tabular-nums" as const, whiteSpace: "nowrap" as const };

function RowCells({ entry, range }: { entry: FleetEntry; range: ViewRange }) {
  const { row, requestError } = entry;
  if (row?.status === "ok") {
    return (
      <>
        {COLUMNS.map((c) => {
          const { text, bad } = c.cell(row.readings);
          return (
            <td key={c.title} data-bad={bad ? "true" : "false"} style={{ ...cellStyle, color: bad ? "var(--bad)" : undefined }}>
              {text}
            </td>
          );
        })}
        <td style={cellStyle}>{row.score.toFixed(2)}</td>
        <td style={{ ...cellStyle, textAlign: "left", maxWidth: 360, whiteSpace: "normal" }}>
          <TopFinding clusterId={entry.cluster.id} range={range} />
        </td>
      </>
    );
  }
  const message = row?.status === "error" ? `${row.error.message} — ${row.error.hint}` : requestError;
  return (
    <td colSpan={COLUMNS.length + 2} data-testid="fleet-row-error" style={{ ...cellStyle, textAlign: "left", whiteSpace: "normal", color: message ? "var(--bad)" : "var(--muted)" }}>
      {message ?? "loading…"}
    </td>
  );
}

export function FleetTable({ entries, range }: { entries: FleetEntry[]; range: ViewRange }) {
  const { fromParam, toParam } = range;
  return (
    <table style={{ borderCollapse: "collapse", width: "100%", fontSize: 13 }}>
      <thead>
        <tr>
          <th style={{ ...cellStyle, textAlign: "left" }}>Cluster</th>
          {COLUMNS.map((c) => (
            <th key={c.title} style={cellStyle}>
              {c.title}
            </th>
          ))}
          <th style={cellStyle} title="The worst reading as a share of its threshold: 1 is at the threshold">
            Score
          </th>
          <th style={{ ...cellStyle, textAlign: "left" }}>Top finding</th>
          <th style={cellStyle} title="Backend samples this row's queries processed (cached readings cost nothing)">
            Samples
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => {
          const { cluster, row } = entry;
          const status = row?.status ?? (entry.requestError ? "error" : "loading");
          return (
            <tr key={cluster.id} data-testid="fleet-row" data-cluster={cluster.id} data-status={status} data-score={row?.score ?? ""}>
              <td style={{ ...cellStyle, textAlign: "left", whiteSpace: "normal" }}>
                <a href={`/?${new URLSearchParams({ cluster: cluster.id, from: fromParam, to: toParam })}`}>{cluster.name}</a>
                {cluster.kind === "amp" && <span style={{ color: "var(--muted)" }}> (AMP {cluster.region ?? ""})</span>}
              </td>
              <RowCells entry={entry} range={range} />
              <td style={cellStyle}>{row ? formatValue(row.samplesProcessed, "count") : ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
