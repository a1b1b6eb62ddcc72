// `npm run smoke -- https://<deployed-url> [--cookie 'name=value']`: checks a deployed apiscope the way a
// person would — the dashboard (or its sign-in page) loads with its scripts, every cluster is reachable
// (GET /api/health), one panel answers — and prints what is wrong, in words, with what to check.
// Exit code 0 when everything passed, 1 otherwise, 2 for a usage error.
//
// Behind sign-in (APISCOPE_AUTH=oidc or proxy) the page check follows the redirect to sign-in and passes;
// the API checks then need a session: pass the session cookie from a signed-in browser with --cookie (or
// APISCOPE_SMOKE_COOKIE). Each request gives up after 30 s, Amplify's own request timeout.
import { parseArgs } from "node:util";
import { apiErrorSchema, clustersResponseSchema, healthResponseSchema, panelDataSchema } from "../lib/api-schema";

const REQUEST_TIMEOUT_MS = 30_000;
/** The panel asked for: the first tile of the dashboard, cheap on every backend. */
const SMOKE_PANEL = "request-rate";

export interface Check {
  name: string;
  ok: boolean;
  /** What was seen, and for a failure what to check. */
  detail: string;
}

class Fail extends Error {}

async function get(base: URL, path: string, cookie: string | undefined, accept = "application/json"): Promise<Response> {
  const url = new URL(path, base);
  try {
    return await fetch(url, {
      headers: { accept, ...(cookie ? { cookie } : {}) },
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const reason = (err as Error).name === "TimeoutError" ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : (cause ?? (err as Error).message);
    throw new Fail(`GET ${url.pathname} failed: ${reason}. Check the URL, that the app is deployed and running, and DNS/TLS for the domain.`);
  }
}

/** The error an API answer carries, in its own words, or the status. */
async function apiError(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) return `${res.status} ${parsed.data.error.kind}: ${parsed.data.error.message} — ${parsed.data.error.hint}`;
  } catch {
    /* not JSON */
  }
  return `${res.status} with ${text.trimStart().startsWith("<") ? "an HTML page (a proxy or the hosting's error page?)" : "an unexpected body"}`;
}

async function json(res: Response, what: string): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    throw new Fail(`${what} answered ${res.status} with something that is not JSON: a proxy or the hosting's error page is in the way.`);
  }
}

/** The page: the dashboard's HTML and one of its scripts, or the redirect to sign-in. */
async function checkPage(base: URL, cookie?: string): Promise<{ check: Check; signIn: boolean }> {
  const res = await get(base, "/", cookie, "text/html");
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get("location") ?? "";
    const signIn = /\/api\/auth\/login|authorize|signin|sign-in|oauth/i.test(location);
    if (!signIn) return { check: { name: "page", ok: false, detail: `/ redirects to ${location}, not to a sign-in: check APISCOPE_PUBLIC_URL and the proxy.` }, signIn: false };
    return { check: { name: "page", ok: true, detail: `/ redirects to sign-in (${new URL(location, base).pathname})` }, signIn: true };
  }
  if (res.status === 401 || res.status === 403) {
    return { check: { name: "page", ok: false, detail: `/ answered ${res.status}: ${cookie ? "the cookie is not a valid session for an allowed user" : "sign-in refused without a redirect"}.` }, signIn: false };
  }
  const html = await res.text();
  if (res.status !== 200 || !html.includes("apiscope")) {
    return { check: { name: "page", ok: false, detail: `/ answered ${res.status}${html.includes("apiscope") ? "" : " without the dashboard"}: check the server log (a start-up configuration error names the variable to fix).` }, signIn: false };
  }
  const script = /<script[^>]+src="([^"]*\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  if (!script) return { check: { name: "page", ok: false, detail: "the dashboard's HTML names no script: the build output is incomplete." }, signIn: false };
  const asset = await get(base, script, cookie, "*/*");
  await asset.arrayBuffer();
  if (asset.status !== 200) return { check: { name: "page", ok: false, detail: `the dashboard's script ${script} answered ${asset.status}: the static files were not deployed with the server (check the artifacts' baseDirectory).` }, signIn: false };
  return { check: { name: "page", ok: true, detail: "the dashboard and its scripts load" }, signIn: false };
}

async function checkHealth(base: URL, cookie?: string): Promise<Check> {
  const res = await get(base, "/api/health", cookie);
  if (res.status !== 200 && res.status !== 503) return { name: "health", ok: false, detail: `/api/health answered ${await apiError(res)}` };
  const parsed = healthResponseSchema.safeParse(await json(res, "/api/health"));
  if (!parsed.success) return { name: "health", ok: false, detail: "/api/health answered in an unexpected shape: is this an older apiscope?" };
  const lines = parsed.data.clusters.map((c) => {
    if (!c.reachable) return `✗ ${c.id}: ${c.error?.message ?? "unreachable"} — ${c.error?.hint ?? ""}`;
    if (!c.job) return `✗ ${c.id}: reachable (${c.latencyMs} ms), but no API-server metrics in the last 6 hours — check the scrape of kube-apiserver /metrics`;
    const facts = [`${c.latencyMs} ms`, `job ${c.job}`, c.kubernetesVersion ? `Kubernetes ${c.kubernetesVersion}` : null, c.credentials ? `signed with ${c.credentials}` : null].filter(Boolean);
    return `✓ ${c.id}: ${facts.join(", ")}`;
  });
  if (parsed.data.clusters.length === 0) lines.push("✗ no cluster is visible to this caller");
  return { name: "health", ok: parsed.data.ok, detail: lines.join("\n    ") };
}

async function checkPanel(base: URL, cookie?: string): Promise<Check> {
  const listed = await get(base, "/api/clusters", cookie);
  if (listed.status !== 200) return { name: "panel", ok: false, detail: `/api/clusters answered ${await apiError(listed)}` };
  const clusters = clustersResponseSchema.safeParse(await json(listed, "/api/clusters"));
  const first = clusters.success ? clusters.data.clusters[0] : undefined;
  if (!first) return { name: "panel", ok: false, detail: "/api/clusters lists no cluster for this caller" };
  const end = Math.floor(Date.now() / 1000);
  const query = new URLSearchParams({ cluster: first.id, start: String(end - 3600), end: String(end), width: "400" });
  const res = await get(base, `/api/panels/${SMOKE_PANEL}?${query}`, cookie);
  if (res.status !== 200) return { name: "panel", ok: false, detail: `the "${SMOKE_PANEL}" panel of ${first.id} answered ${await apiError(res)}` };
  const data = panelDataSchema.safeParse(await json(res, `/api/panels/${SMOKE_PANEL}`));
  if (!data.success) return { name: "panel", ok: false, detail: `the "${SMOKE_PANEL}" panel answered in an unexpected shape` };
  if (data.data.status !== "ok") return { name: "panel", ok: false, detail: `the "${SMOKE_PANEL}" panel of ${first.id} is absent: ${data.data.absentReason ?? ""}` };
  const series = data.data.queries.reduce((n, q) => n + q.series.length, 0);
  return { name: "panel", ok: series > 0, detail: `the "${SMOKE_PANEL}" panel of ${first.id} answered with ${series} series${series ? "" : ": no requests in the last hour — is the scrape running?"}` };
}

/** Every check against `target`, in order; later checks are skipped when sign-in blocks them. */
export async function smoke(target: string, cookie?: string): Promise<Check[]> {
  const base = new URL(target);
  const checks: Check[] = [];
  const run = async (name: string, fn: () => Promise<Check>) => {
    try {
      checks.push(await fn());
    } catch (err) {
      checks.push({ name, ok: false, detail: err instanceof Fail ? err.message : `unexpected: ${(err as Error).message}` });
    }
  };
  let signIn = false;
  await run("page", async () => {
    const page = await checkPage(base, cookie);
    signIn = page.signIn;
    return page.check;
  });
  if (signIn && !cookie) {
    checks.push({ name: "health", ok: true, detail: "skipped: behind sign-in (pass --cookie '<session cookie>' from a signed-in browser to check the API too)" });
    return checks;
  }
  await run("health", () => checkHealth(base, cookie));
  await run("panel", () => checkPanel(base, cookie));
  return checks;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { cookie: { type: "string" } } });
  } catch (err) {
    console.error(`smoke: ${(err as Error).message}`);
    return 2;
  }
  const target = parsed.positionals[0];
  if (!target || !/^https?:\/\//.test(target)) {
    console.error("usage: npm run smoke -- https://<deployed-url> [--cookie 'name=value']");
    return 2;
  }
  const cookie = parsed.values.cookie ?? process.env.APISCOPE_SMOKE_COOKIE;
  const checks = await smoke(target, cookie);
  for (const c of checks) console.log(`${c.ok ? "PASS" : "FAIL"} ${c.name}: ${c.detail}`);
  const failed = checks.filter((c) => !c.ok);
  console.log(failed.length ? `smoke: ${failed.length} of ${checks.length} checks failed on ${target}` : `smoke: ${target} is healthy`);
  return failed.length ? 1 : 0;
}

if (process.argv[1] && /smoke\.[cm]?[tj]s$/.test(process.argv[1])) {
  main().then((code) => process.exit(code), (err: unknown) => {
    console.error(`smoke: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
