/**
 * The `grpc-timeout` request header: the client's deadline as 1-8 digits and a unit
 * (`H` hours, `M` minutes, `S` seconds, `m` milliseconds, `u` microseconds, `n` nanoseconds).
 * @internal
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** Longest delay `setTimeout` keeps; a longer deadline cannot pass during a test. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Milliseconds until the deadline (rounded up, so a sub-millisecond deadline still waits one
 * tick), or `undefined` when the header is absent, malformed or too far away to matter.
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  const ms = Math.ceil(Number(match[1]) * (UNIT_MS[match[2] as string] as number));
  return ms > MAX_TIMER_MS ? undefined : ms;
}
