/**
 * A test server (real DuckDB engine) and an `E6DataClient` on it, for the client's integration
 * tests. The client binds strings with backslashes and bytes the way DuckDB reads them.
 */
import { E6DataClient } from '../../src/client.js';
import type { E6DataClientOptions } from '../../src/options.js';
import {
  createDuckDBEngine,
  type E6DataTestServer,
  type E6DataTestServerOptions,
  startE6DataTestServer,
  type TestEngine,
} from '../../src/testing/index.js';

/** The parameter modes DuckDB needs (standard strings, `from_hex` for bytes). */
export const DUCKDB_PARAMS = { stringEscape: 'standard', bytes: 'from-hex' } as const;

export interface ClientAndServer extends AsyncDisposable {
  readonly server: E6DataTestServer;
  readonly client: E6DataClient;
  /** Another client of the same server (closed with the rest). */
  newClient(overrides?: Partial<E6DataClientOptions>): E6DataClient;
  /** Closes every client, then the server (and the engine made here). */
  close(): Promise<void>;
}

/** Starts a server (with `engine` or a DuckDB engine of `batchRows`) and a client from its URL. */
export async function startClientAndServer(
  options: {
    readonly batchRows?: number;
    readonly engine?: TestEngine;
    readonly server?: Omit<E6DataTestServerOptions, 'engine'>;
    readonly client?: Partial<E6DataClientOptions>;
  } = {},
): Promise<ClientAndServer> {
  const engine =
    options.engine ??
    (options.batchRows === undefined
      ? undefined
      : await createDuckDBEngine({ batchRows: options.batchRows }));
  const server = await startE6DataTestServer({ ...options.server, engine });
  const clients: E6DataClient[] = [];
  const newClient = (overrides: Partial<E6DataClientOptions> = {}): E6DataClient => {
    const client = E6DataClient.fromUrl(server.url, {
      params: DUCKDB_PARAMS,
      ...options.client,
      ...overrides,
    });
    clients.push(client);
    return client;
  };
  const client = newClient();
  const close = async (): Promise<void> => {
    for (const each of clients) await each.close();
    await server.close();
    // A given engine belongs to the caller; one made here is closed here.
    if (options.engine === undefined && engine !== undefined) await engine.close();
  };
  return { server, client, newClient, close, [Symbol.asyncDispose]: close };
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
