import type { CancelSource, ConnError } from '@conn/core';

/** A `CancelSource` that ends when `first` or `second` ends, with the reason of the one that did. */
export function eitherCancel(first: CancelSource, second: CancelSource): CancelSource {
  const wrapped = new Map<(reason: ConnError) => void, (reason: ConnError) => void>();
  return {
    get reason(): ConnError | undefined {
      return first.reason ?? second.reason;
    },
    onCancel(listener) {
      // Called once, by whichever ends first; the other source forgets it then.
      const once = (reason: ConnError): void => {
        first.offCancel(once);
        second.offCancel(once);
        wrapped.delete(listener);
        listener(reason);
      };
      wrapped.set(listener, once);
      first.onCancel(once);
      second.onCancel(once);
    },
    offCancel(listener) {
      const once = wrapped.get(listener);
      if (once === undefined) return;
      wrapped.delete(listener);
      first.offCancel(once);
      second.offCancel(once);
    },
  };
}
