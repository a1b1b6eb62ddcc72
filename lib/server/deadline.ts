// A task with a deadline: one home for the fleet's per-cluster deadline and the cluster lists' wait for a
// discovering entry.
import "server-only";

/**
 * Resolves with the task, or rejects with `timeoutError()` after `ms` and aborts the signal the task was
 * given (so its backend calls stop too). The task's signal also aborts with `parent`, if any.
 */
export async function withDeadline<T>(ms: number, parent: AbortSignal | undefined, timeoutError: () => Error, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  parent?.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError();
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([task(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onAbort);
  }
}
