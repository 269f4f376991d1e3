import { type CallContext, type CallOptions, CallRunner, type CallSpec } from '@conn/core';

/**
 * Core's `CallRunner` that also knows which calls are in flight, so `close()` can let them finish
 * (for at most its `timeoutMs`) before the channel goes. @internal
 */
export class TrackedCallRunner extends CallRunner {
  readonly #inFlight = new Set<Promise<unknown>>();

  override run<T>(
    spec: CallSpec,
    options: CallOptions | undefined,
    work: (call: CallContext) => Promise<T>,
  ): Promise<T> {
    const running = super.run(spec, options, work);
    this.#inFlight.add(running);
    const settle = (): void => {
      this.#inFlight.delete(running);
    };
    running.then(settle, settle);
    return running;
  }

  /** Resolves when every call in flight now has settled, or after `timeoutMs`, whichever is first. */
  settled(timeoutMs: number): Promise<void> {
    if (this.#inFlight.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // Ref'd: the caller of close() awaits it.
      const timer = setTimeout(resolve, timeoutMs);
      void Promise.allSettled([...this.#inFlight]).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
