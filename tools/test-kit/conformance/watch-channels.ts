// Records every message published on a driver's channels while a check runs, to look for leaks and
// to check payload shapes.
import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';

export interface ChannelMessage {
  readonly channel: string;
  readonly payload: unknown;
}

export interface WatchedChannels extends Disposable {
  messages(): readonly ChannelMessage[];
  count(): number;
  /** Every message as a user's logger could render it (JSON and inspect), for secret checks. */
  text(): string;
}

const TRACING_EVENTS = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

/**
 * Subscribes to the tracing channels of `operations` (`tracing:conn:<package>:<operation>:*`) and to
 * the plain channels `eventChannels` until disposed.
 */
export function watchChannels(
  packageName: string,
  operations: readonly string[],
  eventChannels: readonly string[],
): WatchedChannels {
  const seen: ChannelMessage[] = [];
  const subscriptions: (() => void)[] = [];
  const names = [
    ...operations.flatMap((operation) =>
      TRACING_EVENTS.map((event) => `tracing:conn:${packageName}:${operation}:${event}`),
    ),
    ...eventChannels,
  ];
  for (const name of names) {
    // A snapshot: the tracing payload is one object that gains fields as the call goes.
    const listener = (payload: unknown): void => {
      seen.push({
        channel: name,
        payload: typeof payload === 'object' && payload !== null ? { ...payload } : payload,
      });
    };
    diagnosticsChannel.subscribe(name, listener);
    subscriptions.push(() => diagnosticsChannel.unsubscribe(name, listener));
  }
  const dispose = (): void => {
    for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
  };
  return {
    messages: () => seen,
    count: () => seen.length,
    text: () =>
      seen
        .map((message) => {
          let json: string;
          try {
            json = JSON.stringify(message.payload, (_key, value: unknown) =>
              typeof value === 'bigint' ? value.toString() : value,
            );
          } catch {
            json = '';
          }
          return `${message.channel} ${json} ${inspect(message.payload, { depth: 8 })}`;
        })
        .join('\n'),
    [Symbol.dispose]: dispose,
  };
}
