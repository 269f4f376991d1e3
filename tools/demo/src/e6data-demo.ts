// e6data against the local test server from @conn/e6data/testing (gRPC on HTTP/2, DuckDB inside):
// exact values (a bigint beyond 2^53, a 38-digit decimal, a date before 1970), a streamed result,
// a blue-green switch that waits for the query boundary, and a refused token.
import { E6DataAuthenticationError, E6DataClient } from '@conn/e6data';
import { startE6DataTestServer } from '@conn/e6data/testing';

export async function e6dataDemo(): Promise<void> {
  await using server = await startE6DataTestServer();
  console.log(`test server listening on ${server.host}:${String(server.port)} (gRPC over HTTP/2, DuckDB)`);
  await using db = E6DataClient.fromUrl(server.url, { params: { stringEscape: 'standard' } });

  const { rows, columns } = await db.query(
    `SELECT 9007199254740993::BIGINT AS big,
            12345678901234567890123456789012345678::DECIMAL(38,0) AS wide,
            DATE '1969-07-20' AS landing,
            ? AS who`,
    ["O'Brien"],
  );
  console.log('exact values:', rows[0]);
  console.log('types:', columns.map((column) => `${column.name} ${column.type}`).join(', '));

  // A cursor fetches batches as it is read; fetchOne gives one row, and nothing is lost in between.
  const cursor = db.cursor<{ x: number }>('SELECT range AS x FROM range(50000)');
  const first = await cursor.fetchOne();
  const next = await cursor.fetchMany(2);
  const rest = await cursor.fetchAll();
  console.log(
    `cursor: first ${String(first?.x)}, then ${next.map((row) => row.x).join(', ')}, then ${rest.length} more`,
  );

  // Blue-green: a switch announced mid-stream waits until the stream ends.
  const stream = db.cursor<{ x: number }>('SELECT range AS x FROM range(20000)');
  await stream.fetchOne();
  server.announceStrategy('green');
  server.switchStrategy('green');
  await stream.fetchAll();
  await db.query('SELECT 1');
  console.log(`strategy after the stream ended: ${String(db.stats().strategy)}`);

  // A wrong token is an authentication error at once, never a session of None.
  await using intruder = E6DataClient.fromUrl(server.url.replace('test-token', 'wrong-token'));
  try {
    await intruder.query('SELECT 1');
  } catch (error) {
    if (!(error instanceof E6DataAuthenticationError)) throw error;
    console.log(`wrong token: ${error.code}`);
  }
}
