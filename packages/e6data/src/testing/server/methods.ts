/**
 * The methods the test server answers, found by gRPC path (docs/protocols/e6data.md, the service
 * table).
 * @internal
 */
import { RPC, type Rpc, type RpcTable } from '../../protocol/messages.js';

/** A key of the RPC table: the method's name, `clusterStatus` etc. for ClusterService. */
export type E6DataMethod = keyof RpcTable;

/** One method the server knows. */
export interface KnownMethod {
  readonly name: E6DataMethod;
  readonly rpc: Rpc<unknown, unknown>;
  /** ClusterService calls are answered while the cluster is suspended. */
  readonly cluster: boolean;
}

const BY_PATH: ReadonlyMap<string, KnownMethod> = new Map(
  (Object.keys(RPC) as E6DataMethod[]).map((name) => {
    const rpc = RPC[name] as Rpc<unknown, unknown>;
    return [rpc.path, { name, rpc, cluster: rpc.path.startsWith('/ClusterService/') }];
  }),
);

/** The method at a gRPC path, or `undefined` (answered UNIMPLEMENTED). */
export function methodAt(path: string): KnownMethod | undefined {
  return BY_PATH.get(path);
}
