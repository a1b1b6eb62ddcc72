// What the API route handlers call, after sign-in (lib/server/auth/guard.ts) let the request through:
// - admitRequest(): who is asking (the signed-in user, else the socket peer's address), their request
//   bucket and their samples ceiling; a 429 with Retry-After when over, else a runner that does the work
//   as that caller (caller.ts), so the data source queues and charges it to them;
// - boundView(): the range and width a request may ask for;
// - jsonAnswer() / panelAnswer(): answers to the browser bounded in series, points and bytes.
import "server-only";
import type { PanelData } from "../../api-schema";
import { identify } from "../../auth/identify";
import { PEER_TOKEN_ENV, stampedPeer } from "../../auth/proxy";
import { installPeerHook } from "../auth/peer-hook";
import { formatBytes } from "../datasource/errors";
import { errorResponse, jsonResponse, NO_STORE } from "../http";
import { requestBuckets, sampleLedger } from "./budget";
import { runAs, type Caller } from "./caller";
import { badRequest, LimitError } from "./errors";
import { limitSettings } from "./settings";

// Limits per address need the socket peer, which only a hook on Node's HTTP server sees (the one sign-in
// uses for APISCOPE_TRUSTED_PROXY_IPS). When sign-in did not install it (no trusted proxies configured),
// install it here: the stamp is then only used for counting. Never twice: a second hook would change the
// token under the first one's stamps.
if (process.env.NEXT_RUNTIME !== "edge" && !process.env[PEER_TOKEN_ENV]) installPeerHook();

/** An IPv6 client can pick any address of its /64: count them together. */
export function addressKey(peer: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(peer);
  if (v4) return v4[1]!;
  if (!peer.includes(":")) return peer;
  const [head, tail = ""] = peer.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = peer.includes("::") ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** What the limits read of a request: a route's NextRequest, or a page's headers() and cookies(). */
export interface RequestLike {
  headers: Headers;
  cookies: { get(name: string): { value: string } | undefined };
}

/** Who the limits count a request against: the signed-in user, else the address it came from. */
export async function callerOf(req: RequestLike): Promise<Caller> {
  const verdict = await identify({ headers: req.headers, cookie: (name) => req.cookies.get(name)?.value });
  if (verdict.kind === "allowed") return { key: `user:${verdict.principal.sub}` };
  const peer = await stampedPeer(req.headers);
  return { key: `ip:${peer ? addressKey(peer) : "unknown"}` };
}

const lastLogged = new Map<string, number>();

/** At most one line per caller and reason per minute: a flood must not flood the log too. */
function logRefusal(key: string, reason: string, nowMs: number): void {
  const id = `${key} ${reason}`;
  if ((lastLogged.get(id) ?? 0) > nowMs - 60_000) return;
  if (lastLogged.size > 10_000) lastLogged.clear();
  lastLogged.set(id, nowMs);
  console.warn(`[apiscope] limits: 429 for ${key}: ${reason}`);
}

export interface Admitted {
  caller: Caller;
  /** Do the request's work as this caller (its backend calls queued and charged to them). */
  run<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * The caller, or the 429 that refuses them (requests bucket empty, or samples ceiling reached). `cost`:
 * tokens this request takes (a batch of panels takes one per panel, as if each came on its own).
 */
export async function admitRequest(req: RequestLike, cost = 1, nowMs: number = Date.now()): Promise<Admitted | Response> {
  const caller = await callerOf(req);
  const settings = limitSettings();
  const bucket = requestBuckets.take(caller.key, nowMs, Math.max(1, Math.min(cost, settings.rateBurst)));
  if (!bucket.ok) {
    logRefusal(caller.key, `more than ${settings.rateBurst} requests at once or ${settings.ratePerSecond}/s`, nowMs);
    return errorResponse(
      new LimitError("rate_limited", "Too many requests from you in a short time", {
        hint: `Wait ${bucket.retryAfterSeconds} s and reload; the dashboard sends one request per panel, so open fewer dashboards or refresh less often.`,
        retryAfterSeconds: bucket.retryAfterSeconds,
      }),
    );
  }
  const samples = sampleLedger.check(caller.key, nowMs);
  if (!samples.ok) {
    logRefusal(caller.key, `over ${settings.samplesPerMinute} samples in a minute`, nowMs);
    return errorResponse(
      new LimitError("rate_limited", `Your queries processed more than ${settings.samplesPerMinute.toLocaleString("en-US")} backend samples in the last minute`, {
        hint: `Wait ${samples.retryAfterSeconds} s; then narrow the time range, pick one API server, or refresh less often.`,
        retryAfterSeconds: samples.retryAfterSeconds,
      }),
    );
  }
  return { caller, run: (work) => runAs(caller, work) };
}

/**
 * The range and widths of a request, within the limits: a range too long is refused, a width too large
 * is reduced (`width`, or each panel's of a batch's `p`).
 */
export function boundView<T extends { start: number; end: number; width?: number; p?: { id: string; width: number }[] }>(params: T): T {
  const { maxRangeSeconds, maxWidth } = limitSettings();
  if (params.end - params.start > maxRangeSeconds) {
    const days = maxRangeSeconds / 86_400;
    throw badRequest(
      `The range may be at most ${days >= 1 ? `${Number(days.toFixed(2))} days` : `${Math.round(maxRangeSeconds / 3600)} hours`} on this server`,
      "Pick a shorter time range (the server's limit is APISCOPE_MAX_RANGE_DAYS).",
    );
  }
  let bounded = params;
  if (params.width !== undefined && params.width > maxWidth) bounded = { ...bounded, width: maxWidth };
  if (params.p?.some((m) => m.width > maxWidth)) bounded = { ...bounded, p: params.p.map((m) => ({ ...m, width: Math.min(m.width, maxWidth) })) };
  return bounded;
}

/** Whether a window lies entirely after `nowSeconds`: nothing can be in it yet. */
export function isFutureWindow(start: number, nowSeconds: number): boolean {
  return start >= nowSeconds;
}

function tooLarge(what: string): LimitError {
  return new LimitError("too_large", `The answer is too large: narrow the range or the instance (${what})`, {
    hint: "Narrow the time range or pick one API server (instance); the server's limits are APISCOPE_MAX_PANEL_SERIES, APISCOPE_MAX_PANEL_POINTS and APISCOPE_MAX_PANEL_BYTES.",
  });
}

/** JSON for the browser, refused (too_large) past APISCOPE_MAX_PANEL_BYTES. */
export function jsonAnswer(body: unknown, cacheControl: string = NO_STORE): Response {
  const text = JSON.stringify(body);
  const { maxPanelBytes } = limitSettings();
  // UTF-16 length ≤ UTF-8 bytes ≤ 3 × it: count the bytes only when it could matter.
  const bytes = text.length * 3 <= maxPanelBytes ? text.length : Buffer.byteLength(text);
  if (bytes > maxPanelBytes) throw tooLarge(`${formatBytes(bytes)} over the limit of ${formatBytes(maxPanelBytes)}`);
  return new Response(text, { status: 200, headers: { "Content-Type": "application/json", "Cache-Control": cacheControl } });
}

/** A panel's answer, refused (too_large) past the series or points limit, then as bounded JSON. */
export function panelAnswer(data: PanelData, cacheControl: string): Response {
  checkPanelSize(data);
  return jsonAnswer(data, cacheControl);
}

/** Throws too_large when a panel's answer is past the series or points limit. */
export function checkPanelSize(data: PanelData): void {
  const { maxPanelSeries, maxPanelPoints } = limitSettings();
  let series = 0;
  let points = 0;
  for (const q of data.queries) {
    series += q.series.length;
    for (const s of q.series) points += s.points.length;
  }
  if (series > maxPanelSeries) throw tooLarge(`${series.toLocaleString("en-US")} series, over the limit of ${maxPanelSeries.toLocaleString("en-US")}`);
  if (points > maxPanelPoints) throw tooLarge(`${points.toLocaleString("en-US")} points, over the limit of ${maxPanelPoints.toLocaleString("en-US")}`);
}

/** A batch of panels (at most PANEL_BATCH_MAX) may weigh this many panels' worth of bytes in all. */
const BATCH_BYTES_IN_PANELS = 4;

/** Throws too_large when a batch answer's JSON is over BATCH_BYTES_IN_PANELS × APISCOPE_MAX_PANEL_BYTES. */
export function checkBatchBytes(json: string): void {
  const max = BATCH_BYTES_IN_PANELS * limitSettings().maxPanelBytes;
  const bytes = json.length * 3 <= max ? json.length : Buffer.byteLength(json);
  if (bytes > max) throw tooLarge(`${formatBytes(bytes)} for these panels together, over the limit of ${formatBytes(max)}`);
}

export { jsonResponse };
