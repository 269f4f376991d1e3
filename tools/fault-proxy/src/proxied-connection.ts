import net, { type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FaultMode } from './fault-mode.js';
import type { Target } from './loopback.js';

/** A lane pauses its source once this many bytes wait in the proxy, and resumes it at half. */
const HIGH_WATER_BYTES = 64 * 1024;

/** What a source delivered, in order: bytes, its FIN, or its death (reset, error). */
type Item =
  | { readonly kind: 'data'; readonly chunk: Buffer; readonly releaseAt: number }
  | { readonly kind: 'end'; readonly releaseAt: number }
  | { readonly kind: 'reset'; readonly releaseAt: number };

/** One direction of a connection: what the proxy holds for it, and what holds it back. */
class Lane {
  readonly queue: Item[] = [];
  queuedBytes = 0;
  waitingForDrain = false;
  timer: NodeJS.Timeout | undefined = undefined;
  /** `cut-after`: how many more bytes this lane may forward; undefined when there is no limit. */
  budget: number | undefined = undefined;
  source: Socket | undefined = undefined;
  sink: Socket | undefined = undefined;

  clear(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** What a connection needs from its proxy. */
export interface ConnectionHost {
  /** The mode in force now. */
  readonly mode: FaultMode;
  /** The connection no longer counts as open: its client socket closed, or the proxy dropped it. */
  detach(connection: ProxiedConnection): void;
}

function onceClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Ends a socket with a TCP RST where it can (a socket still connecting is just destroyed). */
function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

/** One accepted client socket, its upstream socket (unless blackholed at accept), and the two lanes. */
export class ProxiedConnection {
  /** Resolves once every socket of this connection has emitted 'close'. */
  readonly closed: Promise<void>;
  private readonly client: Socket;
  private readonly upstream: Socket | undefined;
  private readonly up = new Lane();
  private readonly down = new Lane();
  /** Blackholed: everything is read and dropped, for good. */
  private silent = false;
  /** A cut is writing its last bytes; nothing else moves. */
  private cutting = false;
  /** Torn down by the proxy. */
  private finished = false;

  constructor(
    client: Socket,
    target: Target,
    private readonly host: ConnectionHost,
  ) {
    this.client = client;
    const closes = [onceClosed(client)];
    client.once('close', () => host.detach(this));
    client.setNoDelay(true);
    this.up.source = client;
    this.down.sink = client;
    this.watch(client, this.up);
    if (host.mode.kind === 'blackhole') {
      this.silent = true;
    } else {
      const upstream = net.connect({
        host: target.host,
        port: target.port,
        allowHalfOpen: true,
        noDelay: true,
      });
      this.upstream = upstream;
      closes.push(onceClosed(upstream));
      this.up.sink = upstream;
      this.down.source = upstream;
      this.watch(upstream, this.down);
    }
    // Once every socket is gone nothing can move: drop what is held and any delay timer with it.
    this.closed = Promise.all(closes).then(() => {
      this.up.clear();
      this.down.clear();
    });
    this.applyMode(host.mode);
  }

  /** Applies a new mode to this connection (new budgets, blackholing, releasing held bytes). */
  applyMode(mode: FaultMode): void {
    if (this.finished || this.silent) return;
    if (mode.kind === 'blackhole') {
      this.silent = true;
      for (const lane of [this.up, this.down]) {
        lane.clear();
        lane.source?.resume(); // keep reading, to drop what comes
      }
      return;
    }
    const cut = mode.kind === 'cut-after' ? mode : undefined;
    this.up.budget = cut?.direction === 'upstream' ? cut.bytes : undefined;
    this.down.budget = cut?.direction === 'downstream' ? cut.bytes : undefined;
    this.pump(this.up);
    this.pump(this.down);
  }

  /** Resets both sockets now (RST where possible) and drops whatever is held. Idempotent. */
  reset(): void {
    this.teardown(resetSocket);
  }

  private teardown(end: (socket: Socket) => void): void {
    if (this.finished) return;
    this.finished = true;
    this.up.clear();
    this.down.clear();
    end(this.client);
    if (this.upstream !== undefined) end(this.upstream);
    this.host.detach(this);
  }

  private watch(socket: Socket, lane: Lane): void {
    socket.on('data', (chunk: Buffer) =>
      this.receive(lane, { kind: 'data', chunk, releaseAt: this.stamp() }),
    );
    socket.on('end', () => this.receive(lane, { kind: 'end', releaseAt: this.stamp() }));
    socket.on('error', () => this.receive(lane, { kind: 'reset', releaseAt: this.stamp() }));
  }

  /** When an item arriving now may leave. */
  private stamp(): number {
    const mode = this.host.mode;
    return mode.kind === 'delay' ? performance.now() + mode.ms : 0;
  }

  private receive(lane: Lane, item: Item): void {
    if (this.finished) return;
    if (this.silent) {
      // A blackhole answers nothing, but a client that leaves takes its connection with it.
      if (lane === this.up && item.kind !== 'data') this.teardown((socket) => socket.destroy());
      return;
    }
    lane.queue.push(item);
    if (item.kind === 'data') {
      lane.queuedBytes += item.chunk.length;
      if (lane.queuedBytes > HIGH_WATER_BYTES) lane.source?.pause();
    }
    this.pump(lane);
  }

  /** Forwards what the mode lets through, in order, as fast as the sink takes it. */
  private pump(lane: Lane): void {
    if (this.finished || this.silent || this.cutting || lane.timer !== undefined || lane.waitingForDrain)
      return;
    const sink = lane.sink;
    if (sink === undefined) return;
    while (lane.queue.length > 0 && this.host.mode.kind !== 'stall') {
      const item = lane.queue[0]!;
      const wait = item.releaseAt - performance.now();
      if (wait > 0) {
        lane.timer = setTimeout(() => {
          lane.timer = undefined;
          this.pump(lane);
        }, Math.ceil(wait));
        break;
      }
      lane.queue.shift();
      if (item.kind === 'reset') {
        this.reset();
        return;
      }
      if (item.kind === 'end') {
        if (!sink.destroyed && !sink.writableEnded) sink.end();
        continue;
      }
      lane.queuedBytes -= item.chunk.length;
      if (lane.budget !== undefined) {
        if (item.chunk.length > lane.budget) {
          this.cut(sink, item.chunk.subarray(0, lane.budget));
          return;
        }
        lane.budget -= item.chunk.length;
      }
      if (sink.destroyed) continue;
      if (!sink.write(item.chunk)) {
        lane.waitingForDrain = true;
        sink.once('drain', () => {
          lane.waitingForDrain = false;
          this.pump(lane);
        });
        break;
      }
    }
    if (lane.queuedBytes <= HIGH_WATER_BYTES / 2 && lane.source?.isPaused()) lane.source.resume();
  }

  /** Writes the last bytes the budget allows, then resets both sockets once they are handed to the kernel. */
  private cut(sink: Socket, last: Buffer): void {
    this.cutting = true;
    if (last.length === 0 || sink.destroyed) this.reset();
    else sink.write(last, () => this.reset());
  }
}
