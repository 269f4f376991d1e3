import net, { type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultProxy, type FaultProxyOptions, startFaultProxy } from '../src/index.js';

// ---- peers: one end of a TCP connection, recording what it sees ---------------------------------------

/** A socket with everything it received, how it ended, and promises to wait on instead of time. */
class Peer {
  readonly chunks: Buffer[] = [];
  length = 0;
  error: NodeJS.ErrnoException | undefined;
  ended = false;
  readonly closed: Promise<void>;
  private readonly waiters: { bytes: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      for (const waiter of [...this.waiters]) {
        if (this.length < waiter.bytes) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
    socket.on('end', () => {
      this.ended = true;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error;
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        for (const waiter of this.waiters.splice(0)) {
          waiter.reject(new Error(`closed after ${this.length} of ${waiter.bytes} bytes`));
        }
        resolve();
      }),
    );
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Resolves once `bytes` bytes in all have arrived; rejects if the socket closes first. */
  receivedAtLeast(bytes: number): Promise<void> {
    if (this.length >= bytes) return Promise.resolve();
    if (this.socket.closed) return Promise.reject(new Error(`closed after ${this.length} of ${bytes} bytes`));
    return new Promise((resolve, reject) => this.waiters.push({ bytes, resolve, reject }));
  }

  /** Writes and resolves once the bytes are handed to the kernel. */
  send(data: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(data, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Sends `data` and waits until the peer's total reaches `total` bytes (an echo has come back). */
  async roundTrip(data: string): Promise<void> {
    const expected = this.length + Buffer.byteLength(data);
    await this.send(data);
    await this.receivedAtLeast(expected);
  }
}

// ---- test servers and clients (127.0.0.1, port 0), all closed after each test ------------------------

interface TestServer {
  readonly port: number;
  /** Accepted sockets, in order. */
  readonly peers: Peer[];
  /** Resolves with the n-th accepted peer (0-based). */
  accepted(index?: number): Promise<Peer>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];
const clients: Peer[] = [];
const proxies: FaultProxy[] = [];

afterEach(async () => {
  for (const client of clients) client.socket.destroy();
  await Promise.all(clients.splice(0).map((client) => client.closed));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const echo = (peer: Peer): void => {
  peer.socket.pipe(peer.socket);
};

async function startServer(onPeer: (peer: Peer, index: number) => void = echo): Promise<TestServer> {
  const peers: Peer[] = [];
  const waiters = new Map<number, (peer: Peer) => void>();
  const server = net.createServer((socket) => {
    const peer = new Peer(socket);
    peers.push(peer);
    onPeer(peer, peers.length - 1);
    waiters.get(peers.length - 1)?.(peer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const testServer: TestServer = {
    port: (server.address() as AddressInfo).port,
    peers,
    accepted(index = 0) {
      const peer = peers[index];
      if (peer !== undefined) return Promise.resolve(peer);
      return new Promise((resolve) => waiters.set(index, resolve));
    },
    async close() {
      for (const peer of peers) peer.socket.destroy();
      await Promise.all(peers.map((peer) => peer.closed));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(testServer);
  return testServer;
}

async function startProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const proxy = await startFaultProxy(options);
  proxies.push(proxy);
  return proxy;
}

/** An echo server (or one running `onPeer`) and a proxy in pass mode in front of it. */
async function proxiedServer(
  onPeer?: (peer: Peer, index: number) => void,
): Promise<{ server: TestServer; proxy: FaultProxy }> {
  const server = await startServer(onPeer);
  const proxy = await startProxy({ target: { host: '127.0.0.1', port: server.port } });
  return { server, proxy };
}

/** A client socket to `port`, not waiting for the connection (a refused one may fail before 'connect'). */
function dial(port: number): Peer {
  const peer = new Peer(net.connect({ host: '127.0.0.1', port, noDelay: true }));
  clients.push(peer);
  return peer;
}

/** A connected client socket to `port`. */
async function connect(port: number): Promise<Peer> {
  const peer = dial(port);
  await new Promise<void>((resolve, reject) => {
    peer.socket.once('connect', () => resolve());
    peer.socket.once('close', () => reject(peer.error ?? new Error('closed before connecting')));
  });
  return peer;
}

/**
 * Lets loopback I/O already under way run its course, for asserting that something did NOT happen.
 * Waits on events, not time: round trips over a separate connection, each taking at least two turns of
 * the event loop, while anything the proxy had forwarded would need one turn a hop.
 */
async function settle(roundTrips = 8): Promise<void> {
  const server = await startServer();
  const peer = await connect(server.port);
  for (let i = 0; i < roundTrips; i++) await peer.roundTrip('.');
}

function pattern(bytes: number, seed = 0): Buffer {
  const buffer = Buffer.alloc(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) buffer.writeUInt32BE((i / 4 + seed) >>> 0, i);
  return buffer;
}

const MiB = 1024 * 1024;

/**
 * The receiving side of a cut gets its last bytes and the RST together. libuv then often reports an
 * EOF ('end') instead of ECONNRESET: it reads the data and takes the hang-up that comes with the RST
 * for a FIN. Either way the socket is closed and got nothing past the cut.
 */
function resetOrEof(peer: Peer): string | undefined {
  return peer.error?.code ?? (peer.ended ? 'EOF' : undefined);
}

// ---- tests ----------------------------------------------------------------------------------------------

describe('startFaultProxy', () => {
  it('listens on 127.0.0.1 and forwards to a loopback target', async () => {
    const { proxy } = await proxiedServer();
    expect(proxy.host).toBe('127.0.0.1');
    expect(proxy.port).toBeGreaterThan(0);
    const client = await connect(proxy.port);
    expect(client.socket.remoteAddress).toBe('127.0.0.1');
    await client.roundTrip('hello');
    expect(client.received.toString()).toBe('hello');
    expect(proxy.acceptedCount).toBe(1);
    expect(proxy.connectionCount).toBe(1);
  });

  it('refuses targets that are not loopback addresses', async () => {
    for (const host of [
      '10.0.0.1',
      '0.0.0.0',
      '::',
      '128.0.0.1',
      '192.168.1.10',
      'example.com',
      '::ffff:10.0.0.1',
    ]) {
      await expect(startFaultProxy({ target: { host, port: 5432 } }), host).rejects.toThrow(/loopback/);
    }
    await expect(startFaultProxy({ target: { host: '127.0.0.1', port: 0 } })).rejects.toThrow(RangeError);
    await expect(startFaultProxy({ target: { host: '127.0.0.1', port: 70_000 } })).rejects.toThrow(
      RangeError,
    );
    await expect(startFaultProxy({ target: { host: '127.0.0.1', port: 1 }, listenPort: -1 })).rejects.toThrow(
      RangeError,
    );
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      const proxy = await startProxy({ target: { host, port: 5432 } });
      expect(proxy.port, host).toBeGreaterThan(0);
    }
  });

  it('listens on a given port', async () => {
    const server = await startServer();
    const first = await startProxy({ target: { host: '127.0.0.1', port: server.port } });
    const port = first.port;
    await first.close();
    const proxy = await startProxy({ target: { host: '127.0.0.1', port: server.port }, listenPort: port });
    expect(proxy.port).toBe(port);
    await (await connect(port)).roundTrip('again');
  });

  it('rejects a malformed mode and keeps the current one', async () => {
    const { proxy } = await proxiedServer();
    expect(() => proxy.setMode({ kind: 'delay', ms: -1 })).toThrow(RangeError);
    expect(() => proxy.setMode({ kind: 'cut-after', bytes: 1.5, direction: 'upstream' })).toThrow(RangeError);
    expect(() => proxy.setMode({ kind: 'cut-after', bytes: 1, direction: 'sideways' as 'upstream' })).toThrow(
      TypeError,
    );
    expect(() => proxy.setMode({ kind: 'explode' } as unknown as { kind: 'pass' })).toThrow(TypeError);
    await (await connect(proxy.port)).roundTrip('still passing');
  });
});

describe('pass', () => {
  it('forwards large data both ways in order and passes the FIN on', async () => {
    const { server, proxy } = await proxiedServer();
    const client = await connect(proxy.port);
    const data = pattern(8 * MiB);
    client.socket.end(data);
    await client.receivedAtLeast(data.length);
    await client.closed;
    expect(client.received.equals(data)).toBe(true);
    expect(client.ended).toBe(true);
    expect(client.error).toBeUndefined();
    const upstream = await server.accepted();
    await upstream.closed;
    expect(upstream.length).toBe(data.length);
    expect(upstream.ended).toBe(true);
  });

  it('backpressure upstream: a server that stops reading holds the client back, not the proxy', async () => {
    const { server, proxy } = await proxiedServer((peer, index) =>
      index === 0 ? peer.socket.pause() : echo(peer),
    );
    const client = await connect(proxy.port);
    const upstream = await server.accepted(0);
    const chunks = 256; // 16 MiB in 64 KiB writes, far more than the sockets' buffers hold
    for (let i = 0; i < chunks; i++) client.socket.write(pattern(64 * 1024, i * 16 * 1024));
    // Meanwhile another connection through the same proxy keeps working.
    const other = await connect(proxy.port);
    for (let i = 0; i < 30; i++) await other.roundTrip('x');
    expect(client.socket.writableLength).toBeGreaterThan(0);
    expect(upstream.length).toBe(0);
    upstream.socket.resume();
    await upstream.receivedAtLeast(chunks * 64 * 1024);
    expect(upstream.received.equals(pattern(chunks * 64 * 1024))).toBe(true);
    expect(client.socket.writableLength).toBe(0);
  });

  it('backpressure downstream: a client that stops reading holds the server back, not the proxy', async () => {
    const { server, proxy } = await proxiedServer((peer, index) => (index === 0 ? undefined : echo(peer)));
    const client = await connect(proxy.port);
    client.socket.pause();
    const upstream = await server.accepted(0);
    const chunks = 256;
    for (let i = 0; i < chunks; i++) upstream.socket.write(pattern(64 * 1024, i * 16 * 1024));
    const other = await connect(proxy.port);
    for (let i = 0; i < 30; i++) await other.roundTrip('x');
    expect(upstream.socket.writableLength).toBeGreaterThan(0);
    expect(client.length).toBe(0);
    client.socket.resume();
    await client.receivedAtLeast(chunks * 64 * 1024);
    expect(client.received.equals(pattern(chunks * 64 * 1024))).toBe(true);
  });
});

describe('stall', () => {
  it('holds bytes both ways and the client FIN, then releases them in order on pass', async () => {
    const { server, proxy } = await proxiedServer();
    const client = await connect(proxy.port);
    await client.roundTrip('ping;');
    const upstream = await server.accepted();
    proxy.setMode({ kind: 'stall' });
    await upstream.send('greeting;'); // server to client, held
    for (const part of ['a;', 'b;', 'c;']) await client.send(part); // client to server, held
    client.socket.end(); // the FIN is held too
    await settle();
    expect(upstream.received.toString()).toBe('ping;');
    expect(upstream.ended).toBe(false);
    expect(client.received.toString()).toBe('ping;');
    expect(proxy.connectionCount).toBe(1);
    proxy.setMode({ kind: 'pass' });
    await upstream.closed;
    await client.closed;
    expect(upstream.received.toString()).toBe('ping;a;b;c;');
    expect(upstream.ended).toBe(true);
    expect(client.received.toString()).toBe('ping;greeting;a;b;c;');
    expect(client.ended).toBe(true);
    expect(client.error).toBeUndefined();
  });

  it('accepts and connects new connections but forwards nothing until pass', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'stall' });
    const client = await connect(proxy.port);
    const upstream = await server.accepted();
    await client.send('held');
    await settle();
    expect(upstream.length).toBe(0);
    expect(client.length).toBe(0);
    proxy.setMode({ kind: 'pass' });
    await client.receivedAtLeast(4);
    expect(client.received.toString()).toBe('held');
  });

  it('holds more than the socket buffers take by pausing the sender, then delivers every byte', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'stall' });
    const client = await connect(proxy.port);
    const chunks = 256; // 16 MiB in 64 KiB writes
    for (let i = 0; i < chunks; i++) client.socket.write(pattern(64 * 1024, i * 16 * 1024));
    await settle(30);
    expect((await server.accepted()).length).toBe(0);
    expect(client.socket.writableLength).toBeGreaterThan(0); // the proxy did not read it all into memory
    proxy.setMode({ kind: 'pass' });
    await client.receivedAtLeast(chunks * 64 * 1024);
    expect(client.received.equals(pattern(chunks * 64 * 1024))).toBe(true);
  });
});

describe('blackhole', () => {
  it('accepts connections, never connects upstream, never answers; they stay silent after pass', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'blackhole' });
    const client = await connect(proxy.port);
    await proxy.waitForConnections(1);
    await client.send('anyone there?');
    await settle();
    expect(server.peers).toHaveLength(0);
    expect(client.length).toBe(0);
    expect(proxy.connectionCount).toBe(1);
    proxy.setMode({ kind: 'pass' });
    await client.send('still nobody');
    const later = await connect(proxy.port);
    await later.roundTrip('new connections pass');
    await settle();
    expect(server.peers).toHaveLength(1);
    expect(client.length).toBe(0);
    expect(client.ended).toBe(false);
  });

  it('silences open connections: what either side sends is dropped', async () => {
    const { server, proxy } = await proxiedServer();
    const client = await connect(proxy.port);
    await client.roundTrip('before;');
    const upstream = await server.accepted();
    proxy.setMode({ kind: 'blackhole' });
    await client.send('lost;');
    await upstream.send('lost too;');
    await settle();
    expect(upstream.received.toString()).toBe('before;');
    expect(client.received.toString()).toBe('before;');
  });

  it('drops a connection whose client leaves', async () => {
    const { proxy } = await proxiedServer();
    proxy.setMode({ kind: 'blackhole' });
    const client = await connect(proxy.port);
    await proxy.waitForConnections(1);
    client.socket.end();
    await client.closed;
    expect(proxy.connectionCount).toBe(0);
  });
});

describe('refuse', () => {
  it('resets new connections at once and keeps the open ones', async () => {
    const { server, proxy } = await proxiedServer();
    const open = await connect(proxy.port);
    await open.roundTrip('one;');
    proxy.setMode({ kind: 'refuse' });
    const refused = dial(proxy.port);
    await refused.closed;
    expect(refused.error?.code).toBe('ECONNRESET');
    expect(refused.length).toBe(0);
    expect(proxy.acceptedCount).toBe(2);
    expect(proxy.connectionCount).toBe(1);
    await open.roundTrip('two;');
    expect(server.peers).toHaveLength(1);
    proxy.setMode({ kind: 'pass' });
    await (await connect(proxy.port)).roundTrip('back');
    expect(server.peers).toHaveLength(2);
  });
});

describe('delay', () => {
  it('forwards each chunk after the delay, in both directions', async () => {
    const { proxy } = await proxiedServer();
    const client = await connect(proxy.port);
    await client.roundTrip('warm;'); // the upstream connection is up
    proxy.setMode({ kind: 'delay', ms: 40 });
    const started = performance.now();
    await client.roundTrip('slow;');
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
    expect(client.received.toString()).toBe('warm;slow;');
  });

  it('keeps order across many chunks and across a change back to pass', async () => {
    const { server, proxy } = await proxiedServer();
    const client = await connect(proxy.port);
    const upstream = await server.accepted(); // sees what passes upstream; also echoes it
    proxy.setMode({ kind: 'delay', ms: 25 });
    const parts = Array.from({ length: 50 }, (_, i) => `${i};`);
    for (const part of parts.slice(0, 25)) await client.send(part);
    proxy.setMode({ kind: 'pass' }); // the delayed chunks still go first
    for (const part of parts.slice(25)) await client.send(part);
    const all = parts.join('');
    await client.receivedAtLeast(all.length);
    expect(upstream.received.toString()).toBe(all);
    expect(client.received.toString()).toBe(all);
  });
});

describe('cut-after', () => {
  it('upstream: the server gets exactly N bytes, then both sockets are reset', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'cut-after', bytes: 1000, direction: 'upstream' });
    const client = await connect(proxy.port);
    const upstream = await server.accepted();
    const data = pattern(5000);
    await client.send(data);
    await Promise.all([client.closed, upstream.closed]);
    expect(upstream.received.equals(data.subarray(0, 1000))).toBe(true);
    expect(resetOrEof(upstream)).toMatch(/^(ECONNRESET|EPIPE|EOF)$/); // EPIPE: reset while echoing
    expect(client.error?.code).toBe('ECONNRESET');
    expect(client.length).toBeLessThanOrEqual(1000);
    expect(proxy.connectionCount).toBe(0);
  });

  it('upstream: counts bytes across chunks', async () => {
    const server = await startServer((peer) => peer.socket.resume()); // reads, never answers
    const proxy = await startProxy({ target: { host: '127.0.0.1', port: server.port } });
    proxy.setMode({ kind: 'cut-after', bytes: 1000, direction: 'upstream' });
    const client = await connect(proxy.port);
    const upstream = await server.accepted();
    const data = pattern(1200, 3);
    for (const [start, end] of [
      [0, 400],
      [400, 800],
    ] as const) {
      await client.send(data.subarray(start, end));
      await upstream.receivedAtLeast(end); // one chunk at a time
    }
    await client.send(data.subarray(800));
    await Promise.all([client.closed, upstream.closed]);
    expect(upstream.chunks.map((chunk) => chunk.length)).toEqual([400, 400, 200]);
    expect(upstream.received.equals(data.subarray(0, 1000))).toBe(true);
    expect(resetOrEof(upstream)).toMatch(/^(ECONNRESET|EOF)$/);
    expect(client.error?.code).toBe('ECONNRESET');
  });

  it('downstream: the client gets exactly N bytes, then both sockets are reset', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'cut-after', bytes: 1000, direction: 'downstream' });
    const client = await connect(proxy.port);
    const upstream = await server.accepted();
    const data = pattern(5000, 11);
    await client.send(data);
    await Promise.all([client.closed, upstream.closed]);
    expect(client.received.equals(data.subarray(0, 1000))).toBe(true);
    expect(resetOrEof(client)).toMatch(/^(ECONNRESET|EOF)$/);
    expect(upstream.error?.code).toMatch(/^(ECONNRESET|EPIPE)$/);
    expect(proxy.connectionCount).toBe(0);
  });

  it('exactly N bytes keep the connection up; the next byte resets it without passing', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'cut-after', bytes: 6, direction: 'upstream' });
    const client = await connect(proxy.port);
    await client.roundTrip('hello;'); // 6 bytes: forwarded, and answered
    const upstream = await server.accepted();
    await settle();
    expect(proxy.connectionCount).toBe(1);
    expect(client.socket.closed).toBe(false);
    await client.send('request');
    await Promise.all([client.closed, upstream.closed]);
    expect(upstream.received.toString()).toBe('hello;');
    expect(client.received.toString()).toBe('hello;');
    expect(client.error?.code).toBe('ECONNRESET');
  });

  it('counts from setMode for open connections and from accept for new ones', async () => {
    const { server, proxy } = await proxiedServer();
    const open = await connect(proxy.port);
    await open.roundTrip('before the cut;');
    proxy.setMode({ kind: 'cut-after', bytes: 3, direction: 'downstream' });
    await open.send('world');
    await open.closed;
    expect(open.received.toString()).toBe('before the cut;wor');
    expect(resetOrEof(open)).toMatch(/^(ECONNRESET|EOF)$/);
    const fresh = await connect(proxy.port);
    await fresh.send('abcdef');
    await fresh.closed;
    expect(fresh.received.toString()).toBe('abc');
    expect(resetOrEof(fresh)).toMatch(/^(ECONNRESET|EOF)$/);
    expect(server.peers.map((peer) => peer.error?.code)).toEqual(['ECONNRESET', 'ECONNRESET']);
  });

  it('0 bytes: the first byte in that direction resets the connection', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'cut-after', bytes: 0, direction: 'upstream' });
    const client = await connect(proxy.port);
    const upstream = await server.accepted();
    await client.send('x');
    await Promise.all([client.closed, upstream.closed]);
    expect(upstream.length).toBe(0);
    expect(upstream.error?.code).toBe('ECONNRESET');
    expect(client.error?.code).toBe('ECONNRESET');
  });
});

describe('resetAll', () => {
  it('resets every proxied connection and keeps accepting new ones', async () => {
    const { server, proxy } = await proxiedServer();
    const a = await connect(proxy.port);
    const b = await connect(proxy.port);
    await a.roundTrip('a');
    await b.roundTrip('b');
    expect(proxy.connectionCount).toBe(2);
    proxy.resetAll();
    expect(proxy.connectionCount).toBe(0);
    await Promise.all([a.closed, b.closed, ...server.peers.map((peer) => peer.closed)]);
    expect([a.error?.code, b.error?.code]).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(server.peers.map((peer) => peer.error?.code)).toEqual(['ECONNRESET', 'ECONNRESET']);
    await (await connect(proxy.port)).roundTrip('c');
    expect(proxy.acceptedCount).toBe(3);
  });

  it('also drops bytes held by a stall', async () => {
    const { server, proxy } = await proxiedServer();
    proxy.setMode({ kind: 'stall' });
    const client = await connect(proxy.port);
    const upstream = await server.accepted();
    await client.send('held');
    proxy.resetAll();
    await Promise.all([client.closed, upstream.closed]);
    proxy.setMode({ kind: 'pass' });
    expect(upstream.length).toBe(0);
    expect(client.error?.code).toBe('ECONNRESET');
  });
});

describe('retarget', () => {
  it('sends new connections to another server; open ones keep theirs', async () => {
    const first = await startServer();
    const proxy = await startProxy({ target: { host: '127.0.0.1', port: first.port } });
    const early = await connect(proxy.port);
    await early.roundTrip('early;');
    const second = await startServer();
    proxy.retarget({ host: 'localhost', port: second.port });
    const late = await connect(proxy.port);
    await late.roundTrip('late;');
    await early.roundTrip('early again;');
    expect(first.peers.map((peer) => peer.received.toString())).toEqual(['early;early again;']);
    expect(second.peers.map((peer) => peer.received.toString())).toEqual(['late;']);
  });

  it('a restart: a down target resets clients until the proxy points at the new server', async () => {
    const before = await startServer();
    const proxy = await startProxy({ target: { host: '127.0.0.1', port: before.port } });
    const client = await connect(proxy.port);
    await client.roundTrip('hi');
    await before.close(); // the server dies, with its connections
    await client.closed;
    expect(client.ended || client.error !== undefined).toBe(true);
    const meanwhile = dial(proxy.port); // accepted, then reset: the target refuses
    await meanwhile.closed;
    expect(meanwhile.error?.code).toBe('ECONNRESET');
    const after = await startServer();
    proxy.retarget({ host: '127.0.0.1', port: after.port });
    await (await connect(proxy.port)).roundTrip('welcome back');
  });

  it('refuses a target that is not loopback and keeps the old one', async () => {
    const { server, proxy } = await proxiedServer();
    expect(() => proxy.retarget({ host: '203.0.113.7', port: server.port })).toThrow(/loopback/);
    expect(() => proxy.retarget({ host: '127.0.0.1', port: -5 })).toThrow(RangeError);
    await (await connect(proxy.port)).roundTrip('same server');
    expect(server.peers).toHaveLength(1);
  });
});

describe('waitForConnections', () => {
  it('resolves once that many connections were accepted', async () => {
    const { proxy } = await proxiedServer();
    await proxy.waitForConnections(0);
    let two = false;
    const waitingForTwo = proxy.waitForConnections(2).then(() => {
      two = true;
    });
    const first = dial(proxy.port);
    await proxy.waitForConnections(1);
    expect(two).toBe(false);
    dial(proxy.port);
    await waitingForTwo;
    expect(proxy.acceptedCount).toBe(2);
    await proxy.waitForConnections(1); // already reached
    expect(first.socket.destroyed).toBe(false);
  });

  it('counts refused connections', async () => {
    const { proxy } = await proxiedServer();
    proxy.setMode({ kind: 'refuse' });
    const waiting = proxy.waitForConnections(1);
    dial(proxy.port);
    await waiting;
    expect(proxy.connectionCount).toBe(0);
  });

  it('rejects with the reason of an abort signal', async () => {
    const { proxy } = await proxiedServer();
    const controller = new AbortController();
    const waiting = proxy.waitForConnections(1, { signal: controller.signal });
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(proxy.waitForConnections(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(proxy.waitForConnections(-1)).rejects.toThrow(RangeError);
  });

  it('rejects when the proxy closes first', async () => {
    const { proxy } = await proxiedServer();
    const waiting = proxy.waitForConnections(1);
    await proxy.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(proxy.waitForConnections(1)).rejects.toThrow(/closed/);
  });
});

describe('close', () => {
  it('closes the listener and every socket with connections open, and resolves after all closed', async () => {
    const { server, proxy } = await proxiedServer();
    const passing = await connect(proxy.port);
    await passing.roundTrip('open');
    proxy.setMode({ kind: 'stall' });
    const stalled = await connect(proxy.port);
    await stalled.send('held');
    await server.accepted(1); // connected upstream, though nothing moves
    const port = proxy.port;
    const closing = proxy.close();
    expect(proxy.close()).toBe(closing);
    await closing;
    expect(proxy.connectionCount).toBe(0);
    await Promise.all([passing.closed, stalled.closed, ...server.peers.map((peer) => peer.closed)]);
    expect([passing.error?.code, stalled.error?.code]).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(server.peers).toHaveLength(2);
    const late = dial(port);
    await late.closed;
    expect(late.error?.code).toBe('ECONNREFUSED');
  });

  it('await using closes the proxy', async () => {
    const server = await startServer();
    let port = 0;
    {
      await using proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: server.port } });
      port = proxy.port;
      await (await connect(port)).roundTrip('scoped');
    }
    const late = dial(port);
    await late.closed;
    expect(late.error?.code).toBe('ECONNREFUSED');
  });
});
