// P3 of `npm run bench`: many viewers of one view spread over several `next start` instances that share a
// Redis (APISCOPE_CACHE_URL), against one viewer, counted in backend queries at the counting proxy.
//
// A viewer is plain HTTP: the API calls the dashboard made in Chromium for that view (recorded by P1), the
// targets call first, then the panels 6 at a time (a browser's connection limit per host). Viewer i talks
// to instance i mod N (a load balancer with sticky sessions); a second round sends every request to the next
// instance in turn (no stickiness) as extra information.
import { backendWork, duplicateRequests, pool, type BackendWork, type RecordedRequest } from "./bench-common";
import { appRss, type BenchApp, type BenchCluster } from "./bench-apps";

const BROWSER_CONCURRENCY = 6;

/** The view's API paths with another cluster id. */
export function forCluster(paths: readonly string[], cluster: string): string[] {
  return paths.map((p) => {
    const u = new URL(p, "http://x");
    if (u.searchParams.has("cluster")) u.searchParams.set("cluster", cluster);
    return u.pathname + u.search;
  });
}

export interface ViewersRun {
  viewers: number;
  work: BackendWork;
  /** Identical backend requests sent more than once, and how often. */
  duplicates: [RecordedRequest, number][];
  httpErrors: string[];
  wallMs: number;
}

/**
 * `viewers` simultaneous loads of `paths` (relative API URLs of one view) for `cluster`. `pick(viewer, n)`
 * chooses the instance of the viewer's n-th request.
 */
export async function runViewers(
  apps: readonly BenchApp[],
  cluster: BenchCluster,
  paths: readonly string[],
  viewers: number,
  pick: (viewer: number, request: number) => number,
): Promise<ViewersRun> {
  const mark = cluster.proxy.ledger.length;
  const mine = forCluster(paths, cluster.id);
  const first = mine.filter((p) => !p.startsWith("/api/panels/"));
  const panels = mine.filter((p) => p.startsWith("/api/panels/"));
  const httpErrors: string[] = [];
  const get = async (viewer: number, n: number, path: string) => {
    const app = apps[pick(viewer, n) % apps.length];
    try {
      const res = await fetch(`${app.url}${path}`, { headers: { accept: "application/json", "accept-encoding": "gzip" } });
      const text = await res.text();
      if (!res.ok) httpErrors.push(`${res.status} ${path.split("?")[0]}: ${text.slice(0, 160)}`);
    } catch (err) {
      httpErrors.push(`${path.split("?")[0]}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: viewers }, async (_, v) => {
      let n = 0;
      for (const p of first) await get(v, n++, p);
      await pool(panels, BROWSER_CONCURRENCY, (p) => get(v, n++, p));
    }),
  );
  const wallMs = performance.now() - t0;
  const entries = cluster.proxy.ledger.slice(mark);
  return { viewers, work: backendWork(entries), duplicates: duplicateRequests(entries), httpErrors, wallMs };
}

export interface P3Result {
  one: ViewersRun;
  many: ViewersRun;
  /** Every request to the next instance in turn. */
  roundRobin: ViewersRun | null;
  ratio: number;
  /** Per instance: VmRSS (bytes) when idle (after one warm-up request) and after the viewers. */
  rss: { idle: number; after: number }[];
  /**
   * The instances' "shared cache unavailable / available again" log lines: while an instance thinks Redis
   * is gone it loads for itself, which shows up as duplicates above.
   */
  cacheLog: string[];
}

export async function measureP3(opts: {
  apps: BenchApp[];
  warm: BenchCluster;
  one: BenchCluster;
  many: BenchCluster;
  roundRobin?: BenchCluster;
  paths: string[];
  viewers: number;
}): Promise<P3Result> {
  const { apps, paths } = opts;
  // Warm every instance (route modules, the Redis connection) on a cluster nobody measures.
  await Promise.all(apps.map((_, i) => runViewers(apps, opts.warm, paths, 1, () => i)));
  const idle = apps.map(appRss);
  const one = await runViewers(apps, opts.one, paths, 1, () => 0);
  const many = await runViewers(apps, opts.many, paths, opts.viewers, (viewer) => viewer);
  const after = apps.map(appRss);
  let rr = 0;
  const roundRobin = opts.roundRobin ? await runViewers(apps, opts.roundRobin, paths, opts.viewers, () => rr++) : null;
  return {
    one,
    many,
    roundRobin,
    ratio: one.work.queries === 0 ? NaN : many.work.queries / one.work.queries,
    rss: apps.map((_, i) => ({ idle: idle[i], after: after[i] })),
    cacheLog: apps.flatMap((app, i) => app.logs().split("\n").flatMap((line) => (/\[apiscope\] shared cache /.test(line) ? [`instance ${i}: ${line.trim()}`] : []))),
  };
}
