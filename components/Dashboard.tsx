"use client";
import { useEffect } from "react";
import { ROWS, type PanelMeta, type RowId } from "@/lib/panels/types";
import { Header } from "./Header";
import { Notices } from "./Notices";
import { Panel } from "./Panel";
import { PanelActions } from "./PanelActions";
import { useDashboardView } from "./use-dashboard-view";

/** `panels`: the catalogue without its PromQL, from the server page (the browser bundle carries none). */
export function Dashboard({ panels, extraNotices = [] }: { panels: PanelMeta[]; extraNotices?: string[] }) {
  const v = useDashboardView();
  const { state, update } = v;

  const toggleRow = (row: RowId) => {
    const collapsed = state.collapsed.includes(row) ? state.collapsed.filter((r) => r !== row) : [...state.collapsed, row];
    update({ collapsed }, "replace");
  };

  // Coming back from a panel's own page lands on that panel.
  useEffect(() => {
    if (state.viewPanel) document.getElementById(`panel-${state.viewPanel}`)?.scrollIntoView({ block: "start" });
  }, [state.viewPanel]);

  return (
    <div>
      <Header view={v} />
      <main style={{ padding: "8px 16px 48px", maxWidth: 1800, margin: "0 auto" }}>
        <Notices notices={[...extraNotices, ...v.notices]} />
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
