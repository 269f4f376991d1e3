import { createServer, type Server, type Socket } from 'node:net';
import { CockroachSession } from './session.js';
import { type InjectErrorRule, type KillConnectionRule, RuleList } from './statement-rules.js';

/** Options of {@link startCockroachTestServer}. */
export interface CockroachTestServerOptions {
  /** The real PostgreSQL to relay to. */
  readonly upstream: { readonly host: string; readonly port: number };
  /** The `crdb_version` sent at startup. Default: a CockroachDB v26.2.0 version string. */
  readonly crdbVersion?: string | undefined;
  /** Port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number | undefined;
}

/** A session seen by the server. */
export interface CockroachTestSession {
  readonly id: number;
  /** The PostgreSQL backend's process id (from BackendKeyData). */
  readonly backendPid: number | undefined;
  /** The client's startup parameters, CockroachDB-only ones (`results_buffer_size`) included. */
  readonly startupParameters: Readonly<Record<string, string>>;
  readonly open: boolean;
}

/** A running CockroachDB behaviour server. */
export interface CockroachTestServer extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Statement texts in arrival order: of one session, or of all sessions. */
  statements(sessionId?: number): readonly string[];
  /** Every session so far, in connection order. */
  readonly sessions: readonly CockroachTestSession[];
  /** Answers the next matching statement(s) with an error (see {@link InjectErrorRule}). */
  injectError(rule: InjectErrorRule): void;
  /** Cuts the client connection at the next matching statement(s). */
  killConnectionOn(rule: KillConnectionRule): void;
  /** Forgets the rules not used yet. */
  clearRules(): void;
  /** Closes the listener and every session; idempotent. */
  close(): Promise<void>;
}

const DEFAULT_CRDB_VERSION =
  'CockroachDB CCL v26.2.0 (x86_64-pc-linux-gnu, built 2026/06/01 00:00:00, go1.23.7)';

/**
 * Starts a CockroachDB behaviour server on 127.0.0.1 in front of a real PostgreSQL. It relays the
 * wire protocol and adds what CockroachDB does differently and what a test needs to provoke:
 *
 * - the `crdb_version` ParameterStatus at startup (drivers detect CockroachDB by it);
 * - `RELEASE SAVEPOINT cockroach_restart` as the commit point (it commits on PostgreSQL at once,
 *   and the client's following `COMMIT` is answered here);
 * - `SET inject_retry_errors_enabled = true`: inside explicit transactions statements fail with
 *   40001 until the client has rolled back to `cockroach_restart` three times;
 * - after an error it made up, the aborted-transaction state (25P02 until ROLLBACK);
 * - `injectError` and `killConnectionOn` for 40001 at RELEASE, 40003 at COMMIT, XXA00, lost connections;
 * - the `results_buffer_size` startup parameter is accepted (and recorded) instead of relayed.
 *
 * Statements are matched per message: a simple Query string with several statements is one text.
 */
export async function startCockroachTestServer(
  options: CockroachTestServerOptions,
): Promise<CockroachTestServer> {
  const errors = new RuleList<InjectErrorRule>();
  const kills = new RuleList<KillConnectionRule>();
  const sessions: CockroachSession[] = [];
  const log: { session: number; text: string }[] = [];
  const sockets = new Set<Socket>();
  const context = {
    upstream: options.upstream,
    crdbVersion: options.crdbVersion ?? DEFAULT_CRDB_VERSION,
    errors,
    kills,
    record: (session: CockroachSession, text: string) => log.push({ session: session.id, text }),
  };
  const listener: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    sessions.push(new CockroachSession(sessions.length + 1, socket, context));
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const session of sessions) session.close();
      for (const socket of sockets) socket.destroy();
      listener.close(() => resolve());
    });
    return closing;
  };
  return {
    host: '127.0.0.1',
    port,
    statements: (sessionId) =>
      log
        .filter((entry) => sessionId === undefined || entry.session === sessionId)
        .map((entry) => entry.text),
    get sessions() {
      return sessions.map((session) => ({
        id: session.id,
        backendPid: session.backendPid,
        startupParameters: session.startupParameters,
        open: session.open,
      }));
    },
    injectError: (rule) => errors.add(rule),
    killConnectionOn: (rule) => kills.add(rule),
    clearRules: () => {
      errors.clear();
      kills.clear();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
