import type { Snippet } from './snippet-files.js';

// A snippet's file name carries the README line of its first code line: `L25.mts`. Matches it
// as a path or URL, followed by node's `:line:column` or tsc's `(line,column)`.
const SNIPPET_POSITION = /(?:file:\/\/)?[^\s()'"]*?\bL(\d+)\.m[tj]s(?::(\d+)(?::(\d+))?|\((\d+),(\d+)\))/g;

/**
 * `text` (a stack trace, tsc's report) with every position in a snippet file rewritten as the
 * README position it came from, e.g. `…/L25.mts:3:7` → `packages/core/README.md:27:7`.
 */
export function pointAtReadme(text: string, readme: string): string {
  return text.replace(
    SNIPPET_POSITION,
    (whole, first: string, line?: string, column?: string, tscLine?: string, tscColumn?: string) => {
      const row = line ?? tscLine;
      if (row === undefined) return whole;
      const readmeLine = Number(first) + Number(row) - 1;
      const col = column ?? tscColumn;
      return `${readme}:${readmeLine}${col === undefined ? '' : `:${col}`}`;
    },
  );
}

/**
 * `text` when short; else its first and last `keep` lines: an error's message is at the top of
 * what node prints, and the stack and `cause` at the bottom.
 */
export function excerpt(text: string, keep = 30): string {
  const lines = text.trimEnd().split('\n');
  if (lines.length <= 2 * keep + 1) return lines.join('\n');
  const left = lines.length - 2 * keep;
  return [...lines.slice(0, keep), `… (${left} lines left out)`, ...lines.slice(-keep)].join('\n');
}

/** What a failure message says about where the block is. */
export function describeSnippet(snippet: Snippet): string {
  return `${snippet.block.language} runnable block at ${snippet.label}`;
}
