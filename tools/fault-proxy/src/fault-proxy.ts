import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { checkedMode, type FaultMode } from './fault-mode.js';
import { assertListenPort, loopbackTarget, type Target } from './loopback.js';
import { type ConnectionHost, ProxiedConnection } from './proxied-connection.js';

/** Where a fault proxy listens and what it forwards to. */
export interface FaultProxyOptions {
  /** The server to forward to. Must be on loopback (127.0.0.0/8, ::1 or localhost). */
  target: { host: string; port: number };
  /** Port to listen on at 127.0.0.1; 0 (the default) picks a free one. */
  listenPort?: number | undefined;
}

/** A running fault proxy. `await using proxy = await startFaultProxy(...)` closes it. */
export interface FaultProxy extends AsyncDisposable {
  /** The port it listens on, at 127.0.0.1. */
  readonly port: number;
  readonly host: '127.0.0.1';
  /** Changes what happens to traffic, for the connections already open and the ones to come. */
  setMode(mode: FaultMode): void;
  /** Resets every proxied connection now: both sockets get a TCP RST. New connections are still accepted. */
  resetAll(): void;
  /** Client connections open now: refused ones never count, reset ones stop counting at once. */
  readonly connectionCount: number;
  /** Client connections accepted so far, refused ones included. */
  readonly acceptedCount: number;
  /**
   * Resolves once `acceptedCount >= n`. Rejects with the signal's reason on abort, and with an Error
   * when the proxy closes first.
   */
  waitForConnections(n: number, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  /** Sends connections accepted from now on to another loopback server; open ones keep theirs. */
  retarget(target: { host: string; port: number }): void;
  /** Stops listening, resets every socket, and resolves once all of them (and the listener) closed. */
  close(): Promise<void>;
}

interface Waiter {
  readonly n: number;
  resolve(): void;
  reject(reason: unknown): void;
}

class LoopbackFaultProxy implements FaultProxy, ConnectionHost {
  readonly host = '127.0.0.1' as const;
  port = 0;
  acceptedCount = 0;
  mode: FaultMode = Object.freeze({ kind: 'pass' });
  private target: Target;
  private readonly server: Server;
  /** Connections that count as open. */
  private readonly open = new Set<ProxiedConnection>();
  /** Every connection until all of its sockets closed. */
  private readonly all = new Set<ProxiedConnection>();
  /** 'close' of refused sockets not yet seen. */
  private readonly refusals = new Set<Promise<void>>();
  private readonly waiters = new Set<Waiter>();
  private closing: Promise<void> | undefined;

  constructor(target: Target) {
    this.target = target;
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
  }

  get connectionCount(): number {
    return this.open.size;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  setMode(mode: FaultMode): void {
    this.mode = checkedMode(mode);
    for (const connection of this.all) connection.applyMode(this.mode);
  }

  resetAll(): void {
    for (const connection of this.all) connection.reset();
  }

  retarget(target: { host: string; port: number }): void {
    this.target = loopbackTarget(target);
  }

  waitForConnections(n: number, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    if (!Number.isSafeInteger(n) || n < 0) {
      return Promise.reject(new RangeError(`n must be an integer >= 0, got ${String(n)}`));
    }
    if (this.acceptedCount >= n) return Promise.resolve();
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closing !== undefined) return Promise.reject(this.closedBefore(n));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        n,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (reason) => {
          signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  detach(connection: ProxiedConnection): void {
    this.open.delete(connection);
  }

  private accept(client: Socket): void {
    this.acceptedCount += 1;
    if (this.closing !== undefined || this.mode.kind === 'refuse') {
      client.on('error', () => {});
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      this.refusals.add(closed);
      void closed.then(() => this.refusals.delete(closed));
      client.resetAndDestroy();
    } else {
      const connection = new ProxiedConnection(client, this.target, this);
      this.open.add(connection);
      this.all.add(connection);
      void connection.closed.then(() => this.all.delete(connection));
    }
    for (const waiter of this.waiters) {
      if (this.acceptedCount < waiter.n) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  private closedBefore(n: number): Error {
    return new Error(`fault proxy closed after ${this.acceptedCount} of ${n} awaited connections`);
  }

  private async shutdown(): Promise<void> {
    const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const waiter of this.waiters) waiter.reject(this.closedBefore(waiter.n));
    this.waiters.clear();
    const connections = [...this.all];
    for (const connection of connections) connection.reset();
    await Promise.all([listenerClosed, ...connections.map((c) => c.closed), ...this.refusals]);
  }
}

/**
 * Starts a fault proxy on 127.0.0.1 that forwards to `options.target` (a loopback server) in `pass`
 * mode. Rejects when the target is not a loopback address or a port is out of range.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = loopbackTarget(options.target);
  const listenPort = options.listenPort ?? 0;
  assertListenPort(listenPort);
  const proxy = new LoopbackFaultProxy(target);
  await proxy.listen(listenPort);
  return proxy;
}
