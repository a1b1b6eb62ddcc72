"use client";
// One panel on a full page: what a shared permalink opens. Its link back lands on the same panel in the
// dashboard, with the same cluster, variables and range.
import Link from "next/link";
import { serializeDashboardState } from "@/lib/dashboard-state";
import type { PanelMeta } from "@/lib/panels/types";
import { formatTime } from "@/lib/time-format";
import { Dashboard } from "./Dashboard";
import { Header } from "./Header";
import { Notices } from "./Notices";
import { Panel } from "./Panel";
import { PanelActions } from "./PanelActions";
import { useDashboardView } from "./use-dashboard-view";

export function SinglePanel({ panelId, panels }: { panelId: string; panels: PanelMeta[] }) {
  const panel = panels.find((p) => p.id === panelId);
  if (!panel) return <Dashboard panels={panels} extraNotices={[`There is no panel "${panelId.slice(0, 60)}"; showing the whole dashboard.`]} />;
  return <SinglePanelView panel={panel} />;
}

function SinglePanelView({ panel }: { panel: PanelMeta }) {
  const v = useDashboardView();
  const back = `/?${serializeDashboardState({ ...v.state, viewPanel: panel.id })}#panel-${panel.id}`;
  return (
    <div>
      <Header view={v}>
        <Link href={back} data-testid="back-to-dashboard">
          ← dashboard
        </Link>
      </Header>
      <main style={{ padding: "8px 16px 48px", maxWidth: 1800, margin: "0 auto" }}>
        <Notices notices={v.notices} />
        <p style={{ color: "var(--muted)", margin: "4px 0 8px", fontSize: 13 }} data-testid="single-panel-context">
          {v.clusterName ?? "…"}
          {v.targets?.job ? ` · job ${v.targets.job}` : ""}
          {v.state.instance ? ` · ${v.state.instance}` : ""} · {formatTime(v.range.from, v.state.tz, { date: true })} → {formatTime(v.range.to, v.state.tz, { date: true })}
        </p>
        <Panel
          panel={{ ...panel, wide: true }}
          view={v.view}
          tz={v.state.tz}
          onZoom={v.onZoom}
          viewError={v.viewError}
          eager
          chartHeight={panel.chart === "heatmap" ? 480 : 420}
          actions={(data) => <PanelActions panel={panel} data={data} state={v.state} range={v.range} single />}
        />
      </main>
    </div>
  );
}
