// The test server's `url` is a URL the client's options accept as it is (the driver contract).
import { describe, expect, it } from 'vitest';
import { optionsFromUrl } from '../../src/options.js';
import { startZTeraDBTestServer } from '../../src/testing/index.js';
import { TEST_KEY } from '../support/raw-zteradb-client.js';

describe('the test server url', () => {
  it('is read by optionsFromUrl with its keys, host, port and database', async () => {
    await using server = await startZTeraDBTestServer({ databases: { DB1: {} }, keys: [TEST_KEY] });
    const options = optionsFromUrl(server.url);
    expect(options.host).toBe('127.0.0.1');
    expect(options.port).toBe(server.port);
    expect(options.databaseId).toBe('DB1');
    expect(String(options.env)).toBe('dev');
    const reveal = (value: unknown): string =>
      typeof value === 'string' ? value : (value as { reveal(): string }).reveal();
    expect(reveal(options.clientKey)).toBe(TEST_KEY.clientKey);
    expect(reveal(options.accessKey)).toBe(TEST_KEY.accessKey);
    expect(reveal(options.secretKey)).toBe(TEST_KEY.secretKey);
  });
});
