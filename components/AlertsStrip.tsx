"use client";
// The backend's own alerts about the API server, beside the findings: what the rules (apiscope's
// recommended ones or others) say now, with each alert's age and a link to its panel for its window.
// Its own request: when it fails, it says so in one line and nothing else on the page changes.
import { Component, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { alertsResponseSchema, type ActiveAlertView, type AlertsResponse } from "@/lib/api-schema";
import { serializeDashboardState, type DashboardState } from "@/lib/dashboard-state";
import { formatTime } from "@/lib/time-format";
import { ApiRequestError, getJson } from "./api-client";
import type { PanelView } from "./panel-batcher";

/** A link opens the alert's panel from this long before it became active until now. */
const LEAD_IN_SECONDS = 15 * 60;

export function alertsUrl(view: PanelView): string {
  const p = new URLSearchParams({ cluster: view.cluster });
  if (view.job) p.set("job", view.job);
  return `/api/alerts?${p}`;
}

/** "3 min", "2 h 5 min", "under a minute". */
export function alertAge(seconds: number): string {
  if (seconds < 60) return "under a minute";
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

/** The dashboard at the alert's panel, from shortly before it became active until now, frozen. */
export function alertLink(a: ActiveAlertView, state: DashboardState, now: number): string {
  const since = (a.activeAt ?? now - 3600) - LEAD_IN_SECONDS;
  return `/?${serializeDashboardState({ ...state, from: String(since * 1000), to: String(now * 1000), refresh: "off", viewPanel: a.panel, finding: null })}`;
}

interface StripProps {
  view: PanelView | null;
  state: DashboardState;
  titles: Map<string, string>;
}

/** A rendering failure of the strip stays in the strip. */
class StripBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? (
      <div role="status" data-testid="alerts-error" style={{ color: "var(--muted)", fontSize: 13, margin: "4px 0" }}>
        The alerts could not be shown; the findings and panels are unaffected.
      </div>
    ) : (
      this.props.children
    );
  }
}

export function AlertsStrip(props: StripProps) {
  return (
    <StripBoundary>
      <AlertsStripBody {...props} />
    </StripBoundary>
  );
}

function AlertsStripBody({ view, state, titles }: StripProps) {
  const query = useQuery<AlertsResponse>({
    // The alerts are about now: read again whenever the view moves (its refresh timer, the refresh button),
    // like the panels, and never on a timer of their own.
    queryKey: ["alerts", view?.cluster, view?.job, view?.to],
    queryFn: ({ signal }) => getJson(alertsUrl(view!), alertsResponseSchema, signal),
    enabled: view !== null,
    placeholderData: (prev) => prev,
  });
  const data = query.data;
  return (
    <section data-testid="alerts" aria-label="Alerts" style={{ margin: "4px 0", background: "var(--bg-panel)", border: "1px solid var(--border)", borderRadius: 6, padding: "6px 12px", fontSize: 13 }}>
      <h2 style={{ fontSize: 14, margin: "0 0 2px" }}>Alerts now</h2>
      {query.isError ? (
        <div role="status" data-testid="alerts-error" style={{ color: "var(--muted)" }}>
          Alerts could not be read: {query.error instanceof ApiRequestError ? `${query.error.message} ${query.error.hint}` : "the server failed."} The findings and panels are unaffected.
        </div>
      ) : !data ? (
        <div style={{ color: "var(--muted)" }}>Reading the backend&apos;s alerts…</div>
      ) : data.rulesLoaded === 0 ? (
        <div data-testid="alerts-no-rules" style={{ color: "var(--muted)" }}>
          No alerting rules about the API server are loaded on this backend. Load apiscope&apos;s recommended ones,{" "}
          <code>rules/apiscope.rules.yml</code>: README, &ldquo;Alert and recording rules&rdquo; (AMP: <code>aws amp create-rule-groups-namespace</code>;
          Prometheus: <code>rule_files</code>; prometheus-operator: <code>npm run rules:operator</code>).
        </div>
      ) : data.alerts.length === 0 ? (
        <div data-testid="alerts-none" style={{ color: "var(--good)" }}>
          No alert about the API server is pending or firing ({data.rulesLoaded} alerting rule{data.rulesLoaded === 1 ? "" : "s"} loaded
          {data.recommendedLoaded ? ", apiscope's recommended ones among them" : ""}).
        </div>
      ) : (
        <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {data.alerts.map((a, i) => (
            <AlertItem key={`${a.name}-${i}`} alert={a} now={data.now} state={state} titles={titles} />
          ))}
        </ul>
      )}
      {data && data.unhealthyRules.length > 0 && (
        <div data-testid="alerts-unhealthy" style={{ color: "var(--warn)", fontSize: 12 }}>
          Rules failing to evaluate on the backend: {data.unhealthyRules.slice(0, 5).join(", ")}{data.unhealthyRules.length > 5 ? "…" : ""}.
        </div>
      )}
    </section>
  );
}

function AlertItem({ alert: a, now, state, titles }: { alert: ActiveAlertView; now: number; state: DashboardState; titles: Map<string, string> }) {
  const color = a.state === "firing" ? (a.severity === "critical" ? "var(--bad)" : "var(--warn)") : "var(--muted)";
  const age = a.activeAt !== null ? `${a.state} for ${alertAge(Math.max(0, now - a.activeAt))}` : a.state;
  return (
    <li data-testid="alert" data-alert={a.name} data-state={a.state} style={{ padding: "2px 0", display: "flex", gap: 8, alignItems: "baseline", flexWrap: "wrap" }}>
      <span style={{ color, fontWeight: 600 }}>{a.name}</span>
      <span data-testid="alert-age" style={{ color: "var(--muted)" }} title={a.activeAt !== null ? `active since ${formatTime(a.activeAt, state.tz, { date: true })}` : undefined}>
        {age}
        {a.severity ? ` · ${a.severity}` : ""}
      </span>
      <span title={a.description ?? undefined}>{a.summary ?? a.description ?? ""}</span>
      <a data-testid="alert-link" href={alertLink(a, state, now)}>
        {a.panel ? `show ${titles.get(a.panel) ?? a.panel}` : "show its window"}
      </a>
    </li>
  );
}
