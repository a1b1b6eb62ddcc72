// Starts a real Redis (Debian package `redis-server`) on a free loopback port, without persistence, for
// tests of the shared cache. `kill()` stops it abruptly (an outage), `restart()` brings it back, empty, on
// the same port.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./prometheus";

export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? "redis-server";

export interface RunningRedis {
  url: string;
  port: number;
  /** SIGKILL: the server is gone at once, as in a crash. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server hangs with its connections open (a frozen host), then resumes. */
  pause(): void;
  resume(): void;
  /** Start it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves once a PING gets PONG, rejects after `timeoutMs`. */
async function waitForPong(port: number, isDead: () => string | null, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    const pong = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.on("error", () => done(false));
      socket.on("connect", () => socket.write("PING\r\n"));
      socket.on("data", (data) => done(data.toString().startsWith("+PONG")));
    });
    if (pong) return;
    if (Date.now() > deadline) throw new Error(`redis-server not answering PING on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let output = "";
  let spawnError: Error | null = null;

  const start = async () => {
    output = "";
    spawnError = null;
    const proc = spawn(REDIS_SERVER_BIN, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    const collect = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
    proc.stdout?.on("data", collect);
    proc.stderr?.on("data", collect);
    // Without a listener, a spawn failure (missing binary) is an uncaught 'error' event that kills the test run.
    proc.on("error", (error) => (spawnError = error));
    await waitForPong(port, () => {
      if (spawnError) return `cannot start ${REDIS_SERVER_BIN} (install it: apt-get install redis-server): ${(spawnError as Error).message}`;
      if (proc.exitCode !== null) return `redis-server exited with ${proc.exitCode}:\n${output}`;
      return null;
    });
  };

  const killWith = async (signal: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGCONT"); // a paused server would not act on SIGTERM
    proc.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => killWith("SIGKILL"),
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    restart: start,
    stop: () => killWith("SIGTERM"),
  };
}
