// The committed TLS test certificates (test/fixtures/tls, made by generate.sh there).
import { readFileSync } from 'node:fs';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));

/** The test CA (CN=conn test CA). */
export const ca: Buffer = fixture('ca.pem');
/** Server certificate for 127.0.0.1 and localhost, signed by the CA. */
export const serverCert: { cert: Buffer; key: Buffer } = {
  cert: fixture('server.pem'),
  key: fixture('server-key.pem'),
};
/** An unrelated self-signed certificate for 127.0.0.1 and localhost. */
export const selfSigned: { cert: Buffer; key: Buffer } = {
  cert: fixture('self-signed.pem'),
  key: fixture('self-signed-key.pem'),
};
/** Client certificate for mutual TLS (CN=conn test client), signed by the CA. */
export const clientCert: { cert: Buffer; key: Buffer } = {
  cert: fixture('client.pem'),
  key: fixture('client-key.pem'),
};
