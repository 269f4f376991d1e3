import { type ConnError, isConnError, type Secret, SessionCache } from '@conn/core';
import { E6DataAuthenticationError, E6DataStrategyError } from '../errors.js';
import { RPC } from '../protocol/messages.js';
import type { GrpcChannel } from '../transport/grpc-channel.js';
import { cancelSourceOf } from '../transport/signal-cancel.js';
import { resumeCluster } from './cluster-resume.js';
import { parseStrategy, type Strategy, type StrategyState } from './strategy-state.js';

/** A session: its id travels in every request body; it belongs to one deployment (strategy). */
export interface E6DataSession {
  /** Replaced when a response hands a new non-empty one (sliding sessions). */
  sessionId: string;
  readonly strategy: Strategy;
}

/** What the session manager needs of the client. */
export interface SessionManagerOptions {
  readonly channel: GrpcChannel;
  readonly user: string;
  readonly password: Secret | undefined;
  readonly clusterName: string | undefined;
  /** Bound of one authenticate exchange (connect included), ms. */
  readonly connectTimeoutMs: number;
  readonly strategies: StrategyState;
  readonly autoResume: boolean;
  readonly autoResumeTimeoutMs: number;
  readonly resumePollIntervalMs: number;
  /** Each cluster status seen while resuming. */
  readonly onClusterStatus?: ((status: string) => void) | undefined;
}

/** The kind `errorFromGrpc` put in `details.failure`. */
export function failureOf(error: unknown): string | undefined {
  return isConnError(error) ? (error.details['failure'] as string | undefined) : undefined;
}

/**
 * The client's one session (docs/protocols/e6data.md, authentication): authenticate once (single
 * flight, core's SessionCache), trying the strategies in order (HTTP 456 → the other one), resuming
 * a suspended cluster first when allowed. A refusal is thrown, never swallowed: bad credentials are
 * an `E6DataAuthenticationError` at once.
 */
export class SessionManager {
  readonly #options: SessionManagerOptions;
  readonly #cache: SessionCache<E6DataSession>;
  #authentications = 0;

  constructor(options: SessionManagerOptions) {
    this.#options = options;
    this.#cache = new SessionCache<E6DataSession>({
      authenticate: async (signal) => ({ value: await this.#authenticate(signal) }),
    });
  }

  /** How many authenticate exchanges succeeded or failed. */
  get authentications(): number {
    return this.#authentications;
  }

  /**
   * The session, authenticating first when there is none, bounded by the call's signal (asked
   * for only then: a call's signal costs an AbortController).
   */
  get(call: { readonly signal: AbortSignal | undefined }): Promise<E6DataSession> {
    const current = this.#cache.peek();
    return current === undefined ? this.#cache.get({ signal: call.signal }) : Promise.resolve(current);
  }

  /** The server refused `session` (access denied): the next `get` authenticates again. */
  invalidate(session?: E6DataSession): void {
    if (session === undefined) this.#cache.invalidate();
    else this.#cache.invalidate(session);
  }

  /** Forgets the session and stops an authentication in progress (on close). */
  clear(): void {
    this.#cache.clear();
  }

  /** A response's `sessionId`: a new non-empty one replaces the session's (sliding sessions). */
  static slide(session: E6DataSession, sessionId: string | null | undefined): void {
    if (
      sessionId !== undefined &&
      sessionId !== null &&
      sessionId !== '' &&
      sessionId !== session.sessionId
    ) {
      session.sessionId = sessionId;
    }
  }

  async #authenticate(signal: AbortSignal): Promise<E6DataSession> {
    const { strategies } = this.#options;
    let resumed = false;
    let switchedOnAnnouncement = false;
    for (;;) {
      let lastRefusal: ConnError | undefined;
      let retry = false;
      for (const strategy of strategies.candidates()) {
        try {
          const answer = await this.#exchange(strategy, signal);
          strategies.confirm(strategy);
          const announced = parseStrategy(answer.newStrategy);
          if (announced !== undefined && announced !== strategy && !switchedOnAnnouncement) {
            // A switch announced at authentication applies at once: authenticate on the new one.
            switchedOnAnnouncement = true;
            strategies.confirm(announced);
            retry = true;
            break;
          }
          return { sessionId: answer.sessionId, strategy };
        } catch (error) {
          const failure = failureOf(error);
          if (failure === 'wrong-strategy') {
            strategies.refused(strategy);
            lastRefusal = error as ConnError;
            continue;
          }
          if (failure === 'cluster-suspended' && this.#options.autoResume && !resumed) {
            resumed = true;
            await this.#resume(strategy, signal);
            retry = true;
            break;
          }
          throw error;
        }
      }
      if (retry) continue;
      throw new E6DataStrategyError(
        'e6data refused both deployment strategies (blue and green) with HTTP 456',
        {
          serverCode: 456,
          serverMessage:
            lastRefusal instanceof Error ? (lastRefusal as E6DataStrategyError).serverMessage : '',
          cause: lastRefusal,
        },
      );
    }
  }

  async #exchange(
    strategy: Strategy,
    signal: AbortSignal,
  ): Promise<{ sessionId: string; newStrategy?: string | null }> {
    const { channel, user, password, clusterName, connectTimeoutMs } = this.#options;
    this.#authentications++;
    const answer = await channel.unary(
      RPC.authenticate,
      { user, password: password?.reveal() ?? '' },
      {
        headers: { strategy, clusterName },
        cancel: cancelSourceOf(signal, 'authentication'),
        deadlineMs: connectTimeoutMs,
        secrets: [password],
      },
    );
    const sessionId = answer.sessionId ?? '';
    if (sessionId === '') {
      // The Python connector turns this into a session of None and goes on; we stop here.
      throw new E6DataAuthenticationError(
        'e6data authenticate returned no session: the credentials were not accepted',
        {
          serverCode: 0,
          serverMessage: '',
        },
      );
    }
    return { sessionId, newStrategy: answer.newStrategy ?? null };
  }

  #resume(strategy: Strategy, signal: AbortSignal): Promise<void> {
    const options = this.#options;
    return resumeCluster({
      channel: options.channel,
      user: options.user,
      password: options.password,
      headers: { strategy, clusterName: options.clusterName },
      timeoutMs: options.autoResumeTimeoutMs,
      pollIntervalMs: options.resumePollIntervalMs,
      cancel: cancelSourceOf(signal, 'cluster resume'),
      onStatus: options.onClusterStatus,
    });
  }
}
