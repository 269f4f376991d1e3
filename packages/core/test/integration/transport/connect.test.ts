import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventPublisher } from '../../../src/diagnostics.js';
import {
  AbortError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  TimeoutError,
} from '../../../src/errors/index.js';
import { type ConnectOptions, connectSocket } from '../../../src/transport/connect.js';
import { lengthPrefixedCodec } from '../../../src/transport/length-prefixed-codec.js';
import { readFrame } from '../../../src/transport/read-frame.js';
import { closeClients, connect, failure } from '../../support/client-sockets.js';
import { loopbackLookup } from '../../support/loopback-lookup.js';
import { closeServers, startServer, unusedPort } from '../../support/loopback-server.js';
import { closed } from '../../support/settle.js';

afterEach(async () => {
  await closeClients();
  await closeServers();
});

const hello = lengthPrefixedCodec({ endian: 'le', maxFrameBytes: 64 });

// ---- tests ------------------------------------------------------------------------------------------

describe('connectSocket', () => {
  it('connects over TCP with no-delay and keepalive', async () => {
    const server = await startServer();
    const socket = await connect({ host: '127.0.0.1', port: server.port });
    expect(socket.remotePort).toBe(server.port);
    expect(socket.readyState).toBe('open');
    await server.accepted();
  });

  it('resolves host names through lookup', async () => {
    const server = await startServer();
    const names: string[] = [];
    const socket = await connect({
      host: 'db.conn.test',
      port: server.port,
      lookup: (hostname, options, callback) => {
        names.push(hostname);
        loopbackLookup(hostname, options, callback);
      },
    });
    expect(names).toEqual(['db.conn.test']);
    expect(socket.remoteAddress).toBe('127.0.0.1');
  });

  it('a refused connection is a retryable ConnectionError with host and port', async () => {
    const port = await unusedPort();
    const error = await failure(connectSocket({ host: '127.0.0.1', port }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('CONN_CONNECTION_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ host: '127.0.0.1', port, errorCode: 'ECONNREFUSED' });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('a DNS failure is a ConnectionError', async () => {
    const error = await failure(
      connectSocket({
        host: 'nowhere.conn.test',
        port: 9,
        lookup: (hostname, _options, callback) => {
          const dnsError = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
          });
          callback(dnsError, '', 0);
        },
      }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.details).toMatchObject({ host: 'nowhere.conn.test', port: 9, errorCode: 'ENOTFOUND' });
  });

  it('connect timeout: a lookup that never calls back (DNS)', async () => {
    const error = await failure(
      connectSocket({ host: 'slow-dns.conn.test', port: 9, connectTimeoutMs: 30, lookup: () => {} }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('CONN_CONNECT_TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ host: 'slow-dns.conn.test', port: 9, timeoutMs: 30, phase: 'dns' });
  });

  it('connect timeout: a TCP server that never completes the TLS handshake', async () => {
    const server = await startServer(); // accepts, reads, never speaks TLS
    const error = await failure(
      connectSocket({ host: '127.0.0.1', port: server.port, tls: {}, connectTimeoutMs: 50 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('CONN_CONNECT_TIMEOUT');
    expect(error.details).toMatchObject({ phase: 'tls', host: '127.0.0.1', port: server.port });
    await closed(await server.accepted()); // the half-open connection was closed
  });

  it('connect timeout: a handshake hook whose hello is never answered', async () => {
    const received: Buffer[] = [];
    const server = await startServer((socket) => socket.on('data', (chunk: Buffer) => received.push(chunk)));
    const error = await failure(
      connectSocket({
        host: '127.0.0.1',
        port: server.port,
        // Long enough that a loaded machine still finishes the loopback TCP connect first: the
        // deadline must fall in the handshake phase (at 50 ms it once fell in the TCP phase).
        connectTimeoutMs: 1_000,
        handshake: async (socket, signal) => {
          socket.write(Buffer.from('080000000100000002000000', 'hex'));
          await readFrame(socket, hello, signal);
          return socket;
        },
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('CONN_CONNECT_TIMEOUT');
    expect(error.details).toMatchObject({ phase: 'handshake' });
    await closed(await server.accepted());
    expect(Buffer.concat(received).toString('hex')).toBe('080000000100000002000000');
  });

  it('abort via signal while connecting rejects with AbortError', async () => {
    const server = await startServer();
    const controller = new AbortController();
    const pending = failure(
      connectSocket({
        host: '127.0.0.1',
        port: server.port,
        signal: controller.signal,
        handshake: async (socket, signal) => {
          controller.abort(new Error('shutting down'));
          await readFrame(socket, hello, signal);
          return socket;
        },
      }),
    );
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error.cause as Error).message).toBe('shutting down');
    await closed(await server.accepted());
  });

  it('an already aborted signal rejects before any I/O', async () => {
    const error = await failure(connectSocket({ host: '127.0.0.1', port: 9, signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
  });

  it('runs the handshake hook and returns its socket', async () => {
    const server = await startServer((socket) => {
      socket.once('data', () =>
        socket.write(Buffer.concat([hello.encode(Buffer.from('welcome'), undefined)].flat())),
      );
    });
    let greeting = '';
    const socket = await connect({
      host: '127.0.0.1',
      port: server.port,
      handshake: async (raw, signal, target) => {
        expect(target).toEqual({ host: '127.0.0.1', port: server.port });
        raw.write('hi');
        greeting = (await readFrame(raw, hello, signal)).toString();
        return raw;
      },
    });
    expect(greeting).toBe('welcome');
    expect(socket.readyState).toBe('open');
  });

  it('passes ConnErrors from the handshake hook through and closes the socket', async () => {
    const server = await startServer();
    const denied = new AuthenticationError('bad password');
    const error = await failure(
      connectSocket({
        host: '127.0.0.1',
        port: server.port,
        handshake: async () => {
          throw denied;
        },
      }),
    );
    expect(error).toBe(denied);
    await closed(await server.accepted());
  });

  it('wraps other handshake failures in a non-retryable ConnectionError', async () => {
    const server = await startServer();
    const error = await failure(
      connectSocket({
        host: '127.0.0.1',
        port: server.port,
        handshake: async () => {
          throw new RangeError('unsupported protocol version');
        },
      }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.retryable).toBe(false);
    expect(error.cause).toBeInstanceOf(RangeError);
    expect(error.details).toMatchObject({ phase: 'handshake' });
  });

  it('a server that closes during the handshake fails it with ConnectionError', async () => {
    const server = await startServer((socket) => socket.end());
    const error = await failure(
      connectSocket({
        host: '127.0.0.1',
        port: server.port,
        handshake: async (socket, signal) => {
          await readFrame(socket, hello, signal);
          return socket;
        },
      }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('CONN_CONNECTION_CLOSED');
  });

  it('publishes connect events on diagnostics channels when given a publisher', async () => {
    const events = createEventPublisher('transport-test');
    const seen: [string, Record<string, unknown>][] = [];
    const onConnect = (message: unknown): void =>
      void seen.push(['connect', message as Record<string, unknown>]);
    const onFailed = (message: unknown): void =>
      void seen.push(['failed', message as Record<string, unknown>]);
    diagnosticsChannel.subscribe(events.channelName('transport:connect'), onConnect);
    diagnosticsChannel.subscribe(events.channelName('transport:connect-failed'), onFailed);
    try {
      const server = await startServer();
      await connect({ host: '127.0.0.1', port: server.port, events });
      const port = await unusedPort();
      await failure(connectSocket({ host: '127.0.0.1', port, events }));
    } finally {
      diagnosticsChannel.unsubscribe(events.channelName('transport:connect'), onConnect);
      diagnosticsChannel.unsubscribe(events.channelName('transport:connect-failed'), onFailed);
    }
    expect(seen.map(([name]) => name)).toEqual(['connect', 'failed']);
    expect(seen[0]?.[1]).toMatchObject({ host: '127.0.0.1', tls: false });
    expect(seen[1]?.[1]).toMatchObject({ host: '127.0.0.1', phase: 'tcp' });
  });

  it('validates options with ConfigError before any I/O', async () => {
    const cases: [Partial<ConnectOptions>, string][] = [
      [{ host: '', port: 1 }, 'host'],
      [{ host: 'x', port: 0 }, 'port'],
      [{ host: 'x', port: 70_000 }, 'port'],
      [{ host: 'x', port: 1, connectTimeoutMs: -1 }, 'connectTimeoutMs'],
      [{ host: 'x', port: 1, keepAliveInitialDelayMs: Number.NaN }, 'keepAliveInitialDelayMs'],
    ];
    for (const [options, field] of cases) {
      const error = await failure(connectSocket(options as ConnectOptions));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe(field);
    }
  });
});

describe('readFrame', () => {
  it('keeps bytes past the frame for the next reader', async () => {
    const server = await startServer((socket) => {
      socket.once('data', () =>
        socket.write(
          Buffer.concat(
            [hello.encode(Buffer.from('one'), undefined), hello.encode(Buffer.from('two'), undefined)].flat(),
          ),
        ),
      );
    });
    const socket = await connect({ host: '127.0.0.1', port: server.port });
    socket.write('go');
    expect((await readFrame(socket, hello)).toString()).toBe('one');
    expect((await readFrame(socket, hello)).toString()).toBe('two');
  });
});
