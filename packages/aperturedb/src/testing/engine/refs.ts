import { abort } from './abort.js';

/** What a `_ref` names inside one transaction: a set of objects or a set of connections. */
export type RefTarget =
  | { readonly kind: 'objects'; readonly ids: readonly string[] }
  | { readonly kind: 'connections'; readonly ids: readonly string[] };

/** `_ref` handles, local to one query (docs/protocols/aperturedb.md §5.2). */
export class RefTable {
  private readonly targets = new Map<number, RefTarget>();

  bind(ref: unknown, target: RefTarget): void {
    if (ref === undefined) return;
    if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 1) abort(`Invalid _ref: ${String(ref)}`);
    if (this.targets.has(ref)) abort(`_ref ${ref} is already in use in this transaction`);
    this.targets.set(ref, target);
  }

  resolve(ref: unknown): RefTarget {
    const target = typeof ref === 'number' ? this.targets.get(ref) : undefined;
    if (target === undefined) abort(`Reference not found: ${JSON.stringify(ref) ?? 'undefined'}`);
    return target;
  }

  resolveObjects(ref: unknown): readonly string[] {
    const target = this.resolve(ref);
    if (target.kind !== 'objects') abort(`Reference ${String(ref)} names connections, not objects`);
    return target.ids;
  }

  resolveConnections(ref: unknown): readonly string[] {
    const target = this.resolve(ref);
    if (target.kind !== 'connections') abort(`Reference ${String(ref)} names objects, not connections`);
    return target.ids;
  }

  /** After a Delete* with `ref`, that ref is invalid for the rest of the transaction. */
  invalidate(ref: unknown): void {
    if (typeof ref === 'number') this.targets.delete(ref);
  }
}
