/**
 * What a {@link Pool} needs to know about its resources: how to open, close and check them.
 * The pool never knows protocol details; drivers pass a factory of their connections.
 */
export interface Factory<T> {
  /**
   * Opens a new resource. `signal` aborts at the deadline of the acquire that asked for it, when the
   * create timeout passes, or when the pool closes: stop connecting then (pass it to the socket).
   * A resource that still arrives after the abort is handed to the next waiter, kept idle, or destroyed.
   * A rejection that is not a `ConnError` reaches the waiter wrapped in a `ConnectionError` (as `cause`).
   *
   * Call `lost(error)` when the resource dies on its own later (the peer closed the socket): the
   * pool drops it at once, idle or lent (every lease on it then ends as a no-op), and creates a
   * replacement in the background when it falls below `min`. Calls before the resource was
   * delivered make the create fail with that error; calls after it left the pool are ignored.
   */
  create(signal: AbortSignal, lost: (error?: unknown) => void): Promise<T>;
  /**
   * Closes a resource for good. Errors (thrown or rejected) never reach callers: they go to the
   * pool's `onError` hook and the `pool:error` diagnostics channel.
   */
  destroy(resource: T): Promise<void> | void;
  /**
   * A cheap health check ("ping") run on borrow when the resource sat idle for at least
   * `validateAfterIdleMs`. `false` or an error destroys it and the pool tries the next one.
   */
  validate?(resource: T, signal: AbortSignal): Promise<boolean> | boolean;
  /**
   * Synchronous check on borrow and on release, for example "the socket closed while idle or leased".
   * `false` destroys the resource instead of reusing it.
   */
  isReusable?(resource: T): boolean;
}
