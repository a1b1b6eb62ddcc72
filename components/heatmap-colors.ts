// Heatmap palettes from the theme's colour scale (components/theme.ts: `heatmapScale`, fewest → most
// requests). The anchors are interpolated by d3-interpolate in CIE Lab, a perceptual space, so equal
// level steps look like equal colour steps (unlike plain RGB mixing), then quantized to a fixed
// number of colours so the canvas can paint cells from a lookup table.
import { rgb } from "d3-color";
import { interpolateLab, piecewise, quantize } from "d3-interpolate";

/** Number of distinct colours: enough for a smooth ramp, few enough to batch fills per colour. */
export const PALETTE_STEPS = 64;

/** Colour anchors, fewest → most requests, as any CSS colour d3-color reads. */
export type HeatmapScale = readonly string[];

/**
 * palette[k] for k = 1..PALETTE_STEPS is the colour ("#rrggbb") of `paletteIndex(level) === k`;
 * palette[0] is unused (index 0 means "leave the cell undrawn").
 */
export type Palette = readonly string[];

const interpolators = new WeakMap<HeatmapScale, (t: number) => string>();

function interpolatorFor(scale: HeatmapScale): (t: number) => string {
  let interpolator = interpolators.get(scale);
  if (!interpolator) {
    if (scale.length === 0) throw new Error("A heatmap scale needs at least one colour.");
    const lab = scale.length === 1 ? () => scale[0] : piecewise(interpolateLab, [...scale]);
    interpolator = (t: number) => rgb(lab(Math.min(1, Math.max(0, t)))).formatHex();
    interpolators.set(scale, interpolator);
  }
  return interpolator;
}

const palettes = new WeakMap<HeatmapScale, Palette>();

/** The quantized palette for a scale; the same array for the same scale, so it can key caches. */
export function paletteFor(scale: HeatmapScale): Palette {
  let palette = palettes.get(scale);
  if (!palette) {
    palette = ["", ...quantize(interpolatorFor(scale), PALETTE_STEPS)];
    palettes.set(scale, palette);
  }
  return palette;
}

/** The colour at a level 0..1 ("#rrggbb"), for the legend gradient. */
export function colourAtLevel(scale: HeatmapScale, level: number): string {
  return interpolatorFor(scale)(level);
}
