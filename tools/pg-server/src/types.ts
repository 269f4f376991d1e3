/** A PostgreSQL the tests can use; serialisable, so a test worker can restart it. */
export interface PgServerInfo {
  /** Connection URL with credentials; print `redactedUrl` instead. */
  readonly url: string;
  /** The URL with its password replaced by `***`. */
  readonly redactedUrl: string;
  readonly source: 'env' | 'local';
  /** True only for a cluster this tool started. */
  readonly canRestart: boolean;
  /** The server version, e.g. `15.18` ('' when unknown). */
  readonly version: string;
  /** What `restartPgServer` needs, for a cluster this tool started. */
  readonly local?: LocalCluster | undefined;
}

/** Where a throwaway cluster lives and who runs it. */
export interface LocalCluster {
  readonly binDir: string;
  readonly dataDir: string;
  readonly rootDir: string;
  /** The OS user running the server (`postgres` when the tests run as root), or null for the current user. */
  readonly osUser: string | null;
  readonly port: number;
  readonly logFile: string;
}

/** Whether a server could be had, and why not. */
export type PgServerAvailability =
  | { readonly available: true; readonly info: PgServerInfo }
  | { readonly available: false; readonly reason: string };

/** A started (or borrowed) server; `stop()` is idempotent. */
export interface PgServerHandle {
  readonly availability: PgServerAvailability;
  stop(): Promise<void>;
}
