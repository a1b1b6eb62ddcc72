// When things happen, and how traffic is split between API servers at any moment.

import { RESTART, STORM } from "./cluster";

/** hot: takes most of the storm after the restart; middle: the other survivor; light: few clients since its restart. */
export type Role = "hot" | "middle" | "light";

export interface Timeline {
  start: number;
  restartAt: number;
  restartedInstance: string;
  hotInstance: string;
  stormStart: number;
  stormEnd: number;
  end: number;
}

export function buildTimeline(end: number, historySeconds: number, instances: readonly string[]): Timeline {
  return {
    start: end - historySeconds,
    restartAt: end - RESTART.beforeEnd,
    restartedInstance: instances[2],
    hotInstance: instances[0],
    stormStart: end - STORM.startsBeforeEnd,
    stormEnd: end - STORM.fixedBeforeEnd,
    end,
  };
}

/** Instance i plays the role i % 3; only `instances[2]` is actually restarted. */
export function roleOf(instanceIndex: number): Role {
  return (["hot", "middle", "light"] as const)[instanceIndex % 3];
}

const ramp = (t: number, from: number, seconds: number) => Math.min(1, Math.max(0, (t - from) / seconds));

/** 0 → 1 as the broken agent rolls out, 1 → 0 as the fixed one replaces it. */
export function stormIntensity(tl: Timeline, t: number): number {
  return ramp(t, tl.stormStart, STORM.rolloutSeconds) * (1 - ramp(t, tl.stormEnd, STORM.rolloutSeconds));
}

/** 0 → 1 as the fixed agents open their pod WATCH (informer). */
export function fixProgress(tl: Timeline, t: number): number {
  return ramp(t, tl.stormEnd, STORM.rolloutSeconds);
}

/** Before the restart clients are spread evenly; afterwards the restarted server only slowly wins clients back. */
const SHARE_BEFORE: Record<Role, number> = { hot: 0.34, middle: 0.33, light: 0.33 };
const SHARE_AFTER: Record<Role, number> = { hot: 0.5, middle: 0.34, light: 0.16 };
/** Seconds for the restarted server to win back its (smaller) share of client connections. */
const REBALANCE_SECONDS = 600;

/**
 * Fraction of connection-bound client traffic (requests and watches) that instance `instanceIndex` of `count`
 * serves at time t. Shares of all instances sum to 1.
 */
export function clientShare(tl: Timeline, instanceIndex: number, count: number, t: number): number {
  const groups = count / 3;
  const role = roleOf(instanceIndex);
  if (t < tl.restartAt) return SHARE_BEFORE[role] / groups;
  // The restarted server starts empty and ramps towards its share; the others absorb the difference.
  const regained = 1 - Math.exp(-(t - tl.restartAt) / REBALANCE_SECONDS);
  const lightShare = SHARE_AFTER.light * regained;
  const missing = SHARE_AFTER.light - lightShare;
  const survivors = SHARE_AFTER.hot + SHARE_AFTER.middle;
  const share =
    role === "light" ? lightShare : SHARE_AFTER[role] + (missing * SHARE_AFTER[role]) / survivors;
  return share / groups;
}
