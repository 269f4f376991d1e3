import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restartPgServer, startPgServer } from '../src/index.js';

const { CONN_COCKROACHDB_URL: _fromOutside, ...localEnv } = process.env;

/** Sends an SSLRequest and returns the one-byte answer ('S' or 'N'): only PostgreSQL answers so. */
function sslRequest(port: number): Promise<{ answer: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])));
    socket.once('data', (data) => resolve({ answer: data.subarray(0, 1).toString('latin1'), socket }));
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('startPgServer', () => {
  it('uses CONN_COCKROACHDB_URL as is and starts nothing', async () => {
    const url = 'postgresql://someone:topsecret@db.example:5432/x';
    const handle = await startPgServer({ env: { CONN_COCKROACHDB_URL: url } });
    expect(handle.availability).toMatchObject({
      available: true,
      info: { url, source: 'env', canRestart: false },
    });
    if (handle.availability.available) {
      expect(handle.availability.info.redactedUrl).toBe('postgresql://someone:***@db.example:5432/x');
      expect(handle.availability.info.local).toBeUndefined();
    }
    await handle.stop();
  });

  it('says why when no server binaries can be found', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'conn-empty-bin-'));
    try {
      const handle = await startPgServer({ env: { CONN_PG_BINDIR: empty } });
      expect(handle.availability.available).toBe(false);
      if (!handle.availability.available) expect(handle.availability.reason).toContain(empty);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('starts a throwaway cluster on loopback, restarts it, and removes it on stop', async (context) => {
    const handle = await startPgServer({ env: localEnv });
    if (!handle.availability.available) {
      context.skip(`no local PostgreSQL: ${handle.availability.reason}`);
      return;
    }
    const { info } = handle.availability;
    try {
      expect(info.source).toBe('local');
      expect(info.redactedUrl).not.toContain(new URL(info.url).password);
      expect(new URL(info.url).hostname).toBe('127.0.0.1');
      expect(info.version).toMatch(/^\d+\.\d+$/);
      const port = Number(new URL(info.url).port);
      const first = await sslRequest(port);
      expect(['S', 'N']).toContain(first.answer);
      expect(existsSync(info.local?.dataDir ?? '')).toBe(true);

      await restartPgServer(info, { downMs: 50 });
      await closed(first.socket); // the restart cut the session opened before it
      const second = await sslRequest(port);
      expect(['S', 'N']).toContain(second.answer);
      second.socket.destroy();
      await closed(second.socket);
    } finally {
      await handle.stop();
      await handle.stop();
    }
    expect(existsSync(info.local?.rootDir ?? '')).toBe(false);
    expect(await refused(Number(new URL(info.url).port))).toBe(true);
  });
});
