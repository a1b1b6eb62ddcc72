// Grafana-compatible time range parameters, so SREs' habits and old links carry over:
// `from`/`to` take `now`, `now-6h`, `now-15m`, epoch milliseconds or ISO 8601.
import { isValid, parseISO } from "date-fns";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

export const MAX_RANGE_SECONDS = 32 * 86400;
export const MIN_RANGE_SECONDS = 60;
/**
 * A range must lie between 1970 and a year from now to be drawn: no backend holds samples before 1970
 * (and the API refuses negative times), and an end further ahead is a typo (its labels and ticks would be
 * nonsense, and far enough out, past what a Date can hold, they cannot be formatted at all).
 */
export const EARLIEST_SECONDS = 0;
export const LATEST_AHEAD_SECONDS = 366 * 86400;

export const RELATIVE_PRESETS = [
  { label: "Last 5 minutes", from: "now-5m" },
  { label: "Last 15 minutes", from: "now-15m" },
  { label: "Last 30 minutes", from: "now-30m" },
  { label: "Last 1 hour", from: "now-1h" },
  { label: "Last 3 hours", from: "now-3h" },
  { label: "Last 6 hours", from: "now-6h" },
  { label: "Last 12 hours", from: "now-12h" },
  { label: "Last 24 hours", from: "now-24h" },
  { label: "Last 2 days", from: "now-2d" },
  { label: "Last 7 days", from: "now-7d" },
] as const;

export const DEFAULT_FROM = "now-1h";
export const DEFAULT_TO = "now";

/** A `from`/`to` value resolved against a clock; `null` when it cannot be understood. */
export function parseTimeParam(raw: string, nowSeconds: number): number | null {
  const s = raw.trim();
  if (s === "now") return nowSeconds;
  const rel = /^now-(\d+)([smhdwy])$/.exec(s);
  if (rel) return nowSeconds - Number(rel[1]) * UNIT_SECONDS[rel[2]!]!;
  if (/^\d{10,14}$/.test(s)) {
    // Grafana uses epoch milliseconds; accept seconds too (10 digits) since people paste both.
    const n = Number(s);
    return s.length <= 10 ? n : Math.floor(n / 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const d = parseISO(s);
    return isValid(d) ? Math.floor(d.getTime() / 1000) : null;
  }
  return null;
}

export function isRelative(raw: string): boolean {
  return raw.trim().startsWith("now");
}

export interface ResolvedRange {
  from: number;
  to: number;
  /** the parameters as they should appear in the URL after fixing */
  fromParam: string;
  toParam: string;
  /** what was wrong with the URL's range, in words, or null */
  notice: string | null;
}

/** Resolve URL parameters to an absolute range, falling back to the default with a notice when they make no sense. */
export function resolveRange(fromRaw: string | null, toRaw: string | null, nowSeconds: number): ResolvedRange {
  const fromParam = fromRaw ?? DEFAULT_FROM;
  const toParam = toRaw ?? DEFAULT_TO;
  const from = parseTimeParam(fromParam, nowSeconds);
  const to = parseTimeParam(toParam, nowSeconds);
  const fallback = (notice: string): ResolvedRange => ({
    from: nowSeconds - 3600,
    to: nowSeconds,
    fromParam: DEFAULT_FROM,
    toParam: DEFAULT_TO,
    notice,
  });
  if (from === null) return fallback(`The start time "${truncate(fromParam)}" is not a time apiscope understands (use now-6h, epoch ms or ISO 8601); showing the last hour.`);
  if (to === null) return fallback(`The end time "${truncate(toParam)}" is not a time apiscope understands (use now, epoch ms or ISO 8601); showing the last hour.`);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from < EARLIEST_SECONDS || to > nowSeconds + LATEST_AHEAD_SECONDS) {
    return fallback("The time range cannot be shown (it starts before 1970 or ends more than a year from now); showing the last hour.");
  }
  if (from >= to) return fallback("The start of the time range was not before its end; showing the last hour.");
  if (to - from > MAX_RANGE_SECONDS) return fallback("The time range was longer than 32 days; showing the last hour.");
  if (to - from < MIN_RANGE_SECONDS && to - MIN_RANGE_SECONDS < EARLIEST_SECONDS) return fallback("The time range cannot be shown (it starts before 1970 or ends more than a year from now); showing the last hour.");
  if (to - from < MIN_RANGE_SECONDS) return { from: to - MIN_RANGE_SECONDS, to, fromParam: String((to - MIN_RANGE_SECONDS) * 1000), toParam, notice: "The time range was shorter than a minute; widened to one minute." };
  return { from, to, fromParam, toParam, notice: null };
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Human label for a range: "Last 1 hour" for presets, else the absolute times. */
export function describeRange(fromParam: string, toParam: string, format: (unixSeconds: number) => string, nowSeconds: number): string {
  if (toParam === "now") {
    const preset = RELATIVE_PRESETS.find((p) => p.from === fromParam);
    if (preset) return preset.label;
    if (isRelative(fromParam)) return `${fromParam} → now`;
  }
  const r = resolveRange(fromParam, toParam, nowSeconds);
  return `${format(r.from)} → ${format(r.to)}`;
}
