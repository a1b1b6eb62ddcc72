// Backend calls in flight, capped per cluster, with a queue that serves users in turn: when a slot frees,
// it goes to the next user (round robin) with a call waiting, not to whoever queued most. One user's
// hundred queued calls then delay another user's call by at most one call per waiting user.
// The queue is bounded (in total and per user): past that, acquire() refuses at once (QueueFull), which
// the data source reports as "busy, retry shortly" instead of letting waits pile up.
import "server-only";

export class QueueFull extends Error {
  constructor(readonly scope: "cluster" | "user", readonly waiting: number) {
    super(scope === "user" ? `${waiting} of your backend calls are already waiting` : `${waiting} backend calls are already waiting`);
    this.name = "QueueFull";
  }
}

export interface GateLimits {
  concurrency: number;
  queue: number;
  queuePerUser: number;
}

interface Waiter {
  grant: (release: () => void) => void;
  reject: (reason: unknown) => void;
  cleanup: () => void;
}

export class FairGate {
  private active = 0;
  /** Users with calls waiting, in the order they are next served (a Map keeps insertion order). */
  private readonly lines = new Map<string, Waiter[]>();
  private waitingCount = 0;

  constructor(private readonly limits: () => GateLimits) {}

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waitingCount;
  }

  /** Resolves with the slot's release function once `user` may call; rejects on abort or a full queue. */
  acquire(user: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { concurrency, queue, queuePerUser } = this.limits();
    if (this.active < concurrency && this.waitingCount === 0) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    const line = this.lines.get(user);
    if ((line?.length ?? 0) >= queuePerUser) return Promise.reject(new QueueFull("user", line?.length ?? 0));
    if (this.waitingCount >= queue) return Promise.reject(new QueueFull("cluster", this.waitingCount));

    return new Promise<() => void>((resolve, reject) => {
      const onAbort = () => {
        const l = this.lines.get(user);
        const i = l?.indexOf(waiter) ?? -1;
        if (l && i >= 0) {
          l.splice(i, 1);
          this.waitingCount--;
          if (l.length === 0) this.lines.delete(user);
        }
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: resolve,
        reject,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const l = this.lines.get(user);
      if (l) l.push(waiter);
      else this.lines.set(user, [waiter]);
      this.waitingCount++;
      // A slot may be free while others wait their turn (concurrency raised, or a release raced): serve now.
      this.dispatch();
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.dispatch();
    };
  }

  private dispatch(): void {
    while (this.active < this.limits().concurrency && this.waitingCount > 0) {
      const [user, line] = this.lines.entries().next().value as [string, Waiter[]];
      const waiter = line.shift()!;
      this.waitingCount--;
      // Next turn goes to the next user: this one moves to the back of the line, if it still waits.
      this.lines.delete(user);
      if (line.length > 0) this.lines.set(user, line);
      waiter.cleanup();
      this.active++;
      waiter.grant(this.releaser());
    }
  }
}
