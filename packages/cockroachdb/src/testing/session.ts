import { connect, type Socket } from 'node:net';
import type { FaultList } from './faults.js';
import { normalizeStatement } from './statement-match.js';
import type { ResolvedUpstream } from './upstream.js';
import {
  CANCEL_REQUEST_CODE,
  commandComplete,
  encodeStartup,
  errorResponse,
  GSSENC_REQUEST_CODE,
  type Message,
  MessageReader,
  parameterStatus,
  readCString,
  readyForQuery,
  SSL_REQUEST_CODE,
  simpleQuery,
  startupParameters,
} from './wire.js';

/** Startup parameters CockroachDB reads that PostgreSQL would refuse; kept here, not relayed. */
const COCKROACH_ONLY_PARAMETERS = ['results_buffer_size'];

/** What a session shares with its server. */
export interface SessionContext {
  readonly upstream: ResolvedUpstream;
  readonly crdbVersion: string;
  readonly faults: FaultList;
  /** Hands a socket to the server, which destroys it on close(). */
  track(socket: Socket): void;
  record(session: CockroachSession, statement: string): void;
  /** Called for each Parse message that names its statement. */
  recordNamedParse(session: CockroachSession, statement: string): void;
  /** Called after a `stall` fault held client messages of this session. */
  held(): void;
}

/** One client statement, with the messages that carry it (a Query, or Parse..Sync / ..Flush). */
interface Unit {
  readonly messages: Buffer[];
  /** Statement text, when the unit has one (Query text, or the Parse text). */
  readonly text: string | undefined;
  /** True when the unit ends with ReadyForQuery from the server (Query or Sync). */
  readonly awaitsReady: boolean;
}

/** Client messages of the COPY sub-protocol: CopyData, CopyDone, CopyFail. */
const COPY_IN_MESSAGES = new Set(['d', 'c', 'f']);

const RETRY_SAVEPOINT = 'cockroach_restart';
const INJECTED_RETRY_MESSAGE =
  'restart transaction: TransactionRetryWithProtoRefreshError: injected by `inject_retry_errors_enabled` session variable';

/** Statements `inject_retry_errors_enabled` lets through, as CockroachDBClient does. */
function exemptFromInjection(normalized: string): boolean {
  return (
    normalized.startsWith('set ') ||
    normalized.startsWith('begin') ||
    normalized.startsWith('start transaction') ||
    normalized.startsWith('rollback') ||
    normalized.startsWith('commit') ||
    normalized === `savepoint ${RETRY_SAVEPOINT}` ||
    normalized === `release savepoint ${RETRY_SAVEPOINT}` ||
    normalized === `release ${RETRY_SAVEPOINT}`
  );
}

const SET_INJECT = /^set\s+(?:session\s+)?inject_retry_errors_enabled\s*(?:=|to)\s*'?(true|false|on|off)'?$/;

/**
 * One client connection: relays the protocol to PostgreSQL and answers some statements itself,
 * the way CockroachDB would. Client units are handled strictly in order: a local answer is only
 * written once PostgreSQL has answered everything relayed before it. COPY's CopyData, CopyDone and
 * CopyFail are relayed as they are, never taken for statements.
 */
export class CockroachSession {
  readonly id: number;
  backendPid: number | undefined;
  startupParameters: Readonly<Record<string, string>> = {};
  open = true;

  private readonly client: Socket;
  private upstream: Socket | undefined;
  private readonly fromClient = new MessageReader({ untypedFirst: true });
  private readonly fromServer = new MessageReader({ untypedFirst: false });
  /** Client messages a `stall` fault holds, in arrival order. */
  private readonly heldMessages: Message[] = [];
  private phase: 'startup' | 'auth' | 'ready' = 'startup';
  private readonly units: Unit[] = [];
  private pendingExtended: Buffer[] = [];
  private pendingParseText: string | undefined;
  private readonly namedStatements = new Map<string, string>();
  private processing = false;
  /**
   * The last message (`Q` or `S`) of each relayed unit whose ReadyForQuery has not come back yet,
   * oldest first: PostgreSQL answers in order, so the first one owns what it sends now.
   */
  private readonly awaitingReady: string[] = [];
  /**
   * PostgreSQL is in copy-in mode as far as the bytes written to it go: it answered CopyInResponse
   * and has not been sent CopyDone or CopyFail since. It ignores a Sync it reads then.
   */
  private copyingIn = false;
  private readyWaiters: (() => void)[] = [];
  /** Runs instead of forwarding the next ReadyForQuery. */
  private readyHook: ((status: string, bytes: Buffer) => void) | undefined;
  /** Drop upstream messages until the next ReadyForQuery (the answer is not the client's to see). */
  private swallowing = false;
  /** `RELEASE SAVEPOINT cockroach_restart` committed: only COMMIT (or ROLLBACK) may follow. */
  private releasedCommitted = false;
  private status = 'I';
  /** CockroachDB's aborted-transaction state after an error this server made up. */
  private locallyAborted = false;
  private injectRetries = false;
  private restartsInTransaction = 0;

  constructor(
    id: number,
    client: Socket,
    private readonly context: SessionContext,
  ) {
    this.id = id;
    this.client = client;
    client.setNoDelay(true);
    client.on('data', (chunk) => this.onClientData(chunk));
    client.on('error', () => this.close());
    client.on('close', () => this.close());
  }

  /** Client messages a `stall` fault holds now. */
  get heldCount(): number {
    return this.heldMessages.length;
  }

  /** After the stall was cleared: handles the held messages in the order they arrived. */
  releaseHeld(): void {
    if (this.heldMessages.length === 0) return;
    for (const message of this.heldMessages.splice(0)) {
      if (!this.accept(message)) return;
    }
    void this.pump();
  }

  /** Closes both sockets; held messages go with them. */
  close(): void {
    this.open = false;
    this.heldMessages.length = 0;
    this.client.destroy();
    this.upstream?.destroy();
  }

  private onClientData(chunk: Buffer): void {
    try {
      this.fromClient.push(chunk);
      if (this.phase === 'startup') this.readStartup();
      if (this.phase === 'auth') this.relayAuth();
      if (this.phase === 'ready') this.readUnits();
    } catch {
      this.close();
    }
  }

  private readStartup(): void {
    for (
      let packet = this.fromClient.nextUntyped();
      packet !== undefined;
      packet = this.fromClient.nextUntyped()
    ) {
      const code = packet.readInt32BE(4);
      if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
        this.client.write('N');
        continue;
      }
      if (code === CANCEL_REQUEST_CODE) {
        this.forwardCancel(packet);
        return;
      }
      const params = startupParameters(packet);
      this.startupParameters = Object.fromEntries(params);
      for (const name of COCKROACH_ONLY_PARAMETERS) params.delete(name);
      this.connectUpstream(encodeStartup(params));
      this.phase = 'auth';
      return;
    }
  }

  private forwardCancel(packet: Buffer): void {
    const socket = connect(this.context.upstream.port, this.context.upstream.host);
    this.context.track(socket);
    socket.on('error', () => socket.destroy());
    socket.once('connect', () => socket.end(packet));
    socket.once('close', () => this.close());
    socket.resume();
  }

  private connectUpstream(startup: Buffer): void {
    const upstream = connect(this.context.upstream.port, this.context.upstream.host);
    this.context.track(upstream);
    this.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.once('connect', () => upstream.write(startup));
    upstream.on('data', (chunk) => this.onServerData(chunk));
    upstream.on('error', () => this.close());
    upstream.on('close', () => this.close());
  }

  /** During authentication every client message goes to PostgreSQL unchanged (SCRAM is end to end). */
  private relayAuth(): void {
    for (let message = this.fromClient.next(); message !== undefined; message = this.fromClient.next()) {
      this.upstream?.write(message.bytes);
    }
  }

  private onServerData(chunk: Buffer): void {
    try {
      this.fromServer.push(chunk);
      for (let message = this.fromServer.next(); message !== undefined; message = this.fromServer.next()) {
        this.onServerMessage(message);
      }
    } catch {
      this.close();
    }
  }

  private onServerMessage(message: Message): void {
    if (message.type === 'K') this.backendPid = message.body.readInt32BE(0);
    if (message.type === 'G') this.startCopyIn();
    // An error ends copy-in mode; PostgreSQL then drops CopyData/CopyDone/CopyFail itself.
    if (message.type === 'E') this.copyingIn = false;
    if (message.type !== 'Z') {
      // Even a hidden answer lets CopyInResponse through: the COPY only runs with the client's rows.
      if (!this.swallowing || message.type === 'G') this.client.write(message.bytes);
      return;
    }
    const status = String.fromCharCode(message.body[0] as number);
    if (this.phase === 'auth') {
      // CockroachDB announces itself with crdb_version among the startup parameters.
      this.client.write(parameterStatus('crdb_version', this.context.crdbVersion));
      this.phase = 'ready';
      this.setStatus(status);
      this.client.write(message.bytes);
      this.readUnits();
      return;
    }
    this.setStatus(status);
    const hook = this.readyHook;
    this.readyHook = undefined;
    this.swallowing = false;
    if (hook === undefined) this.client.write(message.bytes);
    else hook(status, message.bytes);
    this.awaitingReady.shift();
    if (this.awaitingReady.length === 0) {
      const waiters = this.readyWaiters;
      this.readyWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  /**
   * PostgreSQL started a COPY FROM STDIN for the oldest unanswered unit. When that unit came by
   * the extended protocol, its Sync reached PostgreSQL in copy-in mode and was ignored: the
   * ReadyForQuery will answer the Sync the client sends after CopyDone or CopyFail instead.
   */
  private startCopyIn(): void {
    this.copyingIn = true;
    if (this.awaitingReady[0] === 'S') this.awaitingReady.shift();
  }

  private setStatus(status: string): void {
    if (status === 'I') {
      this.restartsInTransaction = 0;
      this.locallyAborted = false;
    }
    this.status = status;
  }

  /** Takes client messages after authentication: held while stalled, else cut into units. */
  private readUnits(): void {
    let held = false;
    for (let message = this.fromClient.next(); message !== undefined; message = this.fromClient.next()) {
      if (this.context.faults.stalled || this.heldMessages.length > 0) {
        this.heldMessages.push(message);
        held = true;
        continue;
      }
      if (!this.accept(message)) return;
    }
    if (held) this.context.held();
    void this.pump();
  }

  /**
   * Adds one client message to the units: a Query, or extended messages up to Sync or Flush.
   * False after a Terminate, which ends the session.
   */
  private accept(message: Message): boolean {
    switch (message.type) {
      case 'Q':
        this.units.push({
          messages: [message.bytes],
          text: readCString(message.body, 0).text,
          awaitsReady: true,
        });
        return true;
      case 'P': {
        const name = readCString(message.body, 0);
        const text = readCString(message.body, name.next).text;
        if (name.text !== '') {
          // Later Binds of the name carry no text: they are logged and matched as this one.
          this.namedStatements.set(name.text, text);
          this.context.recordNamedParse(this, text);
        }
        this.pendingParseText = text;
        this.pendingExtended.push(message.bytes);
        return true;
      }
      case 'B': {
        const statement = readCString(message.body, readCString(message.body, 0).next).text;
        if (this.pendingParseText === undefined && statement !== '')
          this.pendingParseText = this.namedStatements.get(statement);
        this.pendingExtended.push(message.bytes);
        return true;
      }
      case 'S':
      case 'H':
        this.pendingExtended.push(message.bytes);
        this.units.push({
          messages: this.pendingExtended,
          text: this.pendingParseText,
          awaitsReady: message.type === 'S',
        });
        this.pendingExtended = [];
        this.pendingParseText = undefined;
        return true;
      case 'X':
        this.upstream?.write(message.bytes);
        this.close();
        return false;
      default:
        if (COPY_IN_MESSAGES.has(message.type) && this.pendingExtended.length === 0) {
          // COPY data is no statement: it is relayed in order, and PostgreSQL drops it when no
          // COPY is in progress (after an error this server answered, say), as it would unrelayed.
          const data: Unit = { messages: [message.bytes], text: undefined, awaitsReady: false };
          // Mid-COPY it goes straight on: the COPY's own unit may be waiting for its answer
          // (a `kill-connection` after it, say), which needs these rows first.
          if (this.copyingIn && this.units.length === 0) this.relay(data);
          else this.units.push(data);
          return true;
        }
        this.pendingExtended.push(message.bytes);
        return true;
    }
  }

  private async pump(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let unit = this.units.shift(); unit !== undefined && this.open; unit = this.units.shift()) {
        await this.handle(unit);
      }
    } finally {
      this.processing = false;
    }
  }

  private relay(unit: Unit): void {
    for (const bytes of unit.messages) {
      this.upstream?.write(bytes);
      const type = String.fromCharCode(bytes[0] as number);
      if (type === 'c' || type === 'f') this.copyingIn = false;
    }
    // A Sync PostgreSQL reads in copy-in mode gets no ReadyForQuery of its own.
    const last = unit.messages.at(-1);
    if (unit.awaitsReady && last !== undefined && !this.copyingIn)
      this.awaitingReady.push(String.fromCharCode(last[0] as number));
  }

  /** Resolves once PostgreSQL answered everything relayed so far. */
  private settled(): Promise<void> {
    if (this.awaitingReady.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private async answerLocally(parts: Buffer[], unit: Unit): Promise<void> {
    await this.settled();
    // A unit ending in Flush gets no ReadyForQuery; the client's Sync (a unit of its own) will.
    this.client.write(
      Buffer.concat(unit.awaitsReady ? [...parts, readyForQuery(this.clientStatus())] : parts),
    );
  }

  private clientStatus(): string {
    if (this.releasedCommitted) return 'T';
    return this.locallyAborted ? 'E' : this.status;
  }

  /** Relays `unit` and hides its answer; resolves with the transaction status after it. */
  private relaySilently(unit: Unit): Promise<string> {
    return new Promise((resolve) => {
      this.swallowing = true;
      this.readyHook = (status) => resolve(status);
      this.relay(unit);
    });
  }

  /**
   * On CockroachDB, RELEASE of the retry savepoint is the commit point. PostgreSQL commits at
   * COMMIT, so after a successful RELEASE the server commits right away, and the client's COMMIT
   * that follows is answered here.
   */
  private async commitUpstream(): Promise<void> {
    await this.relaySilently({ messages: [simpleQuery('COMMIT')], text: 'COMMIT', awaitsReady: true });
    this.releasedCommitted = true;
  }

  private async failLocally(unit: Unit, sqlstate: string, text: string): Promise<void> {
    await this.settled();
    if (this.status !== 'I') this.locallyAborted = true;
    await this.answerLocally([errorResponse(sqlstate, text)], unit);
  }

  private async handle(unit: Unit): Promise<void> {
    if (unit.text === undefined) {
      if (this.locallyAborted && unit.awaitsReady && unit.messages.length > 1) {
        await this.failLocally(
          unit,
          '25P02',
          'current transaction is aborted, commands ignored until end of transaction block',
        );
        return;
      }
      this.relay(unit);
      return;
    }
    const text = unit.text;
    const normalized = normalizeStatement(text);
    this.context.record(this, text);

    const setInject = SET_INJECT.exec(normalized);
    if (setInject !== null) {
      this.injectRetries = setInject[1] === 'true' || setInject[1] === 'on';
      await this.settled();
      await this.answerLocally([commandComplete('SET')], unit);
      return;
    }
    if (this.releasedCommitted) {
      await this.settled();
      if (normalized === 'commit' || normalized === 'rollback') {
        this.releasedCommitted = false;
        await this.answerLocally([commandComplete(normalized.toUpperCase())], unit);
      } else {
        await this.answerLocally(
          [
            errorResponse(
              '25000',
              'current transaction is committed, commands ignored until end of transaction block',
            ),
          ],
          unit,
        );
      }
      return;
    }
    if (this.locallyAborted) {
      if (normalized.startsWith('rollback')) {
        this.relay(unit);
        if (normalized.startsWith(`rollback to savepoint ${RETRY_SAVEPOINT}`)) this.restartsInTransaction++;
        await this.settled();
        this.locallyAborted = false;
        return;
      }
      await this.failLocally(
        unit,
        '25P02',
        'current transaction is aborted, commands ignored until end of transaction block',
      );
      return;
    }
    const kill = this.context.faults.take('kill-connection', text);
    if (kill?.phase === 'before') {
      await this.settled();
      this.close();
      return;
    }
    const isRelease =
      normalized === `release savepoint ${RETRY_SAVEPOINT}` || normalized === `release ${RETRY_SAVEPOINT}`;
    if (kill?.phase === 'after') {
      await this.settled();
      const status = await this.relaySilently(unit);
      if (isRelease && status === 'T') await this.commitUpstream();
      this.close();
      return;
    }
    const injected = this.context.faults.take('error', text);
    if (injected !== undefined) {
      const message = injected.message ?? `injected error ${injected.sqlstate}`;
      if (injected.relayFirst === true) {
        await this.settled();
        const status = await this.relaySilently(unit);
        if (isRelease && status === 'T') {
          await this.commitUpstream();
          this.releasedCommitted = false;
        }
      }
      await this.failLocally(unit, injected.sqlstate, message);
      return;
    }
    if (
      this.injectRetries &&
      this.status === 'T' &&
      !exemptFromInjection(normalized) &&
      this.restartsInTransaction < 3
    ) {
      await this.failLocally(unit, '40001', INJECTED_RETRY_MESSAGE);
      return;
    }
    if (normalized.startsWith(`rollback to savepoint ${RETRY_SAVEPOINT}`)) this.restartsInTransaction++;
    if (isRelease) {
      await this.settled();
      await new Promise<void>((resolve) => {
        this.readyHook = (status, bytes) => {
          if (status !== 'T') {
            this.client.write(bytes);
            resolve();
            return;
          }
          // Commit before the client hears that RELEASE succeeded, as CockroachDBClient has by then.
          void this.commitUpstream().then(() => {
            this.client.write(bytes);
            resolve();
          });
        };
        this.relay(unit);
      });
      return;
    }
    this.relay(unit);
  }
}
