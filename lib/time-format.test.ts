import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axisTimeFormatter, formatAxisTime, formatDuration, formatTime, formatTooltipTime, spansDays, timeTicks, type TimeZoneMode } from "./time-format";

/** Runs a describe block's tests with the process in another time zone ("local" is the browser's). */
function inZone(zone: string) {
  let previous: string | undefined;
  beforeAll(() => {
    previous = process.env.TZ;
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  });
}

const at = (iso: string) => Date.parse(iso) / 1000;
const T = at("2025-05-01T14:32:30Z");

describe("formatting in UTC", () => {
  inZone("America/New_York"); // the browser's zone must not leak into UTC labels

  it("formats clocks, dates and says UTC next to a date", () => {
    expect(formatTime(T, "utc")).toBe("14:32");
    expect(formatTime(T, "utc", { seconds: true })).toBe("14:32:30");
    expect(formatTime(T, "utc", { date: true })).toBe("01/05/2025, 14:32 UTC");
    expect(formatTime(T, "utc", { date: true, seconds: true })).toBe("01/05/2025, 14:32:30 UTC");
  });

  it("formats the heatmap's tooltip and axis times", () => {
    expect(formatTooltipTime(T, "utc")).toBe("14:32:30");
    expect(formatTooltipTime(T, "utc", true)).toBe("2025-05-01 14:32:30");
    expect(formatAxisTime(T, "utc")).toBe("14:32");
    expect(formatAxisTime(T, "utc", true)).toBe("05-01 14:32");
  });

  it("reads midnight as 00:00 of the new day", () => {
    const midnight = at("2025-05-02T00:00:00Z");
    expect(formatTime(midnight, "utc", { date: true, seconds: true })).toBe("02/05/2025, 00:00:00 UTC");
    expect(formatTooltipTime(midnight - 1, "utc", true)).toBe("2025-05-01 23:59:59");
    expect(formatAxisTime(midnight, "utc", true)).toBe("05-02 00:00");
  });
});

describe("formatting in the browser's zone", () => {
  describe("Europe/Berlin (UTC+2 in May)", () => {
    inZone("Europe/Berlin");
    it("shows the local clock, without a zone suffix", () => {
      expect(formatTime(T, "local")).toBe("16:32");
      expect(formatTime(T, "local", { date: true, seconds: true })).toBe("01/05/2025, 16:32:30");
      expect(formatTooltipTime(T, "local", true)).toBe("2025-05-01 16:32:30");
      expect(formatAxisTime(T, "local", true)).toBe("05-01 16:32");
    });
    it("moves to the next day before UTC does", () => {
      const t = at("2025-05-01T23:30:00Z");
      expect(formatTime(t, "utc", { date: true })).toBe("01/05/2025, 23:30 UTC");
      expect(formatTime(t, "local", { date: true })).toBe("02/05/2025, 01:30");
      expect(formatAxisTime(t, "local", true)).toBe("05-02 01:30");
    });
  });

  describe("America/New_York (UTC−4 in May)", () => {
    inZone("America/New_York");
    it("stays on the previous day after UTC midnight", () => {
      const t = at("2025-05-02T02:15:00Z");
      expect(formatTime(t, "local", { date: true })).toBe("01/05/2025, 22:15");
      expect(formatTooltipTime(t, "local", true)).toBe("2025-05-01 22:15:00");
    });
  });

  describe("Asia/Kolkata (UTC+5:30)", () => {
    inZone("Asia/Kolkata");
    it("keeps the half-hour offset", () => {
      expect(formatTime(T, "local", { seconds: true })).toBe("20:02:30");
    });
  });

  describe("UTC as the browser's zone", () => {
    inZone("UTC");
    it("gives the same text both ways, but for the UTC suffix", () => {
      for (let t = at("2024-12-31T22:00:00Z"); t < at("2025-01-01T02:00:00Z"); t += 997) {
        expect(formatTime(t, "local", { date: true, seconds: true }) + " UTC").toBe(formatTime(t, "utc", { date: true, seconds: true }));
        expect(formatTooltipTime(t, "local", true)).toBe(formatTooltipTime(t, "utc", true));
        expect(formatAxisTime(t, "local", true)).toBe(formatAxisTime(t, "utc", true));
      }
    });
  });
});

describe("axis labels", () => {
  inZone("Europe/Berlin");
  it("show the date only when the range spans more than a day", () => {
    expect(spansDays(86400)).toBe(false);
    expect(spansDays(86401)).toBe(true);
    expect(axisTimeFormatter("utc", 3600)(T)).toBe("14:32");
    expect(axisTimeFormatter("utc", 2 * 86400)(T)).toBe("01/05/2025, 14:32 UTC");
    expect(axisTimeFormatter("local", 2 * 86400)(T)).toBe("01/05/2025, 16:32");
  });
  it("says the window a heatmap cell counts over", () => {
    expect(formatDuration(300)).toBe("5 min");
    expect(formatDuration(90)).toBe("90 s");
  });
});

/** Labels of the ticks a chart would draw. */
function tickLabels(start: number, end: number, widthPx: number, zone: TimeZoneMode): string[] {
  const label = axisTimeFormatter(zone, end - start);
  return timeTicks(start, end, widthPx, 90, zone).map(label);
}

describe("time ticks", () => {
  inZone("Europe/Berlin");

  it("put a 1 h range on every 10 minutes at a typical panel width", () => {
    const start = at("2025-05-01T14:02:00Z");
    const ticks = timeTicks(start, start + 3600, 632, 90, "utc");
    expect(ticks.map((t) => formatAxisTime(t, "utc"))).toEqual(["14:10", "14:20", "14:30", "14:40", "14:50", "15:00"]);
  });

  it("stay inside the range and at least the minimum gap apart", () => {
    const start = at("2025-05-01T14:02:17Z");
    for (const [span, width] of [[900, 1332], [3 * 3600, 450], [6 * 3600, 900], [86400, 1800], [7 * 86400, 632]]) {
      const ticks = timeTicks(start, start + span, width, 90, "utc");
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks[0]).toBeGreaterThanOrEqual(start);
      expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(start + span);
      for (let i = 1; i < ticks.length; i++) expect(((ticks[i] - ticks[i - 1]) / span) * width).toBeGreaterThanOrEqual(90);
    }
  });

  it("fall on UTC midnight and noon over two days in UTC, with the date on the midnight ones", () => {
    const labels = tickLabels(at("2025-05-01T06:00:00Z"), at("2025-05-03T06:00:00Z"), 600, "utc");
    expect(labels).toEqual(["01/05/2025, 12:00 UTC", "02/05/2025, 00:00 UTC", "02/05/2025, 12:00 UTC", "03/05/2025, 00:00 UTC"]);
  });

  it("fall on local midnight and noon over two days in local time", () => {
    const start = at("2025-05-01T06:00:00Z");
    const ticks = timeTicks(start, at("2025-05-03T06:00:00Z"), 600, 90, "local");
    // Berlin is UTC+2: local midnight is 22:00 UTC the evening before.
    expect(ticks.map((t) => new Date(t * 1000).toISOString())).toEqual([
      "2025-05-01T10:00:00.000Z",
      "2025-05-01T22:00:00.000Z",
      "2025-05-02T10:00:00.000Z",
      "2025-05-02T22:00:00.000Z",
    ]);
    expect(ticks.map(axisTimeFormatter("local", 2 * 86400))).toEqual(["01/05/2025, 12:00", "02/05/2025, 00:00", "02/05/2025, 12:00", "03/05/2025, 00:00"]);
    expect(ticks.map((t) => formatAxisTime(t, "local", true))).toEqual(["05-01 12:00", "05-02 00:00", "05-02 12:00", "05-03 00:00"]);
  });

  it("stay on round local hours across a daylight-saving change", () => {
    // Berlin springs forward at 02:00 local on 2025-03-30: UTC+1 before, UTC+2 after.
    const labels = tickLabels(at("2025-03-29T18:00:00Z"), at("2025-03-30T18:00:00Z"), 1332, "local").map((l) => l.slice(-5));
    expect(labels.length).toBeGreaterThanOrEqual(8);
    for (const label of labels) expect(label).toMatch(/^([01][02468]|2[02]):00$/);
    expect(labels).toContain("04:00");
    expect(labels).toContain("18:00");
  });

  it("keep local ticks on the local clock in a half-hour zone", () => {
    const kolkata = "Asia/Kolkata";
    const previous = process.env.TZ;
    process.env.TZ = kolkata;
    try {
      const start = at("2025-05-01T00:00:00Z");
      const local = timeTicks(start, start + 12 * 3600, 632, 90, "local").map((t) => formatAxisTime(t, "local"));
      const utc = timeTicks(start, start + 12 * 3600, 632, 90, "utc").map((t) => formatAxisTime(t, "utc"));
      expect(local).toEqual(["06:00", "08:00", "10:00", "12:00", "14:00", "16:00"]);
      expect(utc).toEqual(["00:00", "02:00", "04:00", "06:00", "08:00", "10:00", "12:00"]);
    } finally {
      process.env.TZ = previous;
    }
  });

  it("put week ticks on Thursdays at midnight on long ranges", () => {
    const start = at("2025-04-01T00:00:00Z");
    const ticks = timeTicks(start, start + 30 * 86400, 632, 90, "utc");
    expect(ticks.map((t) => new Date(t * 1000).toISOString().slice(0, 10))).toEqual(["2025-04-03", "2025-04-10", "2025-04-17", "2025-04-24", "2025-05-01"]);
  });

  it("return nothing for an empty range or plot", () => {
    expect(timeTicks(100, 100, 600, 90, "utc")).toEqual([]);
    expect(timeTicks(100, 4000, 0, 90, "utc")).toEqual([]);
  });
});
