// Who a backend call is made for. A route handler runs its work inside runAs(caller, …) (AsyncLocalStorage),
// so the data source, several layers down and shared between users, can queue a call in that user's
// line (fair-queue.ts) and charge the samples its answer processed to that user (budget.ts) without
// every function in between passing a user along. A call joined by several users (the result cache
// coalesces identical calls) is charged to the one who started it.
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";

export interface Caller {
  /** "user:<sub>" when signed in, else "ip:<socket peer>": what the limits are counted per. */
  key: string;
  /**
   * The page's prefetch of a view (lib/server/prefetch.ts) for this caller: what it loads is reported as
   * cost by the first of the caller's panel requests that uses it, not as a cache hit.
   */
  prefetch?: boolean;
}

const storage = new AsyncLocalStorage<Caller>();

export function runAs<T>(caller: Caller, work: () => T): T {
  return storage.run(caller, work);
}

/** The caller of the request being handled, if any (undefined in tests and background work). */
export function currentCaller(): Caller | undefined {
  return storage.getStore();
}

/** The key limits are counted under: the caller's, or one shared by everything done for nobody in particular. */
export function currentCallerKey(): string {
  return storage.getStore()?.key ?? "-";
}
