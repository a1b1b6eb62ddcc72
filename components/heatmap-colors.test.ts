import { describe, expect, it } from "vitest";
import { PALETTE_STEPS, colourAtLevel, luminanceOf, paletteFor } from "./heatmap-colors";

function luminance(hex: string): number {
  return luminanceOf(hex)!.luminance;
}

describe("heatmap palettes", () => {
  it("have one colour per step plus the unused index 0", () => {
    for (const dark of [true, false]) {
      const palette = paletteFor(dark);
      expect(palette).toHaveLength(PALETTE_STEPS + 1);
      palette.slice(1).forEach((c) => expect(c).toMatch(/^#[0-9a-f]{6}$/));
    }
  });
  it("get lighter with more requests on a dark panel and darker on a light one", () => {
    const dark = paletteFor(true).slice(1).map(luminance);
    const light = paletteFor(false).slice(1).map(luminance);
    for (let i = 1; i < dark.length; i++) expect(dark[i]).toBeGreaterThanOrEqual(dark[i - 1] - 1e-3);
    for (let i = 1; i < light.length; i++) expect(light[i]).toBeLessThanOrEqual(light[i - 1] + 1e-3);
  });
  it("keep the fewest requests visibly apart from the background", () => {
    expect(luminance(colourAtLevel(true, 0))).toBeGreaterThan(luminance("#161b22") + 0.04);
    expect(luminance(colourAtLevel(false, 0))).toBeLessThan(luminance("#ffffff") - 0.25);
  });
  it("reads the colours getComputedStyle returns", () => {
    expect(luminanceOf("rgb(255, 255, 255)")).toEqual({ luminance: 1, alpha: 1 });
    expect(luminanceOf("rgba(0, 0, 0, 0)")).toEqual({ luminance: 0, alpha: 0 });
    expect(luminanceOf("transparent")).toBeNull();
  });
});
