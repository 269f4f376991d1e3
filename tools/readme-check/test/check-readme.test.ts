import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReadme } from '../src/check-readme.js';
import { excerpt, pointAtReadme } from '../src/readme-lines.js';
import type { Readme, WorkspacePackage } from '../src/workspace.js';

// A package of its own for the snippets (never a workspace package), so these tests touch no real one.
const sample: WorkspacePackage = {
  name: 'readme-check-sample',
  dir: join(import.meta.dirname, 'fixtures', 'sample-package'),
};
const readmes = mkdtempSync(join(tmpdir(), 'conn-readme-check-'));
let count = 0;

afterAll(() => rmSync(readmes, { recursive: true, force: true }));

/** A README with `body`, whose blocks run in the sample package. */
function readme(body: string): Readme {
  count += 1;
  const path = join(readmes, `README-${count}.md`);
  writeFileSync(path, body);
  return { path, label: `README-${count}.md`, pkg: sample };
}

describe('checkReadme', () => {
  it('passes a README whose runnable blocks type-check and exit 0, reading the environment it is given', async () => {
    const result = await checkReadme(
      readme(
        [
          '# Sample',
          '',
          '```ts runnable',
          "const url: string = process.env.SAMPLE_URL ?? 'sample://localhost';",
          "if (url !== 'sample://from-the-check') throw new Error('got ' + url);",
          '```',
          '',
          '```js runnable',
          "await new Promise((resolve) => setTimeout(resolve, 1)); console.log('top-level await works');",
          '```',
        ].join('\n'),
      ),
      { env: { SAMPLE_URL: 'sample://from-the-check' } },
    );
    expect(result).toEqual({ passed: true, failures: [], checked: ['README-1.md:4', 'README-1.md:9'] });
  });

  it('fails a block that throws, showing its stderr at the README line', async () => {
    const body = [
      '# Sample',
      '',
      '```ts runnable',
      'const answer = 42;',
      "throw new Error('quickstart broke');",
      '```',
    ];
    const result = await checkReadme(readme(body.join('\n')));
    expect(result.passed).toBe(false);
    expect(result.failures).toHaveLength(1);
    const failure = result.failures[0] as string;
    expect(failure).toMatch(/^ts runnable block at README-\d+\.md:4 exited with code 1\nstderr:\n/);
    expect(failure).toContain('Error: quickstart broke');
    // The stack points at the README's line 5, where the throw is.
    expect(failure).toMatch(/README-\d+\.md:5:7/);
  });

  it('fails a block that never finishes, at the timeout', async () => {
    const result = await checkReadme(
      readme(
        ['```js runnable', "console.error('waiting forever');", 'setInterval(() => {}, 1_000);', '```'].join(
          '\n',
        ),
      ),
      { timeoutMs: 1_500 },
    );
    expect(result.passed).toBe(false);
    expect(result.failures[0]).toMatch(
      /did not finish within 1500 ms and was killed\nstderr:\nwaiting forever/,
    );
  });

  it('fails a TypeScript block that runs but does not type-check, naming the README line', async () => {
    const result = await checkReadme(
      readme(
        ['# Sample', '```ts runnable', "const port: number = '9000';", 'console.log(port);', '```'].join(
          '\n',
        ),
      ),
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatch(/does not type-check:\nREADME-\d+\.md:3:7: error TS2322/);
  });

  it('leaves no snippet files behind in the package', async () => {
    await checkReadme(readme('```js runnable\nconsole.log(1);\n```\n'));
    const scratch = join(sample.dir, '.cache');
    expect(existsSync(scratch) ? readdirSync(scratch) : []).toEqual([]);
  });
});

describe('pointAtReadme', () => {
  it('rewrites node and tsc positions in snippet files to README positions', () => {
    const text = [
      'at file:///repo/packages/core/.cache/readme-check/run-x/L25.mts:3:7',
      'at /repo/packages/core/.cache/readme-check/run-x/L25.mts:10',
      'L40.mts(2,5): error TS2322',
    ].join('\n');
    expect(pointAtReadme(text, 'packages/core/README.md')).toBe(
      [
        'at packages/core/README.md:27:7',
        'at packages/core/README.md:34',
        'packages/core/README.md:41:5: error TS2322',
      ].join('\n'),
    );
  });
});

describe('excerpt', () => {
  it('keeps short output whole and the top and bottom of long output', () => {
    expect(excerpt('a\nb\n', 2)).toBe('a\nb');
    const long = Array.from({ length: 10 }, (_, index) => `line ${index}`).join('\n');
    expect(excerpt(long, 2)).toBe('line 0\nline 1\n… (6 lines left out)\nline 8\nline 9');
  });
});
