// The URL is the dashboard's state: cluster, job, instance, time range, refresh, time zone, collapsed
// rows, the viewed panel and the expanded finding. Pure functions here; the React hook lives in components/.
import { z } from "zod";
import { ROWS, type RowId } from "./panels/types";
import type { TimeZoneMode } from "./time-format";
import { DEFAULT_FROM, DEFAULT_TO } from "./time-range";

export type { TimeZoneMode };

export const REFRESH_CHOICES = ["off", "10s", "30s", "1m", "5m"] as const;
export type Refresh = (typeof REFRESH_CHOICES)[number];
export const REFRESH_MS: Record<Refresh, number | null> = { off: null, "10s": 10_000, "30s": 30_000, "1m": 60_000, "5m": 300_000 };

export interface DashboardState {
  cluster: string | null;
  job: string | null;
  instance: string | null;
  from: string;
  to: string;
  refresh: Refresh;
  tz: TimeZoneMode;
  collapsed: RowId[];
  viewPanel: string | null;
  /** The finding shown expanded (a finding's permalink opens it). */
  finding: string | null;
}

const ROW_IDS = new Set<string>(ROWS.map((r) => r.id));

/** Label values and ids: printable, bounded; anything else in the URL is dropped with a notice. */
const safeToken = z.string().min(1).max(300).regex(/^[\w.:\-/@ [\]%]+$/);

export interface ParsedState {
  state: DashboardState;
  notices: string[];
}

const KNOWN_PARAMS = new Set(["cluster", "job", "instance", "from", "to", "refresh", "tz", "collapsed", "viewPanel", "finding"]);
/** Grafana links carry these; they mean nothing here and are dropped silently. */
const GRAFANA_NOISE = new Set(["orgId", "timezone", "kiosk", "editPanel", "panelId", "fullscreen", "theme"]);

export function parseDashboardParams(input: URLSearchParams): ParsedState {
  const notices: string[] = [];
  const params = new URLSearchParams(input);
  // Old Grafana links use var-<name> for variables: carry them over.
  for (const v of ["cluster", "job", "instance"]) {
    const g = params.get(`var-${v}`);
    if (g !== null && !params.has(v)) params.set(v, g);
    params.delete(`var-${v}`);
  }
  if (params.get("timezone") === "utc" && !params.has("tz")) params.set("tz", "utc");
  for (const key of new Set(params.keys())) {
    if (!KNOWN_PARAMS.has(key) && !GRAFANA_NOISE.has(key)) notices.push(`Ignored the unknown URL parameter "${key.slice(0, 30)}".`);
  }
  const token = (name: string): string | null => {
    const raw = params.get(name);
    if (raw === null || raw === "") return null;
    if (safeToken.safeParse(raw).success) return raw;
    notices.push(`Ignored the "${name}" parameter: it is not a valid ${name} name.`);
    return null;
  };
  const refreshRaw = params.get("refresh");
  let refresh: Refresh = "off";
  if (refreshRaw) {
    if ((REFRESH_CHOICES as readonly string[]).includes(refreshRaw)) refresh = refreshRaw as Refresh;
    else notices.push(`Ignored refresh="${refreshRaw.slice(0, 20)}": use one of ${REFRESH_CHOICES.join(", ")}.`);
  }
  const tzRaw = params.get("tz");
  let tz: TimeZoneMode = "local";
  if (tzRaw === "utc" || tzRaw === "UTC") tz = "utc";
  else if (tzRaw && tzRaw !== "local" && tzRaw !== "browser") notices.push(`Ignored tz="${tzRaw.slice(0, 20)}": use utc or local.`);
  const collapsed = (params.get("collapsed") ?? "")
    .split(",")
    .filter((r) => r !== "")
    .filter((r) => {
      const ok = ROW_IDS.has(r);
      if (!ok) notices.push(`Ignored unknown row "${r.slice(0, 20)}" in collapsed.`);
      return ok;
    }) as RowId[];
  return {
    state: {
      cluster: token("cluster"),
      job: token("job"),
      instance: token("instance"),
      from: params.get("from") ?? DEFAULT_FROM,
      to: params.get("to") ?? DEFAULT_TO,
      refresh,
      tz,
      collapsed,
      viewPanel: token("viewPanel"),
      finding: token("finding"),
    },
    notices,
  };
}

/** Only non-default values go in the URL, so links stay short and readable. */
/** The URL range of a dragged zoom (unix seconds): whole seconds that cover it, in ms as the URL keeps them. */
export function zoomedRange(from: number, to: number): Pick<DashboardState, "from" | "to"> {
  return { from: String(Math.floor(from) * 1000), to: String(Math.ceil(to) * 1000) };
}

export function serializeDashboardState(s: DashboardState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.cluster) p.set("cluster", s.cluster);
  if (s.job) p.set("job", s.job);
  if (s.instance) p.set("instance", s.instance);
  p.set("from", s.from);
  p.set("to", s.to);
  if (s.refresh !== "off") p.set("refresh", s.refresh);
  if (s.tz !== "local") p.set("tz", s.tz);
  if (s.collapsed.length) p.set("collapsed", s.collapsed.join(","));
  if (s.viewPanel) p.set("viewPanel", s.viewPanel);
  if (s.finding) p.set("finding", s.finding);
  return p;
}

/** The cluster a dashboard shows: the URL's when it is one of the list, else the first (null: none). */
export function pickCluster(asked: string | null, clusters: readonly { id: string }[]): string | null {
  return asked !== null && clusters.some((c) => c.id === asked) ? asked : (clusters[0]?.id ?? null);
}
