import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import { createEventPublisher } from '../../src/index.js';

describe('diagnostics channels', () => {
  it('names channels conn:<package>:<event> and delivers payloads to subscribers', () => {
    const events = createEventPublisher('testpkg');
    expect(events.channelName('query:start')).toBe('conn:testpkg:query:start');
    const received: unknown[] = [];
    const listener = (message: unknown) => received.push(message);
    diagnosticsChannel.subscribe('conn:testpkg:query:start', listener);
    try {
      expect(events.hasSubscribers('query:start')).toBe(true);
      events.publish('query:start', () => ({ query: 'select 1' }));
    } finally {
      diagnosticsChannel.unsubscribe('conn:testpkg:query:start', listener);
    }
    expect(received).toEqual([{ query: 'select 1' }]);
  });

  it('does not build the payload when nobody subscribes', () => {
    const events = createEventPublisher('quiet');
    const payload = vi.fn(() => ({ heavy: true }));
    events.publish('query:end', payload);
    expect(payload).not.toHaveBeenCalled();
    expect(events.hasSubscribers('query:end')).toBe(false);
  });
});
