// A panel's configured limits (lib/panels/kinds.ts ClusterLimitRef) resolved against the values the
// server sent: reference lines for charts, and the limit that applies to one series.
import type { ClusterLimits } from "@/lib/api-schema";
import { formatValue } from "@/lib/format";
import type { ClusterLimitRef } from "@/lib/panels/kinds";
import type { Unit } from "@/lib/panels/types";

export interface LimitLine {
  value: number;
  label: string;
  color?: string;
}

/** Each configured limit the server sent as a line, labelled with its value in the panel's unit and where it comes from. */
export function limitLines(refs: ClusterLimitRef[] | undefined, values: ClusterLimits | undefined, unit: Unit): LimitLine[] {
  return (refs ?? []).flatMap((ref) => {
    const value = values?.[ref.limit];
    if (value === undefined) return [];
    const note = values?.notes?.[ref.limit];
    return [{ value, label: `${ref.label} ${formatValue(value, unit)}${note ? ` (${note})` : ""}`, color: ref.tone ? `var(--${ref.tone})` : undefined }];
  });
}

/** The limit for a series: the first ref whose match fits its labels, else the ref without a match. */
export function limitFor(refs: ClusterLimitRef[] | undefined, values: ClusterLimits | undefined, labels: Record<string, string>): number | undefined {
  if (!refs?.length || !values) return undefined;
  const matched = refs.find((r) => r.match && r.match.labels.some((l) => labels[l] === r.match!.value)) ?? refs.find((r) => !r.match);
  return matched ? values[matched.limit] : undefined;
}
