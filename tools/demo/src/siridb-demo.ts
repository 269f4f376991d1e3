// SiriDB quickstart against the local test server from @conn/siridb/testing: insert, select,
// aggregate, list, exact time precision, and a typed server error.
import { isConnError, SiriDBClient } from '@conn/siridb';
import { startSiriDBTestServer } from '@conn/siridb/testing';

export async function siridbDemo(): Promise<void> {
  await using server = await startSiriDBTestServer({ databases: [{ name: 'dbtest', timePrecision: 'ms' }] });
  console.log(`test server listening on 127.0.0.1:${server.port} (SiriDB 2.0.55 behaviour)`);

  await using client = SiriDBClient.fromUrl(server.url);
  console.log('connect:', await client.connect());

  const start = 1_700_000_000_000;
  const points = Array.from(
    { length: 6 },
    (_, i) => [start + i * 600_000, 0.2 + i * 0.1] as [number, number],
  );
  console.log(
    'insert:',
    await client.insert({ 'cpu.load': points, 'log.msg': [[start, 'service started']] }),
  );

  console.log('select *:', await client.query('select * from "cpu.load"'));
  console.log('mean per 30 min:', await client.query('select mean(30m) from "cpu.load"'));
  console.log('list series:', await client.query('list series name, length, type'));
  console.log(
    'in seconds (converted exactly):',
    await client.query('select first() from "cpu.load"', { timePrecision: 's' }),
  );
  console.log(
    "in seconds (server's own conversion):",
    await client.query('select first() from "cpu.load"', { timePrecision: 's', precisionMode: 'server' }),
  );
  try {
    await client.query('select nonsense from');
  } catch (error) {
    if (isConnError(error))
      console.log(`a bad query fails with ${error.name} (${error.code}): ${error.message}`);
  }
}
