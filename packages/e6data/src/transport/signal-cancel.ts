import { abortReason, type CancelSource, type ConnError } from '@conn/core';

/** A `CancelSource` that ends when `signal` aborts: for work started with a signal, not a call. */
export function cancelSourceOf(signal: AbortSignal, what: string): CancelSource {
  const wrapped = new Map<(reason: ConnError) => void, () => void>();
  return {
    get reason(): ConnError | undefined {
      return signal.aborted ? abortReason(signal, what) : undefined;
    },
    onCancel(listener) {
      const onAbort = (): void => listener(abortReason(signal, what));
      wrapped.set(listener, onAbort);
      signal.addEventListener('abort', onAbort, { once: true });
    },
    offCancel(listener) {
      const onAbort = wrapped.get(listener);
      if (onAbort === undefined) return;
      wrapped.delete(listener);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
