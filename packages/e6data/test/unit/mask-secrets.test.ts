import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/mask-secrets.js';

describe('maskSecrets', () => {
  it('masks the literal after a secret-naming word, closed or cut short, in any case', () => {
    expect(maskSecrets("ALTER USER app PASSWORD 'hunter2'")).toBe("ALTER USER app PASSWORD '[redacted]'");
    expect(maskSecrets("CREATE USER a IDENTIFIED BY 'it''s'")).toBe(
      "CREATE USER a IDENTIFIED BY '[redacted]'",
    );
    expect(maskSecrets("SET secret = 'abc', aws_access_key: 'k'")).toBe(
      "SET secret = '[redacted]', aws_access_key: '[redacted]'",
    );
    // An engine quoting the statement in its error may stop inside the literal.
    expect(maskSecrets("LINE 1: ALTER USER app password 'n3w-gk2")).toBe(
      "LINE 1: ALTER USER app password '[redacted]'",
    );
  });

  it('leaves other literals and words alone', () => {
    const text = "SELECT 'password' AS label, keyname FROM t WHERE name = 'bob'";
    expect(maskSecrets(text)).toBe(text);
  });
});
