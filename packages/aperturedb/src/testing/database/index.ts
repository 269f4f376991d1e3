/**
 * The in-memory ApertureDB server without sockets: auth routing, the query engine and descriptors.
 */
export {
  type DatabaseReply,
  type DatabaseRequest,
  DEFAULT_USERS,
  TestDatabase,
  type TestDatabaseOptions,
} from './test-database.js';
