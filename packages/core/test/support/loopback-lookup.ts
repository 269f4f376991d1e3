import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

/** A `lookup` answering 127.0.0.1 for any name (handles `all: true`, used by Node 20's family autoselection). */
export const loopbackLookup: LookupFunction = (_hostname, options, callback) => {
  const address: LookupAddress = { address: '127.0.0.1', family: 4 };
  if ((options as { all?: boolean }).all)
    (callback as (e: null, a: LookupAddress[]) => void)(null, [address]);
  else callback(null, address.address, address.family);
};
