import { createHmac } from 'node:crypto';
import { Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { signV2, verifySignatureV2 } from '../../src/protocol/signature.js';

// The test vector of docs/protocols/zteradb.md (signature algorithm, v2).
const vector = {
  accessKey: new Secret('ACCESSKEY0000000000000000BB'),
  secretKey: new Secret('s3cr3t-key'),
  timestamp: 1716751200,
  nonce: 'de305d54-75b4-431b-adb2-eb6b9e546014',
};
const VECTOR_SIGNATURE = '72c432a86f54e8a57fd67c04fd463cdb46c56191c07e44cf240eb805b0143838';

describe('v2 signature', () => {
  it('matches the notes’ test vector exactly', () => {
    expect(signV2(vector)).toBe(VECTOR_SIGNATURE);
  });

  it('keys the HMAC with the secret’s UTF-8 bytes, not its hex decoding', () => {
    const hexLooking = { ...vector, secretKey: new Secret('00ff00ff00ff00ff') };
    const message = `${vector.accessKey.reveal()}:${vector.timestamp}:${vector.nonce}`;
    const utf8Keyed = createHmac('sha256', '00ff00ff00ff00ff').update(message).digest('hex');
    const hexKeyed = createHmac('sha256', Buffer.from('00ff00ff00ff00ff', 'hex'))
      .update(message)
      .digest('hex');
    expect(signV2(hexLooking)).toBe(utf8Keyed);
    expect(signV2(hexLooking)).not.toBe(hexKeyed);
  });

  it('changes with each signed part', () => {
    expect(signV2({ ...vector, nonce: 'de305d54-75b4-431b-adb2-eb6b9e546015' })).not.toBe(VECTOR_SIGNATURE);
    expect(signV2({ ...vector, timestamp: vector.timestamp + 1 })).not.toBe(VECTOR_SIGNATURE);
    expect(signV2({ ...vector, accessKey: new Secret('ACCESSKEY0000000000000000BC') })).not.toBe(
      VECTOR_SIGNATURE,
    );
    expect(signV2({ ...vector, secretKey: new Secret('s3cr3t-kez') })).not.toBe(VECTOR_SIGNATURE);
  });

  it('verifies the right signature (either hex case) and refuses others', () => {
    expect(verifySignatureV2(vector, VECTOR_SIGNATURE)).toBe(true);
    expect(verifySignatureV2(vector, VECTOR_SIGNATURE.toUpperCase())).toBe(true);
    expect(verifySignatureV2(vector, `${VECTOR_SIGNATURE.slice(0, -1)}9`)).toBe(false);
    expect(verifySignatureV2(vector, VECTOR_SIGNATURE.slice(0, 32))).toBe(false);
    expect(verifySignatureV2(vector, '')).toBe(false);
  });
});
