// ApertureDB against the local test server from @conn/aperturedb/testing, over TLS-capable TCP:
// entities and a connection in one transaction, a k-NN search over float32 descriptors, a blob
// round trip, and a refused password.
import {
  ApertureDBAuthenticationError,
  ApertureDBClient,
  addDescriptor,
  blobsOf,
  entitiesOf,
  findSimilar,
  resultOf,
} from '@conn/aperturedb';
import { startApertureDBTestServer } from '@conn/aperturedb/testing';

export async function aperturedbDemo(): Promise<void> {
  await using server = await startApertureDBTestServer();
  console.log(
    `test server listening on ${server.host}:${String(server.port)} (hello, protobuf frames, sessions)`,
  );
  await using db = ApertureDBClient.fromUrl(server.url);

  // Entities and a connection, atomically, referring to each other by _ref.
  await db.query([
    { AddEntity: { class: 'Person', _ref: 1, properties: { name: 'Ann', age: 34 } } },
    { AddEntity: { class: 'Person', _ref: 2, properties: { name: 'Bob', age: 51 } } },
    { AddConnection: { class: 'knows', src: 1, dst: 2 } },
  ]);
  const { response } = await db.query([
    {
      FindEntity: {
        with_class: 'Person',
        constraints: { age: ['>', 40] },
        results: { list: ['name', 'age'] },
      },
    },
  ]);
  console.log('people over 40:', entitiesOf(resultOf(response, 0)));

  // Descriptors: a 3-dimensional set, four vectors, and the two nearest to a query (squared L2).
  await db.query([{ AddDescriptorSet: { name: 'colours', dimensions: 3, metric: 'L2' } }]);
  const colours: Array<[string, number[]]> = [
    ['red', [1, 0, 0]],
    ['green', [0, 1, 0]],
    ['blue', [0, 0, 1]],
    ['orange', [1, 0.5, 0]],
  ];
  const adds = colours.map(([label, vector]) => addDescriptor('colours', vector, { label }));
  await db.query(
    adds.map((add) => add.command),
    adds.map((add) => add.blob),
  );
  const search = findSimilar('colours', [0.9, 0.3, 0], 2, { labels: true });
  const nearest = await db.query([search.command], [search.blob]);
  for (const entity of entitiesOf(resultOf(nearest.response, 0))) {
    console.log(`  nearest: ${String(entity._label)} at distance ${Number(entity._distance).toFixed(3)}`);
  }

  // A blob goes in and comes back bit for bit.
  const payload = new Uint8Array(1024 * 1024).map((_, index) => (index * 31) % 256);
  await db.query([{ AddBlob: { properties: { name: 'pattern' } } }], [payload]);
  const found = await db.query([{ FindBlob: { constraints: { name: ['==', 'pattern'] }, blobs: true } }]);
  const [blob] = blobsOf(found.response, found.blobs, 0);
  console.log(
    `blob round trip: ${String(blob?.length)} bytes, identical: ${String(Buffer.compare(Buffer.from(blob ?? []), Buffer.from(payload)) === 0)}`,
  );
  console.log('session exchanges:', db.stats().sessions);

  // A wrong password is refused at once with a typed error; the password shows nowhere.
  await using wrong = ApertureDBClient.fromUrl(server.url.replace('admin:admin@', 'admin:wrong@'));
  try {
    await wrong.query([{ GetStatus: {} }]);
  } catch (error) {
    if (!(error instanceof ApertureDBAuthenticationError)) throw error;
    console.log(`wrong password: ${error.name} ${error.code}`);
  }
}
