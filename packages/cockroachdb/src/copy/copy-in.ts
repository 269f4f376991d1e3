import { abortReason } from '@conn/core';
import type pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import type { CockroachConnection } from '../connection.js';
import { withCopyRow } from './copy-statements.js';
import { nextReadyForQuery, settleStopped } from './session-idle.js';

type Chunk = string | Uint8Array;

/**
 * Runs `COPY … FROM STDIN` on a session to itself, writing `chunks` one at a time: the next chunk
 * is pulled from the source only after the previous one went into the socket (backpressure), so
 * the input is never buffered whole. Resolves with the server's row count.
 *
 * Stopping (abort, a failing source) sends a CancelRequest and then CopyFail, and waits for the
 * session's ReadyForQuery so it is idle again; a COPY that completed anyway is reported as done.
 */
export function copyIn(
  connection: CockroachConnection,
  text: string,
  chunks: AsyncIterable<Chunk> | Iterable<Chunk>,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (signal?.aborted) return Promise.reject(abortReason(signal, 'copyFrom'));
  return connection.runAlone((client) => runCopyIn(connection, client, text, chunks, signal));
}

async function runCopyIn(
  connection: CockroachConnection,
  client: pg.Client,
  text: string,
  chunks: AsyncIterable<Chunk> | Iterable<Chunk>,
  signal: AbortSignal | undefined,
): Promise<number> {
  const idle = nextReadyForQuery(client);
  const stream = copyFromStream(text);
  let serverFailed = false;
  const outcome = new Promise<number>((resolve, reject) => {
    stream.once('finish', () => resolve(stream.rowCount));
    stream.on('error', (error) => {
      serverFailed = true;
      reject(error);
    });
  });
  outcome.catch(() => {});
  let stopping: Promise<void> | undefined;
  let ended = false;
  let sourceError: { error: unknown } | undefined;
  // Each wait gets its own interruption promise: racing every step against one long-lived promise
  // would keep every chunk reachable (through the race's resolvers) until the COPY ends.
  let halted = false;
  let interrupt: (() => void) | undefined;
  const interruption = (): Promise<undefined> =>
    new Promise((resolve) => {
      interrupt = () => resolve(undefined);
    });
  const stopped = (): void => {
    halted = true;
    interrupt?.();
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped();
      // The cancel is delivered before CopyFail: it interrupts a server busy with rows already sent,
      // and cannot land on a later statement (the server drops a cancel that finds it idle).
      await connection.cancel();
      if (!ended && !serverFailed) stream.destroy();
    })();
    return stopping;
  };
  const onAbort = (): void => void stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  client.query(stream);
  const pump = async (): Promise<void> => {
    const iterator = iteratorOf(chunks);
    let finished = false;
    try {
      for (;;) {
        if (halted) return;
        const step = await Promise.race([iterator.next(), interruption()]);
        interrupt = undefined;
        if (step === undefined || halted) return;
        if (step.done === true) {
          finished = true;
          break;
        }
        const written = new Promise<void>((resolve) => stream.write(step.value, () => resolve()));
        await Promise.race([written, interruption()]);
        interrupt = undefined;
        if (halted || serverFailed) return;
      }
      ended = true;
      stream.end();
    } catch (error) {
      finished = true;
      sourceError = { error };
      await stop();
    } finally {
      // Closes the caller's generator when the COPY stopped before it was used up.
      if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {});
    }
  };
  const pumping = pump();
  try {
    const rowCount = await outcome;
    return rowCount;
  } catch (error) {
    stopped();
    await settleStopped(connection, idle);
    if (sourceError !== undefined) throw sourceError.error;
    if (stopping !== undefined && signal?.aborted) throw abortReason(signal, 'copyFrom');
    const where = (error as { where?: string }).where;
    throw withCopyRow(connection.driverError(error), where);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stopped();
    await pumping;
    await stopping;
  }
}

function iteratorOf<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  return source[Symbol.iterator]();
}
