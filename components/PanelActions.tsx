"use client";
// Per-panel actions: open alone on its own page, share a permalink, download the data as CSV.
import { useState } from "react";
import Link from "next/link";
import type { PanelData } from "@/lib/api-schema";
import { panelCsv } from "@/lib/csv";
import { serializeDashboardState, type DashboardState } from "@/lib/dashboard-state";
import type { PanelMeta } from "@/lib/panels/types";
import type { ResolvedRange } from "@/lib/time-range";

/** The permalink of one panel; by default the range is frozen to absolute times so it shows the same picture later. */
export function permalink(origin: string, panel: PanelMeta, state: DashboardState, range: ResolvedRange, lock: boolean): string {
  const p = serializeDashboardState({
    ...state,
    viewPanel: null,
    from: lock ? String(range.from * 1000) : range.fromParam,
    to: lock ? String(range.to * 1000) : range.toParam,
    refresh: lock ? "off" : state.refresh,
  });
  return `${origin}/panel/${panel.id}?${p}`;
}

function SharePopover({ panel, state, range, onClose }: { panel: PanelMeta; state: DashboardState; range: ResolvedRange; onClose: () => void }) {
  const [lock, setLock] = useState(true);
  const [copied, setCopied] = useState(false);
  const url = permalink(window.location.origin, panel, state, range, lock);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div role="dialog" aria-label={`Share ${panel.title}`} data-testid="share-dialog" style={{ position: "absolute", left: 0, bottom: 26, zIndex: 30, width: "min(420px, 90vw)", background: "var(--bg-panel)", border: "1px solid var(--border)", borderRadius: 6, padding: 10, boxShadow: "0 4px 16px rgba(0,0,0,.25)" }}>
      <label style={{ display: "flex", gap: 6, alignItems: "center", fontSize: 13 }}>
        <input type="checkbox" checked={lock} onChange={(e) => setLock(e.target.checked)} /> Lock the time range (absolute times: the link shows this exact picture later)
      </label>
      <input readOnly aria-label="Permalink" data-testid="permalink" value={url} onFocus={(e) => e.target.select()} style={{ width: "100%", margin: "6px 0", fontSize: 12 }} />
      <div style={{ display: "flex", gap: 6, justifyContent: "flex-end" }}>
        {copied && <span style={{ color: "var(--good)", fontSize: 12, alignSelf: "center" }}>Copied</span>}
        <button type="button" onClick={() => void copy()}>
          Copy link
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

export function PanelActions({ panel, data, state, range, single }: { panel: PanelMeta; data: PanelData | undefined; state: DashboardState; range: ResolvedRange; single?: boolean }) {
  const [sharing, setSharing] = useState(false);
  const download = () => {
    if (!data) return;
    const blob = new Blob([panelCsv(data)], { type: "text/csv;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${panel.id}-${range.from}-${range.to}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  const params = serializeDashboardState({ ...state, viewPanel: null });
  return (
    <span style={{ position: "relative", display: "inline-flex", gap: 4 }}>
      <button type="button" onClick={download} disabled={!data} style={{ fontSize: 12, padding: "0 6px" }} title="Download this panel's data as CSV">
        CSV
      </button>
      <button type="button" onClick={() => setSharing((s) => !s)} style={{ fontSize: 12, padding: "0 6px" }} aria-expanded={sharing} title="Share a link to this panel">
        Share
      </button>
      {!single && (
        // No prefetch: thirty panel pages prefetched on load took the browser's six connections (and the
        // server's time) while the panels' own data waited behind them.
        <Link href={`/panel/${panel.id}?${params}`} prefetch={false} style={{ fontSize: 12, alignSelf: "center" }} title="Open this panel alone on its own page" data-testid="panel-link">
          open ⤢
        </Link>
      )}
      {sharing && <SharePopover panel={panel} state={state} range={range} onClose={() => setSharing(false)} />}
    </span>
  );
}
