"use client";
// The explorer page: the dashboard's header (cluster, time range, time zone — the same URL state), then
// queries side by side, each an editor with its graph or table. Run (Enter, or the button) puts the
// queries in the URL, so the address is always the permalink of what is on screen.
import { useEffect, useRef, useState } from "react";
import { EXPLORE_QUERIES_MAX, type ClusterSummary } from "@/lib/api-schema";
import { serializeExploreState, type ExploreState, type ExploreTab } from "@/lib/explore-state";
import { CHART_KINDS } from "@/lib/panels/kinds";
import { Header } from "../Header";
import { Notices } from "../Notices";
import { widthBucket } from "../use-panel-data";
import { ExploreQueryError, ExploreResultView, useExploreResult, type ExploreRequestArgs } from "./ExploreResult";
import { PromQLEditor } from "./PromQLEditor";
import { useExploreView } from "./use-explore-view";

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  // 0 until measured: no query goes out at a guessed width only to be sent again at the real one.
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => setWidth(entries[0]?.contentRect.width ?? 0));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

interface RowProps {
  index: number;
  draft: string;
  onDraft: (value: string) => void;
  onRun: () => void;
  onRemove: (() => void) | null;
  /** The committed query of this row, without its width (measured here). */
  base: Omit<ExploreRequestArgs, "width"> | null;
  scope: { cluster: string; start: number; end: number } | null;
  tz: ExploreState["view"]["tz"];
  onZoom: (from: number, to: number) => void;
}

function QueryRow({ index, draft, onDraft, onRun, onRemove, base, scope, tz, onZoom }: RowProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  // Points like a time-series panel of this width: one per two pixels, the width in 100 px buckets.
  const args = base && width > 0 ? { ...base, width: Math.max(50, Math.round(widthBucket(width) * CHART_KINDS.timeseries.pointsPerPixel)) } : null;
  const result = useExploreResult(args);
  const position = result.error instanceof ExploreQueryError ? result.error.position : undefined;
  const stale = args !== null && draft.trim() !== args.expr;
  return (
    <section ref={ref} data-testid="explore-query" data-index={index} style={{ background: "var(--bg-panel)", border: "1px solid var(--border)", borderRadius: 6, padding: "10px 12px", minWidth: 0 }}>
      <div style={{ display: "flex", gap: 6, alignItems: "flex-start" }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <PromQLEditor
            value={draft}
            onChange={onDraft}
            onRun={onRun}
            scope={scope}
            label={`Query ${index + 1}`}
            syntaxError={position && result.error instanceof Error ? { position, message: result.error.message } : null}
          />
        </div>
        <button type="button" onClick={onRun} data-testid="run-query" title="Run (Enter)">
          Run
        </button>
        {onRemove && (
          <button type="button" onClick={onRemove} aria-label={`Remove query ${index + 1}`} title="Remove this query">
            ✕
          </button>
        )}
      </div>
      {stale && <div style={{ fontSize: 12, color: "var(--muted)" }}>Edited: press Enter or Run to see its result.</div>}
      <div style={{ marginTop: 6 }}>
        {base && !args ? null : args ? (
          <ExploreResultView args={args} result={result} tz={tz} width={Math.max(200, width - 26)} onZoom={onZoom} />
        ) : (
          <div style={{ color: "var(--muted)", fontSize: 12 }}>Type a PromQL expression (Tab or Ctrl+Space completes metric names, labels and values) and press Enter.</div>
        )}
      </div>
    </section>
  );
}

function Permalink({ explore, from, to }: { explore: ExploreState; from: number; to: number }) {
  const [copied, setCopied] = useState(false);
  // Absolute times: the link shows this exact picture later, to whoever opens it.
  const params = serializeExploreState({ ...explore, view: { ...explore.view, from: String(from * 1000), to: String(to * 1000), refresh: "off" } });
  const url = `${typeof window === "undefined" ? "" : window.location.origin}/explore?${params}`;
  return (
    <span style={{ display: "inline-flex", gap: 4, alignItems: "center", flex: 1, minWidth: 240 }}>
      <input readOnly aria-label="Permalink" data-testid="explore-permalink" value={url} onFocus={(e) => e.target.select()} style={{ flex: 1, fontSize: 12 }} />
      <button
        type="button"
        onClick={() =>
          void navigator.clipboard?.writeText(url).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? "Copied" : "Copy link"}
      </button>
    </span>
  );
}

export function Explorer({ clusters }: { clusters?: ClusterSummary[] }) {
  const { header, explore, updateExplore } = useExploreView(clusters);
  const committed = explore.queries;
  const committedKey = committed.join("\u0000");
  const [drafts, setDrafts] = useState<string[]>(committed.length ? committed : [""]);
  // Queries changed from outside (back button, a link): the editors show them.
  useEffect(() => setDrafts(committed.length ? committed : [""]), [committedKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const run = () => updateExplore({ queries: drafts.map((d) => d.trim()).filter((d) => d !== "") });
  const setTab = (tab: ExploreTab) => updateExplore({ tab }, "replace");
  const { range, clusterId } = header;
  const scope = clusterId ? { cluster: clusterId, start: range.from, end: range.to } : null;

  return (
    <div>
      <Header view={header} page="explore" />
      <main style={{ padding: "8px 16px 48px", maxWidth: 1800, margin: "0 auto" }}>
        <Notices notices={header.notices} />
        <div style={{ display: "flex", gap: 8, alignItems: "center", flexWrap: "wrap", margin: "4px 0 8px" }}>
          <h1 style={{ fontSize: 16, margin: 0 }}>Explore</h1>
          <span role="tablist" aria-label="View" style={{ display: "inline-flex", gap: 2 }}>
            {(["graph", "table"] as const).map((t) => (
              <button key={t} type="button" role="tab" aria-selected={explore.tab === t} onClick={() => setTab(t)} style={{ fontWeight: explore.tab === t ? 700 : 400 }}>
                {t === "graph" ? "Graph" : "Table"}
              </button>
            ))}
          </span>
          {explore.step !== null && (
            <span data-testid="fixed-step" style={{ fontSize: 12, color: "var(--muted)" }}>
              step {explore.step}s (from the link){" "}
              <button type="button" onClick={() => updateExplore({ step: null })} style={{ fontSize: 11 }}>
                size to the graph
              </button>
            </span>
          )}
          <Permalink explore={explore} from={range.from} to={range.to} />
        </div>
        {header.viewError !== undefined && <div role="alert">The cluster list could not be loaded: reload the page.</div>}
        <div style={{ display: "grid", gap: 10, gridTemplateColumns: drafts.length > 1 ? "repeat(auto-fit, minmax(520px, 1fr))" : "1fr" }}>
          {drafts.map((draft, i) => {
            // Row i shows committed query i; a row added since the last run has none yet.
            const expr = committed[i];
            const base = expr !== undefined && clusterId ? { cluster: clusterId, expr, start: range.from, end: range.to, step: explore.step, tab: explore.tab } : null;
            return (
              <QueryRow
                key={i}
                index={i}
                draft={draft}
                onDraft={(value) => setDrafts((d) => d.map((x, j) => (j === i ? value : x)))}
                onRun={run}
                onRemove={drafts.length > 1 ? () => updateExplore({ queries: drafts.filter((_, j) => j !== i).map((d) => d.trim()).filter(Boolean) }) : null}
                base={base}
                scope={scope}
                tz={header.state.tz}
                onZoom={header.onZoom}
              />
            );
          })}
        </div>
        {drafts.length < EXPLORE_QUERIES_MAX && (
          <button type="button" onClick={() => setDrafts((d) => [...d, ""])} style={{ marginTop: 8 }} data-testid="add-query">
            + Add query
          </button>
        )}
      </main>
    </div>
  );
}
