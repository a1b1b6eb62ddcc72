// When things happen, and how traffic is split between API servers at any moment.

import { RESTART, STORM } from "./cluster";
import { ASYMMETRIC, incidentWindow, type IncidentKind } from "./incidents";

/** hot: takes most of the storm after the restart; middle: the other survivor; light: few clients since its restart. */
export type Role = "hot" | "middle" | "light";

export interface Timeline {
  start: number;
  /**
   * When `restartedInstance` (re)started: in the history for list-storm (end − 2 h) and asymmetric (its rolling
   * restart); for the kinds without a restart, its last start before the history began.
   */
  restartAt: number;
  restartedInstance: string;
  /** The server the incident hits hardest (list-storm: the hot server; asymmetric: the busy one; else instances[0]). */
  hotInstance: string;
  /** The incident window (named after the first incident, the storm); for healthy the same reference window, with nothing in it. */
  stormStart: number;
  stormEnd: number;
  end: number;
  /** Which incident this timeline tells (see incidents.ts). */
  incident: IncidentKind;
  /** The incident's start and fix (null: still going at `end`); both null for healthy. */
  incidentStart: number | null;
  incidentEnd: number | null;
  /** Every process restart inside the history, in time order. */
  restarts: ReadonlyArray<{ instance: string; at: number }>;
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
    incident: "list-storm",
    incidentStart: end - STORM.startsBeforeEnd,
    incidentEnd: end - STORM.fixedBeforeEnd,
    restarts: [{ instance: instances[2], at: end - RESTART.beforeEnd }],
  };
}

/**
 * The timeline of any other kind. `lastStart` is when `instances[2]` last started before the history (the
 * kinds without a restart report it as `restartAt`).
 */
export function buildIncidentTimeline(kind: Exclude<IncidentKind, "list-storm">, end: number, historySeconds: number, instances: readonly string[], lastStart: number): Timeline {
  const w = incidentWindow(kind);
  const start = end - w.startsBeforeEnd;
  const fixed = w.endsBeforeEnd === null ? null : end - w.endsBeforeEnd;
  const restarts =
    kind === "asymmetric"
      ? instances.flatMap((instance, i) => (i % 3 === 0 ? [] : [{ instance, at: i % 3 === 1 ? start : start + ASYMMETRIC.secondRestartAfter }])).sort((a, b) => a.at - b.at)
      : [];
  return {
    start: end - historySeconds,
    restartAt: kind === "asymmetric" ? start + ASYMMETRIC.secondRestartAfter : lastStart,
    restartedInstance: instances[2],
    hotInstance: instances[0],
    stormStart: start,
    stormEnd: fixed ?? end - REFERENCE_END_BEFORE_END,
    end,
    incident: kind,
    incidentStart: kind === "healthy" ? null : start,
    incidentEnd: kind === "healthy" ? null : fixed,
    restarts,
  };
}

/** For kinds still going at `end`, stormEnd marks the same point as the others' fixes (end − 25 min). */
const REFERENCE_END_BEFORE_END = 25 * 60;

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

/**
 * Before the restart clients are spread evenly; afterwards the restarted server only slowly wins clients back.
 * The hot server ends with 1.7× the others' mean: skewed, but clearly under the asymmetric-load finding's 2×
 * (at exactly 2× the finding would come and go with the time of day the demo starts at).
 */
const SHARE_BEFORE: Record<Role, number> = { hot: 0.34, middle: 0.33, light: 0.33 };
const SHARE_AFTER: Record<Role, number> = { hot: 0.46, middle: 0.36, light: 0.18 };
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

/**
 * asymmetric: share of instance `instanceIndex` at t. Before the rolling restart, even; afterwards the two
 * restarted roles start empty and win back `regainedShares` slowly, the first server keeps the rest.
 */
export function asymmetricShare(tl: Timeline, instanceIndex: number, count: number, t: number): number {
  const groups = count / 3;
  const role = instanceIndex % 3;
  const start = tl.incidentStart!;
  const regained = (at: number, target: number, even: number) => (t < at ? even : target * (1 - Math.exp(-(t - at) / ASYMMETRIC.regainSeconds)));
  const s1 = regained(start, ASYMMETRIC.regainedShares[0], SHARE_BEFORE.middle);
  const s2 = regained(start + ASYMMETRIC.secondRestartAfter, ASYMMETRIC.regainedShares[1], SHARE_BEFORE.light);
  const share = role === 1 ? s1 : role === 2 ? s2 : 1 - s1 - s2;
  return share / groups;
}

/** Every kind but list-storm and asymmetric: clients spread evenly, as before the storm's restart. */
export function evenShare(instanceIndex: number, count: number): number {
  return SHARE_BEFORE[roleOf(instanceIndex)] / (count / 3);
}
