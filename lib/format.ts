// Numbers as an SRE reads them: units spelled out, no 17-digit floats.
import type { Unit } from "./panels/types";

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

function trim(n: number, digits = 3): string {
  if (n === 0) return "0";
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString("en-US");
  return Number(n.toPrecision(digits)).toString();
}

export function formatSeconds(s: number): string {
  const abs = Math.abs(s);
  if (abs === 0) return "0 s";
  if (abs < 1e-3) return `${trim(s * 1e6)} µs`;
  if (abs < 1) return `${trim(s * 1e3)} ms`;
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
      while (Math.abs(n) >= 1024 && i < BYTE_UNITS.length - 1) {
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
