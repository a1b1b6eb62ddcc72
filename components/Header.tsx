"use client";
import { format } from "date-fns";
import { useEffect, useState } from "react";
import { REFRESH_CHOICES, type DashboardState, type Refresh } from "@/lib/dashboard-state";
import { describeRange, isRelative, MAX_RANGE_SECONDS, parseTimeParam } from "@/lib/time-range";
import { formatTime } from "@/lib/time-format";
import { RangePresets } from "./RangePresets";
import { SamplesTotal } from "./SamplesTotal";
import { ThemeToggle } from "./ThemeToggle";
import type { DashboardView } from "./use-dashboard-view";

interface RangeFormProps {
  state: DashboardState;
  update: DashboardView["update"];
  now: number;
}

function UpdatedAgo({ at }: { at: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  return <span data-testid="updated-ago" style={{ color: "var(--muted)", fontSize: 12 }}>updated {s} s ago</span>;
}

/** Absolute times read as dates in the inputs (the URL keeps Grafana's epoch milliseconds). */
function editable(param: string, now: number, tz: DashboardState["tz"]): string {
  if (isRelative(param)) return param;
  const t = parseTimeParam(param, now);
  if (t === null) return param;
  if (tz === "utc") return new Date(t * 1000).toISOString().replace(".000Z", "Z");
  return format(new Date(t * 1000), "yyyy-MM-dd'T'HH:mm:ss");
}

function CustomRange({ state, update, now }: RangeFormProps) {
  const [from, setFrom] = useState(() => editable(state.from, now, state.tz));
  const [to, setTo] = useState(() => editable(state.to, now, state.tz));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFrom(editable(state.from, now, state.tz));
    setTo(editable(state.to, now, state.tz));
    // `now` is left out on purpose: a refresh tick must not overwrite what the user is typing.
  }, [state.from, state.to, state.tz]);
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const f = parseTimeParam(from, now);
    const t = parseTimeParam(to, now);
    if (f === null || t === null) return setError("Use now, now-3h, epoch ms or ISO 8601 (2026-11-23T14:00:00Z).");
    if (f >= t) return setError("The start must be before the end.");
    setError(null);
    // Absolute times go into the URL as epoch milliseconds, the form every Grafana user's links use.
    update({ from: isRelative(from) ? from.trim() : String(f * 1000), to: isRelative(to) ? to.trim() : String(t * 1000) });
  };
  return (
    <form onSubmit={apply} style={{ display: "flex", gap: 4, alignItems: "center" }} aria-label="Custom time range">
      <input aria-label="From" value={from} onChange={(e) => setFrom(e.target.value)} size={20} />
      <span>→</span>
      <input aria-label="To" value={to} onChange={(e) => setTo(e.target.value)} size={20} />
      <button type="submit">Apply</button>
      {error && <span role="alert" style={{ color: "var(--bad)", fontSize: 12 }}>{error}</span>}
    </form>
  );
}

/** The other page over the same cluster and range: the explorer from the dashboard, and back. */
function PageLink({ page, state }: { page: "dashboard" | "explore"; state: DashboardState }) {
  const p = new URLSearchParams({ ...(state.cluster ? { cluster: state.cluster } : {}), from: state.from, to: state.to, ...(state.tz === "utc" ? { tz: "utc" } : {}) });
  return page === "explore" ? (
    <a href={`/?${p}`} data-testid="dashboard-link" style={{ fontSize: 13 }}>
      Dashboard
    </a>
  ) : (
    <a href={`/explore?${p}`} data-testid="explore-link" style={{ fontSize: 13 }} title="Run your own PromQL on this cluster and range">
      Explore
    </a>
  );
}

/** `page`: the explorer shows no job and instance pickers (it runs expressions as written). */
export function Header({ view, children, page = "dashboard" }: { view: DashboardView; children?: React.ReactNode; page?: "dashboard" | "explore" }) {
  const { state, update, clusters, clusterId, targets, range, now, lastUpdated, refreshNow: onRefresh } = view;
  const span = range.to - range.from;
  const shift = (direction: -1 | 1) => {
    const d = Math.round(span / 2) * direction;
    update({ from: String((range.from + d) * 1000), to: String((range.to + d) * 1000) });
  };
  const zoomOut = () => {
    const wider = Math.min(2 * span, MAX_RANGE_SECONDS);
    // A view that ends now stays relative, so it keeps following the clock.
    if (range.toParam === "now") return update({ from: `now-${wider}s`, to: "now" });
    const mid = (range.from + range.to) / 2;
    const to = Math.min(Math.round(mid + wider / 2), now);
    update({ from: String(Math.round(to - wider) * 1000), to: to >= now ? "now" : String(to * 1000) });
  };
  const fmt = (t: number) => formatTime(t, state.tz, { date: true });
  return (
    <header
      style={{ position: "sticky", top: 0, zIndex: 20, background: "var(--bg)", borderBottom: "1px solid var(--border)", padding: "8px 16px", display: "flex", flexWrap: "wrap", gap: 8, alignItems: "center" }}
    >
      <strong style={{ fontSize: 17, marginRight: 8 }}>apiscope</strong>
      <PageLink page={page} state={state} />
      <a href={`/fleet?${new URLSearchParams({ from: state.from, to: state.to })}`} title="Every cluster, worst first">Fleet</a>
      {children}
      <label>
        <span className="sr-only">Cluster</span>
        <select aria-label="Cluster" value={clusterId ?? ""} onChange={(e) => update({ cluster: e.target.value, job: null, instance: null })}>
          {clusters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.kind === "amp" ? ` (AMP ${c.region ?? ""})` : ""}
            </option>
          ))}
        </select>
      </label>
      {page === "dashboard" && (
        <>
          <label style={{ fontSize: 12, color: "var(--muted)" }}>
            job{" "}
            <select aria-label="Job" value={targets?.job ?? ""} onChange={(e) => update({ job: e.target.value, instance: null })}>
              {(targets?.jobs ?? []).map((j) => (
                <option key={j} value={j}>
                  {j}
                </option>
              ))}
            </select>
          </label>
          <label style={{ fontSize: 12, color: "var(--muted)" }}>
            instance{" "}
            <select aria-label="Instance" value={state.instance ?? ""} onChange={(e) => update({ instance: e.target.value || null })}>
              <option value="">all API servers</option>
              {(targets?.instances ?? []).map((i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <span style={{ flex: 1 }} />
      <span data-testid="range-label" title={`${fmt(range.from)} → ${fmt(range.to)}`} style={{ fontSize: 13 }}>
        {describeRange(range.fromParam, range.toParam, fmt, now)}
      </span>
      <RangePresets from={state.from} to={state.to} onPick={(from) => update({ from, to: "now" })} />
      <button type="button" onClick={() => shift(-1)} title="Shift back by half the range" aria-label="Shift back">
        ◀
      </button>
      <button type="button" onClick={zoomOut} title="Zoom out (double the range)" aria-label="Zoom out">
        −
      </button>
      <button type="button" onClick={() => shift(1)} title="Shift forward by half the range" aria-label="Shift forward" disabled={range.to >= now}>
        ▶
      </button>
      <CustomRange state={state} update={update} now={now} />
      <button type="button" onClick={() => update({ tz: state.tz === "utc" ? "local" : "utc" }, "replace")} aria-label="Time zone" title="Switch between UTC and local time">
        {state.tz === "utc" ? "UTC" : "Local"}
      </button>
      <button type="button" onClick={onRefresh} aria-label="Refresh now" title="Refresh now">
        ⟳
      </button>
      <select aria-label="Auto refresh" value={state.refresh} onChange={(e) => update({ refresh: e.target.value as Refresh }, "replace")}>
        {REFRESH_CHOICES.map((r) => (
          <option key={r} value={r}>
            {r === "off" ? "Auto refresh off" : `every ${r}`}
          </option>
        ))}
      </select>
      <UpdatedAgo at={lastUpdated} />
      <SamplesTotal view={view.view} />
      <ThemeToggle />
    </header>
  );
}
