// Every time the dashboard shows, in the zone the user chose (UTC or the browser's), and the round
// clock times the time axes put their ticks on. One module, so every chart, the header and the
// heatmap agree on what "14:30" means.
//
// Local times are formatted by date-fns. date-fns cannot format in another zone without @date-fns/tz
// (not a dependency), so UTC times take their fields from Intl with timeZone "UTC", through the same
// patterns. Ticks come from d3-scale (scaleUtc in UTC, scaleTime in the browser's zone) on d3-time
// intervals, the ones d3-scale itself is built on.
import { scaleTime, scaleUtc } from "d3-scale";
import { timeDay, timeHour, timeMinute, timeThursday, unixDay, utcHour, utcMinute, utcThursday, type TimeInterval } from "d3-time";
import { format as formatLocal } from "date-fns";

export type TimeZoneMode = "local" | "utc";

/** Ranges longer than this show the date next to the clock. */
export const MULTI_DAY_SECONDS = 86400;

export function spansDays(rangeSeconds: number): boolean {
  return rangeSeconds > MULTI_DAY_SECONDS;
}

/**
 * The patterns in use, in date-fns syntax. They only use the tokens UTC formatting fills in
 * (yyyy MM dd HH mm ss) and punctuation.
 */
const PATTERNS = {
  clock: "HH:mm",
  clockSeconds: "HH:mm:ss",
  dateClock: "dd/MM/yyyy, HH:mm",
  dateClockSeconds: "dd/MM/yyyy, HH:mm:ss",
  isoDateClockSeconds: "yyyy-MM-dd HH:mm:ss",
  monthDayClock: "MM-dd HH:mm",
} as const;
type Pattern = (typeof PATTERNS)[keyof typeof PATTERNS];

type UtcField = "yyyy" | "MM" | "dd" | "HH" | "mm" | "ss";
const UTC_FIELD_OF_PART: Partial<Record<Intl.DateTimeFormatPartTypes, UtcField>> = {
  year: "yyyy",
  month: "MM",
  day: "dd",
  hour: "HH",
  minute: "mm",
  second: "ss",
};

let utcFormatter: Intl.DateTimeFormat | null = null;

function formatUtc(date: Date, pattern: Pattern): string {
  utcFormatter ??= new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC",
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const fields = {} as Record<UtcField, string>;
  for (const part of utcFormatter.formatToParts(date)) {
    const field = UTC_FIELD_OF_PART[part.type];
    if (field) fields[field] = part.value;
  }
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => fields[token as UtcField]);
}

function formatIn(unixSeconds: number, tz: TimeZoneMode, pattern: Pattern): string {
  const date = new Date(unixSeconds * 1000);
  return tz === "utc" ? formatUtc(date, pattern) : formatLocal(date, pattern);
}

// ---------------------------------------------------------------------------------------------
// Labels

/**
 * "14:32", "14:32:30", or with the date "01/05/2025, 14:32" (UTC ones say so: "01/05/2025, 14:32 UTC").
 * The header, the single-panel page and line-chart tooltips use it.
 */
export function formatTime(unixSeconds: number, tz: TimeZoneMode, opts: { date?: boolean; seconds?: boolean } = {}): string {
  const pattern = opts.date
    ? opts.seconds
      ? PATTERNS.dateClockSeconds
      : PATTERNS.dateClock
    : opts.seconds
      ? PATTERNS.clockSeconds
      : PATTERNS.clock;
  const text = formatIn(unixSeconds, tz, pattern);
  return tz === "utc" && opts.date ? `${text} UTC` : text;
}

/** Line-chart axis ticks: the clock, and the date too when the range spans more than a day. */
export function axisTimeFormatter(tz: TimeZoneMode, rangeSeconds: number): (t: number) => string {
  const withDate = spansDays(rangeSeconds);
  return (t) => formatTime(t, tz, { date: withDate });
}

/** Heatmap tooltip: "14:32:30", or "2025-05-01 14:32:30" when the range spans days. */
export function formatTooltipTime(unixSeconds: number, tz: TimeZoneMode, withDate = false): string {
  return formatIn(unixSeconds, tz, withDate ? PATTERNS.isoDateClockSeconds : PATTERNS.clockSeconds);
}

/** Heatmap axis ticks: "14:30", or "05-01 14:30" on multi-day ranges. */
export function formatAxisTime(unixSeconds: number, tz: TimeZoneMode, withDate = false): string {
  return formatIn(unixSeconds, tz, withDate ? PATTERNS.monthDayClock : PATTERNS.clock);
}

/** A window length: "5 min", "90 s". */
export function formatDuration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

// ---------------------------------------------------------------------------------------------
// Ticks

/** Tick spacings, densest first: the round clock steps an SRE reads at a glance. */
const TICK_STEPS_SECONDS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
const WEEK = 604800;

/**
 * The d3-time interval for a step, aligned on the zone's clock: minutes and hours on the clock's own
 * fields (every 10 min = :00, :10 …), days at midnight and weeks on Thursday midnights, both counted
 * from 1970-01-01 (a Thursday), which is where ticks on long ranges have always been.
 */
function tickInterval(stepSeconds: number, zone: TimeZoneMode): TimeInterval | null {
  const utc = zone === "utc";
  if (stepSeconds < 3600) return (utc ? utcMinute : timeMinute).every(stepSeconds / 60);
  if (stepSeconds < 86400) return (utc ? utcHour : timeHour).every(stepSeconds / 3600);
  // Days and weeks are counted from the zone's 1970-01-01 (interval.every would count days of the
  // month, making 31 → 1 adjacent, and count local weeks from the UTC epoch).
  const [unit, unitSeconds] = stepSeconds < WEEK ? [utc ? unixDay : timeDay, 86400] : [utc ? utcThursday : timeThursday, WEEK];
  const units = stepSeconds / unitSeconds;
  if (units === 1) return unit;
  const epoch = utc ? new Date(0) : new Date(1970, 0, 1);
  return unit.filter((d) => unit.count(epoch, d) % units === 0);
}

/**
 * Times (unix seconds) for x labels between start and end, on round clock times in the chosen zone
 * (every 5 min at :00, :05 …, every 3 h at 00:00, 03:00 …), at least `minGapPx` apart on a plot
 * `widthPx` wide. d3-scale lays them out (scaleUtc, or scaleTime in the browser's zone, which keeps
 * them on round local hours across a daylight-saving change).
 */
export function timeTicks(start: number, end: number, widthPx: number, minGapPx: number, zone: TimeZoneMode): number[] {
  const span = end - start;
  if (!(span > 0) || !(widthPx > 0)) return [];
  const minStep = (span * Math.max(minGapPx, 0)) / widthPx;
  const step = TICK_STEPS_SECONDS.find((s) => s >= minStep) ?? Math.ceil(minStep / WEEK) * WEEK;
  const interval = tickInterval(step, zone);
  if (!interval) return [];
  const scale = (zone === "utc" ? scaleUtc() : scaleTime()).domain([new Date(start * 1000), new Date(end * 1000)]);
  return scale.ticks(interval).map((d) => d.getTime() / 1000);
}
