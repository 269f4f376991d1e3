import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  checkNoOpenTransaction,
  controlsTransaction,
  leavesTransactionOpen,
  OPEN_TRANSACTION_CODE,
} from '../../src/sql/transaction-control.js';

describe('text that leaves a transaction open', () => {
  it.each([
    'BEGIN',
    'begin;',
    'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    'BEGIN PRIORITY HIGH; INSERT INTO t VALUES (1)',
    'START TRANSACTION; UPDATE t SET v = 1',
    'BEGIN; INSERT INTO t VALUES (1); COMMIT; BEGIN; INSERT INTO t VALUES (2)',
    'BEGIN; SAVEPOINT s; ROLLBACK TO SAVEPOINT s',
    '/* setup */ BEGIN -- no end\n',
  ])('%j', (sql) => {
    expect(leavesTransactionOpen(sql)).toBe(true);
  });
});

describe('text that does not', () => {
  it.each([
    'SELECT 1',
    "SELECT 'BEGIN'",
    'SELECT "begin" FROM t',
    'SELECT 1 -- BEGIN',
    'SELECT 1 /* BEGIN */',
    'DO $$ BEGIN PERFORM 1; END $$',
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END',
    'BEGIN; INSERT INTO t VALUES (1); COMMIT',
    'BEGIN; INSERT INTO t VALUES (1); END;',
    'START TRANSACTION; SELECT 1; ROLLBACK',
    'BEGIN; SELECT 1; ABORT',
    "BEGIN; SELECT 1; PREPARE TRANSACTION 'x'",
    'SELECT started, began FROM runs',
    'COMMIT',
  ])('%j', (sql) => {
    expect(leavesTransactionOpen(sql)).toBe(false);
  });
});

describe('checkNoOpenTransaction', () => {
  it('throws ConfigError with a stable code and names the way out', () => {
    let thrown: unknown;
    try {
      checkNoOpenTransaction('BEGIN; DELETE FROM accounts');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe(OPEN_TRANSACTION_CODE);
    expect((thrown as Error).message).toContain('runInTransaction');
  });

  it('lets complete transactions and ordinary statements through', () => {
    expect(() => checkNoOpenTransaction('BEGIN; DELETE FROM accounts; COMMIT')).not.toThrow();
    expect(() => checkNoOpenTransaction('SELECT 1')).not.toThrow();
  });
});

describe('controlsTransaction', () => {
  it('finds statements that begin or end a transaction block, not look-alikes', () => {
    for (const sql of [
      'BEGIN; CREATE TABLE t (id INT8); COMMIT;',
      'CREATE TABLE t (id INT8); COMMIT',
      'CREATE TABLE t (id INT8);\nrollback;',
      'START TRANSACTION; SELECT 1; END;',
      'ABORT',
      "PREPARE TRANSACTION 'x'",
    ]) {
      expect(controlsTransaction(sql), sql).toBe(true);
    }
    for (const sql of [
      'CREATE TABLE t (id INT8); -- COMMIT',
      "INSERT INTO t VALUES ('BEGIN; COMMIT;')",
      'DO $$ BEGIN PERFORM 1; END $$;',
      'SAVEPOINT a; ROLLBACK TO a; RELEASE a;',
      'CREATE FUNCTION f() RETURNS INT8 LANGUAGE sql BEGIN ATOMIC SELECT 1; END; SELECT 1;',
      'SELECT CASE WHEN true THEN 1 END;',
    ]) {
      expect(controlsTransaction(sql), sql).toBe(false);
    }
  });
});
