import diagnosticsChannel from 'node:diagnostics_channel';

/** Records the messages of one diagnostics channel and lets a test wait for the n-th one. */
export interface ChannelRecorder<T> extends Disposable {
  readonly messages: T[];
  /** Resolves with the message at `index` (0-based) as soon as it has been published. */
  nth(index: number): Promise<T>;
}

export function recordChannel<T = Record<string, unknown>>(
  name: string,
  filter: (message: T) => boolean = () => true,
): ChannelRecorder<T> {
  const messages: T[] = [];
  const waiters = new Map<number, (message: T) => void>();
  const listener = (message: unknown): void => {
    if (!filter(message as T)) return;
    messages.push(message as T);
    waiters.get(messages.length - 1)?.(message as T);
  };
  diagnosticsChannel.subscribe(name, listener);
  return {
    messages,
    nth: (index) => {
      const seen = messages[index];
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.set(index, resolve));
    },
    [Symbol.dispose]: () => diagnosticsChannel.unsubscribe(name, listener),
  };
}
