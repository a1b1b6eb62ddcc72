// `next start` instances for the bench (test-support/app-server.ts), a cluster config whose every cluster
// has its own counting proxy (a fresh cluster id and backend URL = caches that have never seen it, in a
// server whose code is already warm), and the resident memory of a running instance.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startApp, type RunningApp } from "../test-support/app-server";
import { startCountingProxy, type CountingProxy } from "./bench-common";

export interface BenchCluster {
  id: string;
  proxy: CountingProxy;
}

/** One counting proxy per cluster id, all in front of `target`, and an APISCOPE_CONFIG file naming them. */
export async function benchClusters(target: string, ids: string[], configFile: string): Promise<{ clusters: Map<string, BenchCluster>; close(): Promise<void> }> {
  const clusters = new Map<string, BenchCluster>();
  for (const id of ids) clusters.set(id, { id, proxy: await startCountingProxy(target) });
  const config = {
    clusters: [...clusters.values()].map((c) => ({ id: c.id, name: c.id, kind: "prometheus", url: c.proxy.url, scrapeIntervalSeconds: 30 })),
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return {
    clusters,
    close: async () => {
      await Promise.all([...clusters.values()].map((c) => c.proxy.close()));
    },
  };
}

export interface BenchApp extends RunningApp {
  /** The next-server process (and its children) listening on the app's port. */
  pids(): number[];
}

export async function startBenchApp(env: Record<string, string>): Promise<BenchApp> {
  const app = await startApp(env);
  const port = Number(new URL(app.url).port);
  let cached: number[] | null = null;
  return {
    ...app,
    pids: () => {
      if (!cached || !cached.every((p) => alive(p))) {
        const owner = pidListening(port);
        cached = owner === null ? [] : [owner, ...descendants(owner)];
      }
      return cached;
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid holding the listening socket of 127.0.0.1:<port> (from /proc/net/tcp and /proc/<pid>/fd). */
export function pidListening(port: number): number | null {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== "0A") continue; // LISTEN
      if (parseInt(f[1].split(":")[1] ?? "", 16) === port) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return null;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${name}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(name);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return null;
}

function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** VmRSS of a process in bytes (0 if it is gone). */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The resident memory of an app: its processes' VmRSS summed. */
export function appRss(app: BenchApp): number {
  return app.pids().reduce((n, p) => n + rssBytes(p), 0);
}

export const configPath = (dir: string, name: string) => join(dir, `${name}.json`);
