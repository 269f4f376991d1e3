/**
 * The suite imports nothing from `@conn/core` (that would make a dependency cycle): the adapter hands
 * over the driver's own re-exports of core's error classes, which the contract requires anyway.
 */

/** Per-call options every public method takes. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** What every error a driver throws has (core's `ConnError`). */
export interface ConnError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
}

type ErrorClass = abstract new (...args: never[]) => ConnError;

/** Core's error classes and guard, as the driver package re-exports them. */
export interface ConformanceErrors {
  readonly ClientClosedError: ErrorClass;
  readonly TimeoutError: ErrorClass;
  readonly AbortError: ErrorClass;
  readonly AuthenticationError: ErrorClass;
  readonly isConnError: (value: unknown) => value is ConnError;
}

/** What the suite needs of a driver's client. */
export interface ConformanceClient {
  connect(options?: CallOptions): Promise<void>;
  ping(options?: CallOptions): Promise<unknown>;
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** What the suite needs of a driver's test server (`start<Db>TestServer()`). */
export interface ConformanceServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  clearFaults(): void;
  close(): Promise<void>;
}

/**
 * How one driver plugs into the conformance suite: a small object in the driver's own test file.
 * Everything driver-specific (which call reads, which writes, how its server stalls) is here.
 */
export interface ConformanceAdapter<C extends ConformanceClient, S extends ConformanceServer> {
  /** The package name in channel names, e.g. `siridb`. */
  readonly packageName: string;
  /** The directory of the package: child scripts run there and import the built package by name. */
  readonly packageDir: string;
  /** The package's name for `import`/`require`, e.g. `@conn/siridb`. */
  readonly moduleName: string;
  /** The client class's export name, e.g. `SiriDBClient`. */
  readonly clientExport: string;
  /** Starts the driver's test server. */
  startServer(): Promise<S>;
  /** `<Db>Client.fromUrl(url)`. */
  client(url: string): C;
  /** The same URL with another password. */
  withPassword(url: string, password: string): string;
  /** The same URL pointing at another host and port. */
  withAddress(url: string, host: string, port: number): string;
  /** A call that only reads; its tracing operation is {@link readOperation}. */
  read(client: C, options: CallOptions): Promise<unknown>;
  /** The tracing operation of {@link read}, e.g. `query`. */
  readonly readOperation: string;
  /** JavaScript for a child script: the same read on `client` with these options (source text). */
  readSource(optionsSource: string): string;
  /** A call that changes data. */
  write(client: C, options: CallOptions): Promise<unknown>;
  /** A statement that sets a password to `secret` (it may fail on the server; it must not leak). */
  setPassword(client: C, secret: string, options: CallOptions): Promise<unknown>;
  /** Makes the server hold every request after the handshake, unanswered, until `clearFaults()`. */
  stallRequests(server: S): void;
  /** Resolves once the stalled server holds at least one request (so it was sent). */
  requestHeld(server: S): Promise<void>;
  /**
   * Takes every connection the client could lend to the next call and returns a function that
   * gives them back; absent when the driver multiplexes every call on shared connections, so no
   * call ever waits for the pool.
   */
  occupyPool?(client: C): Promise<() => Promise<void>>;
  /** Tracing operations to watch for leaks (every public operation the suite calls). */
  readonly operations: readonly string[];
  /** Other channels to watch, e.g. `conn:siridb:host:connect`. */
  readonly eventChannels: readonly string[];
  /** The driver's authentication error class. */
  readonly authenticationError: ErrorClass;
  /** Core's error classes, imported from the driver package (its re-exports). */
  readonly errors: ConformanceErrors;
}
