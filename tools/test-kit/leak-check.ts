// Runs around every test file: whatever sockets, servers or timers the file opened must be closed
// by the time its last test finishes. Counts are compared per resource type against the start.
import { afterAll, beforeAll, expect } from 'vitest';

// Resource types that a test may open and must close again, named as Node 20's
// process.getActiveResourcesInfo() reports them.
const WATCHED = new Set([
  'TCPSocketWrap',
  'TCPServerWrap',
  'TCPConnectWrap',
  'ConnectWrap',
  'TLSWrap',
  'PipeWrap',
  'PipeServerWrap',
  'PipeConnectWrap',
  'UDPWrap',
  'Timeout',
  'Immediate',
]);

function countWatched(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (WATCHED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

let baseline = new Map<string, number>();

beforeAll(() => {
  baseline = countWatched();
});

afterAll(async () => {
  // Closing a socket frees its handle on the next turn of the event loop; let queued close
  // callbacks run (no timer: a timer would itself be an active resource).
  for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  const leaked: Record<string, number> = {};
  for (const [type, count] of countWatched()) {
    const extra = count - (baseline.get(type) ?? 0);
    if (extra > 0) leaked[type] = extra;
  }
  expect(leaked, 'sockets, servers or timers left open by this test file').toEqual({});
});
