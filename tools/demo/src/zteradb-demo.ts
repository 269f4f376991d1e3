// ZTeraDB quickstart against the local test server from @conn/zteradb/testing: a typed select
// streamed row by row, count, insert, update, delete, a typed server error and refused keys.
import {
  ZTAND,
  ZTeraDBAuthenticationError,
  ZTeraDBClient,
  ZTeraDBQuery,
  ZTeraDBQueryError,
  ZTGTE,
  ZTICONTAINS,
} from '@conn/zteradb';
import { startZTeraDBTestServer } from '@conn/zteradb/testing';

interface User {
  id: number;
  email: string;
  status: string;
  age: number;
}

const key = { clientKey: 'demo-client', accessKey: 'demo-access', secretKey: 'demo-secret' };

export async function zteradbDemo(): Promise<void> {
  await using server = await startZTeraDBTestServer({
    keys: [key],
    databases: {
      DEMO: {
        user: [
          { id: 1, email: 'ann@example.com', status: 'active', age: 34 },
          { id: 2, email: 'bob@example.org', status: 'inactive', age: 41 },
          { id: 3, email: 'cleo@example.com', status: 'active', age: 29 },
          { id: 4, email: 'dan@example.com', status: 'active', age: 52 },
        ],
      },
    },
  });
  console.log(`test server listening on 127.0.0.1:${server.port} (v2 HMAC handshake, ZQL)`);

  await using db = ZTeraDBClient.fromUrl(server.url);

  // Rows arrive one frame at a time; `user` is typed as `User`.
  const active = ZTeraDBQuery<User>('user')
    .select()
    .fields('id', 'email', 'age')
    .filter({ status: 'active' })
    .filterCondition(ZTAND([ZTGTE(['age', 30]), ZTICONTAINS('email', 'EXAMPLE.COM')]))
    .sort('-age')
    .limit(0, 10);
  console.log('ZQL on the wire:', active.toWire());
  for await (const user of db.run(active)) console.log(`  row: #${user.id} ${user.email} (${user.age})`);

  console.log(
    'count active:',
    await db.count(ZTeraDBQuery<User>('user').count().filter({ status: 'active' })),
  );
  const { lastInsertId } = await db.insert(
    ZTeraDBQuery<User>('user').insert().fields({ email: 'eve@example.com', status: 'active', age: 38 }),
  );
  console.log('insert: lastInsertId =', lastInsertId);
  console.log(
    'update:',
    await db.update(ZTeraDBQuery<User>('user').update().fields({ status: 'active' }).filter({ id: 2 })),
  );
  console.log('delete:', await db.delete(ZTeraDBQuery<User>('user').delete().filter({ id: 3 })));
  console.log(
    'emails now:',
    (server.rows('DEMO', 'user') ?? []).map((row) => row['email']),
  );

  try {
    // `nickname` is no field of `user`: the server answers an error frame, never empty rows.
    await db.run(ZTeraDBQuery('user').select().fields('nickname')).toArray();
  } catch (error) {
    if (error instanceof ZTeraDBQueryError)
      console.log(
        `server error: ${error.name} ${error.code} serverCode=${error.serverCode}: ${error.serverMessage}`,
      );
    else throw error;
  }

  await using wrongKey = ZTeraDBClient.fromUrl(server.url, { secretKey: 'not-the-secret' });
  try {
    await wrongKey.connect();
  } catch (error) {
    if (error instanceof ZTeraDBAuthenticationError)
      console.log(`wrong secret: ${error.name} ${error.code} serverCode=${error.serverCode}`);
    else throw error;
  }
}
