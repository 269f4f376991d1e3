export { restartPgServer, startPgServer, startStoppedPgServer, stopPgServer } from './pg-server.js';
export type { LocalCluster, PgServerAvailability, PgServerHandle, PgServerInfo } from './types.js';
