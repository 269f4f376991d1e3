import { describe, expect, it } from 'vitest';
import { MASKED_SECRET, maskSiriDBSecrets } from '../../src/mask-secrets.js';

describe('maskSiriDBSecrets', () => {
  it.each([
    ['create user "ada" set password "hunter2"', `create user "ada" set password ${MASKED_SECRET}`],
    ["alter user 'ada' set password 'hunter2'", `alter user 'ada' set password ${MASKED_SECRET}`],
    ['ALTER USER "ada" SET PASSWORD   "hunter2"', `ALTER USER "ada" SET PASSWORD   ${MASKED_SECRET}`],
    ['alter user "ada" set password "hun""ter2"', `alter user "ada" set password ${MASKED_SECRET}`],
    ["alter user \"ada\" set password 'it''s hunter2'", `alter user "ada" set password ${MASKED_SECRET}`],
    // Unterminated: everything after `password` is hidden.
    ['alter user "ada" set password "hunter2', `alter user "ada" set password ${MASKED_SECRET}`],
    [
      'create user "a" set password "one"; alter user "b" set password "two"',
      `create user "a" set password ${MASKED_SECRET}; alter user "b" set password ${MASKED_SECRET}`,
    ],
  ])('masks %s', (statement, masked) => {
    const result = maskSiriDBSecrets(statement);
    expect(result).toBe(masked);
    expect(result).not.toMatch(/hunter2|hun""ter2|one"|two"/);
  });

  it.each([
    'select * from "cpu.load"',
    'select * from "password"',
    'list series where name == "password"',
    'alter user "password" set access full',
    'select mean(1h) from "passwords" after now - 1d',
  ])('leaves %s unchanged', (statement) => {
    expect(maskSiriDBSecrets(statement)).toBe(statement);
  });
});
