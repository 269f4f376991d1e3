// Decoding speed of result batches: our decodeChunk against the `thrift` npm library's
// TBinaryProtocol reading the same bytes (docs/protocols/e6data.md §6.2).
import { createRequire } from 'node:module';
import { figureTable } from '@conn/bench-kit/report';
import { runRounds } from '@conn/bench-kit/rounds';
import { medianOfRatios } from '@conn/bench-kit/stats';
import { decodeChunk, type EncodableVector, encodeChunk, VectorType } from '../src/protocol/results.js';

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
  readI64(): { toNumber(): number; buffer: Buffer; offset: number };
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

/** A mixed-type chunk: LONG, INTEGER, DOUBLE, BOOLEAN, STRING, DATE, DATETIME, DECIMAL128. */
function buildChunk(first: number, rows: number): Uint8Array {
  const index = Array.from({ length: rows }, (_, r) => first + r);
  const nulls = index.map((i) => i % 17 === 0);
  const bytes16 = (value: bigint): Uint8Array =>
    Uint8Array.from(Buffer.from(BigInt.asUintN(128, value).toString(16).padStart(32, '0'), 'hex'));
  const vectors: EncodableVector[] = [
    {
      type: VectorType.LONG,
      nulls,
      data: { kind: 'int64', values: index.map((i) => BigInt(i) * 1_000_003n) },
    },
    { type: VectorType.INTEGER, nulls, data: { kind: 'int32', values: index.map((i) => i | 0) } },
    { type: VectorType.DOUBLE, nulls, data: { kind: 'float64', values: index.map((i) => i / 7) } },
    { type: VectorType.BOOLEAN, nulls, data: { kind: 'bool', values: index.map((i) => i % 2 === 0) } },
    { type: VectorType.STRING, nulls, data: { kind: 'varchar', values: index.map((i) => `name-${i}`) } },
    {
      type: VectorType.DATE,
      nulls,
      data: { kind: 'date', values: index.map((i) => BigInt(i % 40_000) * 86_400_000_000n) },
    },
    {
      type: VectorType.DATETIME,
      nulls,
      data: { kind: 'time', values: index.map((i) => BigInt(i) * 1_234_567_891n) },
    },
    {
      type: VectorType.DECIMAL128,
      nulls,
      data: { kind: 'decimal128', values: index.map((i) => bytes16(BigInt(i) * 12_345n)), scale: 2 },
    },
  ];
  return encodeChunk(rows, vectors);
}

/** Reads a Chunk with the library's protocol, field by field, touching every value. */
function peerDecode(bytes: Uint8Array): number {
  const protocol = new thrift.TBinaryProtocol(
    new thrift.TFramedTransport(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)),
  );
  let touched = 0;
  const eachField = (onField: (ftype: number, fid: number) => boolean): void => {
    protocol.readStructBegin();
    for (;;) {
      const { ftype, fid } = protocol.readFieldBegin();
      if (ftype === 0) break;
      if (!onField(ftype, fid)) protocol.skip(ftype);
      protocol.readFieldEnd();
    }
    protocol.readStructEnd();
  };
  const readList = (readOne: () => unknown): void => {
    const { size } = protocol.readListBegin();
    for (let i = 0; i < size; i++) if (readOne() !== undefined) touched++;
    protocol.readListEnd();
  };
  const readMember = (kind: number): void =>
    eachField((ftype, fid) => {
      if (ftype === 15) {
        readList(() => {
          switch (kind) {
            case 1:
              return protocol.readBool();
            case 2:
              return protocol.readI32();
            case 3:
            case 4:
            case 16:
              return protocol.readI64().toNumber();
            case 5:
            case 6:
              return protocol.readDouble();
            case 17:
              return protocol.readBinary();
            default:
              return fid === 2 ? protocol.readString() : protocol.readString();
          }
        });
        return true;
      }
      if (ftype === 8) return protocol.readI32() !== undefined;
      return false;
    });
  eachField((ftype, fid) => {
    if (fid === 1 && ftype === 8) return protocol.readI32() !== undefined;
    if (fid !== 2 || ftype !== 15) return false;
    readList(() =>
      eachField((vftype, vfid) => {
        if (vfid === 2 && vftype === 8) return protocol.readI32() !== undefined;
        if (vfid === 3 && vftype === 15) {
          readList(() => protocol.readBool());
          return true;
        }
        if (vfid === 4 && vftype === 12) {
          eachField((dftype, dfid) => {
            if (dftype !== 12) return false;
            readMember(dfid);
            return true;
          });
          return true;
        }
        return false;
      }),
    );
    return true;
  });
  return touched;
}

/** Times decodeChunk against the thrift library over the same batches and prints rows/s. */
export async function thriftSection(): Promise<void> {
  const chunks: Uint8Array[] = [];
  for (let first = 0; first < ROWS; first += CHUNK_ROWS) chunks.push(buildChunk(first, CHUNK_ROWS));
  const megabytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0) / 1e6;
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
          for (const chunk of chunks) peerDecode(chunk);
        }),
    },
    ROUNDS,
  );
  const table = figureTable([52, 30, 7, 8, 4]);
  table.printHeader(
    `Result batch decoding: ${ROWS.toLocaleString('en-US')} rows × 8 columns in ${chunks.length} chunks (${megabytes.toFixed(1)} MB)`,
  );
  table.printFigure('decodeChunk (values per §6.4)', samples.ours, ' rows/s');
  table.printFigure('thrift 0.24.0 TBinaryProtocol (raw values)', samples.thrift, ' rows/s');
  table.printRatio(
    'decodeChunk / thrift (median of per-round ratios)',
    medianOfRatios(samples.ours, samples.thrift),
    1,
    3,
  );
}
