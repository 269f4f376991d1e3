import { describe, expect, it } from 'vitest';
import { findRunnableBlocks, ReadmeFormatError } from '../src/runnable-blocks.js';

describe('findRunnableBlocks', () => {
  it('takes only the blocks whose info string says runnable, with the README line of their code', () => {
    const markdown = [
      '# Title', // 1
      '```ts', // 2
      'shown(only);', // 3
      '```', // 4
      '```ts runnable', // 5
      "console.log('a');", // 6
      '```', // 7
      '~~~~js   runnable', // 8
      '```', // 9: inside a tilde fence, not a fence
      '~~~~', // 10
    ].join('\n');
    expect(findRunnableBlocks(markdown)).toEqual([
      { language: 'ts', line: 6, code: "console.log('a');\n" },
      { language: 'js', line: 9, code: '```\n' },
    ]);
  });

  it('removes the indent of an indented fence from its code lines', () => {
    const markdown = ['- item', '  ```typescript runnable', '  const a = 1;', '    nested();', '  ```'].join(
      '\n',
    );
    expect(findRunnableBlocks(markdown)).toEqual([
      { language: 'ts', line: 3, code: 'const a = 1;\n  nested();\n' },
    ]);
  });

  it('a closing fence must be at least as long as the opening one', () => {
    const markdown = ['````ts runnable', '```', 'still code', '````'].join('\n');
    expect(findRunnableBlocks(markdown)).toEqual([{ language: 'ts', line: 2, code: '```\nstill code\n' }]);
  });

  it('refuses a runnable marker on a language it cannot run', () => {
    expect(() => findRunnableBlocks('```sh runnable\nnpm test\n```\n')).toThrow(ReadmeFormatError);
    expect(() => findRunnableBlocks('```runnable\nx\n```\n')).toThrow(
      /must start its info string with ts or js/,
    );
  });

  it('refuses a fence that is never closed, rather than dropping what follows', () => {
    expect(() => findRunnableBlocks('text\n```ts runnable\nconst a = 1;\n')).toThrow(
      /line 2: code fence ``` is never closed/,
    );
  });

  it('finds nothing in a README without the marker', () => {
    expect(findRunnableBlocks('```ts\nconst a = 1;\n```\n')).toEqual([]);
  });
});
