import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../src/index.js';

describe('isLoopbackHost', () => {
  it('accepts 127.0.0.0/8, ::1 in any spelling, IPv4-mapped loopback and localhost', () => {
    for (const host of [
      '127.0.0.1',
      '127.0.0.2',
      '127.255.255.254',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::0:1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      'localhost',
      'LocalHost',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('refuses every other address and name', () => {
    for (const host of [
      '',
      '0.0.0.0',
      '::',
      '128.0.0.1',
      '126.255.255.255',
      '10.0.0.1',
      '169.254.1.1',
      '::2',
      '::ffff:10.0.0.1',
      'fe80::1',
      '::1%lo',
      'localhost.example.com',
      'localhost.',
      '127.0.0.1.nip.io',
      '127.1',
      ' 127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), JSON.stringify(host)).toBe(false);
    }
  });
});
