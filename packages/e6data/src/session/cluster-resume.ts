import { type CancelSource, type Secret, sleep } from '@conn/core';
import { E6DataClusterUnavailableError } from '../errors.js';
import { RPC } from '../protocol/messages.js';
import type { CallHeaders, GrpcChannel } from '../transport/grpc-channel.js';

/** What resuming a cluster needs. */
export interface ResumeContext {
  readonly channel: GrpcChannel;
  readonly user: string;
  readonly password: Secret | undefined;
  readonly headers: CallHeaders;
  /** How long the cluster may take to become active, ms. */
  readonly timeoutMs: number;
  /** Between two status polls, ms. */
  readonly pollIntervalMs: number;
  readonly cancel?: CancelSource | undefined;
  /** Called with each status seen (for events and tests). */
  readonly onStatus?: ((status: string) => void) | undefined;
}

/**
 * Resumes a suspended cluster through `ClusterService` (docs/protocols/e6data.md, auto-resume):
 * `status`; when `suspended`, `resume`; then `status` every `pollIntervalMs` until `active`.
 * Resolves once active. @throws E6DataClusterUnavailableError when it reports `failed` or is not
 * active within `timeoutMs`; the call's end (deadline, abort) as it is.
 */
export async function resumeCluster(context: ResumeContext): Promise<void> {
  const { channel, headers, cancel } = context;
  const secrets = [context.password];
  const request = { user: context.user, password: context.password?.reveal() ?? '' };
  const ask = async (rpc: typeof RPC.clusterStatus): Promise<string> => {
    const answer = await channel.unary(rpc, request, { headers, cancel, secrets });
    const status = (answer.status ?? '').toLowerCase();
    context.onStatus?.(status);
    return status;
  };
  const giveUp = Date.now() + context.timeoutMs;
  let status = await ask(RPC.clusterStatus);
  if (status === 'suspended') status = await ask(RPC.clusterResume);
  while (status !== 'active') {
    if (status === 'failed') throw unavailable('the cluster failed to resume', status);
    if (Date.now() + context.pollIntervalMs > giveUp) {
      throw unavailable(`the cluster was not active within ${context.timeoutMs} ms`, status);
    }
    await sleep(context.pollIntervalMs, undefined, cancel);
    status = await ask(RPC.clusterStatus);
  }
}

function unavailable(message: string, status: string): E6DataClusterUnavailableError {
  return new E6DataClusterUnavailableError(`e6data: ${message} (last status: ${status || 'none'})`, {
    serverCode: 503,
    serverMessage: status,
    details: { clusterStatus: status },
  });
}
