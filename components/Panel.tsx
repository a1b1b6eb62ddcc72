"use client";
// The frame every panel shares: title, what it tells you, what to do, the chart for its kind, and its
// own loading, error, absent and empty states. A failing panel never takes the page down.
import { Component, useEffect, useRef, useState, type ReactNode } from "react";
import type { PanelData } from "@/lib/api-schema";
import type { TimeZoneMode } from "@/lib/dashboard-state";
import { explorerHref } from "@/lib/explore-state";
import { formatValue } from "@/lib/format";
import { CHART_KINDS } from "@/lib/panels/kinds";
import type { PanelMeta } from "@/lib/panels/types";
import { ApiRequestError } from "./api-client";
import { ChartFrameProvider } from "./chart-frame";
import { Chart } from "./charts/registry";
import { usePanelData, widthBucket, type PanelView } from "./use-panel-data";

export interface PanelProps {
  panel: PanelMeta;
  view: PanelView | null;
  tz: TimeZoneMode;
  onZoom?: (from: number, to: number) => void;
  /** Extra controls in the header (links, share, CSV) */
  actions?: (data: PanelData | undefined) => ReactNode;
  /** Render even when off-screen (single-panel page). */
  eager?: boolean;
  chartHeight?: number;
  /** The dashboard could not even work out what to query (cluster unreachable): shown in every panel. */
  viewError?: unknown;
  /** Opened from a finding: outlined so the eye lands on it. */
  highlighted?: boolean;
}

/** Query only what is (nearly) on screen: off-screen panels cost the backend nothing until scrolled to. */
function useNearViewport<T extends Element>(eager: boolean): [React.RefObject<T | null>, boolean, number] {
  const ref = useRef<T>(null);
  const [visible, setVisible] = useState(eager);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setVisible(true), { rootMargin: "300px" });
    const ro = new ResizeObserver((entries) => setWidth(entries[0]?.contentRect.width ?? 800));
    if (!eager) io.observe(el);
    ro.observe(el);
    return () => {
      io.disconnect();
      ro.disconnect();
    };
  }, [eager]);
  return [ref, visible, width];
}

function ErrorBox({ error }: { error: unknown }) {
  const e = error instanceof ApiRequestError ? error : null;
  return (
    <div role="alert" data-testid="panel-error" data-kind={e?.kind ?? "internal"} style={{ color: "var(--bad)", padding: "12px 4px" }}>
      <div style={{ fontWeight: 600 }}>{e?.message ?? (error instanceof Error ? error.message : "This panel failed.")}</div>
      {e?.detail && <code style={{ display: "block", margin: "4px 0", whiteSpace: "pre-wrap", color: "var(--fg)" }}>{e.detail}</code>}
      {e?.hint && <div style={{ color: "var(--fg)" }}>What to do: {e.hint}</div>}
    </div>
  );
}

/** Render errors in one chart stay in that chart. */
class PanelErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  render() {
    if (this.state.error) return <ErrorBox error={new Error("This panel could not be drawn. The rest of the dashboard is unaffected; reload to retry.")} />;
    return this.props.children;
  }
}

function isEmpty(data: PanelData): boolean {
  return data.queries.every((q) => q.series.length === 0);
}

/**
 * Where "Open in explorer" starts: the panel's expression over its own window and step (an instant query:
 * evaluated where the panel evaluated it), so the explorer sends the query the panel ran.
 */
function explorerLink(data: PanelData, q: PanelData["queries"][number], cluster: string | null, tz: TimeZoneMode): string {
  const window = q.type === "instant" ? { ...data.window, end: data.window.evalTime } : data.window;
  return explorerHref({ cluster, tz, expr: q.expr, window, tab: q.type === "instant" ? "table" : "graph" });
}

function PromQLList({ data, cluster, tz }: { data: PanelData; cluster: string | null; tz: TimeZoneMode }) {
  return (
    <div data-testid="panel-promql" style={{ background: "var(--code-bg)", padding: 8, borderRadius: 4, margin: "6px 0", fontSize: 12 }}>
      {data.queries.map((q) => (
        <div key={q.id} style={{ marginBottom: 6 }}>
          <div style={{ display: "flex", justifyContent: "space-between", color: "var(--muted)" }}>
            <span>
              {q.id} ({q.type}, step {data.window.step}s{q.cached ? ", from cache" : q.stats ? `, ${q.stats.samplesProcessed.toLocaleString("en-US")} samples` : ""})
            </span>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(q.expr)} style={{ fontSize: 11, padding: "0 6px" }}>
              Copy
            </button>
            <a href={explorerLink(data, q, cluster, tz)} data-testid="open-in-explorer" style={{ fontSize: 11 }} title="Edit and run this query in the explorer, over this panel's range and step">
              Open in explorer
            </a>
          </div>
          <pre style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-all" }}>{q.expr}</pre>
        </div>
      ))}
    </div>
  );
}

export function Panel({ panel, view, tz, onZoom, actions, eager = false, chartHeight, viewError, highlighted = false }: PanelProps) {
  const [ref, visible, width] = useNearViewport<HTMLElement>(eager);
  const query = usePanelData(panel.id, view, widthBucket(width), visible);
  const [showQuery, setShowQuery] = useState(false);
  const data = query.data;
  const notes = [...new Set((data?.queries ?? []).map((q) => q.note).filter((n): n is string => !!n))];
  const warnings = [...new Set((data?.queries ?? []).flatMap((q) => q.warnings))];
  return (
    <section
      ref={ref}
      id={`panel-${panel.id}`}
      data-testid="panel"
      data-panel-id={panel.id}
      data-state={query.isError || viewError ? "error" : !data ? "loading" : data.status === "absent" ? "absent" : isEmpty(data) ? "empty" : "ok"}
      aria-labelledby={`panel-title-${panel.id}`}
      data-highlighted={highlighted ? "true" : undefined}
      style={{
        background: "var(--bg-panel)",
        border: highlighted ? "2px solid var(--accent)" : "1px solid var(--border)",
        boxShadow: highlighted ? "0 0 0 3px color-mix(in srgb, var(--accent) 25%, transparent)" : undefined,
        borderRadius: 6,
        padding: highlighted ? "9px 11px" : "10px 12px",
        minWidth: 0,
        gridColumn: panel.wide ? "1 / -1" : undefined,
        scrollMarginTop: 80,
      }}
    >
      <header style={{ display: "flex", alignItems: "baseline", justifyContent: "space-between", gap: 8 }}>
        <h3 id={`panel-title-${panel.id}`} style={{ margin: 0, fontSize: 15, minWidth: 0 }}>
          {panel.title}
        </h3>
        {query.isFetching && (
          <span aria-label="refreshing" style={{ color: "var(--muted)", fontSize: 12 }}>
            ⟳
          </span>
        )}
      </header>
      <p style={{ margin: "2px 0 0", color: "var(--muted)", fontSize: 12 }}>{panel.explanation}</p>
      {showQuery && data && <PromQLList data={data} cluster={view?.cluster ?? null} tz={tz} />}
      <div style={{ marginTop: 6, minHeight: CHART_KINDS[panel.chart].minHeight }}>
        {viewError || query.isError ? (
          <ErrorBox error={viewError ?? query.error} />
        ) : !data ? (
          <div data-testid="panel-loading" style={{ color: "var(--muted)", padding: "24px 4px" }}>
            Loading…
          </div>
        ) : data.status === "absent" ? (
          <div data-testid="panel-absent" style={{ color: "var(--muted)", padding: "12px 4px" }}>
            Not available on this cluster: {data.absentReason}
          </div>
        ) : isEmpty(data) ? (
          <div data-testid="panel-empty" style={{ color: "var(--good)", padding: "12px 4px" }}>
            {panel.emptyMessage}
          </div>
        ) : (
          <PanelErrorBoundary>
            {/* The one measurement of the chart's width: every chart reads it from the frame. */}
            <ChartFrameProvider width={width}>
              <Chart panel={panel} data={data} tz={tz} onZoom={onZoom} height={chartHeight} />
            </ChartFrameProvider>
          </PanelErrorBoundary>
        )}
      </div>
      <footer style={{ marginTop: 6, fontSize: 12, color: "var(--muted)" }}>
        <div>
          <b>What to do:</b> {panel.hint}
        </div>
        <div style={{ display: "flex", gap: 4, alignItems: "center", flexWrap: "wrap", marginTop: 4 }}>
          <button type="button" aria-expanded={showQuery} onClick={() => setShowQuery((s) => !s)} style={{ fontSize: 12, padding: "0 6px" }} title="Show the PromQL this panel ran">
            PromQL
          </button>
          {actions?.(data)}
          <span style={{ flex: 1 }} />
          {data && data.status === "ok" && (
            <span data-testid="panel-samples" title="Samples the backend processed for this panel (AMP bills per sample processed)">
              {data.queries.every((q) => q.cached) ? "from cache" : `${formatValue(data.samplesProcessed, "count")} samples`}
            </span>
          )}
        </div>
      </footer>
      {(notes.length > 0 || warnings.length > 0) && (
        <div style={{ fontSize: 12, color: "var(--warn)" }}>{[...notes, ...warnings.map((w) => `Backend warning: ${w}`)].join(" ")}</div>
      )}
    </section>
  );
}
