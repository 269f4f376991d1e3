import type { Lease } from '../pool/lease.js';
import type { HostSpec } from './host-selector.js';

/** A {@link Lease} from a `HostPool`: also says which host the resource is connected to. */
export interface HostLease<H extends HostSpec, T> extends Lease<T> {
  /** The host (one of the pool's `hosts`, the same object). */
  readonly host: H;
}

/**
 * A host pool's lease: the host's pool lease plus the host.
 * @internal
 */
export class HostPoolLease<H extends HostSpec, T> implements HostLease<H, T> {
  readonly host: H;
  readonly resource: T;
  readonly shared: boolean;
  readonly #lease: Lease<T>;

  constructor(host: H, lease: Lease<T>) {
    this.host = host;
    this.#lease = lease;
    this.resource = lease.resource;
    this.shared = lease.shared;
  }

  release(): void {
    this.#lease.release();
  }

  destroy(error?: unknown): void {
    this.#lease.destroy(error);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#lease[Symbol.asyncDispose]();
  }
}
