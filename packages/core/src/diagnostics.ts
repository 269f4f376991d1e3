import diagnosticsChannel from 'node:diagnostics_channel';

/** A publisher for one package's events on channels named `conn:<package>:<event>`. */
export interface EventPublisher {
  /** The `node:diagnostics_channel` name used for `event`. */
  channelName(event: string): string;
  /**
   * Publishes `payload()` on `conn:<package>:<event>`. The payload function runs only when
   * somebody subscribes, so an unobserved event costs one boolean check.
   */
  publish(event: string, payload: () => object): void;
  /** True when the channel has subscribers (to skip costly work such as timing). */
  hasSubscribers(event: string): boolean;
}

/**
 * Creates the event publisher of a package.
 * @example
 * const events = createEventPublisher('siridb');
 * events.publish('query:start', () => ({ query }));
 * // elsewhere: diagnostics_channel.subscribe('conn:siridb:query:start', (msg) => ...)
 */
export function createEventPublisher(packageName: string): EventPublisher {
  const channels = new Map<string, diagnosticsChannel.Channel>();
  const channelName = (event: string): string => `conn:${packageName}:${event}`;
  const channelFor = (event: string): diagnosticsChannel.Channel => {
    let channel = channels.get(event);
    if (channel === undefined) {
      channel = diagnosticsChannel.channel(channelName(event));
      channels.set(event, channel);
    }
    return channel;
  };
  return {
    channelName,
    publish(event, payload) {
      const channel = channelFor(event);
      if (channel.hasSubscribers) channel.publish(payload());
    },
    hasSubscribers: (event) => channelFor(event).hasSubscribers,
  };
}
