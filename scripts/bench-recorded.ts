// What the recommended recording rules save in `npm run bench`: one cold 10.5 h dashboard load (5-minute
// steps, the shortest views that can read the rules' 5-minute rates) of the incident scenario with the
// rules' series backfilled by promtool (test-support/fixtures.ts, `recordedFrom`), as two cluster ids on
// the same Prometheus behind the counting proxy: "recorded" (default) and "raw" (recordedSeries: false).
// Also the six panels the recorded series serve loaded on their own (the health row, a panel's permalink).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PANELS } from "../lib/panels/catalog";
import { backendWork, type BackendWork, type CountingProxy } from "./bench-common";

/** The view: 10.5 h, inside the 10.75 h the rules have been recording over the 11 h of history. */
const VIEW_SECONDS = 10.5 * 3600;

export interface RecordedLoad {
  work: BackendWork;
  /** Queries of the load whose shared read was a recorded series. */
  recordedQueries: number;
  failed: string[];
}

export interface RecordedResult {
  recorded: RecordedLoad;
  raw: RecordedLoad;
  /** The panels reading recorded series, alone. */
  recordedAlone: RecordedLoad;
  rawAlone: RecordedLoad;
  servedPanels: string[];
}

/** Leaves APISCOPE_CONFIG pointing at its two clusters: the caller puts back what it needs. */
/** `proxy` fronts test-support's recordedScenarioPrometheus(), which ends at `end`. */
export async function measureRecorded(proxy: CountingProxy, configDir: string, end: number, coldStart: () => void): Promise<RecordedResult> {
  const { panelsData } = await import("../lib/server/dashboard");
  const { RECORDED_SERIES } = await import("../lib/server/plan/recorded");
  const file = join(configDir, "recorded-clusters.json");
  const clusters = [
    { id: "recorded", name: "recorded", kind: "prometheus", url: proxy.url },
    { id: "raw", name: "raw", kind: "prometheus", url: proxy.url, recordedSeries: false },
  ];
  writeFileSync(file, JSON.stringify({ clusters }));
  delete process.env.APISCOPE_PROMETHEUS_URL;
  process.env.APISCOPE_CONFIG = file;
  const served = new Set<string>();
  const load = async (cluster: string, ids?: ReadonlySet<string>): Promise<RecordedLoad> => {
    coldStart();
    const mark = proxy.ledger.length;
    const p = PANELS.filter((panel) => !ids || ids.has(panel.id)).map((panel) => ({ id: panel.id, width: panel.wide ? 1200 : 400 }));
    const outcomes = await panelsData({ cluster, start: end - VIEW_SECONDS, end, p });
    const failed: string[] = [];
    let recordedQueries = 0;
    for (const [id, o] of outcomes) {
      if (!o.ok) failed.push(`${id}: ${String(o.error)}`);
      else
        for (const q of o.data.queries)
          if (RECORDED_SERIES.some((rs) => q.readExpr?.includes(rs.record))) {
            recordedQueries++;
            served.add(id);
          }
    }
    return { work: backendWork(proxy.ledger, mark), recordedQueries, failed };
  };
  const recorded = await load("recorded");
  const raw = await load("raw");
  const ids = new Set(served);
  return { recorded, raw, recordedAlone: await load("recorded", ids), rawAlone: await load("raw", ids), servedPanels: [...ids] };
}
