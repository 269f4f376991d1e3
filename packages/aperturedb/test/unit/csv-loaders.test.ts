import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionRowMapper,
  csvItems,
  descriptorRowMapper,
  entityRowMapper,
  parseCsvValue,
  readNpyMatrix,
} from '../../src/csv/index.js';
import type { ParallelItem } from '../../src/parallel/index.js';
import { bytesToFloat32 } from '../../src/vectors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adb-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A version 1.0 `.npy` file of a 2-D little-endian array (`<f4` or `<f8`). */
async function writeNpy(path: string, rows: number[][], descr: '<f4' | '<f8'): Promise<void> {
  const columns = rows[0]?.length ?? 0;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows.length}, ${columns}), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const size = descr === '<f4' ? 4 : 8;
  const data = Buffer.alloc(rows.length * columns * size);
  rows.flat().forEach((value, index) => {
    if (size === 4) data.writeFloatLE(value, index * 4);
    else data.writeDoubleLE(value, index * 8);
  });
  const preamble = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  preamble.writeUInt16LE(header.length, 8);
  await writeFile(path, Buffer.concat([preamble, Buffer.from(header, 'latin1'), data]));
}

async function collect(items: AsyncIterable<ParallelItem>): Promise<ParallelItem[]> {
  const out: ParallelItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('parseCsvValue', () => {
  it('types numbers and booleans, keeps other text, and drops empty cells', () => {
    expect(parseCsvValue('42')).toBe(42);
    expect(parseCsvValue('-3.5e2')).toBe(-350);
    expect(parseCsvValue('.5')).toBe(0.5);
    expect(parseCsvValue('True')).toBe(true);
    expect(parseCsvValue('false')).toBe(false);
    expect(parseCsvValue('12ab')).toBe('12ab');
    expect(parseCsvValue('1,5')).toBe('1,5');
    // Larger than 2^53: kept as text so no digit is lost.
    expect(parseCsvValue('12345678901234567890')).toBe('12345678901234567890');
    expect(parseCsvValue('')).toBeUndefined();
  });
});

describe('entity CSV (EntityClass, properties, constraint_ columns)', () => {
  it('maps a row to a conditional AddEntity with typed values and dates', () => {
    const map = entityRowMapper(['EntityClass', 'name', 'age', 'vip', 'date:born', 'id', 'constraint_id']);
    expect(map(['Person', 'Ann', '69', 'true', '1950-01-02T00:00:00Z', '7', '7'])).toEqual({
      commands: [
        {
          AddEntity: {
            class: 'Person',
            properties: { name: 'Ann', age: 69, vip: true, born: { _date: '1950-01-02T00:00:00Z' }, id: 7 },
            if_not_found: { id: ['==', 7] },
          },
        },
      ],
    });
    // Empty cells: no property, no constraint, so an unconditional add.
    expect(map(['Person', '', '', '', '', '', ''])).toEqual({
      commands: [{ AddEntity: { class: 'Person', properties: {} } }],
    });
  });

  it('maps constraint_date: columns to a date constraint', () => {
    const map = entityRowMapper(['EntityClass', 'constraint_date:at']);
    expect(map(['Log', '2020-01-01'])).toEqual({
      commands: [
        {
          AddEntity: { class: 'Log', properties: {}, if_not_found: { at: ['==', { _date: '2020-01-01' }] } },
        },
      ],
    });
  });

  it('rejects a CSV whose first column is not EntityClass', () => {
    expect(() => entityRowMapper(['Class', 'x'])).toThrow(/EntityClass/);
  });
});

describe('connection CSV (ConnectionClass, Src@key, Dst@key)', () => {
  it('maps a row to two FindEntity and an AddConnection between their refs', () => {
    const map = connectionRowMapper([
      'ConnectionClass',
      'Person@id',
      'Company@name',
      'since',
      'constraint_since',
    ]);
    expect(map(['WorksAt', '7', 'Acme', '2001', '2001'])).toEqual({
      commands: [
        { FindEntity: { with_class: 'Person', _ref: 1, constraints: { id: ['==', 7] } } },
        { FindEntity: { with_class: 'Company', _ref: 2, constraints: { name: ['==', 'Acme'] } } },
        {
          AddConnection: {
            class: 'WorksAt',
            src: 1,
            dst: 2,
            properties: { since: 2001 },
            if_not_found: { since: ['==', 2001] },
          },
        },
      ],
    });
  });

  it('rejects a source column without Class@key', () => {
    expect(() => connectionRowMapper(['ConnectionClass', 'Person', 'Company@name'])).toThrow(/<Class>@<key>/);
    expect(() => connectionRowMapper(['EntityClass', 'a@b', 'c@d'])).toThrow(/ConnectionClass/);
  });
});

describe('descriptor CSV (filename, index, set, label, properties)', () => {
  it('maps a row to AddDescriptor with row `index` of the .npy file as its float32 blob', async () => {
    const f4 = join(dir, 'a.npy');
    const f8 = join(dir, 'b.npy');
    await writeNpy(
      f4,
      [
        [1, 2, 3],
        [4.5, 5, 6],
      ],
      '<f4',
    );
    await writeNpy(f8, [[0.25, -1, 8]], '<f8');
    const map = descriptorRowMapper(['filename', 'index', 'set', 'label', 'uuid', 'constraint_uuid']);
    const item = await map([f4, '1', 'kitchen', 'table', 'AID-1', 'AID-1']);
    expect(item.commands).toEqual([
      {
        AddDescriptor: {
          set: 'kitchen',
          label: 'table',
          properties: { uuid: 'AID-1' },
          if_not_found: { uuid: ['==', 'AID-1'] },
        },
      },
    ]);
    expect(Array.from(bytesToFloat32(item.blobs?.[0] as Uint8Array))).toEqual([4.5, 5, 6]);
    const fromDoubles = await map([f8, '0', 's', '', 'u', '']);
    expect(Array.from(bytesToFloat32(fromDoubles.blobs?.[0] as Uint8Array))).toEqual([0.25, -1, 8]);
    expect(fromDoubles.commands).toEqual([{ AddDescriptor: { set: 's', properties: { uuid: 'u' } } }]);
    await expect(map([f4, '2', 'kitchen', 'x', 'u', ''])).rejects.toThrow(/no row 2/);
    expect((await readNpyMatrix(f4)).columns).toBe(3);
  });

  it('works without a label column, with a custom loader', async () => {
    const map = descriptorRowMapper(['filename', 'index', 'set', 'kind'], (file, index) =>
      Uint8Array.of(file.length, index),
    );
    expect(await map(['abc', '9', 'set1', 'k'])).toEqual({
      commands: [{ AddDescriptor: { set: 'set1', properties: { kind: 'k' } } }],
      blobs: [Uint8Array.of(3, 9)],
    });
    expect(() => descriptorRowMapper(['index', 'filename', 'set'])).toThrow(/filename, index, set/);
  });
});

describe('csvItems', () => {
  it('streams items from CSV text in the chosen layout', async () => {
    const items = await collect(csvItems(['EntityClass,n\n', 'A,1\nB,2\n'], 'entity'));
    expect(items.map((item) => item.commands)).toEqual([
      [{ AddEntity: { class: 'A', properties: { n: 1 } } }],
      [{ AddEntity: { class: 'B', properties: { n: 2 } } }],
    ]);
  });
});
