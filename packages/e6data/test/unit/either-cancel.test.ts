import { AbortError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { eitherCancel } from '../../src/transport/either-cancel.js';
import { cancelSourceOf } from '../../src/transport/signal-cancel.js';

describe('eitherCancel', () => {
  it('ends once, with the reason of whichever source ends first', () => {
    const first = new AbortController();
    const second = new AbortController();
    const both = eitherCancel(cancelSourceOf(first.signal, 'first'), cancelSourceOf(second.signal, 'second'));
    const reasons: unknown[] = [];
    both.onCancel((reason) => reasons.push(reason));
    expect(both.reason).toBeUndefined();
    second.abort(new Error('second gave up'));
    first.abort(new Error('first gave up'));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(AbortError);
    expect((reasons[0] as AbortError).cause).toEqual(new Error('second gave up'));
    expect(both.reason).toBeInstanceOf(AbortError);
  });

  it('calls no listener that was taken back', () => {
    const first = new AbortController();
    const second = new AbortController();
    const both = eitherCancel(cancelSourceOf(first.signal, 'first'), cancelSourceOf(second.signal, 'second'));
    const reasons: unknown[] = [];
    const listener = (reason: unknown): void => {
      reasons.push(reason);
    };
    both.onCancel(listener);
    both.offCancel(listener);
    first.abort();
    second.abort();
    expect(reasons).toEqual([]);
  });
});
