/**
 * The whole in-memory ApertureDB server minus sockets: one decoded `queryMessage` in (JSON text,
 * blobs, session token from protobuf field 3), one response out (docs/protocols/aperturedb.md §2.1,
 * §3, §5.4).
 *
 * - `Authenticate` / `RefreshToken` queries are answered without a session token, as
 *   `[{"Authenticate": grant-or-failure}]` / `[{"RefreshToken": grant-or-{"info":"Invalid Session","status":-1}}]`.
 *   RefreshToken ignores field 3 entirely: clients send it with the current, possibly already
 *   expired, session token still set, and the refresh token alone proves the grant.
 * - A query mixing those with other commands gets a top-level error object.
 * - Every other query needs a valid session token, else the whole reply is the top-level
 *   `{"info":"Not Authenticated!","status":-1}`. With `authentication: false` no token is checked.
 * - The rest goes to the engine, with GenerateToken/UpdateUser wired to the session store and the
 *   descriptor commands to the descriptor store, all inside the same transaction.
 */
import { type Clock, NOT_AUTHENTICATED, SessionStore, type UserSeed } from '../auth/index.js';
import { ApertureDBEngine, type JsonValue } from '../engine/index.js';
import { toServerJson } from '../engine/json.js';
import { descriptorCommands } from './descriptor-commands.js';
import { DescriptorState } from './descriptor-state.js';
import { classifyQuery } from './query-kind.js';
import { sessionCommands } from './session-commands.js';

export interface TestDatabaseOptions {
  /** Default: one user `admin` with password `admin`. A seed may carry API tokens already attached. */
  users?: readonly UserSeed[];
  /** Default true; false accepts every query without a token, like an auth-disabled server. */
  authentication?: boolean;
  sessionTtlSeconds?: number;
  refreshTtlSeconds?: number;
  clock?: Clock;
}

export interface DatabaseRequest {
  readonly json: string;
  readonly blobs: readonly Uint8Array[];
  /** The session token (protobuf field 3); empty or absent when the client sent none. */
  readonly token?: string | undefined;
}

export interface DatabaseReply {
  readonly json: string;
  readonly blobs: Uint8Array[];
}

export const DEFAULT_USERS: readonly UserSeed[] = [{ username: 'admin', password: 'admin' }];

const MIXED_QUERY_INFO = 'Authenticate and RefreshToken must be sent alone, not with other commands';

export class TestDatabase {
  readonly sessions: SessionStore;
  readonly #authentication: boolean;
  readonly #descriptors = new DescriptorState();
  readonly #engine: ApertureDBEngine;

  constructor(options: TestDatabaseOptions = {}) {
    this.#authentication = options.authentication ?? true;
    this.sessions = new SessionStore({
      users: options.users ?? DEFAULT_USERS,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.sessionTtlSeconds === undefined ? {} : { sessionTtlSeconds: options.sessionTtlSeconds }),
      ...(options.refreshTtlSeconds === undefined ? {} : { refreshTtlSeconds: options.refreshTtlSeconds }),
    });
    this.#engine = new ApertureDBEngine({
      extensions: { ...sessionCommands(this.sessions), ...descriptorCommands(this.#descriptors) },
    });
  }

  /** What the server does with one decoded request message. Never throws. */
  handle(request: DatabaseRequest): DatabaseReply {
    const query = classifyQuery(request.json);
    if (query.kind === 'mixed') return reply({ info: MIXED_QUERY_INFO, status: -1 });
    if (query.kind === 'tokenless') {
      return reply(query.commands.map(([name, params]) => ({ [name]: this.#answerTokenless(name, params) })));
    }
    if (this.#authentication && !this.sessions.check(request.token).valid) {
      return reply({ ...NOT_AUTHENTICATED });
    }
    return this.#execute(request.json, request.blobs);
  }

  /** Drops every session and refresh token, as a server restart does; data and users survive. */
  forgetAllSessions(): void {
    this.sessions.forgetAll();
  }

  /** TTLs for tokens issued from now on; short ones let tests force a refresh. */
  setSessionTtls(ttls: { sessionSeconds?: number; refreshSeconds?: number }): void {
    this.sessions.setTtls(ttls);
  }

  #answerTokenless(name: string, params: unknown): JsonValue {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      return { info: `${name} parameters must be an object`, status: -1 };
    }
    const command = params as Record<string, unknown>;
    const answer =
      name === 'Authenticate' ? this.sessions.authenticate(command) : this.sessions.refresh(command);
    return { ...answer };
  }

  /** One engine transaction; the descriptor store follows the engine's commit or rollback. */
  #execute(json: string, blobs: readonly Uint8Array[]): DatabaseReply {
    this.#descriptors.begin();
    const result = this.#engine.execute(json, blobs);
    // The engine answers a failed transaction (and only that) with a top-level object.
    if (result.json.startsWith('{')) this.#descriptors.rollback();
    else this.#descriptors.commit();
    return result;
  }
}

function reply(value: JsonValue): DatabaseReply {
  return { json: toServerJson(value), blobs: [] };
}
