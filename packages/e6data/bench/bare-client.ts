/**
 * The transfer-only floor: a bare grpc-js client that authenticates, prepares, executes, reads the
 * metadata and then fetches every batch until the empty one, decoding nothing (only the protobuf
 * envelope, to find the batch's bytes). What any client must at least do to get the rows.
 */
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { RPC, type Rpc } from '../src/protocol/messages.js';

export class BareE6DataClient {
  readonly #client: Client;
  readonly #url: URL;

  constructor(url: string) {
    this.#url = new URL(url);
    this.#client = new Client(`${this.#url.hostname}:${this.#url.port}`, credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
    });
  }

  /** Runs `sql` and fetches every batch; resolves with the bytes of the batches received. */
  async fetchAll(sql: string): Promise<number> {
    const params = this.#url.searchParams;
    const headers = { strategy: 'blue', 'cluster-name': params.get('cluster-name') ?? '' };
    const { sessionId } = await this.#call(
      RPC.authenticate,
      { user: decodeURIComponent(this.#url.username), password: decodeURIComponent(this.#url.password) },
      headers,
    );
    const session = sessionId ?? '';
    const prepared = await this.#call(
      RPC.prepareStatementV2,
      {
        sessionId: session,
        schema: params.get('schema') ?? '',
        catalog: params.get('catalog') ?? '',
        queryString: sql,
      },
      headers,
    );
    const query = { engineIP: prepared.engineIP ?? '', sessionId: session, queryId: prepared.queryId ?? '' };
    const scoped = { ...headers, plannerip: query.engineIP };
    await this.#call(RPC.executeStatementV2, query, scoped);
    await this.#call(RPC.getResultMetadata, query, scoped);
    let bytes = 0;
    for (;;) {
      const batch =
        (await this.#call(RPC.getNextResultBatch, query, scoped)).resultBatch ?? new Uint8Array(0);
      if (batch.length === 0) break;
      bytes += batch.length;
    }
    await this.#call(RPC.clearOrCancelQuery, query, scoped);
    return bytes;
  }

  close(): void {
    this.#client.close();
  }

  #call<Request, Response>(
    rpc: Rpc<Request, Response>,
    request: Request,
    headers: Record<string, string>,
  ): Promise<Response> {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(headers)) if (value !== '') metadata.set(key, value);
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        rpc.path,
        (message: Request) => Buffer.from(rpc.request.encode(message).finish()),
        (bytes: Buffer) => rpc.response.decode(bytes),
        request,
        metadata,
        {},
        (error: ServiceError | null, answer?: Response) =>
          error === null ? resolve(answer as Response) : reject(error),
      );
    });
  }
}
