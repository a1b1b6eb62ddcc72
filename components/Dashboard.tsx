"use client";
import { useEffect } from "react";
import type { ClusterSummary, Finding } from "@/lib/api-schema";
import { serializeDashboardState } from "@/lib/dashboard-state";
import { ROWS, type PanelMeta, type RowId } from "@/lib/panels/types";
import { AlertsStrip } from "./AlertsStrip";
import { FindingsStrip } from "./FindingsStrip";
import { Header } from "./Header";
import { Notices } from "./Notices";
import { Panel } from "./Panel";
import { PanelActions } from "./PanelActions";
import { useDashboardView } from "./use-dashboard-view";

/**
 * `panels`: the catalogue without its PromQL, from the server page (the browser bundle carries none).
 * `serverNow`: the instant the page resolved its range at when it started the view's queries (lib/server/prefetch.ts).
 */
export function Dashboard({ panels, clusters, serverNow, extraNotices = [] }: { panels: PanelMeta[]; clusters?: ClusterSummary[]; serverNow?: number; extraNotices?: string[] }) {
  const v = useDashboardView(clusters, serverNow);
  const { state, update } = v;

  const toggleRow = (row: RowId) => {
    const collapsed = state.collapsed.includes(row) ? state.collapsed.filter((r) => r !== row) : [...state.collapsed, row];
    update({ collapsed }, "replace");
  };

  // Coming back from a panel's own page lands on that panel.
  useEffect(() => {
    if (state.viewPanel) document.getElementById(`panel-${state.viewPanel}`)?.scrollIntoView({ block: "start" });
  }, [state.viewPanel]);

  /** A finding's panel: same range, scrolled to and highlighted (its row opened if collapsed). */
  const showPanel = (panelId: string, findingId: string) => {
    const row = panels.find((p) => p.id === panelId)?.row;
    update({ viewPanel: panelId, finding: findingId, collapsed: state.collapsed.filter((r) => r !== row) }, "replace");
    requestAnimationFrame(() => document.getElementById(`panel-${panelId}`)?.scrollIntoView({ block: "start" }));
  };
  /** The finding's own window, a quarter of an hour either side, frozen, with the finding open. */
  const findingLink = (f: Finding) => {
    const pad = 15 * 60;
    const to = Math.min((f.until ?? v.range.to) + pad, v.range.to);
    const params = serializeDashboardState({ ...state, from: String((f.since - pad) * 1000), to: String(to * 1000), refresh: "off", viewPanel: null, finding: f.id });
    return `/?${params}`;
  };

  return (
    <div>
      <Header view={v} />
      <main style={{ padding: "8px 16px 48px", maxWidth: 1800, margin: "0 auto" }}>
        <Notices notices={[...extraNotices, ...v.notices]} />
        <FindingsStrip view={v.view} state={state} panels={panels} onExpand={(finding) => update({ finding }, "replace")} onShowPanel={showPanel} permalinkFor={findingLink} />
        <AlertsStrip view={v.view} state={state} titles={new Map(panels.map((p) => [p.id, p.title]))} />
        {ROWS.map((row) => {
          const collapsed = state.collapsed.includes(row.id);
          const rowPanels = panels.filter((p) => p.row === row.id);
          return (
            <section key={row.id} data-testid="row" data-row-id={row.id} style={{ marginTop: 12 }}>
              <h2 style={{ fontSize: 16, margin: "0 0 6px" }}>
                <button type="button" aria-expanded={!collapsed} onClick={() => toggleRow(row.id)} style={{ border: "none", background: "none", padding: 0, fontWeight: 600, fontSize: 16 }}>
                  {collapsed ? "▸" : "▾"} {row.title}
                </button>
              </h2>
              {!collapsed && (
                <div style={{ display: "grid", gap: 10, gridAutoFlow: "row dense", gridTemplateColumns: row.id === "health" ? "repeat(auto-fill, minmax(200px, 1fr))" : "repeat(auto-fill, minmax(520px, 1fr))" }}>
                  {rowPanels.map((p) => (
                    <Panel
                      key={p.id}
                      panel={p}
                      view={v.view}
                      tz={state.tz}
                      onZoom={v.onZoom}
                      viewError={v.viewError}
                      highlighted={state.finding !== null && state.viewPanel === p.id}
                      actions={(data) => <PanelActions panel={p} data={data} state={state} range={v.range} />}
                    />
                  ))}
                </div>
              )}
            </section>
          );
        })}
      </main>
    </div>
  );
}
