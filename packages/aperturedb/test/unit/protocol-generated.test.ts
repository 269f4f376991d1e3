// The committed protobuf code is what scripts/gen-proto.mjs makes from proto/queryMessage.proto.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

describe('generated protobuf code', () => {
  it('matches what the generator makes from the .proto today', async () => {
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
});
