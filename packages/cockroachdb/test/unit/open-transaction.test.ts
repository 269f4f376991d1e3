import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  checkNoOpenTransaction,
  leavesTransactionOpen,
  OPEN_TRANSACTION_CODE,
} from '../../src/sql/open-transaction.js';

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
