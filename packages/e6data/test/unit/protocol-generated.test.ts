// The committed protobuf code is what scripts/gen-proto.mjs makes from proto/*.proto.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { int64ToBigInt, RPC } from '../../src/protocol/messages.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

describe('generated protobuf code', () => {
  it('matches what the generator makes from the .proto files today', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['scripts/gen-proto.mjs', '--check'],
      {
        cwd: packageDir,
        timeout: 60_000,
      },
    );
    expect(`${stdout}${stderr}`).not.toMatch(/out of date|differ/i);
  }, 60_000);

  it('has no proto package: every path is /<Service>/<method>', () => {
    expect(RPC.authenticate.path).toBe('/QueryEngineService/authenticate');
    expect(RPC.prepareStatementV2.path).toBe('/QueryEngineService/prepareStatementV2');
    expect(RPC.clusterResume.path).toBe('/ClusterService/resume');
  });

  it('puts the batch in field 2 and decodes sint64 timings (zig-zag)', () => {
    const batch = RPC.getNextResultBatch.response
      .encode({ resultBatch: new Uint8Array([1, 2]), sessionId: 's' })
      .finish();
    // Field 2, wire type 2 (length-delimited): tag 0x12.
    expect(Buffer.from(batch).toString('hex')).toBe('12020102' + '1a0173');
    const explained = RPC.explainAnalyze.response.encode({ parsingTime: -3, queueingTime: 5 }).finish();
    // Field 3 sint64 -3 is zig-zag 5; field 4 sint64 5 is zig-zag 10.
    expect(Buffer.from(explained).toString('hex')).toBe('1805200a');
    const decoded = RPC.explainAnalyze.response.decode(explained);
    expect(int64ToBigInt(decoded.parsingTime)).toBe(-3n);
    expect(int64ToBigInt(decoded.queueingTime)).toBe(5n);
  });

  it('keeps an unset new_strategy (newStrategy in code) absent and a set one present', () => {
    const none = RPC.prepareStatementV2.response.decode(
      RPC.prepareStatementV2.response.encode({ queryId: 'q' }).finish(),
    );
    expect(none.newStrategy ?? undefined).toBeUndefined();
    const announced = RPC.prepareStatementV2.response.decode(
      RPC.prepareStatementV2.response.encode({ queryId: 'q', newStrategy: 'green' }).finish(),
    );
    expect(announced.newStrategy).toBe('green');
  });
});
