import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/index.js';
import { IdAllocator } from '../../../src/transport/id-allocator.js';

describe('IdAllocator', () => {
  it('hands out ids cyclically and wraps around after maxId', () => {
    const ids = new IdAllocator(3);
    const seen: number[] = [];
    for (let i = 0; i < 9; i++) {
      const id = ids.allocate() as number;
      seen.push(id);
      ids.release(id);
    }
    expect(seen).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0]);
  });

  it('id wrap-around never reuses an in-flight id', () => {
    const ids = new IdAllocator(0xffff, 1);
    const stuck = ids.allocate() as number; // 1 stays in flight through several wraps
    expect(stuck).toBe(1);
    const handedOut = new Set<number>();
    let reused = 0;
    for (let i = 0; i < 3 * 65_536; i++) {
      const id = ids.allocate() as number;
      if (id === stuck) reused += 1;
      handedOut.add(id);
      ids.release(id);
    }
    expect(reused).toBe(0);
    expect(handedOut.size).toBe(65_535);
    expect(Math.min(...handedOut)).toBe(0);
    expect(Math.max(...handedOut)).toBe(0xffff);
  });

  it('returns undefined when every id is in use, and the freed id next', () => {
    const ids = new IdAllocator(2);
    expect([ids.allocate(), ids.allocate(), ids.allocate()]).toEqual([0, 1, 2]);
    expect(ids.allocate()).toBeUndefined();
    ids.release(1);
    expect(ids.allocate()).toBe(1);
    expect(ids.size).toBe(3);
  });

  it('keeps quarantined ids unused while other ids are free', () => {
    const ids = new IdAllocator(3);
    const late = ids.allocate() as number; // 0
    ids.quarantine(late);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const id = ids.allocate() as number;
      seen.push(id);
      ids.release(id);
    }
    expect(seen).toEqual([1, 2, 3, 1, 2, 3]);
    expect(ids.quarantinedCount).toBe(1);
    ids.release(late); // the late answer arrived
    expect(ids.quarantinedCount).toBe(0);
    expect([ids.allocate(), ids.allocate()]).toEqual([0, 1]);
  });

  it('reuses the oldest quarantined id only when no other id is free', () => {
    const ids = new IdAllocator(2);
    const [a, b, c] = [ids.allocate(), ids.allocate(), ids.allocate()] as number[];
    ids.quarantine(b as number);
    ids.quarantine(a as number);
    expect(ids.allocate()).toBe(b);
    expect(ids.allocate()).toBe(a);
    expect(ids.allocate()).toBeUndefined();
    expect(ids.has(c as number)).toBe(true);
  });

  it('ignores quarantine of an id that is not in use', () => {
    const ids = new IdAllocator(1);
    ids.quarantine(1);
    expect(ids.quarantinedCount).toBe(0);
    expect([ids.allocate(), ids.allocate()]).toEqual([0, 1]);
  });

  it('validates maxId and firstId', () => {
    expect(() => new IdAllocator(-1)).toThrow(ConfigError);
    expect(() => new IdAllocator(1.5)).toThrow(ConfigError);
    expect(() => new IdAllocator(3, 4)).toThrow(ConfigError);
    expect(new IdAllocator(3, 3).allocate()).toBe(3);
  });
});
