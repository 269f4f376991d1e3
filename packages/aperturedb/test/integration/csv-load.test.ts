import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApertureDBClient } from '../../src/client.js';
import { csvItems, loadFromCsv } from '../../src/csv/index.js';
import type { ParallelProgress } from '../../src/parallel/index.js';
import { entitiesOf, resultOf } from '../../src/response.js';
import { startApertureDBTestServer } from '../../src/testing/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adb-csv-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `rows` lines from `line(index)` after `header`, honouring the stream's backpressure. */
async function writeCsv(
  path: string,
  header: string,
  rows: number,
  line: (index: number) => string,
): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\r\n`);
  let chunk = '';
  for (let index = 0; index < rows; index++) {
    chunk += `${line(index)}\r\n`;
    if (chunk.length > 256 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function countOf(
  client: ApertureDBClient,
  query: Parameters<ApertureDBClient['query']>[0],
): Promise<number> {
  const { response } = await client.query(query);
  return (resultOf(response, 0) as { count?: number }).count ?? -1;
}

describe('CSV loading', () => {
  it('streams a 1,000,000-row CSV into items with bounded heap', async () => {
    const path = join(dir, 'million.csv');
    const rows = 1_000_000;
    await writeCsv(
      path,
      'EntityClass,id,name,score,active,note,constraint_id',
      rows,
      (i) =>
        `Person,${i},"Name ${i}, Jr.",${i * 0.5},${i % 2 === 0},"said ""hello"" on line\nbreak ${i}",${i}`,
    );
    const bytes = (await stat(path)).size;
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let count = 0;
    let last: unknown;
    const started = performance.now();
    for await (const item of csvItems(path, 'entity')) {
      count++;
      last = item.commands[0];
      if (count % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const elapsed = performance.now() - started;
    const growthMb = (peak - baseline) / 2 ** 20;
    console.log(
      `CSV stream: ${count} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${elapsed.toFixed(0)} ms ` +
        `(${((count / elapsed) * 1000).toFixed(0)} rows/s), peak heap growth ${growthMb.toFixed(1)} MiB`,
    );
    expect(count).toBe(rows);
    expect(last).toEqual({
      AddEntity: {
        class: 'Person',
        properties: {
          id: 999_999,
          name: 'Name 999999, Jr.',
          score: 499_999.5,
          active: false,
          note: 'said "hello" on line\nbreak 999999',
        },
        if_not_found: { id: ['==', 999_999] },
      },
    });
    // The text alone would take about twice its byte size as a string: the heap never held it.
    expect(bytes).toBeGreaterThan(80 * 2 ** 20);
    expect(growthMb).toBeLessThan(48);
  }, 60_000);

  it('loads a 10,000-row entity CSV, then a connection CSV and a descriptor CSV, end to end', async () => {
    await using server = await startApertureDBTestServer();
    await using client = ApertureDBClient.fromUrl(server.url);
    const entities = join(dir, 'people.csv');
    const total = 10_000;
    await writeCsv(entities, 'EntityClass,id,name,constraint_id', total, (i) => `Person,${i},"P ${i}",${i}`);
    const progress: ParallelProgress[] = [];
    const loaded = await loadFromCsv(client, entities, {
      kind: 'entity',
      batchSize: 100,
      concurrency: 8,
      onProgress: (p) => progress.push(p),
    });
    console.log(`loadFromCsv entity: ${total} rows in ${loaded.elapsedMs.toFixed(0)} ms`);
    expect(loaded).toMatchObject({ done: total, succeeded: total, existed: 0, failed: 0, transactions: 100 });
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 100));
    expect(await countOf(client, [{ FindEntity: { with_class: 'Person', results: { count: true } } }])).toBe(
      total,
    );

    const connections = join(dir, 'friends.csv');
    await writeCsv(
      connections,
      'ConnectionClass,Person@id,Person@id,since',
      500,
      (i) => `knows,${i},${i + 1},${2000 + i}`,
    );
    const linked = await loadFromCsv(client, connections, {
      kind: 'connection',
      batchSize: 50,
      concurrency: 4,
    });
    expect(linked).toMatchObject({ done: 500, succeeded: 1_500, failed: 0 });
    const { response } = await client.query([
      { FindEntity: { with_class: 'Person', _ref: 1, constraints: { id: ['==', 41] } } },
      {
        FindEntity: {
          with_class: 'Person',
          is_connected_to: { ref: 1, direction: 'out' },
          results: { list: ['id'] },
        },
      },
    ]);
    expect(entitiesOf(resultOf(response, 1))).toEqual([{ id: 42 }]);

    await client.query([{ AddDescriptorSet: { name: 'faces', dimensions: 2, metric: 'L2' } }]);
    // The vectors come from the loader below, so the file named in the CSV is never opened.
    const vectors = 'faces.npy';
    const descriptors = join(dir, 'faces.csv');
    await writeCsv(
      descriptors,
      'filename,index,set,label,uuid,constraint_uuid',
      100,
      (i) => `${vectors},${i},faces,L${i % 3},u${i},u${i}`,
    );
    const loadDescriptor = (_file: string, index: number): Uint8Array =>
      new Uint8Array(new Float32Array([index, -index]).buffer);
    const added = await loadFromCsv(client, descriptors, {
      kind: 'descriptor',
      batchSize: 10,
      loadDescriptor,
    });
    expect(added).toMatchObject({ done: 100, succeeded: 100, failed: 0 });
    const again = await loadFromCsv(client, descriptors, {
      kind: 'descriptor',
      batchSize: 10,
      loadDescriptor,
    });
    expect(again).toMatchObject({ existed: 100, failed: 0 });
    expect(
      await countOf(client, [
        { FindDescriptor: { set: 'faces', with_label: 'L1', results: { count: true } } },
      ]),
    ).toBe(33);
  }, 180_000);
});
