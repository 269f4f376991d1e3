import { FrameReader, isConnError, ProtocolError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  encodeHello,
  HELLO_FRAME_BYTES,
  helloReplyCodec,
  parseHelloReply,
  type RequestedProtocol,
} from '../../src/protocol/hello.js';

/** A 12-byte reply frame: header 8, then version and protocol as LE uint32s. */
function reply(version: number, protocol: number, payloadBytes = 8): Buffer {
  const frame = Buffer.alloc(12);
  frame.writeUInt32LE(payloadBytes, 0);
  frame.writeUInt32LE(version, 4);
  frame.writeUInt32LE(protocol, 8);
  return frame;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return isConnError(error) ? error.code : 'not a ConnError';
  }
  return undefined;
}

describe('ApertureDB hello', () => {
  it('encodes the bytes the official Python client sends (docs/protocols/aperturedb.md, handshake)', () => {
    expect(encodeHello('tls').toString('hex')).toBe('080000000100000002000000');
    expect(encodeHello('tcp').toString('hex')).toBe('080000000100000001000000');
    expect(encodeHello('any').toString('hex')).toBe('080000000100000003000000');
    expect(encodeHello('tcp')).toHaveLength(HELLO_FRAME_BYTES);
  });

  const accepted: Array<[RequestedProtocol, number, 'tcp' | 'tls']> = [
    ['tcp', 1, 'tcp'],
    ['tls', 2, 'tls'],
    ['any', 1, 'tcp'],
    ['any', 2, 'tls'],
    ['any', 3, 'tls'], // both allowed: the TLS bit wins
  ];
  it.each(accepted)('asked %s, server replied %i: %s', (requested, protocol, expected) => {
    expect(parseHelloReply(reply(1, protocol), requested)).toEqual({ protocol: expected });
  });

  it('accepts a version other than 0 and 1, as both official clients do', () => {
    expect(parseHelloReply(reply(2, 1), 'tcp')).toEqual({ protocol: 'tcp' });
  });

  const refused: Array<[string, RequestedProtocol, Buffer, string]> = [
    ['version 0', 'tcp', reply(0, 0), 'CONN_APERTUREDB_VERSION_MISMATCH'],
    ['version 0 even with a protocol', 'tls', reply(0, 2), 'CONN_APERTUREDB_VERSION_MISMATCH'],
    ['tcp refused (force-SSL server)', 'tcp', reply(1, 0), 'CONN_APERTUREDB_PROTOCOL_REJECTED'],
    ['tls refused', 'tls', reply(1, 0), 'CONN_APERTUREDB_PROTOCOL_REJECTED'],
    ['any refused', 'any', reply(1, 0), 'CONN_APERTUREDB_PROTOCOL_REJECTED'],
    ['tls asked, tcp granted', 'tls', reply(1, 1), 'CONN_APERTUREDB_PROTOCOL_REJECTED'],
    ['tcp asked, tls picked', 'tcp', reply(1, 2), 'CONN_APERTUREDB_MALFORMED_HELLO'],
    ['tcp asked, both picked', 'tcp', reply(1, 3), 'CONN_APERTUREDB_MALFORMED_HELLO'],
    ['unknown protocol bits', 'any', reply(1, 7), 'CONN_APERTUREDB_MALFORMED_HELLO'],
    ['a header that is not 8', 'tcp', reply(1, 1, 9), 'CONN_APERTUREDB_MALFORMED_HELLO'],
    ['a short reply', 'tcp', reply(1, 1).subarray(0, 8), 'CONN_APERTUREDB_MALFORMED_HELLO'],
  ];
  it.each(refused)('refuses %s', (_name, requested, frame, code) => {
    expect(codeOf(() => parseHelloReply(frame, requested))).toBe(code);
  });

  it('says what was asked and that a force-SSL server needs TLS', () => {
    expect(() => parseHelloReply(reply(1, 0), 'tcp')).toThrow(/\(tcp\).*force_ssl.*TLS/);
    expect(() => parseHelloReply(reply(1, 1), 'tls')).toThrow(/\(tls\).*TLS/);
  });

  it('reads a reply that shares its buffer with other bytes', () => {
    const shared = Buffer.concat([Buffer.from([9, 9, 9]), reply(1, 2)]);
    expect(parseHelloReply(shared.subarray(3), 'tls')).toEqual({ protocol: 'tls' });
  });

  it('reads the reply through core’s FrameReader and fails fast on a peer that is not ApertureDB', () => {
    const codec = helloReplyCodec('any');
    const reader = new FrameReader(codec);
    const frame = reply(1, 3);
    reader.push(frame.subarray(0, 5));
    expect(reader.next()).toBeUndefined();
    reader.push(frame.subarray(5));
    expect(codec.decode(reader.next()!)).toEqual({ protocol: 'tls' });

    const http = new FrameReader(codec);
    http.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'));
    expect(codeOf(() => http.next())).toBe('CONN_FRAME_TOO_LARGE');
  });
});
