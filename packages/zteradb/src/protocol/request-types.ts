/**
 * Request types that go on the wire (docs/protocols/zteradb.md, request-type registry). Only
 * CONNECT, QUERY and CANCEL are ever sent by any client; PING is defined but never sent.
 */
export const RequestType = {
  NONE: 0,
  CONNECT: 1,
  /** Sent by the Python client only, when a result stream is abandoned. */
  CANCEL: 4,
  QUERY: 5,
  PING: 7,
} as const;

/** One of the {@link RequestType} numbers. */
export type RequestTypeCode = (typeof RequestType)[keyof typeof RequestType];

/** DISCONNECT differs between the client families and is never sent: closing the socket disconnects. */
export const DISCONNECT_REQUEST_TYPE: { readonly python: 3; readonly node: 2 } = { python: 3, node: 2 };

/** The name of a request type number, `DISCONNECT` for either family's number, `undefined` for others. */
export function requestTypeName(requestType: number): string | undefined {
  for (const [name, value] of Object.entries(RequestType)) if (value === requestType) return name;
  if (requestType === DISCONNECT_REQUEST_TYPE.python || requestType === DISCONNECT_REQUEST_TYPE.node) {
    return 'DISCONNECT';
  }
  return undefined;
}
