"use client";
// Panel requests of one view travel together: the panels that ask within a few milliseconds of each
// other (a page load, a refresh, a zoom) are sent as a handful of batch requests, so thirty panels never
// wait in line behind the browser's six connections per host while the server sits idle. Each panel
// still gets its own answer or its own error, and can be cancelled on its own.
import { panelBatchResponseSchema, PANEL_BATCH_MAX, type PanelData } from "@/lib/api-schema";
import { ApiRequestError, getJson } from "./api-client";

/** What a view's requests name: the cluster, the variables and the range (unix seconds). */
export interface PanelView {
  cluster: string;
  job: string | null;
  instance: string | null;
  from: number;
  to: number;
}

/** A view as query parameters, the same for every view-scoped route (batch, findings). */
export function viewParams(view: PanelView): URLSearchParams {
  const p = new URLSearchParams({ cluster: view.cluster, start: String(Math.floor(view.from)), end: String(Math.ceil(view.to)) });
  if (view.job) p.set("job", view.job);
  if (view.instance) p.set("instance", view.instance);
  return p;
}

interface Pending {
  id: string;
  width: number;
  signal?: AbortSignal;
  resolve: (data: PanelData) => void;
  reject: (err: unknown) => void;
}

/** How long to wait for the other panels of the same view before sending. */
const GATHER_MS = 8;
/** Batches a load is split into: progressive paint, and well within six connections. */
const PARALLEL_BATCHES = 4;

export function batchUrl(view: PanelView, members: { id: string; width: number }[]): string {
  const p = viewParams(view);
  for (const m of members) p.append("p", `${m.id}:${m.width}`);
  return `/api/panels?${p}`;
}

/** Splits n panels into at most PARALLEL_BATCHES batches of at most PANEL_BATCH_MAX, in catalogue order. */
export function chunks<T>(items: T[]): T[][] {
  const size = Math.min(PANEL_BATCH_MAX, Math.max(1, Math.ceil(items.length / PARALLEL_BATCHES)));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createPanelBatcher(fetchJson: typeof getJson = getJson) {
  const waiting = new Map<string, { view: PanelView; members: Pending[]; timer: ReturnType<typeof setTimeout> }>();

  async function send(view: PanelView, members: Pending[]) {
    const controller = new AbortController();
    let live = members.length;
    for (const m of members) {
      m.signal?.addEventListener(
        "abort",
        () => {
          m.reject(m.signal!.reason);
          if (--live === 0) controller.abort();
        },
        { once: true },
      );
    }
    try {
      const body = await fetchJson(batchUrl(view, members), panelBatchResponseSchema, controller.signal);
      for (const m of members) {
        const entry = body.panels[m.id];
        if (!entry) m.reject(new ApiRequestError("The server did not answer for this panel.", "bad_response", "Reload the page."));
        else if ("data" in entry) m.resolve(entry.data);
        else m.reject(new ApiRequestError(entry.error.message, entry.error.kind, entry.error.hint, entry.error.detail));
      }
    } catch (err) {
      for (const m of members) m.reject(err);
    }
  }

  function flush(key: string) {
    const batch = waiting.get(key);
    if (!batch) return;
    waiting.delete(key);
    // One request per panel id: the same panel twice in a gather (two widths) keeps the last.
    const unique = [...new Map(batch.members.map((m) => [m.id, m])).values()];
    for (const dropped of batch.members.filter((m) => !unique.includes(m))) dropped.reject(new DOMException("superseded", "AbortError"));
    for (const group of chunks(unique)) void send(batch.view, group);
  }

  return {
    load(id: string, view: PanelView, width: number, signal?: AbortSignal): Promise<PanelData> {
      return new Promise<PanelData>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const key = JSON.stringify([view.cluster, view.job, view.instance, view.from, view.to]);
        let batch = waiting.get(key);
        if (!batch) {
          batch = { view, members: [], timer: setTimeout(() => flush(key), GATHER_MS) };
          waiting.set(key, batch);
        }
        batch.members.push({ id, width, signal, resolve, reject });
        if (batch.members.length >= PANEL_BATCH_MAX * PARALLEL_BATCHES) {
          clearTimeout(batch.timer);
          flush(key);
        }
      });
    },
  };
}

/** The page's one batcher. */
export const panelBatcher = createPanelBatcher();
