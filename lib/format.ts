// Numbers as an SRE reads them: units spelled out, no 17-digit floats.
import type { Unit } from "./panels/types";

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

function trim(n: number, digits = 3): string {
  if (n === 0) return "0";
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString("en-US");
  return Number(n.toPrecision(digits)).toString();
}

/** The magnitude `trim` will print: a unit is chosen on this, so 0.9996 s reads "1 s", not "1000 ms". */
function printed(n: number): number {
  const abs = Math.abs(n);
  return abs >= 1000 ? Math.round(abs) : Number(abs.toPrecision(3));
}

export function formatSeconds(s: number): string {
  const abs = Math.abs(s);
  if (abs === 0) return "0 s";
  if (abs < 1e-3 && printed(s * 1e6) < 1000) return `${trim(s * 1e6)} µs`;
  if (abs < 1 && printed(s * 1e3) < 1000) return `${trim(s * 1e3)} ms`;
  if (abs < 120) return `${trim(s)} s`;
  return `${trim(s / 60)} min`;
}

export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  switch (unit) {
    case "seconds":
      return formatSeconds(v);
    case "percent":
      return `${trim(v)} %`;
    case "ratio":
      return `${trim(v * 100)} %`;
    case "reqps":
      return `${trim(v)} req/s`;
    case "perSecond":
      return `${trim(v)}/s`;
    case "cores":
      return `${trim(v)} cores`;
    case "bytes": {
      let i = 0;
      let n = v;
      while (printed(n) >= 1024 && i < BYTE_UNITS.length - 1) {
        n /= 1024;
        i++;
      }
      return `${trim(n)} ${BYTE_UNITS[i]}`;
    }
    case "count":
      return trim(v);
  }
}

/** Expand a Grafana-style `{{label}}` legend template; missing labels become empty. */
export function legendFor(template: string, labels: Record<string, string>): string {
  const out = template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? "");
  const cleaned = out.replace(/\s+/g, " ").replace(/\(\s*\)/g, "").trim();
  return cleaned || template.replace(/\{\{[^}]*\}\}/g, "").trim() || "value";
}
