import { describe, expect, it } from 'vitest';
import { errorFromPackage, SiriDBQueryError } from '../../src/errors.js';
import { shownServerMessage, shownText } from '../../src/message-text.js';
import { ResponseType } from '../../src/protocol/package.js';

describe('user text in error messages', () => {
  it('shows short text JSON-quoted, with NUL, newlines and lone surrogates escaped', () => {
    expect(shownText('cpu')).toBe('"cpu"');
    expect(shownText('a\0b\n"\uD800')).toBe('"a\\u0000b\\n\\"\\ud800"');
  });

  it('cuts long text to 64 characters and its length', () => {
    const shown = shownText('n'.repeat(10_485_760));
    expect(shown).toBe(`"${'n'.repeat(64)}"… (10485760 chars)`);
  });

  it('never cuts a surrogate pair in half', () => {
    const shown = shownText(`${'a'.repeat(63)}😀${'b'.repeat(10)}`);
    expect(shown).toBe(`"${'a'.repeat(63)}"… (75 chars)`);
  });
});

describe('server messages that echo user input', () => {
  it('cut each long quoted part, closed or cut by the server', () => {
    const name = 'x'.repeat(1000);
    expect(shownServerMessage(`User '${name}' does not exist.`)).toBe(
      `User '${'x'.repeat(64)}…' (1000 chars) does not exist.`,
    );
    // SiriDB sends at most 1023 characters: the closing quote may be gone
    expect(shownServerMessage(`Cannot find group or tag '${name.slice(0, 990)}`)).toBe(
      `Cannot find group or tag '${'x'.repeat(64)}…' (990+ chars)`,
    );
    expect(shownServerMessage(`Cannot find user: "short"`)).toBe('Cannot find user: "short"');
  });

  it('keep the error message short and serverMessage at most 1024 characters', () => {
    const huge = `Cannot find group or tag '${'g'.repeat(5_000_000)}'`;
    const error = errorFromPackage(ResponseType.ERR_QUERY, { error_msg: huge });
    expect(error).toBeInstanceOf(SiriDBQueryError);
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).toContain('…');
    const serverMessage = (error as SiriDBQueryError).serverMessage ?? '';
    expect(serverMessage.length).toBeLessThan(1100);
    expect(serverMessage.startsWith("Cannot find group or tag 'ggg")).toBe(true);
    expect(JSON.stringify(error).length).toBeLessThan(2000);
  });

  it('keep a short message as the server sent it', () => {
    const error = errorFromPackage(ResponseType.ERR_QUERY, { error_msg: 'Query error at position 5.' });
    expect(error.message).toBe('Query error at position 5.');
    expect((error as SiriDBQueryError).serverMessage).toBe('Query error at position 5.');
  });
});
