"use client";
// The fleet overview: one row per cluster, worst first. Each row asks for its own readings
// (GET /api/fleet?cluster=<id>), so a slow or unreachable cluster delays only its own row; rows are sorted
// as they arrive with the server's own order (lib/fleet-score.ts). What the load cost is shown on top.
import { useQueries, useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { clustersResponseSchema, fleetResponseSchema, type ClusterSummary, type FleetRow } from "@/lib/api-schema";
import { worstFirst } from "@/lib/fleet-score";
import { formatValue } from "@/lib/format";
import { describeRange, resolveRange } from "@/lib/time-range";
import { formatTime } from "@/lib/time-format";
import { getJson } from "./api-client";
import { FleetTable, type FleetEntry } from "./FleetTable";
import { RangePresets } from "./RangePresets";
import { ThemeToggle } from "./ThemeToggle";

export function Fleet({ clusters: initial, notices: initialNotices }: { clusters?: ClusterSummary[]; notices?: string[] }) {
  const params = useSearchParams();
  const router = useRouter();
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  const range = useMemo(() => resolveRange(params.get("from"), params.get("to"), now), [params, now]);
  const listed = useQuery({
    queryKey: ["clusters"],
    queryFn: ({ signal }) => getJson("/api/clusters", clustersResponseSchema, signal),
    enabled: !initial,
  });
  const clusters = initial ?? listed.data?.clusters ?? [];
  // A shared workspace's discovered clusters beyond the cap (or not discovered) are said so.
  const notices = (initial ? initialNotices : listed.data?.notices) ?? [];
  const rows = useQueries({
    queries: clusters.map((c) => ({
      queryKey: ["fleet", c.id, range.from, range.to],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        getJson(`/api/fleet?${new URLSearchParams({ start: String(range.from), end: String(range.to), cluster: c.id })}`, fleetResponseSchema, signal),
      staleTime: 30_000,
    })),
  });
  const entries: FleetEntry[] = clusters.map((cluster, i) => {
    const q = rows[i]!;
    const row: FleetRow | undefined = q.data?.rows[0];
    if (row) return { cluster, row };
    if (q.error) return { cluster, requestError: q.error instanceof Error ? q.error.message : String(q.error) };
    return { cluster };
  });
  // Loaded rows worst first; a request that failed counts as a failed row; loading rows last.
  entries.sort((a, b) => {
    const key = (e: FleetEntry) => e.row ?? (e.requestError ? { status: "error" as const, score: null, name: e.cluster.name } : null);
    const ka = key(a);
    const kb = key(b);
    if (!ka || !kb) return (ka ? 0 : 1) - (kb ? 0 : 1) || a.cluster.name.localeCompare(b.cluster.name);
    return worstFirst(ka, kb);
  });
  const samples = entries.reduce((n, e) => n + (e.row?.samplesProcessed ?? 0), 0);
  const queries = entries.reduce((n, e) => n + (e.row?.queries ?? 0), 0);
  const loading = entries.filter((e) => !e.row && !e.requestError).length;
  const fmt = (t: number) => formatTime(t, "local", { date: true });
  const setRange = (from: string) => router.replace(`/fleet?${new URLSearchParams({ from, to: "now" })}`);
  return (
    <div>
      <header style={{ position: "sticky", top: 0, zIndex: 20, background: "var(--bg)", borderBottom: "1px solid var(--border)", padding: "8px 16px", display: "flex", flexWrap: "wrap", gap: 8, alignItems: "center" }}>
        <strong style={{ fontSize: 17, marginRight: 8 }}>apiscope</strong>
        <span>Fleet</span>
        <a href={`/?${new URLSearchParams({ from: range.fromParam, to: range.toParam })}`}>Dashboard</a>
        <span style={{ flex: 1 }} />
        <span data-testid="range-label" style={{ fontSize: 13 }}>
          {describeRange(range.fromParam, range.toParam, fmt, now)}
        </span>
        <RangePresets from={range.fromParam} to={range.toParam} onPick={setRange} />
        <button type="button" aria-label="Refresh now" title="Refresh now" onClick={() => setNow(Math.floor(Date.now() / 1000))}>
          ⟳
        </button>
        <span data-testid="fleet-samples" data-samples={samples} data-queries={queries} title="Backend samples this fleet load processed (AMP bills per sample processed); cached readings cost nothing" style={{ color: "var(--muted)", fontSize: 12 }}>
          {formatValue(samples, "count")} samples · {queries} queries{loading > 0 ? ` · ${loading} loading` : ""}
        </span>
        <ThemeToggle />
      </header>
      <main style={{ padding: 16 }}>
        {range.notice && (
          <p role="status" style={{ color: "var(--warn)" }}>
            {range.notice}
          </p>
        )}
        {listed.error && <p role="alert">{listed.error.message}</p>}
        {notices.map((n) => (
          <p key={n} role="status" data-testid="fleet-notice" style={{ color: "var(--warn)" }}>
            {n}
          </p>
        ))}
        <p style={{ color: "var(--muted)", fontSize: 13, marginTop: 0 }}>
          Each cluster's readings at the end of the range (what its dashboard's tiles show), worst first: a cluster that cannot be read leads, then the one
          closest to a limit (1 % 5xx or 429, 1 s API p99, 100 ms etcd p99, a full priority level, 90 % of the in-flight limit, 80 % of the etcd quota).
        </p>
        <FleetTable entries={entries} range={{ start: range.from, end: range.to, fromParam: range.fromParam, toParam: range.toParam }} />
      </main>
    </div>
  );
}
