/** What a masked secret reads as in published statements. */
export const MASKED_SECRET = '"***"';

/**
 * A SiriDB statement with the string after every `password` keyword replaced by `"***"`, so that
 * `create user "u" set password "…"` and `alter user "u" set password '…'` never reach a
 * diagnostics subscriber with the secret. Strings are read as the query language writes them
 * (single or double quotes, a quote doubled inside); an unterminated string after `password`
 * masks the rest of the text.
 */
export function maskSiriDBSecrets(statement: string): string {
  const lower = statement.toLowerCase();
  if (!lower.includes('password')) return statement;
  let out = '';
  let copiedUpTo = 0;
  let afterPassword = false;
  let i = 0;
  while (i < statement.length) {
    const char = statement[i] as string;
    if (char === '"' || char === "'") {
      const end = stringEnd(statement, i);
      if (afterPassword) {
        out += statement.slice(copiedUpTo, i) + MASKED_SECRET;
        copiedUpTo = end;
        afterPassword = false;
      }
      i = end;
      continue;
    }
    if (isWordStart(statement, i)) {
      let end = i + 1;
      while (end < statement.length && isWordChar(statement.charCodeAt(end))) end++;
      afterPassword = lower.slice(i, end) === 'password';
      i = end;
      continue;
    }
    // Anything but white space between `password` and its string cancels the masking trigger.
    if (!/\s/.test(char)) afterPassword = false;
    i++;
  }
  return out + statement.slice(copiedUpTo);
}

/** Index just after the string literal starting at `start` (the text's end when unterminated). */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return text.length;
}

function isWordStart(text: string, index: number): boolean {
  return isWordChar(text.charCodeAt(index)) && (index === 0 || !isWordChar(text.charCodeAt(index - 1)));
}

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}
