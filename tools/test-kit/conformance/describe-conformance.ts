// The driver contract (docs/driver-contract.md), checked against one driver and its own test server.
// A driver's test file calls describeConformance(adapter) once; every check below then runs in its
// `npm test`.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConformanceAdapter, ConformanceClient, ConformanceServer, ConnError } from './adapter.js';
import { runChildScript } from './child-script.js';
import { refusingPort, startSilentPeer } from './peers.js';
import { watchChannels } from './watch-channels.js';

/** Returns a function giving the error a promise rejects with; it fails the test when it resolves. */
function failureCatcher(
  isConnError: (value: unknown) => value is ConnError,
): (promise: Promise<unknown>) => Promise<ConnError> {
  return async (promise) => {
    try {
      await promise;
    } catch (error) {
      expect(isConnError(error), `not a ConnError: ${String(error)}`).toBe(true);
      return error as ConnError;
    }
    throw new Error('expected the call to fail');
  };
}

/** Call options as an untyped caller may pass them. */
type CallOptionsOfAnyShape = { readonly signal?: unknown; readonly timeoutMs?: unknown };

/** Everything a user can see of an error, as text. */
function visibleText(error: unknown): string {
  return `${String(error)}\n${JSON.stringify(error)}\n${inspect(error, { depth: 8 })}`;
}

export function describeConformance<C extends ConformanceClient, S extends ConformanceServer>(
  adapter: ConformanceAdapter<C, S>,
): void {
  const { AbortError, AuthenticationError, ClientClosedError, TimeoutError, isConnError } = adapter.errors;
  const failureOf = failureCatcher(isConnError);
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const server = async (): Promise<S> => {
    const started = await adapter.startServer();
    cleanups.push(() => started.close());
    return started;
  };
  const client = (url: string): C => {
    const created = adapter.client(url);
    cleanups.push(() => created.close({ timeoutMs: 0 }));
    return created;
  };
  const silentPeer = async () => {
    const peer = await startSilentPeer();
    cleanups.push(() => peer.close());
    return peer;
  };

  describe(`driver contract: ${adapter.moduleName}`, () => {
    it('every call after close() fails with ClientClosedError (CONN_CLIENT_CLOSED)', async () => {
      const target = await server();
      const db = client(target.url);
      await adapter.read(db, {});
      await db.close();
      for (const call of [adapter.read(db, {}), adapter.write(db, {}), db.ping(), db.connect()]) {
        const error = await failureOf(call);
        expect(error).toBeInstanceOf(ClientClosedError);
        expect(error.code).toBe('CONN_CLIENT_CLOSED');
      }
    });

    it('one deadline covers the whole call, connect and handshake included', async () => {
      const peer = await silentPeer();
      const target = await server();
      const db = client(adapter.withAddress(target.url, '127.0.0.1', peer.port));
      const error = await failureOf(adapter.read(db, { timeoutMs: 300 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.code).toBe('CONN_TIMEOUT');
      expect(error.details['timeoutMs']).toBe(300);
    });

    it.skipIf(adapter.occupyPool === undefined)(
      'one deadline covers the wait for a pooled connection (TimeoutError, not a pool timeout)',
      async () => {
        const target = await server();
        const db = client(target.url);
        const release = await (adapter.occupyPool as NonNullable<typeof adapter.occupyPool>)(db);
        try {
          const error = await failureOf(adapter.read(db, { timeoutMs: 300 }));
          expect(error).toBeInstanceOf(TimeoutError);
          expect(error.code).toBe('CONN_TIMEOUT');
        } finally {
          await release();
        }
        await adapter.read(db, { timeoutMs: 5_000 });
      },
    );
    if (adapter.occupyPool === undefined) {
      console.log(
        `${adapter.moduleName}: the pool-wait check is skipped: every call shares multiplexed connections, so no call waits for the pool`,
      );
    }

    it('call options that are not what they claim fail with ConfigError (CONN_CONFIG), never a TypeError or a hang', async () => {
      const target = await server();
      const db = client(target.url);
      // Plain JavaScript callers can pass anything where the types say AbortSignal or milliseconds.
      const bad: CallOptionsOfAnyShape[] = [
        { signal: {} },
        { signal: 'stop' },
        { timeoutMs: -1 },
        { timeoutMs: Number.NaN },
      ];
      for (const options of bad) {
        for (const call of [adapter.read(db, options as never), adapter.write(db, options as never)]) {
          const error = await failureOf(call);
          expect(error.code, `options ${inspect(options)}`).toBe('CONN_CONFIG');
        }
      }
    });

    it("an AbortSignal ends a call in flight with AbortError carrying the signal's reason", async () => {
      const target = await server();
      const db = client(target.url);
      await db.connect();
      adapter.stallRequests(target);
      const controller = new AbortController();
      const pending = failureOf(adapter.read(db, { signal: controller.signal, timeoutMs: 30_000 }));
      await adapter.requestHeld(target);
      const why = new Error('the user went away');
      controller.abort(why);
      const error = await pending;
      expect(error).toBeInstanceOf(AbortError);
      expect(error.cause).toBe(why);
      target.clearFaults();
    });

    it('a timeout or abort of a write already sent says it may have executed', async () => {
      const target = await server();
      const db = client(target.url);
      await db.connect();
      adapter.stallRequests(target);
      const timedOut = await failureOf(adapter.write(db, { timeoutMs: 300 }));
      expect(timedOut).toBeInstanceOf(TimeoutError);
      expect(timedOut.details['mayHaveExecuted']).toBe(true);
      expect(timedOut.retryable).toBe(false);

      const controller = new AbortController();
      const pending = failureOf(adapter.write(db, { signal: controller.signal, timeoutMs: 30_000 }));
      await adapter.requestHeld(target);
      controller.abort();
      const aborted = await pending;
      expect(aborted).toBeInstanceOf(AbortError);
      expect(aborted.details['mayHaveExecuted']).toBe(true);
      expect(aborted.retryable).toBe(false);
      target.clearFaults();
    });

    it("wrong credentials fail at once with the driver's authentication error, and no secret shows", async () => {
      const target = await server();
      const wrong = `wrong-${Math.random().toString(36).slice(2)}-pw`;
      const db = client(adapter.withPassword(target.url, wrong));
      // Had the call waited for its deadline, this would be a TimeoutError (test timeout is 20 s).
      const error = await failureOf(adapter.read(db, { timeoutMs: 60_000 }));
      expect(error).toBeInstanceOf(adapter.authenticationError);
      expect(error).toBeInstanceOf(AuthenticationError);
      const connectError = await failureOf(db.connect({ timeoutMs: 60_000 }));
      expect(connectError).toBeInstanceOf(AuthenticationError);
      for (const shown of [visibleText(error), visibleText(connectError), inspect(db, { depth: 8 })]) {
        expect(shown).not.toContain(wrong);
      }
    });

    it('no password appears in inspect(client), JSON or any published event', async () => {
      const target = await server();
      const secret = `s3cret-${Math.random().toString(36).slice(2)}`;
      const url = adapter.withPassword(target.url, secret);
      const db = client(url);
      expect(inspect(db, { depth: 8 })).not.toContain(secret);
      expect(JSON.stringify(db) ?? '').not.toContain(secret);
      using watched = watchChannels(adapter.packageName, adapter.operations, adapter.eventChannels);
      await adapter.read(db, {}).catch((error: unknown) => {
        expect(visibleText(error)).not.toContain(secret);
      });
      expect(watched.text()).not.toContain(secret);
    });

    it('a statement that sets a password never shows it on any channel or in its error', async () => {
      const target = await server();
      const db = client(target.url);
      await db.connect();
      const secret = `n3w-${Math.random().toString(36).slice(2)}`;
      using watched = watchChannels(adapter.packageName, adapter.operations, adapter.eventChannels);
      await adapter.setPassword(db, secret, {}).catch((error: unknown) => {
        expect(visibleText(error)).not.toContain(secret);
      });
      expect(watched.count()).toBeGreaterThan(0);
      expect(watched.text()).not.toContain(secret);
    });

    it('publishes each call on its tracing channel with the documented payload', async () => {
      const target = await server();
      const db = client(target.url);
      await db.connect();
      using watched = watchChannels(adapter.packageName, [adapter.readOperation], []);
      await adapter.read(db, {});
      const names = watched.messages().map((message) => message.channel);
      const prefix = `tracing:conn:${adapter.packageName}:${adapter.readOperation}`;
      expect(names).toEqual([
        `${prefix}:start`,
        `${prefix}:end`,
        `${prefix}:asyncStart`,
        `${prefix}:asyncEnd`,
      ]);
      const payload = watched.messages().at(-1)?.payload as Record<string, unknown>;
      expect(Object.keys(payload).sort()).toEqual(
        ['durationMs', 'error', 'host', 'operation', 'package', 'port', 'statement'].sort(),
      );
      expect(payload).toMatchObject({
        package: adapter.packageName,
        operation: adapter.readOperation,
        host: target.host,
        port: target.port,
        error: undefined,
      });
      expect(typeof payload['durationMs']).toBe('number');
    });

    it('close() returns promptly while a handshake waits on a silent peer', async () => {
      const peer = await silentPeer();
      const target = await server();
      const db = adapter.client(adapter.withAddress(target.url, '127.0.0.1', peer.port));
      const pending = adapter.read(db, { timeoutMs: 30_000 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      await peer.connected();
      const started = performance.now();
      await db.close();
      // A close that waited for the handshake would take the connect timeout (10 s by default).
      expect(performance.now() - started).toBeLessThan(500);
      expect(isConnError(await pending)).toBe(true);
    });

    for (const kind of ['esm', 'cjs'] as const) {
      const script = (call: string): string =>
        kind === 'esm'
          ? `import { ${adapter.clientExport} as Client } from '${adapter.moduleName}';\nconst client = Client.fromUrl(process.argv[2]);\n${call}\n`
          : `const { ${adapter.clientExport}: Client } = require('${adapter.moduleName}');\n(async () => {\n  const client = Client.fromUrl(process.argv[2]);\n  ${call}\n})();\n`;

      it(`${kind}: a script whose only work is a call to a silent peer gets its TimeoutError and exits 1`, async () => {
        const peer = await silentPeer();
        const target = await server();
        const outcome = await runChildScript({
          kind,
          cwd: adapter.packageDir,
          source: script(`await ${adapter.readSource('{ timeoutMs: 300 }')};`),
          args: [adapter.withAddress(target.url, '127.0.0.1', peer.port)],
          killAfterMs: 15_000,
        });
        expect(outcome.killed).toBe(false);
        expect(outcome.code, outcome.stderr).toBe(1);
        expect(outcome.stderr).toContain('TimeoutError');
      });

      it(`${kind}: a script whose only work is a call to a refusing host gets a typed error and exits 1`, async () => {
        const port = await refusingPort();
        const target = await server();
        const outcome = await runChildScript({
          kind,
          cwd: adapter.packageDir,
          source: script(`await ${adapter.readSource('{ timeoutMs: 300 }')};`),
          args: [adapter.withAddress(target.url, '127.0.0.1', port)],
          killAfterMs: 15_000,
        });
        expect(outcome.killed).toBe(false);
        expect(outcome.code, outcome.stderr).toBe(1);
        expect(outcome.stderr).toMatch(/TimeoutError|ConnectionError/);
      });

      it(`${kind}: after close() nothing is left and the process exits by itself`, async () => {
        const target = await server();
        const outcome = await runChildScript({
          kind,
          cwd: adapter.packageDir,
          source: script(
            `await ${adapter.readSource('{ timeoutMs: 10000 }')};\n  await client.close();\n  console.log('closed');`,
          ),
          args: [target.url],
          killAfterMs: 15_000,
        });
        expect(outcome.killed).toBe(false);
        expect(outcome.code, outcome.stderr).toBe(0);
        expect(outcome.stdout).toContain('closed');
      });
    }
  });
}
