// A panel's configured limits (lib/panels/kinds.ts ClusterLimitRef) resolved against the values the
// server sent: reference lines for charts, and the limit that applies to one series.
import type { ClusterLimits } from "@/lib/api-schema";
import type { ClusterLimitRef } from "@/lib/panels/kinds";

export interface LimitLine {
  value: number;
  label: string;
  color?: string;
}

export function limitLines(refs: ClusterLimitRef[] | undefined, values: ClusterLimits | undefined): LimitLine[] {
  return (refs ?? []).flatMap((ref) => {
    const value = values?.[ref.limit];
    return value === undefined ? [] : [{ value, label: `${ref.label} ${value}`, color: ref.tone ? `var(--${ref.tone})` : undefined }];
  });
}

/** The limit for a series: the first ref whose match fits its labels, else the ref without a match. */
export function limitFor(refs: ClusterLimitRef[] | undefined, values: ClusterLimits | undefined, labels: Record<string, string>): number | undefined {
  if (!refs?.length || !values) return undefined;
  const matched = refs.find((r) => r.match && r.match.labels.some((l) => labels[l] === r.match!.value)) ?? refs.find((r) => !r.match);
  return matched ? values[matched.limit] : undefined;
}
