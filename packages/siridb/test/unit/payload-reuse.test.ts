// An answered insert's buffer is written again by the next large insert (its pages are mapped
// already); a buffer nobody gave back is never shared.
import { describe, expect, it } from 'vitest';
import { encodeInsert } from '../../src/insert-data.js';
import { giveAnsweredBuffer } from '../../src/protocol/payload-reuse.js';
import { encodeQpack } from '../../src/protocol/qpack.js';

function batch(offset: number): Record<string, [number, number][]> {
  const data: Record<string, [number, number][]> = {};
  for (let s = 0; s < 20; s++) {
    data[`cpu.${s}`] = Array.from({ length: 100 }, (_, p): [number, number] => [
      1_700_000_000_000 + offset + p,
      s + p * 0.001 + 0.0001,
    ]);
  }
  return data;
}

describe('insert payload buffers', () => {
  it('the next large insert writes into the buffer of the answered one, with its own bytes', () => {
    encodeInsert(batch(0)); // sets the size the next large insert expects
    const first = encodeInsert(batch(1));
    expect(first.ownsBuffer).toBe(true);
    const firstBuffer = first.payload.buffer;
    giveAnsweredBuffer(first.payload);
    const second = encodeInsert(batch(2));
    expect(second.payload.buffer).toBe(firstBuffer);
    expect(second.payload.equals(encodeQpack(batch(2)))).toBe(true);
  });

  it('inserts not given back never share a buffer', () => {
    encodeInsert(batch(0));
    const one = encodeInsert(batch(3));
    const two = encodeInsert(batch(4));
    expect(two.payload.buffer).not.toBe(one.payload.buffer);
    expect(one.payload.equals(encodeQpack(batch(3)))).toBe(true);
    expect(two.payload.equals(encodeQpack(batch(4)))).toBe(true);
  });

  it('a small insert never owns (nor gives back) a shared pool slice', () => {
    const small = encodeInsert({ 'cpu.x': [[1, 1.5]] });
    expect(small.ownsBuffer).toBe(false);
  });
});
