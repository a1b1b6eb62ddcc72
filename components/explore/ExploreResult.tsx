"use client";
// One explorer query's answer: the graph (a range query, drawn by the dashboard's own line chart) or the
// table (an instant query at the end of the range), what it cost, and its error — a syntax error with
// its line, column and a caret under the spot.
import { useQuery } from "@tanstack/react-query";
import { exploreErrorSchema, exploreQueryResultSchema, type ExploreQueryResult, type ExploreSyntaxPosition } from "@/lib/api-schema";
import type { TimeZoneMode } from "@/lib/dashboard-state";
import type { ExploreTab } from "@/lib/explore-state";
import { formatValue } from "@/lib/format";
import { formatTime } from "@/lib/time-format";
import { ApiRequestError } from "../api-client";
import { ChartFrameProvider } from "../chart-frame";
import { colorAt } from "../charts/palette";
import { TimeSeriesChart, type ChartLine } from "../charts/TimeSeriesChart";
import { lastValue, labelsKey } from "../charts/series-lines";

/** Lines drawn at most; the table lists every series. */
const MAX_LINES = 50;

export class ExploreQueryError extends ApiRequestError {
  constructor(
    error: { message: string; kind: string; hint: string; detail?: string },
    readonly position?: ExploreSyntaxPosition,
  ) {
    super(error.message, error.kind, error.hint, error.detail);
  }
}

async function fetchExplore(url: string, signal: AbortSignal): Promise<ExploreQueryResult> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { Accept: "application/json" } });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new ApiRequestError("The apiscope server did not answer.", "network", "Check your connection or that the dashboard server is running, then retry.");
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = exploreErrorSchema.safeParse(body);
    if (parsed.success) throw new ExploreQueryError(parsed.data.error, parsed.data.error.position);
    throw new ApiRequestError(`The apiscope server answered ${res.status}.`, "bad_response", "Retry; if it persists, check the server log.");
  }
  const parsed = exploreQueryResultSchema.safeParse(body);
  if (!parsed.success) throw new ApiRequestError("The apiscope server sent data in an unexpected shape.", "bad_response", "Reload the page: the server may have been upgraded.");
  return parsed.data;
}

/** A series as Prometheus writes it: name{label="value", …}. */
export function seriesName(labels: Record<string, string>): string {
  const { __name__: name = "", ...rest } = labels;
  const pairs = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`);
  return pairs.length ? `${name}{${pairs.join(", ")}}` : name || "{}";
}

export interface ExploreRequestArgs {
  cluster: string;
  expr: string;
  start: number;
  end: number;
  /** points wanted across the graph */
  width: number;
  step: number | null;
  tab: ExploreTab;
}

export function useExploreResult(args: ExploreRequestArgs | null) {
  const p = args
    ? new URLSearchParams({
        cluster: args.cluster,
        expr: args.expr,
        start: String(args.start),
        end: String(args.end),
        width: String(args.width),
        mode: args.tab === "table" ? "instant" : "range",
        ...(args.step !== null ? { step: String(args.step) } : {}),
      })
    : null;
  return useQuery({
    queryKey: ["explore", p?.toString()],
    queryFn: ({ signal }) => fetchExplore(`/api/explore/query?${p}`, signal),
    enabled: p !== null,
    staleTime: 60_000,
  });
}

function Caret({ expr, position }: { expr: string; position: ExploreSyntaxPosition }) {
  const line = expr.split("\n")[position.line - 1] ?? "";
  return (
    <pre data-testid="syntax-caret" style={{ margin: "4px 0", fontSize: 12, color: "var(--fg)" }}>
      {line}
      {"\n"}
      {" ".repeat(Math.max(0, position.column - 1))}^
    </pre>
  );
}

export function ExploreError({ error, expr }: { error: unknown; expr: string }) {
  const e = error instanceof ApiRequestError ? error : null;
  const position = error instanceof ExploreQueryError ? error.position : undefined;
  return (
    <div
      role="alert"
      data-testid="explore-error"
      data-kind={e?.kind ?? "internal"}
      data-line={position?.line}
      data-column={position?.column}
      style={{ color: "var(--bad)", padding: "8px 4px" }}
    >
      <div style={{ fontWeight: 600 }}>{e?.message ?? "The query failed."}</div>
      {position && <Caret expr={expr} position={position} />}
      {e?.detail && <code style={{ display: "block", margin: "4px 0", whiteSpace: "pre-wrap", color: "var(--fg)" }}>{e.detail}</code>}
      {e?.hint && <div style={{ color: "var(--fg)" }}>What to do: {e.hint}</div>}
    </div>
  );
}

function Cost({ data }: { data: ExploreQueryResult }) {
  const parts = [
    data.cached ? "from cache (no samples processed now)" : `${data.samplesProcessed.toLocaleString("en-US")} samples processed`,
    `${data.series.length} series`,
    data.mode === "range" ? `step ${data.window.step}s` : null,
    data.ceiling !== null ? `refused above ${data.ceiling.toLocaleString("en-US")} samples` : null,
  ].filter(Boolean);
  return (
    <div data-testid="explore-samples" data-samples={data.samplesProcessed} data-step={data.window.step} style={{ fontSize: 12, color: "var(--muted)" }}>
      {parts.join(" · ")}
    </div>
  );
}

function Graph({ data, tz, width, onZoom }: { data: ExploreQueryResult; tz: TimeZoneMode; width: number; onZoom: (from: number, to: number) => void }) {
  const lines: ChartLine[] = data.series.slice(0, MAX_LINES).map((s, i) => ({ key: labelsKey(s.labels) || `s${i}`, name: seriesName(s.labels), color: colorAt(i), points: s.points }));
  return (
    <div data-testid="explore-graph">
      <ChartFrameProvider width={width}>
        <TimeSeriesChart id={`explore-${labelsKey({ expr: data.expr })}`} lines={lines} unit="count" start={data.window.start} end={data.window.end} tz={tz} height={260} onZoom={onZoom} />
      </ChartFrameProvider>
      <ul data-testid="chart-legend" style={{ listStyle: "none", margin: "4px 0 0", padding: 0, display: "flex", flexWrap: "wrap", gap: "2px 12px", fontSize: 12 }}>
        {lines.map((l) => (
          <li key={l.key} data-testid="legend-item" data-series={l.name} data-last={lastValue(l.points) ?? ""}>
            <span style={{ color: l.color }}>■</span> {l.name}
          </li>
        ))}
        {data.series.length > MAX_LINES && <li style={{ color: "var(--muted)" }}>+{data.series.length - MAX_LINES} more series not drawn (see the table)</li>}
      </ul>
    </div>
  );
}

function Table({ data, tz }: { data: ExploreQueryResult; tz: TimeZoneMode }) {
  const rows = data.series.map((s) => ({ name: seriesName(s.labels), value: s.points[s.points.length - 1]?.[1] ?? null }));
  return (
    <div data-testid="explore-table">
      <div style={{ fontSize: 12, color: "var(--muted)" }}>Evaluated at {formatTime(data.window.evalTime, tz, { date: true, seconds: true })}</div>
      <table style={{ width: "100%", fontSize: 12, borderCollapse: "collapse" }}>
        <thead>
          <tr>
            <th style={{ textAlign: "left" }}>Series</th>
            <th style={{ textAlign: "right" }}>Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-testid="explore-row" data-series={r.name} data-value={r.value ?? ""} style={{ borderTop: "1px solid var(--border)" }}>
              <td style={{ fontFamily: "ui-monospace, monospace", wordBreak: "break-all" }}>{r.name}</td>
              <td style={{ textAlign: "right", fontVariantNumeric: "tabular-nums" }} title={r.value === null ? "" : String(r.value)}>
                {formatValue(r.value, "count")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <div style={{ color: "var(--muted)", padding: 8 }}>No series at this time.</div>}
    </div>
  );
}

export function ExploreResultView({ args, result, tz, width, onZoom }: { args: ExploreRequestArgs; result: ReturnType<typeof useExploreResult>; tz: TimeZoneMode; width: number; onZoom: (from: number, to: number) => void }) {
  if (result.isError) return <ExploreError error={result.error} expr={args.expr} />;
  if (!result.data) return <div data-testid="explore-loading" style={{ color: "var(--muted)", padding: 12 }}>Running…</div>;
  const data = result.data;
  return (
    <div data-testid="explore-result" data-mode={data.mode}>
      <Cost data={data} />
      {data.expr !== args.expr && (
        <div style={{ fontSize: 12, color: "var(--muted)" }}>
          Sent as <code>{data.expr}</code> (this cluster shares its workspace: its cluster label is added)
        </div>
      )}
      {data.warnings.map((w) => (
        <div key={w} style={{ fontSize: 12, color: "var(--warn)" }}>
          Backend warning: {w}
        </div>
      ))}
      {data.mode === "range" ? <Graph data={data} tz={tz} width={width} onZoom={onZoom} /> : <Table data={data} tz={tz} />}
      {data.mode === "range" && data.series.length === 0 && <div style={{ color: "var(--muted)", padding: 8 }}>No series in this range.</div>}
    </div>
  );
}
