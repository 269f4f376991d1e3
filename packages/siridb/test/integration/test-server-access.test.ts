// Users and access rights on the test server (docs/protocols/siridb.md §5, §13), over raw sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { RawClient } from '../../src/testing/raw-client.js';

const servers: SiriDBTestServer[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(): Promise<SiriDBTestServer> {
  const server = await startSiriDBTestServer({
    databases: [
      {
        name: 'dbtest',
        timePrecision: 's',
        users: [
          { username: 'iris', password: 'siri' },
          { username: 'reader', password: 'readerpw', access: 'read' },
          { username: 'writer', password: 'writerpw', access: ['insert', 'select'] },
        ],
      },
    ],
  });
  servers.push(server);
  return server;
}

async function login(server: SiriDBTestServer, username: string, password: string): Promise<RawClient> {
  const client = await RawClient.connect(server.port);
  clients.push(client);
  expect(await client.auth(username, password, 'dbtest')).toBe(2);
  return client;
}

async function denied(client: RawClient, query: string): Promise<string> {
  const answer = await client.query(query);
  expect(answer.type).toBe(69);
  return (answer.data as { error_msg: string }).error_msg;
}

async function ok(client: RawClient, query: string): Promise<unknown> {
  const answer = await client.query(query);
  expect(answer.type, JSON.stringify(answer.data)).toBe(0);
  return answer.data;
}

describe('test server: access rights', () => {
  it('a read-only user cannot insert: 69 with the server message', async () => {
    const server = await start();
    const reader = await login(server, 'reader', 'readerpw');
    const answer = await reader.insert({ s: [[1, 1]] });
    expect(answer.type).toBe(69);
    expect(answer.data).toEqual({ error_msg: "Access denied. User 'reader' has no 'insert' privileges." });
    expect(server.pointCount()).toBe(0);
  });

  it('read covers select, list, count and show; everything else is denied per right', async () => {
    const server = await start();
    const iris = await login(server, 'iris', 'siri');
    await iris.insert({ s: [[1, 1]], t: [[1, 2]] });
    const reader = await login(server, 'reader', 'readerpw');
    expect(await ok(reader, "select * from 's'")).toEqual({ s: [[1, 1]] });
    expect(await ok(reader, 'list series')).toEqual({ columns: ['name'], series: [['s'], ['t']] });
    expect(await ok(reader, 'count series')).toEqual({ series: 2 });
    expect(await ok(reader, 'show who_am_i')).toEqual({ data: [{ name: 'who_am_i', value: 'reader' }] });
    expect(await ok(reader, 'now')).toHaveProperty('calc');
    expect(await denied(reader, "drop series 's'")).toBe(
      "Access denied. User 'reader' has no 'drop' privileges.",
    );
    expect(await denied(reader, "create user 'x' set password 'xxxx'")).toBe(
      "Access denied. User 'reader' has no 'create' privileges.",
    );
    expect(await denied(reader, "grant read to user 'writer'")).toBe(
      "Access denied. User 'reader' has no 'grant' privileges.",
    );
    expect(await denied(reader, "revoke read from user 'writer'")).toBe(
      "Access denied. User 'reader' has no 'revoke' privileges.",
    );
    expect(await denied(reader, "alter user 'reader' set password 'newpass'")).toBe(
      "Access denied. User 'reader' has no 'alter' privileges.",
    );
    expect(await denied(reader, "drop user 'writer'")).toBe(
      "Access denied. User 'reader' has no 'drop' privileges.",
    );
  });

  it('a user with single rights gets only those', async () => {
    const server = await start();
    const writer = await login(server, 'writer', 'writerpw');
    expect((await writer.insert({ s: [[1, 1]] })).type).toBe(1);
    expect(await ok(writer, "select * from 's'")).toEqual({ s: [[1, 1]] });
    expect(await denied(writer, 'list series')).toBe(
      "Access denied. User 'writer' has no 'list' privileges.",
    );
    expect(await denied(writer, 'count series')).toBe(
      "Access denied. User 'writer' has no 'count' privileges.",
    );
    expect(await denied(writer, 'show')).toBe("Access denied. User 'writer' has no 'show' privileges.");
  });

  it('a syntax error is answered before the access check', async () => {
    const server = await start();
    const reader = await login(server, 'reader', 'readerpw');
    const answer = await reader.query('drop series where');
    expect(answer.type).toBe(65);
  });
});

describe('test server: user management', () => {
  it('create user validates the password and the name, and starts with no access', async () => {
    const server = await start();
    const iris = await login(server, 'iris', 'siri');
    const error = async (query: string) => (await iris.query(query)).data;
    expect(await error("create user 'kim' set password 'abc'")).toEqual({
      error_msg: 'Password should be at least 4 characters.',
    });
    expect(await error("create user 'k' set password 'abcd'")).toEqual({
      error_msg: 'User name should be at least 2 characters.',
    });
    expect(await error("create user 'reader' set password 'abcd'")).toEqual({
      error_msg: "User 'reader' already exists.",
    });
    expect(await error("create user 'kim' set password 'ab cd'")).toEqual({
      error_msg:
        'Password contains illegal characters. (only graphical characters are allowed, no spaces, tabs etc.)',
    });
    expect(await ok(iris, "create user 'kim' set password 'kimpw'")).toEqual({
      success_msg: "Successfully created user 'kim'.",
    });
    const kim = await login(server, 'kim', 'kimpw');
    expect(await denied(kim, "select * from 's'")).toBe(
      "Access denied. User 'kim' has no 'select' privileges.",
    );
    expect(await ok(iris, 'list users')).toEqual({
      columns: ['name', 'access'],
      users: [
        ['iris', 'full'],
        ['reader', 'read'],
        ['writer', 'insert and select'],
        ['kim', 'no access'],
      ],
    });
  });

  it('grant and revoke change rights at once, also for open connections', async () => {
    const server = await start();
    const iris = await login(server, 'iris', 'siri');
    const reader = await login(server, 'reader', 'readerpw');
    expect(await ok(iris, "grant insert, drop to user 'reader'")).toEqual({
      success_msg: "Successfully granted permissions to user 'reader'.",
    });
    expect((await reader.insert({ s: [[1, 1]] })).type).toBe(1);
    expect(await ok(iris, "grant write to user 'reader'")).toEqual({
      success_msg: "Successfully granted permissions to user 'reader'.",
    });
    expect(await ok(iris, 'list users name, access where name == "reader"')).toEqual({
      columns: ['name', 'access'],
      users: [['reader', 'write and drop']],
    });
    expect(await ok(iris, "revoke insert, drop from user 'reader'")).toEqual({
      success_msg: "Successfully revoked permissions from user 'reader'.",
    });
    expect(await ok(iris, 'list users access where name == "reader"')).toEqual({
      columns: ['access'],
      users: [['read and create']],
    });
    expect((await reader.insert({ s: [[2, 2]] })).type).toBe(69);
    expect((await iris.query("grant full to user 'nobody'")).data).toEqual({
      error_msg: "Cannot find user: 'nobody'",
    });
    expect(await ok(iris, 'count users')).toEqual({ users: 3 });
  });

  it('alter user changes the password; drop user removes the user', async () => {
    const server = await start();
    const iris = await login(server, 'iris', 'siri');
    expect(await ok(iris, "alter user 'reader' set password 'changed'")).toEqual({
      success_msg: "Successfully updated user 'reader'.",
    });
    const client = await RawClient.connect(server.port);
    clients.push(client);
    expect(await client.auth('reader', 'readerpw', 'dbtest')).toBe(72);
    expect(await client.auth('reader', 'changed', 'dbtest')).toBe(2);
    expect(await ok(iris, "drop user 'reader'")).toEqual({
      success_msg: "Successfully dropped user 'reader'.",
    });
    expect((await iris.query("drop user 'reader'")).data).toEqual({
      error_msg: "User 'reader' does not exist.",
    });
    const again = await RawClient.connect(server.port);
    clients.push(again);
    expect(await again.auth('reader', 'changed', 'dbtest')).toBe(72);
  });
});
