import { inspect } from 'node:util';
import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv, resolveOptions } from '../../src/options.js';

const SECRET = 'SECRET-0123456789abcdef';
// The seed's `.env` example, filled in.
const ENV = {
  CLIENT_KEY: 'CLIENTKEY0000000000000000AA',
  ACCESS_KEY: 'ACCESSKEY0000000000000000BB',
  SECRET_KEY: SECRET,
  DATABASE_ID: '7K3WHGOJKJJEJ3PFJM407QO25F',
  ZTERADB_ENV: 'dev',
  REQUEST_DATA_TYPE: 'json',
  MIN_CONNECTION: '1',
  MAX_CONNECTION: '2',
  ZTERADB_HOST: 'db.example.test',
  ZTERADB_PORT: '7778',
};

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('optionsFromEnv', () => {
  it('reads every documented variable', () => {
    const options = optionsFromEnv(ENV);
    const resolved = resolveOptions(options);
    expect(resolved).toMatchObject({
      databaseId: ENV.DATABASE_ID,
      env: 'dev',
      responseDataType: 'json',
      host: 'db.example.test',
      port: 7778,
      pool: { min: 1, max: 2 },
    });
    expect(resolved.clientKey.reveal()).toBe(ENV.CLIENT_KEY);
    expect(resolved.accessKey.reveal()).toBe(ENV.ACCESS_KEY);
    expect(resolved.secretKey.reveal()).toBe(SECRET);
  });

  it('leaves the optional ones to the defaults', () => {
    const { REQUEST_DATA_TYPE, MIN_CONNECTION, MAX_CONNECTION, ZTERADB_PORT, ...required } = ENV;
    const resolved = resolveOptions(optionsFromEnv(required));
    expect(resolved).toMatchObject({ port: 7777, responseDataType: 'json', pool: { min: 0, max: 10 } });
  });

  it('reads prefixed names only', () => {
    const prefixed = Object.fromEntries(Object.entries(ENV).map(([key, value]) => [`APP_${key}`, value]));
    expect(optionsFromEnv({ ...prefixed, ZTERADB_HOST: 'other' }, { prefix: 'APP_' }).host).toBe(
      'db.example.test',
    );
    const error = configErrorOf(() => optionsFromEnv(ENV, { prefix: 'APP_' }));
    expect(error.message).toContain('APP_CLIENT_KEY is not set');
  });

  it('names every missing variable at once', () => {
    const error = configErrorOf(() => optionsFromEnv({}));
    const required = ['CLIENT_KEY', 'ACCESS_KEY', 'SECRET_KEY', 'DATABASE_ID', 'ZTERADB_ENV', 'ZTERADB_HOST'];
    for (const name of required) expect(error.message).toContain(`${name} is not set`);
    expect(error.field?.split(',')).toEqual(required);
    for (const name of ['REQUEST_DATA_TYPE', 'MIN_CONNECTION', 'MAX_CONNECTION', 'ZTERADB_PORT']) {
      expect(error.message).not.toContain(name);
    }
  });

  it('reads blank values as missing', () => {
    const error = configErrorOf(() => optionsFromEnv({ ...ENV, SECRET_KEY: '  ', DATABASE_ID: '' }));
    expect(error.field).toBe('SECRET_KEY,DATABASE_ID');
  });

  it('names every malformed and missing variable together', () => {
    const error = configErrorOf(() =>
      optionsFromEnv({
        ...ENV,
        ACCESS_KEY: undefined,
        ZTERADB_ENV: 'prd',
        REQUEST_DATA_TYPE: 'buffer',
        MIN_CONNECTION: '1.5',
        MAX_CONNECTION: 'abc',
        ZTERADB_PORT: '70000',
      }),
    );
    expect(error.field?.split(',').sort()).toEqual(
      [
        'ACCESS_KEY',
        'MAX_CONNECTION',
        'MIN_CONNECTION',
        'REQUEST_DATA_TYPE',
        'ZTERADB_ENV',
        'ZTERADB_PORT',
      ].sort(),
    );
    expect(error.message).toContain("ZTERADB_ENV must be one of dev, staging, qa, prod, got 'prd'");
    expect(error.message).toContain("MIN_CONNECTION must be an integer from 0 to 10000, got '1.5'");
    expect(error.message).toContain("MAX_CONNECTION must be an integer from 1 to 10000, got 'abc'");
    expect(error.message).toContain("ZTERADB_PORT must be an integer from 1 to 65535, got '70000'");
  });

  it.each(['-1', '', ' ', '0x10', '1e3', '2.0'])('rejects MAX_CONNECTION=%j unless blank', (value) => {
    const run = () => optionsFromEnv({ ...ENV, MAX_CONNECTION: value });
    if (value.trim() === '') expect(run().pool?.max).toBeUndefined();
    else expect(configErrorOf(run).field).toBe('MAX_CONNECTION');
  });

  it('rejects MIN_CONNECTION above MAX_CONNECTION', () => {
    const error = configErrorOf(() => optionsFromEnv({ ...ENV, MIN_CONNECTION: '5', MAX_CONNECTION: '2' }));
    expect(error.field).toBe('MIN_CONNECTION');
  });

  it('never shows a key in the error or the options', () => {
    const error = configErrorOf(() => optionsFromEnv({ ...ENV, ZTERADB_HOST: undefined }));
    const options = optionsFromEnv(ENV);
    const shown = [
      error.message,
      JSON.stringify(error),
      inspect(error),
      inspect(options),
      JSON.stringify(options),
    ];
    for (const text of shown) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(ENV.ACCESS_KEY);
      expect(text).not.toContain(ENV.CLIENT_KEY);
    }
  });
});
