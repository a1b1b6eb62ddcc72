// The list of every series one API server can expose, built once per scenario. Each series owns a slot in a
// Float64Array; the model writes counter increments and gauge values into those slots, the engine keeps the
// running totals. Histograms take consecutive slots: one per finite `le`, then +Inf, _sum, _count.

import { FAMILIES, type FamilyName, type FamilyType } from "./families";
import { hashString } from "./noise";
import { decorateHelp, isExported, type VersionProfile } from "./versions";

export type Labels = Readonly<Record<string, string>>;

export interface SeriesInfo {
  readonly index: number;
  readonly family: FamilyName;
  /** Sample name: the family name, or `<family>_bucket` / `_sum` / `_count`. */
  readonly name: string;
  /** Without job/instance; buckets carry `le`. */
  readonly labels: Labels;
  /** Accumulates increments (counters and every histogram part); gauges are overwritten each step. */
  readonly cumulative: boolean;
  /** Whole-number counter: interpolated values are floored so bucket counts stay integers. */
  readonly integer: boolean;
  /** Exposed only once `presenceIndex` holds a value > 0 since process start (e.g. no rejection yet → no series). */
  readonly lazy: boolean;
  readonly presenceIndex: number;
  /** Scraped under this job instead of the scenario's (the scheduler's and controller manager's series). */
  readonly job?: string;
}

export interface FamilyInfo {
  type: FamilyType;
  help: string;
}

/** Slot layout of one histogram series. `-1` everywhere when the family is not exported in this version. */
export interface HistogramHandle {
  readonly first: number;
  readonly les: readonly number[];
  readonly sum: number;
  readonly count: number;
  /** Stable noise key of the histogram. */
  readonly key: number;
}

export const NO_HISTOGRAM: HistogramHandle = { first: -1, les: [], sum: -1, count: -1, key: 0 };

export interface BuildOptions {
  lazy?: boolean;
  /** Another scrape job than the API server's (see SeriesInfo.job). */
  job?: string;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64), which client_golang uses for `le` and sample values. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return "0";
  const [mantissa, expText] = v.toExponential().split("e");
  const exp = Number(expText);
  // Shortest 'g' switches to exponent form below 1e-4 and from 1e6 (Go uses precision 6 for that decision).
  if (exp >= -4 && exp < 6) return String(v);
  return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

export class CatalogueBuilder {
  readonly series: SeriesInfo[] = [];
  readonly families = new Map<string, FamilyInfo>();
  private readonly byKey = new Map<string, number>();
  private readonly histograms = new Map<string, HistogramHandle>();

  constructor(readonly profile: VersionProfile) {}

  exported(family: FamilyName): boolean {
    return isExported(this.profile, FAMILIES[family].lifecycle);
  }

  /** A counter slot, or -1 when the family is not exported by this version. Same labels → same slot. */
  counter(family: FamilyName, labels: Labels, opts: BuildOptions & { integer?: boolean } = {}): number {
    return this.scalar(family, "counter", labels, opts.lazy ?? false, opts.integer ?? true, opts.job);
  }

  gauge(family: FamilyName, labels: Labels, opts: Pick<BuildOptions, "job"> = {}): number {
    return this.scalar(family, "gauge", labels, false, false, opts.job);
  }

  histogram(family: FamilyName, labels: Labels, les: readonly number[], opts: BuildOptions = {}): HistogramHandle {
    if (!this.exported(family)) return NO_HISTOGRAM;
    this.checkFamily(family, "histogram", labels);
    const key = `${family}${labelKey(labels)}`;
    const existing = this.histograms.get(key);
    if (existing) return existing;
    const first = this.series.length;
    const count = first + les.length + 2;
    const lazy = opts.lazy ?? false;
    const job = opts.job ? { job: opts.job } : {};
    const push = (name: string, lbls: Labels, integer: boolean) =>
      this.series.push({ index: this.series.length, family, name, labels: lbls, cumulative: true, integer, lazy, presenceIndex: count, ...job });
    for (const le of les) push(`${family}_bucket`, { ...labels, le: formatGoFloat(le) }, true);
    push(`${family}_bucket`, { ...labels, le: "+Inf" }, true);
    push(`${family}_sum`, labels, false);
    push(`${family}_count`, labels, true);
    const handle: HistogramHandle = { first, les, sum: first + les.length + 1, count, key: hashString(key) };
    this.histograms.set(key, handle);
    return handle;
  }

  private scalar(family: FamilyName, kind: "counter" | "gauge", labels: Labels, lazy: boolean, integer: boolean, job?: string): number {
    if (!this.exported(family)) return -1;
    this.checkFamily(family, kind, labels);
    const key = `${family}${labelKey(labels)}`;
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const index = this.series.length;
    this.series.push({ index, family, name: family, labels, cumulative: kind === "counter", integer: kind === "counter" && integer, lazy, presenceIndex: index, ...(job ? { job } : {}) });
    this.byKey.set(key, index);
    return index;
  }

  private checkFamily(family: FamilyName, kind: FamilyType, labels: Labels): void {
    const spec = FAMILIES[family];
    if (spec.type !== kind) throw new Error(`${family} is a ${spec.type}, not a ${kind}`);
    const expected = [...spec.labelNames(this.profile)].sort().join(",");
    const got = Object.keys(labels).sort().join(",");
    if (expected !== got) throw new Error(`${family} on ${this.profile.version}: labels {${got}} but the family has {${expected}}`);
    if (!this.families.has(family)) {
      this.families.set(family, { type: spec.type, help: decorateHelp(this.profile, spec.lifecycle, spec.help(this.profile)) });
    }
  }
}

export function labelKey(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",")}}`;
}
