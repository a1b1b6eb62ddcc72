import { createElement as h, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ChartFrameProvider, FALLBACK_CHART_WIDTH, autoFitColumnWidth, useChartFrame } from "./chart-frame";
import { THEMES } from "./theme";

function FrameProbe() {
  const { width, theme } = useChartFrame();
  return h("output", { "data-width": width, "data-theme": theme.name, "data-fg": theme.fg });
}

const attr = (html: string, name: string) => [...html.matchAll(new RegExp(`${name}="([^"]*)"`, "g"))].map((m) => m[1]);
const frame = (width: number, children: ReactNode) => h(ChartFrameProvider, { width, children });

describe("useChartFrame", () => {
  it("falls back to a default width and the current theme outside any frame", () => {
    const html = renderToString(h(FrameProbe));
    expect(attr(html, "data-width")).toEqual([String(FALLBACK_CHART_WIDTH)]);
    // The server render (and hydration) shows the light theme; the client then switches to the store's.
    expect(attr(html, "data-theme")).toEqual(["light"]);
    expect(attr(html, "data-fg")).toEqual([THEMES.light.fg]);
  });

  it("takes the nearest provider's width", () => {
    const html = renderToString(frame(640, h("div", null, h(FrameProbe), frame(316, h(FrameProbe)))));
    expect(attr(html, "data-width")).toEqual(["640", "316"]);
  });

  it("treats a width not measured yet (or garbage) as 0, not as the fallback", () => {
    expect(attr(renderToString(frame(Number.NaN, h(FrameProbe))), "data-width")).toEqual(["0"]);
    expect(attr(renderToString(frame(-5, h(FrameProbe))), "data-width")).toEqual(["0"]);
  });
});

describe("autoFitColumnWidth", () => {
  // grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 8px
  it("splits the width as CSS auto-fit does", () => {
    expect(autoFitColumnWidth(1000, 2, 280, 8)).toBe(496); // three tracks fit; the empty third collapses
    expect(autoFitColumnWidth(1000, 5, 280, 8)).toBeCloseTo((1000 - 16) / 3, 9); // three columns, cells wrap
    expect(autoFitColumnWidth(560, 2, 280, 8)).toBe(560); // 280 + 8 + 280 does not fit: one column
    expect(autoFitColumnWidth(568, 2, 280, 8)).toBe(280); // exactly fits two
    expect(autoFitColumnWidth(1000, 1, 280, 8)).toBe(1000);
  });
  it("overflows rather than shrink a cell below its minimum, and gives nothing for nothing", () => {
    expect(autoFitColumnWidth(200, 2, 280, 8)).toBe(280);
    expect(autoFitColumnWidth(0, 2, 280, 8)).toBe(0);
    expect(autoFitColumnWidth(1000, 0, 280, 8)).toBe(0);
  });
});
