import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { InsertError } from '../../src/errors.js';
import { encodeInsert, type SiriDBInsertData, type SiriDBPoint } from '../../src/insert-data.js';
import { cut, type PlannedRequest, planBatch } from '../../src/insert-many-plan.js';
import { SERVER_MAX_PACKAGE_BYTES } from '../../src/protocol/package.js';
import { decodeQpack } from '../../src/protocol/qpack.js';

const UNLIMITED = { maxPoints: Number.MAX_SAFE_INTEGER, maxBytes: SERVER_MAX_PACKAGE_BYTES };

function points(n: number, from = 0): SiriDBPoint[] {
  return Array.from({ length: n }, (_, i): SiriDBPoint => [1_700_000_000_000 + from + i, from + i]);
}

/** Every point a request's payload carries, as [name, timestamp, value], in order. */
function sentPoints(requests: readonly PlannedRequest[]): [string, number, unknown][] {
  const out: [string, number, unknown][] = [];
  for (const request of requests) {
    const decoded = decodeQpack(request.payload, { int64: 'number' });
    const entries = Array.isArray(decoded)
      ? (decoded as { name: string; points: [number, unknown][] }[]).map((s) => [s.name, s.points] as const)
      : Object.entries(decoded as Record<string, [number, unknown][]>);
    for (const [name, list] of entries) for (const [ts, value] of list) out.push([name, ts, value]);
  }
  return out;
}

function givenPoints(data: Record<string, readonly SiriDBPoint[]>): [string, number, unknown][] {
  return Object.entries(data).flatMap(([name, list]) =>
    list.map(([ts, v]): [string, number, unknown] => [name, Number(ts), v]),
  );
}

function failure(run: () => unknown): Error | undefined {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('cut()', () => {
  it('cuts series in order into chunks of a point count, keeping whole series as given', () => {
    const a = points(5);
    const b = points(3, 100);
    const chunks = cut(
      [
        { name: 'a', points: a, firstPoint: 0 },
        { name: 'b', points: b, firstPoint: 0 },
      ],
      4,
    );
    expect(chunks.map((chunk) => chunk.map((s) => [s.name, s.firstPoint, s.points.length]))).toEqual([
      [['a', 0, 4]],
      [
        ['a', 4, 1],
        ['b', 0, 3],
      ],
    ]);
    expect(chunks[1]?.[1]?.points).toBe(b); // not copied
  });
});

describe('planBatch()', () => {
  it('sends a batch within the limits as one request, encoded exactly as insert() encodes it', () => {
    const data = { a: points(3), b: points(2) };
    const plan = planBatch(data, { maxPoints: 5, maxBytes: SERVER_MAX_PACKAGE_BYTES });
    expect(plan.requests).toHaveLength(1);
    expect(plan.requests[0]?.payload).toEqual(encodeInsert(data).payload);
    expect(plan).toMatchObject({ seriesCount: 2, pointCount: 5 });
  });

  it('cuts by points: every point once, in order, none over the limit', () => {
    const data = { a: points(25), b: points(7, 1000), c: points(1, 2000) };
    const plan = planBatch(data, { maxPoints: 10, maxBytes: SERVER_MAX_PACKAGE_BYTES });
    expect(plan.requests.map((r) => r.pointCount)).toEqual([10, 10, 10, 3]);
    expect(sentPoints(plan.requests)).toEqual(givenPoints(data));
    expect(plan).toMatchObject({ seriesCount: 3, pointCount: 33 });
    // what the report gives back: the slices of the series as given
    expect(plan.requests[2]?.series.map((s) => [s.name, s.firstPoint, s.points.length])).toEqual([
      ['a', 20, 5],
      ['b', 0, 5],
    ]);
  });

  it('cuts by bytes: every payload within maxBytes, every point once, in order', () => {
    const data = {
      s: Array.from({ length: 40 }, (_, i): SiriDBPoint => [i, 'x'.repeat(i * 7)]),
      n: points(50),
    };
    const maxBytes = 1_000;
    const plan = planBatch(data, { maxPoints: 10_000, maxBytes });
    expect(plan.requests.length).toBeGreaterThan(2);
    for (const request of plan.requests) expect(request.payload.length).toBeLessThanOrEqual(maxBytes);
    expect(sentPoints(plan.requests)).toEqual(givenPoints(data));
  });

  it('a payload of exactly maxBytes is one request; one byte less makes two', () => {
    const data = { a: points(10) };
    const size = encodeInsert(data).payload.length;
    expect(planBatch(data, { maxPoints: 100, maxBytes: size }).requests).toHaveLength(1);
    expect(planBatch(data, { maxPoints: 100, maxBytes: size - 1 }).requests).toHaveLength(2);
  });

  it('takes the Map and array forms too; the array form may name a series twice', () => {
    const a = points(4);
    const b = points(4, 10);
    const fromMap = planBatch(new Map([['a', a]]), { maxPoints: 3, maxBytes: SERVER_MAX_PACKAGE_BYTES });
    expect(sentPoints(fromMap.requests)).toEqual(givenPoints({ a }));
    const twice = planBatch(
      [
        { name: 'a', points: a },
        { name: 'a', points: b },
      ],
      { maxPoints: 3, maxBytes: SERVER_MAX_PACKAGE_BYTES },
    );
    expect(twice.seriesCount).toBe(2);
    expect(sentPoints(twice.requests)).toEqual([...givenPoints({ a }), ...givenPoints({ a: b })]);
  });

  it('an empty batch makes no request', () => {
    expect(planBatch({}, UNLIMITED)).toEqual({ requests: [], seriesCount: 0, pointCount: 0 });
    expect(planBatch([], UNLIMITED)).toEqual({ requests: [], seriesCount: 0, pointCount: 0 });
  });

  it('an invalid point in a later request fails the batch with the error insert() gives for it', () => {
    const bad = points(30);
    bad[23] = [-1, 1];
    const data = { ok: points(5), bad };
    const expected = failure(() => encodeInsert(data));
    const error = failure(() => planBatch(data, { maxPoints: 10, maxBytes: SERVER_MAX_PACKAGE_BYTES }));
    expect(error).toBeInstanceOf(InsertError);
    expect(error?.message).toBe(expected?.message);
    expect(error?.message).toContain('point 23');
  });

  it('a wrong shape fails with the error insert() gives', () => {
    for (const data of [{ a: [] }, { a: 'nope' }, [{ name: '', points: points(1) }], null, 42]) {
      const expected = failure(() => encodeInsert(data as SiriDBInsertData));
      expect(expected).toBeDefined();
      expect(failure(() => planBatch(data as SiriDBInsertData, UNLIMITED))?.message).toBe(expected?.message);
    }
  });

  it('a point that alone is over maxBytes goes in a request of its own', () => {
    const list = points(8);
    list[6] = [1_700_000_000_006, 'y'.repeat(500)];
    const plan = planBatch({ big: list }, { maxPoints: 4, maxBytes: 200 });
    expect(plan.requests.map((r) => r.series.map((s) => [s.firstPoint, s.points.length]))).toEqual([
      [[0, 4]],
      [[4, 2]],
      [[6, 1]],
      [[7, 1]],
    ]);
    expect(plan.requests[2]?.payload.length).toBeGreaterThan(500);
    expect(sentPoints(plan.requests)).toEqual(givenPoints({ big: list }));
  });

  it('a point that alone is over the server limit fails naming the series, the point as given, size and limit', () => {
    const list = points(8);
    list[6] = [1_700_000_000_006, 'y'.repeat(SERVER_MAX_PACKAGE_BYTES)];
    const error = failure(() => planBatch({ big: list }, { maxPoints: 4, maxBytes: 200 })) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    expect(error.details).toMatchObject({ series: 'big', point: 6, limit: SERVER_MAX_PACKAGE_BYTES });
    expect(error.details['bytes']).toBeGreaterThan(SERVER_MAX_PACKAGE_BYTES);
    expect(error.message).toContain('"big", point 6');
    expect(error.message).toContain(`more than the server accepts (${SERVER_MAX_PACKAGE_BYTES} bytes`);
  });
});
