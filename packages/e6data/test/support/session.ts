/** Calls most tests of the test server begin with: log in, prepare a statement. */
import type { BareClient, CallHeaders } from './bare-client.js';

export const TEST_USER = 'test@example.com';
export const TEST_TOKEN = 'test-token';

/** Authenticates the default user; returns the session id. */
export async function login(client: BareClient): Promise<string> {
  const { sessionId } = await client.call('authenticate', { user: TEST_USER, password: TEST_TOKEN });
  return sessionId ?? '';
}

/** The request fields and headers of a prepared query's later calls. */
export interface PreparedQuery {
  readonly queryId: string;
  readonly query: { readonly sessionId: string; readonly queryId: string; readonly engineIP: string };
  readonly headers: CallHeaders;
}

/** Prepares `sql` in schema `main`. */
export async function prepare(client: BareClient, sessionId: string, sql: string): Promise<PreparedQuery> {
  const response = await client.call('prepareStatementV2', {
    sessionId,
    schema: 'main',
    catalog: 'test',
    queryString: sql,
  });
  const queryId = response.queryId ?? '';
  const engineIP = response.engineIP ?? '';
  const headers: CallHeaders = { plannerip: engineIP };
  return { queryId, query: { sessionId, queryId, engineIP }, headers };
}
