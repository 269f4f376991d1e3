// Decoding speed of result batches: our decodeChunk against the `thrift` npm library's
// TBinaryProtocol reading the same bytes (docs/protocols/e6data.md §6.2).
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { figureTable } from '@conn/bench-kit/report';
import { runRounds } from '@conn/bench-kit/rounds';
import { medianOfRatios } from '@conn/bench-kit/stats';
import { VectorType } from '../src/protocol/results.js';
import type { ShippedCode } from './shipped-bundle.js';
import { wideChunk } from './wide-chunk.js';

const ROWS = 1_000_000;
const CHUNK_ROWS = 10_000;
const ROUNDS = 5;

/** The slice of the untyped `thrift` library this bench uses. */
interface PeerProtocol {
  readStructBegin(): unknown;
  readStructEnd(): void;
  readFieldBegin(): { ftype: number; fid: number };
  readFieldEnd(): void;
  readListBegin(): { etype: number; size: number };
  readListEnd(): void;
  readBool(): boolean;
  readByte(): number;
  readI32(): number;
  readI64(): { buffer: Buffer; offset: number };
  readDouble(): number;
  readString(): string;
  readBinary(): Buffer;
  skip(type: number): void;
}
interface ThriftLibrary {
  TBinaryProtocol: new (transport: unknown) => PeerProtocol;
  TFramedTransport: new (buffer: Buffer) => unknown;
}
const thrift = createRequire(import.meta.url)('thrift') as ThriftLibrary;

const TWO_32 = 4_294_967_296;

/** An i64 of the library as decodeChunk's default gives it: a number when safe, else a bigint. */
function int64Value(value: { buffer: Buffer; offset: number }): number | bigint {
  const number =
    value.buffer.readInt32BE(value.offset) * TWO_32 + value.buffer.readUInt32BE(value.offset + 4);
  return Number.isSafeInteger(number) ? number : value.buffer.readBigInt64BE(value.offset);
}

/** One Thrift `Vector` as the library reads it: its type, null set and list (raw library values). */
interface PeerVector {
  vectorType: number;
  nulls: boolean[];
  values: unknown[];
  scale: number;
}

/** Reads the list of one `Data` member (kind = its field id) and, for decimals, the scale. */
function readPeerMember(protocol: PeerProtocol, kind: number, vector: PeerVector): void {
  protocol.readStructBegin();
  for (;;) {
    const { ftype, fid } = protocol.readFieldBegin();
    if (ftype === 0) break;
    if (fid === 1 && ftype === 15) {
      const { size } = protocol.readListBegin();
      const values = new Array<unknown>(size);
      for (let i = 0; i < size; i++) {
        switch (kind) {
          case 1:
            values[i] = protocol.readBool();
            break;
          case 2:
            values[i] = protocol.readI32();
            break;
          case 3:
          case 4:
          case 16:
            values[i] = int64Value(protocol.readI64());
            break;
          case 5:
          case 6:
            values[i] = protocol.readDouble();
            break;
          case 17:
            values[i] = protocol.readBinary();
            break;
          default:
            values[i] = protocol.readString();
        }
      }
      protocol.readListEnd();
      vector.values = values;
    } else if (fid === 2 && ftype === 8) vector.scale = protocol.readI32();
    else protocol.skip(ftype);
    protocol.readFieldEnd();
  }
  protocol.readStructEnd();
}

function readPeerVector(protocol: PeerProtocol): PeerVector {
  const vector: PeerVector = { vectorType: -1, nulls: [], values: [], scale: 0 };
  protocol.readStructBegin();
  for (;;) {
    const { ftype, fid } = protocol.readFieldBegin();
    if (ftype === 0) break;
    if (fid === 2 && ftype === 8) vector.vectorType = protocol.readI32();
    else if (fid === 3 && ftype === 15) {
      const { size } = protocol.readListBegin();
      const nulls = new Array<boolean>(size);
      for (let i = 0; i < size; i++) nulls[i] = protocol.readBool();
      protocol.readListEnd();
      vector.nulls = nulls;
    } else if (fid === 4 && ftype === 12) {
      protocol.readStructBegin();
      for (;;) {
        const member = protocol.readFieldBegin();
        if (member.ftype === 0) break;
        if (member.ftype === 12) readPeerMember(protocol, member.fid, vector);
        else protocol.skip(member.ftype);
        protocol.readFieldEnd();
      }
      protocol.readStructEnd();
    } else protocol.skip(ftype);
    protocol.readFieldEnd();
  }
  protocol.readStructEnd();
  return vector;
}

/**
 * The column of one vector, built in place in its list: nulls applied and, when `format`, the same
 * §6.4 values decodeChunk gives (through our pure values/ functions, so what differs is only the
 * Thrift reading and the assembly).
 */
function peerColumn(vector: PeerVector, rows: number, format: ShippedCode | undefined): unknown[] {
  const { nulls, values, scale } = vector;
  if (values.length < rows) throw new Error('peer: fewer values than rows');
  const type = format === undefined ? -1 : vector.vectorType;
  for (let r = 0; r < rows; r++) {
    if (nulls[r]) {
      values[r] = null;
      continue;
    }
    switch (type) {
      case VectorType.DATE:
        values[r] = format?.formatDate(values[r] as number | bigint);
        break;
      case VectorType.DATETIME:
        values[r] = format?.formatDateTime(values[r] as number | bigint);
        break;
      case VectorType.DECIMAL128:
        values[r] = format?.decimalFromBytes(values[r] as Buffer, scale);
        break;
      default:
    }
  }
  return values;
}

/** Reads a Chunk with the library's protocol into `columns[c][r]`, like decodeChunk. */
function peerDecode(
  bytes: Uint8Array,
  format: ShippedCode | undefined,
): { rowCount: number; columns: unknown[][] } {
  const protocol = new thrift.TBinaryProtocol(
    new thrift.TFramedTransport(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)),
  );
  let rowCount = 0;
  let vectors: PeerVector[] = [];
  protocol.readStructBegin();
  for (;;) {
    const { ftype, fid } = protocol.readFieldBegin();
    if (ftype === 0) break;
    if (fid === 1 && ftype === 8) rowCount = protocol.readI32();
    else if (fid === 2 && ftype === 15) {
      const { size } = protocol.readListBegin();
      vectors = new Array<PeerVector>(size);
      for (let i = 0; i < size; i++) vectors[i] = readPeerVector(protocol);
      protocol.readListEnd();
    } else protocol.skip(ftype);
    protocol.readFieldEnd();
  }
  protocol.readStructEnd();
  return { rowCount, columns: vectors.map((vector) => peerColumn(vector, rowCount, format)) };
}

/** Times decodeChunk against the thrift library over the same batches and prints rows/s. */
export async function thriftSection(code: ShippedCode): Promise<void> {
  const { decodeChunk, decodeChunkUnformatted } = code;
  const chunks: Uint8Array[] = [];
  for (let first = 0; first < ROWS; first += CHUNK_ROWS) chunks.push(wideChunk(first, CHUNK_ROWS));
  const megabytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0) / 1e6;
  const table = figureTable([52, 30, 7, 8, 4]);
  table.printHeader(
    `Result batch decoding: ${ROWS.toLocaleString('en-US')} rows × 8 columns in ${chunks.length} chunks (${megabytes.toFixed(1)} MB)`,
  );
  // Like for like: both sides must give the same values before their speeds mean anything.
  const sample = chunks[1] as Uint8Array;
  const ours = decodeChunk(sample);
  const peer = peerDecode(sample, code);
  if (ours.rowCount !== peer.rowCount || !isDeepStrictEqual(ours.columns, peer.columns)) {
    throw new Error('decodeChunk and the thrift peer disagree on the values of a chunk');
  }
  const rowsPerSecond = (decodeAll: () => void): number => {
    const started = performance.now();
    decodeAll();
    return ROWS / ((performance.now() - started) / 1000);
  };
  const samples = await runRounds(
    {
      ours: async () =>
        rowsPerSecond(() => {
          for (const chunk of chunks) decodeChunk(chunk);
        }),
      thrift: async () =>
        rowsPerSecond(() => {
          for (const chunk of chunks) peerDecode(chunk, code);
        }),
      oursRaw: async () =>
        rowsPerSecond(() => {
          for (const chunk of chunks) decodeChunkUnformatted(chunk);
        }),
      thriftRaw: async () =>
        rowsPerSecond(() => {
          for (const chunk of chunks) peerDecode(chunk, undefined);
        }),
    },
    ROUNDS,
  );
  table.printFigure('decodeChunk (values per §6.4)', samples.ours, ' rows/s');
  table.printFigure('thrift 0.24.0 TBinaryProtocol (same values)', samples.thrift, ' rows/s');
  table.printRatio(
    'decodeChunk / thrift (median of per-round ratios)',
    medianOfRatios(samples.ours, samples.thrift),
    1,
    3,
  );
  table.printFigure('decodeChunk, unformatted (µs, decimal bytes)', samples.oursRaw, ' rows/s');
  table.printFigure('thrift, unformatted (µs, decimal bytes)', samples.thriftRaw, ' rows/s');
  table.printRatio(
    'unformatted ratio (median of per-round ratios)',
    medianOfRatios(samples.oursRaw, samples.thriftRaw),
    1,
  );
}
