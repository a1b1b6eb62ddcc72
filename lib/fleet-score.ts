// The fleet's worst-first order, shared by the server (GET /api/fleet sorts its rows) and the browser
// (the fleet page asks for each cluster's row on its own, so a slow cluster delays only its own row, and
// sorts the rows as they arrive).
import type { FleetReadings, FleetRow } from "./api-schema";

/**
 * What counts as bad: a reading at its threshold scores 1, and a cluster's score is its worst reading's
 * ratio, so "worst first" means "closest to (or furthest past) a limit". The thresholds are the panels' own
 * bad lines (1 % 5xx and 429, 1 s API p99 for single objects, 100 ms etcd p99), 100 % of a priority level's
 * seats, 90 % of the in-flight limit (the stat tile's NEAR_LIMIT), 80 % of the etcd quota (room to
 * defragment or compact before writes fail), and 90 % of a Provisioned Control Plane tier's seats.
 */
export const SCORE_THRESHOLDS = {
  errorShare: 0.01,
  throttledShare: 0.01,
  apiP99Seconds: 1,
  etcdP99Seconds: 0.1,
  seatUtilizationPercent: 100,
  inflightShare: 0.9,
  etcdSizeShare: 0.8,
  tierSeatShare: 0.9,
} as const;

/** Seats in use on the whole control plane as a share of its Provisioned Control Plane tier; null without a tier. */
export function tierSeatShare(r: Pick<FleetReadings, "tier">): number | null {
  return r.tier && r.tier.inUse !== null ? r.tier.inUse / r.tier.seats : null;
}

/** The worst reading as a ratio of its threshold; 0 when nothing was read. */
export function fleetScore(r: FleetReadings): number {
  const etcdShare = r.etcdSizeBytes === null ? null : r.etcdSizeBytes / r.etcdQuotaBytes;
  const ratios: Array<[number | null, number]> = [
    [r.errorShare, SCORE_THRESHOLDS.errorShare],
    [r.throttledShare, SCORE_THRESHOLDS.throttledShare],
    [r.apiP99Seconds, SCORE_THRESHOLDS.apiP99Seconds],
    [r.etcdP99Seconds, SCORE_THRESHOLDS.etcdP99Seconds],
    [r.seatUtilizationPercent, SCORE_THRESHOLDS.seatUtilizationPercent],
    [r.inflightShare, SCORE_THRESHOLDS.inflightShare],
    [etcdShare, SCORE_THRESHOLDS.etcdSizeShare],
    [tierSeatShare(r), SCORE_THRESHOLDS.tierSeatShare],
  ];
  return ratios.reduce((worst, [value, threshold]) => (value === null || !Number.isFinite(value) ? worst : Math.max(worst, value / threshold)), 0);
}

/**
 * Worst first: a cluster that could not be read leads (nobody can tell it is fine), then the highest
 * score; ties by name, so the order is stable between loads.
 */
export function worstFirst(a: Pick<FleetRow, "status" | "score" | "name">, b: Pick<FleetRow, "status" | "score" | "name">): number {
  const failedA = a.status === "error" ? 1 : 0;
  const failedB = b.status === "error" ? 1 : 0;
  if (failedA !== failedB) return failedB - failedA;
  return (b.score ?? 0) - (a.score ?? 0) || a.name.localeCompare(b.name);
}
