// Every limit apiscope puts on what one request, one user and one backend may cost, from APISCOPE_*
// environment variables, read once (resetLimitSettings() for tests). A value that is not a number in its
// range is logged once, naming the variable, and the default is used: the defaults are safe, a typo must
// not turn a limit off. README.md "Security" lists them.
import "server-only";

export interface LimitSettings {
  /** One backend answer, streamed and cut past this many bytes (APISCOPE_MAX_RESPONSE_BYTES). */
  maxResponseBytes: number;
  /** All backend answers being read at once, in this process (APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES; at least maxResponseBytes). */
  maxInflightResponseBytes: number;
  /** One panel's answer to the browser: series over all its queries (APISCOPE_MAX_PANEL_SERIES). */
  maxPanelSeries: number;
  /** One panel's answer to the browser: points over all its series (APISCOPE_MAX_PANEL_POINTS). */
  maxPanelPoints: number;
  /** Any JSON answer to the browser, serialised (APISCOPE_MAX_PANEL_BYTES). */
  maxPanelBytes: number;
  /** The longest range a panel or the findings may be asked for, seconds (APISCOPE_MAX_RANGE_DAYS, at most 32). */
  maxRangeSeconds: number;
  /** Chart widths above this are answered at this width (APISCOPE_MAX_WIDTH). */
  maxWidth: number;
  /** Requests per user: the bucket's size (APISCOPE_RATE_LIMIT_BURST)… */
  rateBurst: number;
  /** …and how fast it refills, requests per second (APISCOPE_RATE_LIMIT_PER_SECOND). */
  ratePerSecond: number;
  /** Backend samples one user may have processed in any minute (APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE; 0: no ceiling). */
  samplesPerMinute: number;
  /** Backend calls in flight per cluster, per instance (APISCOPE_BACKEND_CONCURRENCY). */
  backendConcurrency: number;
  /** Backend calls waiting for a slot per cluster (APISCOPE_BACKEND_QUEUE)… */
  backendQueue: number;
  /** …of which one user may hold (APISCOPE_BACKEND_QUEUE_PER_USER). */
  backendQueuePerUser: number;
}

const MIB = 1024 * 1024;

interface Spec {
  env: string;
  default: number;
  min: number;
  max: number;
  integer?: boolean;
  /** The env value's unit → the setting's (days → seconds). */
  scale?: number;
}

const SPECS: Record<keyof LimitSettings, Spec> = {
  maxResponseBytes: { env: "APISCOPE_MAX_RESPONSE_BYTES", default: 16 * MIB, min: 64 * 1024, max: 512 * MIB, integer: true },
  maxInflightResponseBytes: { env: "APISCOPE_MAX_INFLIGHT_RESPONSE_BYTES", default: 48 * MIB, min: 64 * 1024, max: 4096 * MIB, integer: true },
  maxPanelSeries: { env: "APISCOPE_MAX_PANEL_SERIES", default: 5_000, min: 10, max: 1_000_000, integer: true },
  maxPanelPoints: { env: "APISCOPE_MAX_PANEL_POINTS", default: 600_000, min: 1_000, max: 50_000_000, integer: true },
  maxPanelBytes: { env: "APISCOPE_MAX_PANEL_BYTES", default: 16 * MIB, min: 64 * 1024, max: 512 * MIB, integer: true },
  maxRangeSeconds: { env: "APISCOPE_MAX_RANGE_DAYS", default: 32, min: 1 / 24, max: 32, scale: 86_400 },
  maxWidth: { env: "APISCOPE_MAX_WIDTH", default: 4_000, min: 200, max: 8_000, integer: true },
  rateBurst: { env: "APISCOPE_RATE_LIMIT_BURST", default: 240, min: 1, max: 1_000_000, integer: true },
  ratePerSecond: { env: "APISCOPE_RATE_LIMIT_PER_SECOND", default: 8, min: 0.01, max: 100_000 },
  samplesPerMinute: { env: "APISCOPE_MAX_SAMPLES_PER_USER_PER_MINUTE", default: 200_000_000, min: 0, max: 1e15, integer: true },
  backendConcurrency: { env: "APISCOPE_BACKEND_CONCURRENCY", default: 8, min: 1, max: 1_000, integer: true },
  backendQueue: { env: "APISCOPE_BACKEND_QUEUE", default: 1_000, min: 0, max: 1_000_000, integer: true },
  backendQueuePerUser: { env: "APISCOPE_BACKEND_QUEUE_PER_USER", default: 200, min: 0, max: 1_000_000, integer: true },
};

/** The defaults, for documentation and tests. */
export const LIMIT_DEFAULTS: Readonly<LimitSettings> = Object.freeze(
  Object.fromEntries(Object.entries(SPECS).map(([k, s]) => [k, s.default * (s.scale ?? 1)])) as unknown as LimitSettings,
);

function parse(spec: Spec, raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw.trim() === "") return spec.default * (spec.scale ?? 1);
  const value = Number(raw.trim().replaceAll("_", ""));
  const ok = Number.isFinite(value) && value >= spec.min && value <= spec.max && (!spec.integer || Number.isInteger(value));
  if (!ok) {
    problems.push(`${spec.env}=${JSON.stringify(raw.slice(0, 40))} is not ${spec.integer ? "a whole number" : "a number"} from ${spec.min} to ${spec.max}; using ${spec.default}`);
    return spec.default * (spec.scale ?? 1);
  }
  return value * (spec.scale ?? 1);
}

/** Read the limits from an environment (process.env by default); `problems` says what was ignored. */
export function loadLimitSettings(env: Record<string, string | undefined> = process.env): { settings: LimitSettings; problems: string[] } {
  const problems: string[] = [];
  const settings = Object.fromEntries(Object.entries(SPECS).map(([key, spec]) => [key, parse(spec, env[spec.env], problems)])) as unknown as LimitSettings;
  if (settings.backendQueuePerUser > settings.backendQueue) settings.backendQueuePerUser = settings.backendQueue;
  if (settings.maxInflightResponseBytes < settings.maxResponseBytes) settings.maxInflightResponseBytes = settings.maxResponseBytes;
  return { settings, problems };
}

let current: LimitSettings | undefined;

export function limitSettings(): LimitSettings {
  if (!current) {
    const { settings, problems } = loadLimitSettings();
    for (const p of problems) console.error(`[apiscope] limits: ${p}`);
    current = settings;
  }
  return current;
}

/** Tests: read the environment again on next use. */
export function resetLimitSettings(): void {
  current = undefined;
}
