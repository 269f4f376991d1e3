// Cross-check against Debian's python3-qpack (the cesbit C extension, an independent implementation):
// our bytes must decode identically in python, python's bytes must decode identically in ours, and,
// both encoders being canonical, the bytes must be the same. One python process per direction.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQpack } from '../../src/protocol/qpack-decode.js';
import { encodeQpack, type QpackInput } from '../../src/protocol/qpack-encode.js';
import { QpackFloat, qpackFloat } from '../../src/protocol/qpack-float.js';
import { EDGE_INTEGERS, qpackValue } from '../fixtures/qpack-arbitraries.js';
import { QPACK_GOLDEN, qp } from '../fixtures/qpack-vectors.js';

const PYTHON = '/usr/bin/python3';
const HELPER = fileURLToPath(new URL('./python/qpack_cross.py', import.meta.url));
const RANDOM_VALUES = 10_000;

const probe = spawnSync(PYTHON, ['-c', 'import qpack'], { encoding: 'utf8', timeout: 15_000 });
const available = probe.error === undefined && probe.status === 0;
if (!available) {
  const why =
    probe.error?.message ?? (probe.stderr.trim().split('\n').pop() || `exit status ${probe.status}`);
  console.warn(`python3-qpack cross-check skipped: ${PYTHON} -c 'import qpack' failed (${why})`);
}

/** A tag tree that keeps ints, doubles, text and bytes apart (the helper's format). */
type Tagged =
  | { i: string }
  | { f: string }
  | { s: string }
  | { r: string }
  | { b: boolean }
  | { n: 1 }
  | { a: Tagged[] }
  | { m: [Tagged, Tagged][] };

function doubleTag(d: number): { f: string } {
  if (Number.isNaN(d)) return { f: 'nan' };
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(d === 0 ? 0 : d); // -0.0 travels as 0x7e, which is +0.0
  return { f: bytes.toString('hex') };
}

/**
 * Tags a value as qpack carries it; text as `s` (str) or, with `text: 'r'`, as its UTF-8 bytes.
 * `sorted` sorts map entries: a decoded JS object lists integer-like keys first, whatever the wire order.
 */
function tag(value: unknown, text: 's' | 'r', sorted = false): Tagged {
  if (value === null || value === undefined) return { n: 1 };
  switch (typeof value) {
    case 'boolean':
      return { b: value };
    case 'number':
      return Number.isInteger(value) ? { i: BigInt(value).toString() } : doubleTag(value);
    case 'bigint':
      return { i: value.toString() };
    case 'string':
      return text === 's' ? { s: value } : { r: Buffer.from(value, 'utf8').toString('hex') };
    default:
      break;
  }
  if (value instanceof QpackFloat) return doubleTag(value.value);
  if (value instanceof Uint8Array)
    return { r: Buffer.from(value.buffer, value.byteOffset, value.length).toString('hex') };
  if (Array.isArray(value)) return { a: value.map((item: unknown) => tag(item, text, sorted)) };
  const entries: [unknown, unknown][] = value instanceof Map ? [...value] : Object.entries(value as object);
  const m = entries.map(([k, v]): [Tagged, Tagged] => [tag(k, text, sorted), tag(v, text, sorted)]);
  if (sorted) {
    const keyed = m.map((entry) => [JSON.stringify(entry[0]), entry] as const);
    keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { m: keyed.map(([, entry]) => entry) };
  }
  return { m };
}

function containsBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) return true;
  if (typeof value !== 'object' || value === null || value instanceof QpackFloat) return false;
  if (Array.isArray(value)) return value.some(containsBytes);
  const values: unknown[] = value instanceof Map ? [...value.values()] : Object.values(value);
  return values.some(containsBytes);
}

/** Runs the helper once, feeding it all of `input`; resolves with its stdout. */
function runHelper(mode: 'decode' | 'encode', input: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [HELPER, mode], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else
        reject(
          new Error(`${HELPER} ${mode}: exit ${code ?? signal}\n${Buffer.concat(err).toString('utf8')}`),
        );
    });
    child.stdin.on('error', reject);
    child.stdin.end(input);
  });
}

/** Hand-picked values: every boundary of the format, long raws, fixed/open containers, golden values. */
function edgeValues(): QpackInput[] {
  const values: QpackInput[] = [];
  for (const n of EDGE_INTEGERS) {
    values.push(n);
    if (Number.isSafeInteger(Number(n))) values.push(Number(n));
  }
  values.push(2 ** 53, 2 ** 60, -(2 ** 63), 2 ** 62 + 2 ** 40);
  for (const d of [0, -0, 1, -1, 0.5, -0.5, 22, 1e300, -1e-300, Number.MIN_VALUE, Number.MAX_VALUE]) {
    values.push(qpackFloat(d));
  }
  values.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1, -2.5);
  for (const n of [0, 1, 99, 100, 255, 256, 65535, 65536, 70_000]) {
    values.push('a'.repeat(n));
    values.push(new Uint8Array(n).map((_, i) => (i * 31) & 0xff));
  }
  values.push(
    'é'.repeat(49),
    'é'.repeat(50),
    'é'.repeat(128),
    '€'.repeat(85),
    '😀'.repeat(16_384),
    `x${'😀'.repeat(25)}`,
  );
  for (const n of [0, 1, 5, 6, 7, 100, 1000]) {
    values.push(Array.from({ length: n }, (_, i) => i - 3));
    values.push(
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`k${i}`, i % 2 === 0 ? `v${i}` : qpackFloat(i)]),
      ),
    );
    values.push(new Map(Array.from({ length: n }, (_, i) => [`m${i}`, [i, null, true]])));
  }
  values.push({ 'cpu.load': Array.from({ length: 100 }, (_, i) => [1700000000000 + i, qpackFloat(i / 7)]) });
  values.push([
    {
      name: 'series',
      points: [
        [1700000000000000000n, 'text'],
        [1n, -1],
      ],
    },
  ]);
  values.push([[[[[[[[[[['deep']]]]]]]]]]]);
  for (const vector of QPACK_GOLDEN) values.push(vector.value as QpackInput);
  return values;
}

function allValues(): QpackInput[] {
  const random = fc.sample(qpackValue({ bytes: true, maxStringLength: 300, maxDepth: 4 }), {
    numRuns: RANDOM_VALUES,
    seed: 20_240_101,
  });
  return [...edgeValues(), ...random];
}

describe.skipIf(!available)('qpack against python3-qpack', () => {
  const values = available ? allValues() : [];

  it('python3-qpack decodes our bytes to the same values', async () => {
    const ours = values.map((value) => encodeQpack(value));
    const frames: Buffer[] = [];
    for (const bytes of ours) {
      const head = Buffer.alloc(4);
      head.writeUInt32LE(bytes.length);
      frames.push(head, bytes);
    }
    // Server-style bytes too: unclosed open containers, as the server sends them.
    const golden = QPACK_GOLDEN.map((vector) => qp(vector.bytes));
    for (const bytes of golden) {
      const head = Buffer.alloc(4);
      head.writeUInt32LE(bytes.length);
      frames.push(head, bytes);
    }
    const lines = (await runHelper('decode', Buffer.concat(frames))).trimEnd().split('\n');
    expect(lines.length).toBe(values.length + golden.length);
    const mismatches: string[] = [];
    lines.forEach((line, i) => {
      const value = i < values.length ? values[i] : QPACK_GOLDEN[i - values.length]?.value;
      const expected = JSON.stringify(tag(value, 'r'));
      const actual = JSON.stringify(JSON.parse(line));
      if (actual !== expected)
        mismatches.push(`#${i}: python ${actual.slice(0, 300)} ≠ ours ${expected.slice(0, 300)}`);
    });
    expect(mismatches.length, mismatches.slice(0, 5).join('\n')).toBe(0);
    console.info(
      `python3-qpack decoded ${values.length} values encoded by us (+ ${golden.length} golden frames)`,
    );
  }, 120_000);

  it('we decode python3-qpack’s bytes to the same values, and both encoders write the same bytes', async () => {
    const input = `${values.map((value) => JSON.stringify(tag(value, 's'))).join('\n')}\n`;
    const lines = (await runHelper('encode', Buffer.from(input, 'utf8'))).trimEnd().split('\n');
    expect(lines.length).toBe(values.length);
    const mismatches: string[] = [];
    let textChecked = 0;
    lines.forEach((line, i) => {
      const value = values[i];
      if (line.startsWith('!')) {
        mismatches.push(`#${i}: python3-qpack could not pack: ${line.slice(1, 200)}`);
        return;
      }
      const theirs = Buffer.from(line, 'hex');
      const ours = encodeQpack(value);
      if (!theirs.equals(ours)) {
        mismatches.push(
          `#${i}: bytes differ: python ${line.slice(0, 120)} ≠ ours ${ours.toString('hex').slice(0, 120)}`,
        );
      }
      const expected = JSON.stringify(tag(value, 'r', true));
      const decoded = JSON.stringify(tag(decodeQpack(theirs, { raw: 'bytes', floats: 'wrap' }), 'r', true));
      if (decoded !== expected)
        mismatches.push(`#${i}: decoded ${decoded.slice(0, 300)} ≠ ${expected.slice(0, 300)}`);
      if (!containsBytes(value)) {
        textChecked++;
        const asText = JSON.stringify(
          tag(decodeQpack(theirs, { floats: 'wrap', int64: 'bigint' }), 's', true),
        );
        if (asText !== JSON.stringify(tag(value, 's', true)))
          mismatches.push(`#${i}: text decode differs: ${asText.slice(0, 300)}`);
      }
    });
    expect(mismatches.length, mismatches.slice(0, 5).join('\n')).toBe(0);
    expect(textChecked).toBeGreaterThan(1000);
    console.info(
      `decoded ${values.length} values encoded by python3-qpack (${textChecked} also as text); bytes identical`,
    );
  }, 120_000);
});
