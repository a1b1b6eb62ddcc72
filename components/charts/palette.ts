// Distinct colours that read on light and dark backgrounds (Okabe–Ito plus a few), in a fixed order so a
// series keeps its colour across refreshes.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6BB1", "#7F7F7F", "#B8860B", "#17BECF"];

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
