"use client";
// The answer before the charts: the causes the server found in this view, each with its numbers, since
// when, the panels that show it, what to do, and the audit-log query that finds the client.
import { useQuery } from "@tanstack/react-query";
import { findingsResponseSchema, type Finding, type FindingsResponse } from "@/lib/api-schema";
import type { DashboardState } from "@/lib/dashboard-state";
import { formatValue } from "@/lib/format";
import type { PanelMeta } from "@/lib/panels/types";
import { formatTime, type TimeZoneMode } from "@/lib/time-format";
import { ApiRequestError, getJson } from "./api-client";
import { AuditQueryBox } from "./AuditQueryBox";
import { viewParams, type PanelView } from "./panel-batcher";
import { findingsQueryKey } from "./use-panel-data";

export function findingsUrl(view: PanelView): string {
  return `/api/findings?${viewParams(view)}`;
}

const SEVERITY_STYLE: Record<Finding["severity"], { color: string; label: string }> = {
  critical: { color: "var(--bad)", label: "critical" },
  warning: { color: "var(--warn)", label: "warning" },
  info: { color: "var(--muted)", label: "info" },
};

interface StripProps {
  view: PanelView | null;
  state: DashboardState;
  panels: PanelMeta[];
  /** Opens a finding (or closes it with null) in the URL state. */
  onExpand: (findingId: string | null) => void;
  /** Scrolls to a panel and highlights it for this finding, same range. */
  onShowPanel: (panelId: string, findingId: string) => void;
  /** A link that reopens this dashboard at the finding's window with it expanded. */
  permalinkFor: (f: Finding) => string;
}

export function FindingsStrip({ view, state, panels, onExpand, onShowPanel, permalinkFor }: StripProps) {
  const query = useQuery<FindingsResponse>({
    queryKey: findingsQueryKey(view),
    queryFn: ({ signal }) => getJson(findingsUrl(view!), findingsResponseSchema, signal),
    enabled: view !== null,
    placeholderData: (prev) => prev,
    gcTime: 60_000,
  });
  const titles = new Map(panels.map((p) => [p.id, p.title]));
  const data = query.data;
  return (
    <section data-testid="findings" aria-label="Findings" style={{ margin: "8px 0 4px", background: "var(--bg-panel)", border: "1px solid var(--border)", borderRadius: 6, padding: "8px 12px" }}>
      <h2 style={{ fontSize: 15, margin: "0 0 4px" }}>What is wrong {query.isFetching && <span style={{ color: "var(--muted)", fontWeight: 400 }}>⟳</span>}</h2>
      {query.isError ? (
        <div role="alert" data-testid="findings-error" style={{ color: "var(--bad)" }}>
          Findings could not be computed: {query.error instanceof ApiRequestError ? `${query.error.message} ${query.error.hint}` : "the server failed."} The panels below are unaffected.
        </div>
      ) : !data ? (
        <div style={{ color: "var(--muted)" }}>Looking for causes in this range…</div>
      ) : data.findings.filter((f) => f.severity !== "info").length === 0 ? (
        <NoProblems data={data} />
      ) : null}
      {data && state.finding && !data.findings.some((f) => f.id === state.finding) && (
        // A link names a finding the rules no longer raise here (its numbers moved under a threshold, or the
        // window or cluster changed): say so rather than silently show another.
        <div role="status" data-testid="finding-missing" style={{ fontSize: 12, color: "var(--muted)", margin: "2px 0 4px" }}>
          The finding this link names ({state.finding}) is not raised over this range and cluster; the findings below are this view&apos;s.
        </div>
      )}
      {data && data.findings.length > 0 && (
        <ol style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {data.findings.map((f, i) => (
            <FindingItem
              key={f.id}
              finding={f}
              expanded={state.finding ? state.finding === f.id : i === 0 && f.severity !== "info"}
              tz={state.tz}
              titles={titles}
              onToggle={(open) => onExpand(open ? f.id : null)}
              onShowPanel={(panelId) => onShowPanel(panelId, f.id)}
              permalink={permalinkFor(f)}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function NoProblems({ data }: { data: FindingsResponse }) {
  return (
    <div data-testid="findings-none">
      <div style={{ color: "var(--good)", fontWeight: 600 }}>No problems found in this range.</div>
      <div style={{ fontSize: 12, color: "var(--muted)" }}>Checked: {data.checked.join("; ")}.</div>
      {data.skipped.length > 0 && (
        <div style={{ fontSize: 12, color: "var(--muted)" }}>Not checked: {data.skipped.map((s) => `${s.check} (${s.reason})`).join("; ")}.</div>
      )}
    </div>
  );
}

function when(f: Finding, tz: TimeZoneMode): string {
  const since = formatTime(f.since, tz, { date: true });
  return f.until === null ? `since ${since}` : `${since} → ${formatTime(f.until, tz)}`;
}

function FindingItem(props: {
  finding: Finding;
  expanded: boolean;
  tz: TimeZoneMode;
  titles: Map<string, string>;
  onToggle: (open: boolean) => void;
  onShowPanel: (panelId: string) => void;
  permalink: string;
}) {
  const { finding: f, expanded, tz, titles } = props;
  const style = SEVERITY_STYLE[f.severity];
  return (
    <li data-testid="finding" data-finding-id={f.id} data-cause={f.cause} data-severity={f.severity} style={{ borderTop: "1px solid var(--grid)", padding: "6px 0" }}>
      <button
        type="button"
        aria-expanded={expanded}
        onClick={() => props.onToggle(!expanded)}
        style={{ display: "flex", gap: 8, width: "100%", textAlign: "left", border: "none", background: "none", padding: 0, color: "var(--fg)", cursor: "pointer" }}
      >
        <span style={{ color: style.color, fontWeight: 700, minWidth: 64, textTransform: "uppercase", fontSize: 12 }}>{style.label}</span>
        <span data-testid="finding-title" style={{ flex: 1, fontWeight: 600 }}>
          {f.title}
        </span>
        <span data-testid="finding-since" style={{ color: "var(--muted)", fontSize: 12, whiteSpace: "nowrap" }}>
          {when(f, tz)}
        </span>
      </button>
      {expanded && (
        <div data-testid="finding-details" style={{ padding: "4px 0 0 72px", fontSize: 13 }}>
          {f.evidence.length > 0 && (
            <ul data-testid="finding-evidence" style={{ margin: "2px 0", paddingLeft: 16 }}>
              {f.evidence.map((e) => (
                <li key={e.label}>
                  {e.label}: <b style={{ fontVariantNumeric: "tabular-nums" }}>{formatValue(e.value, e.unit)}</b>
                  {e.context && <span style={{ color: "var(--muted)" }}> ({e.context})</span>}
                </li>
              ))}
            </ul>
          )}
          <div style={{ margin: "4px 0" }}>
            <b>What to do:</b>
            <ul style={{ margin: "2px 0", paddingLeft: 16 }}>
              {f.actions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </div>
          <div style={{ display: "flex", gap: 6, flexWrap: "wrap", alignItems: "center" }}>
            <span style={{ color: "var(--muted)" }}>Shown in:</span>
            {f.panels
              .filter((id) => titles.has(id))
              .map((id) => (
                <button key={id} type="button" data-testid="finding-panel-link" data-panel-id={id} onClick={() => props.onShowPanel(id)} style={{ fontSize: 12 }}>
                  {titles.get(id)}
                </button>
              ))}
            <a href={props.permalink} data-testid="finding-permalink" style={{ fontSize: 12, marginLeft: "auto" }}>
              link to this finding
            </a>
          </div>
          {f.audit && <AuditQueryBox audit={f.audit} />}
        </div>
      )}
    </li>
  );
}
