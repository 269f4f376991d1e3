/** The committed test-only TLS material (see test/fixtures/tls/README.md). */
import { readFileSync } from 'node:fs';

const read = (name: string): string =>
  readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');

export const TEST_CA: string = read('ca.crt');
export const SERVER_TLS: { readonly key: string; readonly cert: string } = {
  key: read('server.key'),
  cert: read('server.crt'),
};
export const SELF_SIGNED_TLS: { readonly key: string; readonly cert: string } = {
  key: read('self-signed.key'),
  cert: read('self-signed.crt'),
};
