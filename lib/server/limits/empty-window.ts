// A window that starts after now holds no samples yet: its answer is empty, and no backend is asked
// (each such window would otherwise be a new cache key costing real queries). The panel says it has no
// data, as for any other empty window.
import "server-only";
import type { FindingsRequest, FindingsResponse, PanelData, PanelRequest } from "../../api-schema";
import { CHART_KINDS } from "../../panels/kinds";
import { getCluster } from "../config";
import { panelById } from "../dashboard";
import { queryWindow } from "../query-window";

export function emptyPanel(panelId: string, req: PanelRequest): PanelData {
  const panel = panelById(panelId);
  const cluster = getCluster(req.cluster);
  const window = queryWindow(req.start, req.end, req.width * CHART_KINDS[panel.chart].pointsPerPixel, cluster.scrapeIntervalSeconds);
  return { panelId: panel.id, status: "ok", window, queries: [], samplesProcessed: 0 };
}

/** Every panel of a batch whose window starts after now: each empty. */
export function emptyPanels(req: Omit<PanelRequest, "width"> & { p: { id: string; width: number }[] }): Map<string, { ok: true; data: PanelData } | { ok: false; error: unknown }> {
  const out = new Map<string, { ok: true; data: PanelData } | { ok: false; error: unknown }>();
  for (const { id, width } of req.p) {
    try {
      out.set(id, { ok: true, data: emptyPanel(id, { ...req, width }) });
    } catch (error) {
      out.set(id, { ok: false, error });
    }
  }
  return out;
}

export function emptyFindings(req: FindingsRequest): FindingsResponse {
  const cluster = getCluster(req.cluster);
  const w = queryWindow(req.start, req.end, 300, cluster.scrapeIntervalSeconds);
  return { findings: [], checked: [], skipped: [], window: { start: w.start, end: w.end, step: w.step }, samplesProcessed: 0 };
}
