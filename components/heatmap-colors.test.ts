import { lab, rgb } from "d3-color";
import { describe, expect, it } from "vitest";
import { PALETTE_STEPS, colourAtLevel, paletteFor } from "./heatmap-colors";
import { THEMES } from "./theme";

/** CIE L* (0 black … 100 white). */
const lightness = (colour: string) => lab(colour).l;
/** CIE76 colour difference; about 2.3 is the smallest difference people notice. */
function deltaE(a: string, b: string): number {
  const [x, y] = [lab(a), lab(b)];
  return Math.hypot(x.l - y.l, x.a - y.a, x.b - y.b);
}

const DARK = THEMES.dark.heatmapScale;
const LIGHT = THEMES.light.heatmapScale;

describe("heatmap palettes", () => {
  it("have one #rrggbb colour per step plus the unused index 0", () => {
    for (const scale of [DARK, LIGHT]) {
      const palette = paletteFor(scale);
      expect(palette).toHaveLength(PALETTE_STEPS + 1);
      expect(palette[0]).toBe("");
      palette.slice(1).forEach((c) => expect(c).toMatch(/^#[0-9a-f]{6}$/));
    }
  });

  it("run exactly from the scale's first anchor to its last", () => {
    for (const scale of [DARK, LIGHT]) {
      const palette = paletteFor(scale);
      expect(palette[1]).toBe(scale[0]);
      expect(palette[PALETTE_STEPS]).toBe(scale[scale.length - 1]);
      expect(colourAtLevel(scale, 0)).toBe(scale[0]);
      expect(colourAtLevel(scale, 1)).toBe(scale[scale.length - 1]);
    }
  });

  it("pass through every anchor at its even share of the scale", () => {
    // 6 anchors: anchor i sits at level i / 5.
    DARK.forEach((anchor, i) => expect(colourAtLevel(DARK, i / (DARK.length - 1))).toBe(anchor));
  });

  it("interpolate in CIE Lab, not RGB", () => {
    // Halfway from black to white is L* = 50: Y = (66 / 116)³ = 0.1842, sRGB 1.055·Y^(1/2.4) − 0.055
    // = 0.4663 → 119 = 0x77. Plain RGB mixing would give #808080.
    expect(colourAtLevel(["#000000", "#ffffff"], 0.5)).toBe("#777777");
  });

  it("clamp levels outside 0..1", () => {
    expect(colourAtLevel(LIGHT, -0.5)).toBe(LIGHT[0]);
    expect(colourAtLevel(LIGHT, 7)).toBe(LIGHT[LIGHT.length - 1]);
  });

  it("get lighter with more requests on the dark theme and darker on the light one", () => {
    const dark = paletteFor(DARK).slice(1).map(lightness);
    const light = paletteFor(LIGHT).slice(1).map(lightness);
    for (let i = 1; i < dark.length; i++) expect(dark[i]).toBeGreaterThan(dark[i - 1]);
    for (let i = 1; i < light.length; i++) expect(light[i]).toBeLessThan(light[i - 1]);
  });

  it("keep the fewest requests visibly apart from the panel background", () => {
    expect(lightness(colourAtLevel(DARK, 0))).toBeGreaterThan(lightness(THEMES.dark.bgPanel) + 20);
    expect(lightness(colourAtLevel(LIGHT, 0))).toBeLessThan(lightness(THEMES.light.bgPanel) - 10);
  });

  it("look like the OKLab palettes they replace (within a just-noticeable difference)", () => {
    // Sampled from the hand-written OKLab interpolation this module used before d3-interpolate.
    const before = {
      dark: { 1: "#3d4aa8", 8: "#3668ad", 16: "#2787aa", 24: "#20a196", 32: "#3fb77c", 40: "#67c95d", 48: "#a3d749", 56: "#d2e347", 64: "#fdf05a" },
      light: { 1: "#f7d774", 8: "#f6bb59", 16: "#f1993e", 24: "#e77232", 32: "#d44f36", 40: "#ba2e3c", 48: "#951f47", 56: "#6f1449", 64: "#4a0c46" },
    };
    for (const [name, samples] of Object.entries(before) as [keyof typeof before, Record<number, string>][]) {
      const palette = paletteFor(THEMES[name].heatmapScale);
      for (const [k, colour] of Object.entries(samples)) expect(deltaE(palette[Number(k)], colour)).toBeLessThan(2);
    }
  });

  it("accept any CSS colour d3-color reads as an anchor", () => {
    expect(colourAtLevel(["rgb(255, 0, 0)", "hsl(240, 100%, 50%)"], 0)).toBe("#ff0000");
    expect(rgb(colourAtLevel(["rgb(255, 0, 0)", "hsl(240, 100%, 50%)"], 1)).formatHex()).toBe("#0000ff");
  });
});
