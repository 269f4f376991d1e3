import { describe, expect, it } from 'vitest';
import { encodeCancelRequest } from '../../src/cancel-request.js';

describe('CancelRequest packet', () => {
  it('is 16 bytes: length, the cancel code, then the backend pid and secret key (big-endian, signed)', () => {
    const packet = encodeCancelRequest(4242, -123456789);
    expect(packet.length).toBe(16);
    expect(packet.toString('hex')).toBe('0000001004d2162e00001092f8a432eb');
    expect(packet.readInt32BE(0)).toBe(16);
    expect(packet.readInt32BE(4)).toBe((1234 << 16) | 5678);
    expect(packet.readInt32BE(8)).toBe(4242);
    expect(packet.readInt32BE(12)).toBe(-123456789);
  });

  it('keeps the full 32-bit range of pid and key', () => {
    const packet = encodeCancelRequest(2_147_483_647, -2_147_483_648);
    expect(packet.subarray(8).toString('hex')).toBe('7fffffff80000000');
  });
});
