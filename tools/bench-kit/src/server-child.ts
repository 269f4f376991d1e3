// The child side of `startServerProcess` (./server-process.ts): a bench's server script calls
// `announceServer` once its servers listen.
import { createInterface } from 'node:readline';

/**
 * Prints `announced` as one JSON line; then answers each `cpu` line on stdin with this process's
 * CPU seconds so far, and when stdin closes runs `close` and exits.
 */
export function announceServer<Announced extends object>(
  announced: Announced,
  close: () => Promise<unknown>,
): void {
  process.stdout.write(`${JSON.stringify(announced)}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuSeconds: (user + system) / 1e6 })}\n`);
  });
  lines.on('close', () => {
    void close().then(() => process.exit(0));
  });
}
