/** The word in a fence's info string that marks a code block as runnable: ```` ```ts runnable ````. */
export const RUNNABLE_MARKER = 'runnable';

/** How a runnable block is run: TypeScript through tsx (and type-checked), JavaScript by node. */
export type BlockLanguage = 'ts' | 'js';

// GitHub and npm colour a block by the first word of its info string, so the marker after it
// renders invisibly.
const LANGUAGES: Readonly<Record<string, BlockLanguage>> = {
  ts: 'ts',
  typescript: 'ts',
  mts: 'ts',
  js: 'js',
  javascript: 'js',
  mjs: 'js',
};

/** A fenced code block marked runnable. */
export interface RunnableBlock {
  readonly language: BlockLanguage;
  /** 1-based line of the README where the code starts (the line after the opening fence). */
  readonly line: number;
  readonly code: string;
}

/** A README that cannot be read as intended: an unclosed fence, or a marker on an unknown language. */
export class ReadmeFormatError extends Error {
  override readonly name = 'ReadmeFormatError';
}

const OPENING_FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/**
 * The code blocks of a Markdown text whose info string carries the word `runnable`, in order.
 * Fences follow CommonMark: up to three spaces of indent (removed from the code lines too),
 * backticks or tildes, closed by a fence of the same character at least as long.
 * @throws ReadmeFormatError when a fence is never closed, or `runnable` marks a language it cannot run.
 */
export function findRunnableBlocks(markdown: string): RunnableBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: RunnableBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = OPENING_FENCE.exec(lines[index] as string);
    if (opening === null) continue;
    const [, indent = '', fence = '', rest = ''] = opening;
    // A backtick fence's info string may not contain backticks (that is inline code).
    if (fence.startsWith('`') && rest.includes('`')) continue;
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const end = lines.findIndex((line, at) => at > index && closing.test(line));
    if (end === -1) throw new ReadmeFormatError(`line ${index + 1}: code fence ${fence} is never closed`);
    const words = rest.trim().split(/\s+/);
    if (words.includes(RUNNABLE_MARKER)) {
      const language = LANGUAGES[words[0] ?? ''];
      if (language === undefined) {
        throw new ReadmeFormatError(
          `line ${index + 1}: a runnable block must start its info string with ts or js, got "${rest.trim()}"`,
        );
      }
      const code = lines
        .slice(index + 1, end)
        .map((line) => stripIndent(line, indent.length))
        .join('\n');
      blocks.push({ language, line: index + 2, code: `${code}\n` });
    }
    index = end;
  }
  return blocks;
}

/** Removes up to `width` leading spaces, as CommonMark does inside an indented fence. */
function stripIndent(line: string, width: number): string {
  let cut = 0;
  while (cut < width && line[cut] === ' ') cut++;
  return line.slice(cut);
}
