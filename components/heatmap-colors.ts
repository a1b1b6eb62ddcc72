// Heatmap palettes, one per background. On a dark panel more requests = lighter; on a light panel
// more requests = darker, so the busiest cells always stand out most from the background and the
// emptiest (drawn) ones still differ from it. Interpolated in OKLab so equal level steps look like
// equal colour steps (a perceptual ramp, unlike plain RGB mixing).

/** Number of distinct colours: enough for a smooth ramp, few enough to batch fills per colour. */
export const PALETTE_STEPS = 64;

// Hand-picked anchors (low → high). Dark: indigo → teal → green → yellow (viridis-like, but its
// dark end lifted so a single request is visible on a near-black panel). Light: the reverse
// lightness order, pale amber → red → deep plum, readable on white.
const DARK_BACKGROUND_ANCHORS = ["#3d4aa8", "#2a7fb0", "#1fa88f", "#5cc75f", "#b9dc3c", "#fdf05a"];
const LIGHT_BACKGROUND_ANCHORS = ["#f7d774", "#f4a442", "#e4672f", "#c0303a", "#86174a", "#4a0c46"];

type Oklab = [number, number, number];

function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function linearToSrgb(c: number): number {
  const v = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
  return Math.min(1, Math.max(0, v));
}

function hexToOklab(hex: string): Oklab {
  const n = parseInt(hex.slice(1), 16);
  const r = srgbToLinear(((n >> 16) & 255) / 255);
  const g = srgbToLinear(((n >> 8) & 255) / 255);
  const b = srgbToLinear((n & 255) / 255);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

function oklabToCss([L, a, b]: Oklab): string {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const r = linearToSrgb(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s);
  const g = linearToSrgb(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s);
  const bl = linearToSrgb(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s);
  const hex = (v: number) => Math.round(v * 255).toString(16).padStart(2, "0");
  return `#${hex(r)}${hex(g)}${hex(bl)}`;
}

function interpolateAnchors(anchors: string[], t: number): string {
  const labs = anchors.map(hexToOklab);
  const scaled = Math.min(1, Math.max(0, t)) * (labs.length - 1);
  const i = Math.min(labs.length - 2, Math.floor(scaled));
  const f = scaled - i;
  const [a, b] = [labs[i], labs[i + 1]];
  return oklabToCss([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
}

/**
 * palette[k] for k = 1..PALETTE_STEPS is the colour of `paletteIndex(level) === k`;
 * palette[0] is unused (index 0 means "leave the cell undrawn").
 */
export type Palette = readonly string[];

function buildPalette(anchors: string[]): Palette {
  const colours = [""];
  for (let k = 1; k <= PALETTE_STEPS; k++) colours.push(interpolateAnchors(anchors, (k - 1) / (PALETTE_STEPS - 1)));
  return colours;
}

const DARK_PALETTE = buildPalette(DARK_BACKGROUND_ANCHORS);
const LIGHT_PALETTE = buildPalette(LIGHT_BACKGROUND_ANCHORS);

export function paletteFor(darkBackground: boolean): Palette {
  return darkBackground ? DARK_PALETTE : LIGHT_PALETTE;
}

/** The colour at a level 0..1, for the legend gradient. */
export function colourAtLevel(darkBackground: boolean, level: number): string {
  return interpolateAnchors(darkBackground ? DARK_BACKGROUND_ANCHORS : LIGHT_BACKGROUND_ANCHORS, level);
}

/** Relative luminance (0 black … 1 white) of a CSS colour in #rrggbb or rgb()/rgba() form. */
export function luminanceOf(cssColour: string): { luminance: number; alpha: number } | null {
  const hex = /^#([0-9a-f]{6})$/i.exec(cssColour.trim());
  let rgb: number[];
  let alpha = 1;
  if (hex) {
    const n = parseInt(hex[1], 16);
    rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  } else {
    const fn = /^rgba?\(([^)]+)\)$/i.exec(cssColour.trim());
    if (!fn) return null;
    const parts = fn[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    if (parts.length < 3 || parts.some(Number.isNaN)) return null;
    rgb = parts.slice(0, 3);
    if (parts.length > 3) alpha = parts[3];
  }
  const [r, g, b] = rgb.map((v) => srgbToLinear(v / 255));
  return { luminance: 0.2126 * r + 0.7152 * g + 0.0722 * b, alpha };
}
