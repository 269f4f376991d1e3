import net, { type Socket } from 'node:net';
import tls, { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/index.js';
import { type ConnectOptions, connectSocket } from '../../../src/transport/connect.js';
import { FrameReader } from '../../../src/transport/frame-reader.js';
import { FramedConnection } from '../../../src/transport/framed-connection.js';
import { lengthPrefixedCodec } from '../../../src/transport/length-prefixed-codec.js';
import { readFrame } from '../../../src/transport/read-frame.js';
import { upgradeToTls } from '../../../src/transport/tls-upgrade.js';
import { closeClients, connect, failure } from '../../support/client-sockets.js';
import { closeConnections, track } from '../../support/framed-connections.js';
import { encodeFrame, readFrames } from '../../support/frames.js';
import { loopbackLookup } from '../../support/loopback-lookup.js';
import { closeServers, listen, type TestServer } from '../../support/loopback-server.js';
import { ca, clientCert, selfSigned, serverCert } from '../../support/tls-fixtures.js';

afterEach(async () => {
  await closeConnections();
  await closeClients();
  await closeServers();
});

const le = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 1 << 16 });
/** One length-prefixed frame as a single buffer. */
const wire = (payload: Buffer): Buffer => encodeFrame(le, payload);

/** Answers each length-prefixed frame with `tls:` + payload, on any duplex socket. */
function echoFrames(socket: Socket): void {
  socket.on('error', () => {});
  readFrames(socket, le, (payload) => socket.write(wire(Buffer.concat([Buffer.from('tls:'), payload]))));
}

function tlsServer(
  options: tls.TlsOptions,
  onSecure: (socket: TLSSocket) => void = echoFrames,
): Promise<TestServer> {
  return listen(tls.createServer(options, onSecure));
}

async function echoOver(socket: Socket, text: string): Promise<string> {
  const connection = track(new FramedConnection(socket, { codec: le, correlation: { mode: 'in-order' } }));
  return (await connection.request(Buffer.from(text))).toString();
}

// ---- tests ------------------------------------------------------------------------------------------

describe('TLS', () => {
  it('a self-signed certificate is rejected by default', async () => {
    const server = await tlsServer(selfSigned);
    const error = await failure(connectSocket({ host: '127.0.0.1', port: server.port, tls: {} }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('CONN_TLS_FAILED');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({
      host: '127.0.0.1',
      port: server.port,
      tlsCode: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('a self-signed certificate is accepted with its CA (itself)', async () => {
    const server = await tlsServer(selfSigned);
    const socket = await connect({ host: '127.0.0.1', port: server.port, tls: { ca: selfSigned.cert } });
    expect(socket).toBeInstanceOf(TLSSocket);
    expect((socket as TLSSocket).authorized).toBe(true);
    expect(await echoOver(socket, 'hello')).toBe('tls:hello');
  });

  it('a certificate signed by a CA is accepted with that CA, and SNI names the host', async () => {
    let servername: string | false | null | undefined;
    const server = await tlsServer(serverCert, (socket) => {
      servername = socket.servername;
      echoFrames(socket);
    });
    const socket = await connect({
      host: 'localhost',
      port: server.port,
      lookup: loopbackLookup,
      tls: { ca },
    });
    expect(await echoOver(socket, 'sni')).toBe('tls:sni');
    expect(servername).toBe('localhost');
    expect((socket as TLSSocket).getProtocol()).toMatch(/^TLSv1\.[23]$/);
  });

  it('sends no SNI for an IP address and still verifies the IP', async () => {
    let servername: string | false | null | undefined = 'unset';
    const server = await tlsServer(serverCert, (socket) => {
      servername = socket.servername;
      echoFrames(socket);
    });
    const socket = await connect({ host: '127.0.0.1', port: server.port, tls: { ca } });
    expect(await echoOver(socket, 'ip')).toBe('tls:ip');
    expect(servername).toBeFalsy();
  });

  it('a certificate from another CA is rejected', async () => {
    const server = await tlsServer(serverCert);
    const error = await failure(
      connectSocket({ host: '127.0.0.1', port: server.port, tls: { ca: selfSigned.cert } }),
    );
    expect(error.code).toBe('CONN_TLS_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('a certificate for another name is rejected', async () => {
    const server = await tlsServer(serverCert);
    const error = await failure(
      connectSocket({
        host: 'db.example.com',
        port: server.port,
        lookup: loopbackLookup,
        tls: { ca },
      }),
    );
    expect(error.code).toBe('CONN_TLS_FAILED');
    expect(error.details).toMatchObject({ tlsCode: 'ERR_TLS_CERT_ALTNAME_INVALID', host: 'db.example.com' });
    expect(error.retryable).toBe(false);
  });

  it('verifyHostname: false accepts a trusted certificate for another name, and still refuses an unknown CA', async () => {
    const server = await tlsServer(serverCert);
    const socket = await connect({
      host: 'db.example.com',
      port: server.port,
      lookup: loopbackLookup,
      tls: { ca, verifyHostname: false },
    });
    expect((socket as TLSSocket).authorized).toBe(true);
    expect(await echoOver(socket, 'named')).toBe('tls:named');

    const untrusted = await tlsServer(selfSigned);
    const error = await failure(
      connectSocket({ host: '127.0.0.1', port: untrusted.port, tls: { ca, verifyHostname: false } }),
    );
    expect(error.code).toBe('CONN_TLS_FAILED');
  });

  it('rejectUnauthorized: false accepts an unknown certificate', async () => {
    const server = await tlsServer(selfSigned);
    const socket = await connect({
      host: '127.0.0.1',
      port: server.port,
      tls: { rejectUnauthorized: false },
    });
    expect((socket as TLSSocket).authorized).toBe(false);
    expect(await echoOver(socket, 'insecure')).toBe('tls:insecure');
  });

  it('mutual TLS sends the client certificate', async () => {
    let peerName: string | undefined;
    const server = await tlsServer(
      { ...serverCert, ca, requestCert: true, rejectUnauthorized: true },
      (socket) => {
        peerName = String(socket.getPeerCertificate().subject.CN);
        echoFrames(socket);
      },
    );
    const socket = await connect({ host: '127.0.0.1', port: server.port, tls: { ca, ...clientCert } });
    expect(await echoOver(socket, 'mtls')).toBe('tls:mtls');
    expect(peerName).toBe('conn test client');
  });
});

// ApertureDB-style: a cleartext 12-byte hello exchange, then TLS on the same socket.
describe('cleartext-then-TLS upgrade', () => {
  const helloBody = (version: number, protocol: number): Buffer => {
    const body = Buffer.alloc(8);
    body.writeUInt32LE(version, 0);
    body.writeUInt32LE(protocol, 4);
    return body;
  };

  /** Reads the client's hello, answers it, then runs TLS on the same socket. */
  function helloThenTlsServer(cert: { cert: Buffer; key: Buffer }): Promise<TestServer> {
    return listen(
      net.createServer((socket) => {
        const reader = new FrameReader(le);
        const onData = (chunk: Buffer): void => {
          reader.push(chunk);
          const frame = reader.next();
          if (frame === undefined) return;
          socket.off('data', onData);
          socket.pause();
          const body = le.decode(frame);
          const protocol = body.readUInt32LE(4);
          socket.write(wire(helloBody(1, protocol & 2)));
          const secure = new TLSSocket(socket, { isServer: true, ...cert });
          echoFrames(secure);
        };
        socket.on('data', onData);
      }),
    );
  }

  const helloHandshake =
    (tlsOptions: { ca?: Buffer }): ConnectOptions['handshake'] =>
    async (socket, signal, target) => {
      socket.write(wire(helloBody(1, 2)));
      const reply = await readFrame(socket, le, signal);
      if (reply.readUInt32LE(0) !== 1 || reply.readUInt32LE(4) !== 2) throw new Error('server refused TLS');
      return upgradeToTls(socket, { ...tlsOptions, host: target.host, port: target.port }, signal);
    };

  it('a cleartext-then-TLS upgrade: hello exchange, then framed request/response inside TLS', async () => {
    const server = await helloThenTlsServer(serverCert);
    const socket = await connect({ host: '127.0.0.1', port: server.port, handshake: helloHandshake({ ca }) });
    expect(socket).toBeInstanceOf(TLSSocket);
    expect((socket as TLSSocket).encrypted).toBe(true);
    expect((socket as TLSSocket).authorized).toBe(true);
    expect(await echoOver(socket, 'inside tls')).toBe('tls:inside tls');
  });

  it('a certificate failure during the upgrade is CONN_TLS_FAILED and closes the socket', async () => {
    const server = await helloThenTlsServer(selfSigned);
    const error = await failure(
      connectSocket({ host: '127.0.0.1', port: server.port, handshake: helloHandshake({ ca }) }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('CONN_TLS_FAILED');
    expect(error.retryable).toBe(false);
  });
});
