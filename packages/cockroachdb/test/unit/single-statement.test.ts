import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  checkSingleStatement,
  countStatements,
  MULTIPLE_STATEMENTS_CODE,
} from '../../src/sql/single-statement.js';
import { SERVER_READINGS } from '../../src/sql/sql-scanner.js';

const POSTGRESQL = SERVER_READINGS[0] as (typeof SERVER_READINGS)[number];

describe('counting statements', () => {
  it.each([
    ['SELECT 1', 1],
    ['SELECT 1;', 1],
    [';; SELECT 1 ;;', 1],
    ['  -- only a comment\n /* and another */ ', 0],
    ['SELECT 1; SELECT 2', 2],
    ['SELECT 1; -- trailing comment', 1],
    ['SELECT 1; /* c */ SELECT 2;', 2],
    ["SELECT ';'", 1],
    ["SELECT E'\\';' ; SELECT 2", 2],
    ['SELECT $$;$$, $t$ ; $$ ; $t$', 1],
    ['SELECT ";" FROM t', 1],
    ['SELECT 1 -- ; SELECT 2', 1],
    ['SELECT 1 /* ; */', 1],
    ['SELECT 1 /* /* ; */ ; */', 1],
  ] as const)('%j holds %i', (sql, count) => {
    expect(countStatements(sql, POSTGRESQL)).toBe(count);
  });
});

describe('refusing several statements', () => {
  it.each([
    'SELECT 1; SELECT 2',
    "SELECT 'a'; DROP TABLE victim",
    "SELECT E'\\''; DROP TABLE victim; --'",
    "SELECT b'\\''; DROP TABLE victim; --'",
    "SELECT '\\''; DROP TABLE victim; --'",
    "SELECT E'a'\n'\\''; DROP TABLE victim; --'",
    'SELECT x$$; DROP TABLE victim; --$$',
    'SELECT $a$x$a$; DROP TABLE victim; --$A$',
    'SELECT 1 /* c */; DROP TABLE victim',
    'CREATE FUNCTION f() RETURNS INT LANGUAGE SQL BEGIN ATOMIC SELECT 1; END',
  ])('refuses %j before anything is sent', (sql) => {
    const error = (() => {
      try {
        checkSingleStatement(sql);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: MULTIPLE_STATEMENTS_CODE, field: 'sql' });
  });

  it.each([
    'SELECT 1',
    'SELECT 1;',
    'SELECT \'a;b\', "c;d", $$e;f$$ -- g;h',
    "SELECT E'it\\'s; fine'",
    "SELECT 'line 1;'\n'line 2;'",
    'CREATE FUNCTION f() RETURNS INT LANGUAGE SQL AS $$ SELECT 1; $$',
  ])('accepts %j', (sql) => {
    expect(() => checkSingleStatement(sql)).not.toThrow();
  });
});
