import { describe, expect, it } from 'vitest';
import { decodeQpack } from '../../src/protocol/qpack-decode.js';
import { encodeQpack } from '../../src/protocol/qpack-encode.js';
import { QPACK_GOLDEN, qp } from '../fixtures/qpack-vectors.js';

describe('qpack golden vectors (docs/protocols/siridb.md)', () => {
  it('parses the spec notation', () => {
    expect(qp('ef 8c"count series" fb').toString('hex')).toBe('ef8c636f756e7420736572696573fb');
    expect(() => qp('e')).toThrow(/bad qpack notation/);
  });

  describe.each(QPACK_GOLDEN)('$name ($source)', (vector) => {
    it('decodes to the expected value', () => {
      expect(decodeQpack(qp(vector.bytes), { floats: 'wrap' })).toEqual(vector.value);
    });

    it(
      vector.canonical ? 'encodes to exactly these bytes' : 'round-trips through the canonical encoding',
      () => {
        const bytes = encodeQpack(vector.value);
        if (vector.canonical) expect(bytes.toString('hex')).toBe(qp(vector.bytes).toString('hex'));
        else expect(decodeQpack(bytes, { floats: 'wrap' })).toEqual(vector.value);
      },
    );
  });

  it('frames the auth request as captured: header in the reserved bytes', () => {
    const message = encodeQpack(['iris', 'siri', 'dbtest'], { reserve: 8 });
    message.writeUInt32LE(message.length - 8, 0);
    message.writeUInt16LE(3, 4);
    message[6] = 2;
    message[7] = 2 ^ 0xff;
    expect(message.toString('hex')).toBe(
      qp('12000000 0300 02 fd f0 84"iris" 84"siri" 86"dbtest"').toString('hex'),
    );
  });
});
