// The shared cache (shared-cache.ts) in Redis, through ioredis. Keys: `apiscope:v1:r:<sha256>` for a value
// (JSON, PX = its TTL) and `apiscope:v1:l:<sha256>` for its in-flight lock (SET NX PX, a random token,
// released only by its owner).
//
// Redis must never cost a panel anything: the connection is lazy with a small connect timeout, commands
// time out quickly, fail at once while disconnected (no offline queue, one retry at most), and ioredis
// reconnects in the background. While Redis is unreachable every call answers "unavailable" immediately.
// One line goes to the server log when an outage starts and one when it ends.

import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { Redis, type ChainableCommander } from "ioredis";
import { cacheSettings, type SharedCache, type SharedHit, type SharedLock } from "./shared-cache";

export const KEY_PREFIX = "apiscope:v1:";
const CONNECT_TIMEOUT_MS = 500;
const COMMAND_TIMEOUT_MS = 500;
const QUIET_AFTER_FAILURE_MS = 5_000;
const RELEASE_SCRIPT = 'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end';

export interface RedisCacheOptions {
  /** redis://… or rediss://… */
  url: string;
  /** Where the outage lines go; the server log (console.warn) by default. */
  log?: (line: string) => void;
  /** Default "apiscope:v1:". */
  keyPrefix?: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /**
   * After a failed command on a connection that still looks open (a hung or overloaded Redis), skip Redis
   * for this long before trying again, so that only one call per period waits for the command timeout.
   */
  quietAfterFailureMs?: number;
}

/** A pipeline's replies; throws its first failed command's error (exec itself resolves even then). */
async function execAll(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = await pipeline.exec();
  if (!replies) throw new Error("pipeline discarded");
  for (const [error] of replies) if (error) throw error;
  return replies.map(([, value]) => value);
}

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

/** host:port of a Redis URL, without credentials, for log lines. */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "the configured Redis";
  }
}

/** What went wrong, for the log line. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // ioredis' words for "the socket is gone" while it has not noticed yet, and for our command timeout.
  if (/Stream isn't writeable|Connection is closed/i.test(message)) return "connection lost";
  if (/Command timed out/i.test(message)) return "no reply in time (command timeout)";
  return message;
}

/** A GET + PTTL reply pair as a hit; a missing, expiring or unreadable value is a miss. */
function hit(value: unknown, ttlMs: unknown): SharedHit | undefined {
  if (typeof value !== "string" || typeof ttlMs !== "number" || ttlMs <= 0) return undefined;
  try {
    return { value: JSON.parse(value), ttlMs };
  } catch {
    return undefined;
  }
}

export class RedisSharedCache implements SharedCache {
  private readonly redis: Redis;
  private readonly log: (line: string) => void;
  private readonly prefix: string;
  private readonly where: string;
  /** "unknown" until the first connection attempt settles. */
  private health: "unknown" | "up" | "down" = "unknown";
  private firstConnect?: Promise<void>;
  private closed = false;
  private readonly quietMs: number;
  /** While down, no command is tried before this time (Date.now() ms), even on an open connection. */
  private quietUntil = 0;

  constructor(options: RedisCacheOptions) {
    this.log = options.log ?? ((line) => console.warn(line));
    this.prefix = options.keyPrefix ?? KEY_PREFIX;
    this.where = describe(options.url);
    this.quietMs = options.quietAfterFailureMs ?? QUIET_AFTER_FAILURE_MS;
    this.redis = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      commandTimeout: options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      // Reconnect in the background, soon: an outage ends as soon as Redis is back.
      retryStrategy: (attempt) => Math.min(200 * attempt, 2_000),
      connectionName: "apiscope",
      // RESP2: every Redis (and ElastiCache/Valkey/MemoryDB) version speaks it; RESP3 needs Redis 6.
      protocol: 2,
    });
    // Without an 'error' listener ioredis prints every failed reconnect attempt.
    this.redis.on("error", (error: Error) => this.down(reasonOf(error)));
    this.redis.on("close", () => this.down("connection lost"));
    this.redis.on("ready", () => this.up());
  }

  private down(reason: string): void {
    this.quietUntil = Date.now() + this.quietMs;
    if (this.closed || this.health === "down") return;
    this.health = "down";
    this.log(`[apiscope] shared cache unavailable: ${this.where}: ${reason} — serving from this instance's cache`);
  }

  private up(): void {
    if (this.closed) return;
    if (this.health === "down") this.log(`[apiscope] shared cache available again: ${this.where}`);
    this.health = "up";
    this.quietUntil = 0;
  }

  /** True when commands can be sent now. Only the very first use waits, for the first connection attempt. */
  private async ready(): Promise<boolean> {
    if (this.closed) return false;
    if (this.redis.status === "wait") this.firstConnect ??= this.redis.connect().catch((error: unknown) => this.down(reasonOf(error)));
    if (this.health === "unknown" && this.firstConnect) await this.firstConnect;
    if (this.health === "down" && Date.now() < this.quietUntil) return false;
    return this.redis.status === "ready";
  }

  /** Run a command; undefined (and the outage noted) when Redis is not there or fails. */
  private async run<T>(command: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (!(await this.ready())) return undefined;
    try {
      const result = await command(this.redis);
      if (this.health !== "up") this.up();
      return result;
    } catch (error) {
      this.down(reasonOf(error));
      return undefined;
    }
  }

  private valueKey(key: string): string {
    return `${this.prefix}r:${hashKey(key)}`;
  }

  private lockKey(key: string): string {
    return `${this.prefix}l:${hashKey(key)}`;
  }

  async get(key: string): Promise<SharedHit | undefined> {
    const k = this.valueKey(key);
    const replies = await this.run((redis) => execAll(redis.pipeline().get(k).pttl(k)));
    return replies && hit(replies[0], replies[1]);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const px = Math.max(1, Math.round(ttlMs));
    await this.run((redis) => redis.set(this.valueKey(key), JSON.stringify(value), "PX", px));
  }

  async lock(key: string, ttlMs: number): Promise<{ state: "acquired"; lock: SharedLock } | { state: "held" | "unavailable" }> {
    const k = this.lockKey(key);
    const token = randomUUID();
    const reply = await this.run((redis) => redis.set(k, token, "PX", Math.max(1, Math.round(ttlMs)), "NX"));
    if (reply === undefined) return { state: "unavailable" };
    if (reply !== "OK") return { state: "held" };
    return {
      state: "acquired",
      lock: { release: async () => void (await this.run((redis) => redis.eval(RELEASE_SCRIPT, 1, k, token))) },
    };
  }

  async peek(key: string): Promise<SharedHit | "locked" | "free" | "unavailable"> {
    const v = this.valueKey(key);
    const replies = await this.run((redis) => execAll(redis.pipeline().get(v).pttl(v).exists(this.lockKey(key))));
    if (!replies) return "unavailable";
    return hit(replies[0], replies[1]) ?? (replies[2] === 1 ? "locked" : "free");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === "ready") await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------
// The process-wide shared cache, from APISCOPE_CACHE_URL

let shared: RedisSharedCache | null | undefined;

/** The shared cache named by APISCOPE_CACHE_URL, created on first use; undefined when it is not set. */
export function defaultSharedCache(): SharedCache | undefined {
  if (shared === undefined) {
    const url = cacheSettings().url;
    shared = url ? new RedisSharedCache({ url }) : null;
  }
  return shared ?? undefined;
}

/** Tests only: close the process-wide connection and read the setting again on next use. */
export function resetDefaultSharedCache(): void {
  const previous = shared;
  shared = undefined;
  void previous?.close();
}
