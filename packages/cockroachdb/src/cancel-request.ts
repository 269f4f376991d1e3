import { connect } from 'node:net';

/** The CancelRequest code from the PostgreSQL protocol (1234 << 16 | 5678). */
const CANCEL_REQUEST_CODE = 80_877_102;

/** Encodes the 16-byte CancelRequest packet for a backend. */
export function encodeCancelRequest(processId: number, secretKey: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeInt32BE(processId, 8);
  packet.writeInt32BE(secretKey, 12);
  return packet;
}

/**
 * Asks the server, on a new plain TCP connection as libpq does, to cancel whatever the backend
 * `processId` is running. Resolves when the server has read the request and closed the socket (or
 * after `timeoutMs`); never rejects: a cancel is best effort, the caller bounds the wait for the query.
 */
export function sendCancelRequest(
  target: { host: string; port: number },
  processId: number,
  secretKey: number,
  timeoutMs = 5_000,
): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.setNoDelay(true);
    socket.once('connect', () => socket.end(encodeCancelRequest(processId, secretKey)));
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // The server answers nothing; reading keeps the socket flowing until it closes its side.
    socket.resume();
  });
}
