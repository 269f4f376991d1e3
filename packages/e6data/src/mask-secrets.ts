/**
 * A quoted literal after a word that names a secret (`PASSWORD 'x'`, `IDENTIFIED BY 'x'`,
 * `SECRET = 'x'`, `TOKEN 'x'`, `ACCESS_KEY 'x'`, `CREDENTIALS 'x'`…), closed or cut short (an
 * engine quoting a statement in its error may stop mid-literal).
 */
const SECRET_LITERAL =
  /\b(password|passwd|secret|token|[a-z_]*key|credentials?|identified\s+by)(\s*[=:]\s*|\s+)'(?:[^']|'')*(?:'|$)/gi;

/**
 * `text` with the literals that follow secret-naming words replaced by `'[redacted]'`: applied to
 * statements published on tracing channels and to the server's messages, which often quote the
 * statement they refused. Bound parameters are literals in the statement, so this covers them too.
 */
export function maskSecrets(text: string): string {
  return text.replace(SECRET_LITERAL, (_match, word: string, gap: string) => `${word}${gap}'[redacted]'`);
}
