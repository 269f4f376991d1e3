import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConnectionError,
  passwordCredentials,
  redactSecrets,
  Secret,
  tokenCredentials,
} from '../../src/index.js';

const PASSWORD = 'hunter2-S3cr3t!';

describe('Secret', () => {
  const secret = new Secret(PASSWORD);

  it('reveal() returns the value', () => {
    expect(secret.reveal()).toBe(PASSWORD);
  });

  it('is redacted in String(), template strings, concatenation and JSON', () => {
    expect(String(secret)).toBe('[redacted]');
    expect(`${secret}`).toBe('[redacted]');
    expect(`x${secret as unknown as string}`).toBe('x[redacted]');
    expect(JSON.stringify({ password: secret })).toBe('{"password":"[redacted]"}');
  });

  it('is redacted in util.inspect and console-style formatting, even nested', () => {
    expect(inspect(secret)).toBe('Secret([redacted])');
    const nested = inspect({ config: { auth: { password: secret } } }, { depth: 10 });
    expect(nested).not.toContain(PASSWORD);
    expect(nested).toContain('Secret([redacted])');
    expect(inspect(secret, { showHidden: true })).not.toContain(PASSWORD);
  });

  it('has no enumerable property holding the value', () => {
    expect(Object.keys(secret)).toEqual([]);
    expect(Object.values({ ...secret })).toEqual([]);
  });

  it('from() wraps strings and passes Secrets through', () => {
    expect(Secret.from(secret)).toBe(secret);
    expect(Secret.from('x').reveal()).toBe('x');
    expect(new Secret('').isEmpty).toBe(true);
  });

  it('redactSecrets removes echoed secret values from server text', () => {
    expect(redactSecrets(`bad password ${PASSWORD} for iris`, [secret, undefined])).toBe(
      'bad password [redacted] for iris',
    );
  });

  it('never reaches an error message, JSON or inspect output through details', () => {
    const error = new ConnectionError(`auth for ${secret as unknown as string} failed`, {
      details: { user: 'iris' },
    });
    expect(error.message).not.toContain(PASSWORD);
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
    expect(inspect(error)).not.toContain(PASSWORD);
  });
});

describe('credential shapes', () => {
  it('password credentials hide the password from enumeration, JSON and inspect', () => {
    const credentials = passwordCredentials('iris', PASSWORD);
    expect(credentials.kind).toBe('password');
    expect(credentials.username).toBe('iris');
    expect(credentials.password.reveal()).toBe(PASSWORD);
    expect(Object.keys(credentials)).toEqual(['kind', 'username']);
    expect(JSON.stringify(credentials)).not.toContain(PASSWORD);
    expect(inspect(credentials, { showHidden: true })).not.toContain(PASSWORD);
    expect({ ...credentials }).not.toHaveProperty('password');
  });

  it('token credentials hide the token', () => {
    const credentials = tokenCredentials('adbs_abc');
    expect(credentials.token.reveal()).toBe('adbs_abc');
    expect(inspect(credentials, { showHidden: true, depth: 5 })).not.toContain('adbs_abc');
  });

  it('reject an empty user name or token with a ConfigError naming the field', () => {
    expect(() => passwordCredentials('', 'x')).toThrow(expect.objectContaining({ field: 'username' }));
    expect(() => tokenCredentials('')).toThrow(ConfigError);
  });
});
