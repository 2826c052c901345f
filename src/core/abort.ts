/**
 * Abort helpers shared by every downloader: a per-request idle timeout that also follows the caller's signal, and
 * a back-off sleep that a signal cuts short.
 */

export interface IdleTimeout {
  /** Pass to fetch: aborted by the caller's signal or when no progress was reported for `timeoutMs`. */
  readonly signal: AbortSignal;
  /** Restart the idle clock (call when a request starts and whenever bytes arrive). */
  arm(): void;
  /** The abort came from the idle clock, not from the caller. */
  timedOut(): boolean;
  /** Stop the clock and stop following the caller's signal. */
  dispose(): void;
}

export function idleTimeout(timeoutMs: number, outer: AbortSignal | undefined): IdleTimeout {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    signal: controller.signal,
    arm() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('timeout'));
      }, timeoutMs);
    },
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** Wait `ms`, or reject with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const reason = (): Error => (signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal?.aborted) {
      reject(reason());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(reason());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
