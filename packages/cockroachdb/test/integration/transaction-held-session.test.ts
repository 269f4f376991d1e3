import { ConnError } from '@conn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CockroachDBClient, QueryError } from '../../src/index.js';
import { endOfTurn, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

// A transaction's stream reads through a portal that holds the session between its reads, and a
// COPY holds it until it ends. These tests pin down what happens to everything else asked of the
// transaction meanwhile: refused at once with a typed error (never a wait behind a loop or a row
// source that waits for it), and a transaction that ends with a stream still open closes it and
// says so to whoever reads it next.

const ROWS = 'SELECT g FROM generate_series(1, 100) g';

function expectCode(code: string): (error: unknown) => void {
  return (error) => {
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).code).toBe(code);
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe.skipIf(testDatabase.skipReason !== undefined)(
  "a transaction's session held by a stream or a COPY",
  () => {
    let db: CockroachDBClient;
    beforeAll(() => {
      db = openDatabase({ pool: { max: 1 } });
    });
    afterAll(async () => {
      await db.close();
    });

    async function sessionUsable(): Promise<void> {
      await endOfTurn();
      expect(db.stats()).toMatchObject({ leased: 0 });
      expect(await db.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    }

    it('refuses other statements, COPY and a second stream at once, and reads on to the end', async () => {
      const table = uniqueTable('stream_tx_refuse');
      await db.execute(`CREATE TABLE "${table}" (id int)`);
      {
        await using tx = await db.transaction();
        const rows = tx.stream<{ g: number }>(ROWS, [], { batchSize: 10 })[Symbol.asyncIterator]();
        const seen: number[] = [];
        for (let i = 0; i < 15; i++) seen.push(((await rows.next()).value as { g: number }).g);

        expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(tx.query('SELECT 1 AS x')));
        expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(tx.insert(table, { id: 1 })));
        expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(tx.copyFrom(table, ['id'], [[1]])));
        const copyOut = tx.copyTo({ table })[Symbol.asyncIterator]();
        expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(copyOut.next()));
        const second = tx.stream(ROWS)[Symbol.asyncIterator]();
        expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(second.next()));

        // Nothing reached the server: the stream reads on and the transaction is intact.
        for (let next = await rows.next(); next.done !== true; next = await rows.next())
          seen.push(next.value.g);
        expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        await tx.insert(table, { id: 7 });
        await tx.commit();
      }
      expect(await db.query(`SELECT id FROM "${table}"`)).toEqual([{ id: 7 }]);
      await sessionUsable();
    });

    it('a statement refused inside the loop ends the loop, and the transaction goes on after it', async () => {
      await using tx = await db.transaction();
      const loop = async (): Promise<void> => {
        for await (const row of tx.stream<{ g: number }>(ROWS, [], { batchSize: 10 })) {
          await tx.query('SELECT $1::int AS g', [row.g]);
        }
      };
      expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(loop()));
      // Leaving the loop closed the portal: the session is the transaction's again.
      expect(await tx.query('SELECT 5 AS five')).toEqual([{ five: 5 }]);
      await tx.commit();
      await sessionUsable();
    });

    it('commit with a stream still open closes it; its next read says the transaction ended', async () => {
      const table = uniqueTable('stream_tx_commit');
      await db.execute(`CREATE TABLE "${table}" (id int)`);
      const tx = await db.transaction();
      await tx.insert(table, { id: 1 });
      const rows = tx.stream<{ g: number }>(ROWS, [], { batchSize: 10 })[Symbol.asyncIterator]();
      expect((await rows.next()).value).toEqual({ g: 1 });
      await tx.commit();
      expectCode('CONN_COCKROACHDB_TX_ENDED')(await rejection(rows.next()));
      expect(await db.query(`SELECT id FROM "${table}"`)).toEqual([{ id: 1 }]);
      await sessionUsable();
    });

    it('leaving an `await using` block with a stream open rolls back without waiting on it', async () => {
      const table = uniqueTable('stream_tx_dispose');
      await db.execute(`CREATE TABLE "${table}" (id int)`);
      let rows: AsyncIterator<{ g: number }> | undefined;
      {
        await using tx = await db.transaction();
        await tx.insert(table, { id: 1 });
        rows = tx.stream<{ g: number }>(ROWS, [], { batchSize: 10 })[Symbol.asyncIterator]();
        await rows.next();
      }
      expectCode('CONN_COCKROACHDB_TX_ENDED')(await rejection(rows.next()));
      expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 0 }]);
      await sessionUsable();
    });

    it('runInTransaction commits after a callback that left a stream open', async () => {
      const table = uniqueTable('stream_tx_managed');
      await db.execute(`CREATE TABLE "${table}" (id int)`);
      const rows = await db.runInTransaction(async (tx) => {
        await tx.insert(table, { id: 3 });
        const open = tx.stream<{ g: number }>(ROWS, [], { batchSize: 10 })[Symbol.asyncIterator]();
        await open.next();
        return open;
      });
      expectCode('CONN_COCKROACHDB_TX_ENDED')(await rejection(rows.next()));
      expect(await db.query(`SELECT id FROM "${table}"`)).toEqual([{ id: 3 }]);
      await sessionUsable();
    });

    it('commit while a read of the stream is under way lets that read finish, then commits', async () => {
      const tx = await db.transaction();
      // batchSize 1: every next() is a round trip of its own.
      const rows = tx.stream<{ g: number }>(ROWS, [], { batchSize: 1 })[Symbol.asyncIterator]();
      expect((await rows.next()).value).toEqual({ g: 1 });
      const reading = rows.next();
      const committed = tx.commit();
      expect((await reading).value).toEqual({ g: 2 });
      await committed;
      expectCode('CONN_COCKROACHDB_TX_ENDED')(await rejection(rows.next()));
      await sessionUsable();
    });

    it('a COPY row source that runs a statement on the same transaction fails the COPY at once', async () => {
      const table = uniqueTable('copy_tx_source');
      await db.execute(`CREATE TABLE "${table}" (id int)`);
      {
        await using tx = await db.transaction();
        async function* rows(): AsyncGenerator<number[]> {
          yield [1];
          await tx.query('SELECT 1 AS x');
          yield [2];
        }
        const failure = await rejection(tx.copyFrom(table, ['id'], rows()));
        expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).toContain(
          'CONN_COCKROACHDB_SESSION_BUSY',
        );
      }
      expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 0 }]);
      await sessionUsable();
    });

    it('statements and commit wait for copyTo to be read out, refused at once meanwhile', async () => {
      const table = uniqueTable('copy_tx_out');
      await db.execute(`CREATE TABLE "${table}" (id int)`);
      await db.copyFrom(table, ['id'], [[1], [2], [3]]);
      const tx = await db.transaction();
      const out = tx.copyTo<{ id: number }>({ table })[Symbol.asyncIterator]();
      expect((await out.next()).value).toEqual({ id: 1 });
      expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(tx.query('SELECT 1 AS x')));
      expectCode('CONN_COCKROACHDB_SESSION_BUSY')(await rejection(tx.commit()));
      expect(tx.isOpen).toBe(true);
      const rest: unknown[] = [];
      for (let next = await out.next(); next.done !== true; next = await out.next()) rest.push(next.value);
      expect(rest).toEqual([{ id: 2 }, { id: 3 }]);
      await tx.insert(table, { id: 4 });
      await tx.commit();
      expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 4 }]);
      await sessionUsable();
    });

    it('rolling back under a copyTo left open closes the session; the server rolls back', async () => {
      const table = uniqueTable('copy_tx_dispose');
      await db.execute(`CREATE TABLE "${table}" (id int)`);
      await db.batchInsert(
        table,
        Array.from({ length: 50_000 }, (_, id) => ({ id })),
      );
      let out: AsyncIterator<unknown> | undefined;
      {
        await using tx = await db.transaction();
        await tx.insert(table, { id: -1 });
        out = tx.copyTo({ table })[Symbol.asyncIterator]();
        await out.next();
      }
      // Rows that had already arrived may still be handed out; the loop then fails, never ends
      // as if the table had been read whole.
      const readOn = async (): Promise<void> => {
        for (let next = await out.next(); next.done !== true; next = await out.next());
      };
      expect(await rejection(readOn())).toBeInstanceOf(ConnError);
      expect(await db.query(`SELECT count(*)::int AS c FROM "${table}" WHERE id = -1`)).toEqual([{ c: 0 }]);
      await sessionUsable();
    });
  },
);
