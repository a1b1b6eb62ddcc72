// Time labels in the zone the user chose (UTC or the browser's), the same on every chart.
import type { TimeZoneMode } from "./dashboard-state";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: TimeZoneMode, withDate: boolean, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${tz}|${withDate}|${withSeconds}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz === "utc" ? "UTC" : undefined,
      hour12: false,
      hour: "2-digit",
      minute: "2-digit",
      second: withSeconds ? "2-digit" : undefined,
      year: withDate ? "numeric" : undefined,
      month: withDate ? "2-digit" : undefined,
      day: withDate ? "2-digit" : undefined,
    });
    formatters.set(key, f);
  }
  return f;
}

export function formatTime(unixSeconds: number, tz: TimeZoneMode, opts: { date?: boolean; seconds?: boolean } = {}): string {
  const s = formatter(tz, opts.date ?? false, opts.seconds ?? false).format(new Date(unixSeconds * 1000));
  return tz === "utc" && opts.date ? `${s} UTC` : s;
}

/** Axis ticks show the date too when the range spans more than a day. */
export function axisTimeFormatter(tz: TimeZoneMode, rangeSeconds: number): (t: number) => string {
  const withDate = rangeSeconds > 86400;
  return (t) => formatTime(t, tz, { date: withDate });
}
