import net from 'node:net';
import { ConnectionError, ProtocolError, Secret } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SiriDBConnection, type SiriDBConnectionOptions } from '../../src/connection.js';
import { decodePackage, encodePackage, HEADER_SIZE, packageLength } from '../../src/protocol/package.js';
import { decodeQpack, encodeQpack } from '../../src/protocol/qpack.js';

/** A scripted peer: answers each package with what `answer` returns (raw bytes). */
async function scriptedServer(
  answer: (pkg: { pid: number; type: number; payload: unknown }) => Buffer | undefined,
) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (
        let length = packageLength(buffered);
        length !== undefined && buffered.length >= length;
        length = packageLength(buffered)
      ) {
        const pkg = decodePackage(buffered.subarray(0, length));
        buffered = buffered.subarray(length);
        const reply = answer({
          pid: pkg.pid,
          type: pkg.type,
          payload: pkg.payload.length ? decodeQpack(pkg.payload) : undefined,
        });
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function options(port: number, extra: Partial<SiriDBConnectionOptions> = {}): SiriDBConnectionOptions {
  return {
    host: '127.0.0.1',
    port,
    login: { username: 'iris', password: new Secret('siri'), dbname: 'dbtest' },
    connectTimeoutMs: 2_000,
    authTimeoutMs: 2_000,
    keepaliveIntervalMs: 0,
    pingTimeoutMs: 1_000,
    decode: {},
    ...extra,
  };
}

async function open(answer: Parameters<typeof scriptedServer>[0], extra?: Partial<SiriDBConnectionOptions>) {
  const server = await scriptedServer(answer);
  closers.push(server.close);
  const connection = await SiriDBConnection.open(options(server.port, extra));
  closers.unshift(() => connection.close(0));
  return connection;
}

describe('SiriDBConnection against a scripted peer', () => {
  it('authenticates first, with [user, password, dbname]', async () => {
    const seen: unknown[] = [];
    await open((pkg) => {
      seen.push(pkg);
      return pkg.type === 2 ? encodePackage(pkg.pid, 2) : undefined;
    });
    expect(seen).toEqual([{ pid: 0, type: 2, payload: ['iris', 'siri', 'dbtest'] }]);
  });

  it('an unknown response type fails that request at once with a ProtocolError', async () => {
    const connection = await open((pkg) => encodePackage(pkg.pid, pkg.type === 2 ? 2 : 20));
    const error = await connection.query('count series', null, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'CONN_SIRIDB_UNEXPECTED_RESPONSE', details: { siridbType: 20 } });
    // The connection itself stays usable: framing was intact.
    expect(connection.isOpen).toBe(true);
  });

  it('a bad check byte destroys the socket and fails every pending request', async () => {
    let pending = 0;
    const connection = await open((pkg) => {
      if (pkg.type === 2) return encodePackage(pkg.pid, 2);
      if (++pending < 2) return undefined;
      const broken = encodePackage(pkg.pid, 0, encodeQpack({}));
      broken[7] = 0x00; // check byte must be type ^ 0xff
      return broken;
    });
    const first = connection.query('a', null, {}).catch((e: unknown) => e);
    const second = connection.query('b', null, {}).catch((e: unknown) => e);
    // By pid the broken package belongs to nobody: every pending request fails with the
    // connection, the ProtocolError as its cause.
    const errors = await Promise.all([first, second]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(ConnectionError);
      expect((e as ConnectionError).cause).toBeInstanceOf(ProtocolError);
      expect((e as ConnectionError).cause).toMatchObject({ code: 'CONN_SIRIDB_BAD_CHECK_BYTE' });
    }
    expect(connection.isOpen).toBe(false);
  });

  it('an oversized package destroys the socket with CONN_FRAME_TOO_LARGE', async () => {
    const connection = await open(
      (pkg) => {
        if (pkg.type === 2) return encodePackage(pkg.pid, 2);
        const header = Buffer.alloc(HEADER_SIZE);
        header.writeUInt32LE(10_000, 0);
        header.writeUInt16LE(pkg.pid, 4);
        header[6] = 0;
        header[7] = 0xff;
        return header;
      },
      { maxPackageBytes: 1_024 },
    );
    const error = await connection.query('x', null, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).cause).toMatchObject({ code: 'CONN_FRAME_TOO_LARGE' });
    expect(connection.isOpen).toBe(false);
  });

  it('answers are matched by pid even when they arrive in reverse order', async () => {
    const held: { pid: number; query: string }[] = [];
    const server = await scriptedServer((pkg) => {
      if (pkg.type === 2) return encodePackage(pkg.pid, 2);
      held.push({ pid: pkg.pid, query: (pkg.payload as [string])[0] });
      if (held.length < 3) return undefined;
      return Buffer.concat(
        held.reverse().map((h) => encodePackage(h.pid, 0, encodeQpack({ echo: h.query }))),
      );
    });
    closers.push(server.close);
    const connection = await SiriDBConnection.open(options(server.port));
    closers.unshift(() => connection.close(0));
    const answers = await Promise.all(['q1', 'q2', 'q3'].map((q) => connection.query(q, null, {})));
    expect(answers).toEqual([{ echo: 'q1' }, { echo: 'q2' }, { echo: 'q3' }]);
  });

  it('keepalive pings after silence, and a peer that ignores pings is closed', async () => {
    let pings = 0;
    let reportClose: (error: unknown) => void = () => {};
    const closed = new Promise<unknown>((resolve) => {
      reportClose = resolve;
    });
    await open(
      (pkg) => {
        if (pkg.type === 2) return encodePackage(pkg.pid, 2);
        if (pkg.type === 3) pings++;
        return undefined; // never answers the ping
      },
      { keepaliveIntervalMs: 50, pingTimeoutMs: 50, onClose: (error) => reportClose(error) },
    );
    expect(await closed).toMatchObject({ code: 'CONN_SIRIDB_KEEPALIVE_FAILED' });
    expect(pings).toBe(1);
  });
});
