import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBatch, type ParallelItem } from '../../src/parallel/index.js';
import type { ApertureDBCommand } from '../../src/query/commands.js';

const paramsOf = (command: ApertureDBCommand): Record<string, unknown> =>
  Object.values(command)[0] as Record<string, unknown>;

describe('buildBatch: refs renumbered so batched items never collide', () => {
  it('rewrites every place a ref is named, and nothing else', () => {
    const item: ParallelItem = {
      commands: [
        { AddEntity: { class: 'A', _ref: 1, properties: { ref: 1, src: 1 } } },
        { AddImage: { _ref: 2, connect: { ref: 1, class: 'has' } } },
        {
          FindEntity: {
            _ref: 3,
            constraints: { ref: ['==', 1] },
            is_connected_to: { any: [{ ref: 1 }, { all: [{ ref: 2, connection_class: 'x' }] }] },
          },
        },
        { AddConnection: { class: 'C', src: 1, dst: 3 } },
        { UpdateEntity: { ref: 3, properties: { n: 1 } } },
        { AddBoundingBox: { image_ref: 2 } } as unknown as ApertureDBCommand,
      ],
    };
    const batch = buildBatch([item, item]);
    expect(batch.commands).toHaveLength(12);
    const second = batch.commands.slice(6).map(paramsOf);
    // The second copy's refs 1, 2, 3 become 4, 5, 6 (the first copy used 1..3).
    expect(second[0]).toEqual({ class: 'A', _ref: 4, properties: { ref: 1, src: 1 } });
    expect(second[1]).toEqual({ _ref: 5, connect: { ref: 4, class: 'has' } });
    expect(second[2]).toEqual({
      _ref: 6,
      constraints: { ref: ['==', 1] },
      is_connected_to: { any: [{ ref: 4 }, { all: [{ ref: 5, connection_class: 'x' }] }] },
    });
    expect(second[3]).toEqual({ class: 'C', src: 4, dst: 6 });
    expect(second[4]).toEqual({ ref: 6, properties: { n: 1 } });
    expect(second[5]).toEqual({ image_ref: 5 });
    expect(batch.itemOfCommand).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    // The input is not modified.
    expect(paramsOf(item.commands[0] as ApertureDBCommand)['_ref']).toBe(1);
  });

  it('keeps a dangling ref dangling instead of pointing it at another item', () => {
    const batch = buildBatch([
      { commands: [{ AddEntity: { class: 'A', _ref: 1 } }] },
      { commands: [{ AddConnection: { class: 'C', src: 1, dst: 1 } }] },
    ]);
    expect(paramsOf(batch.commands[1] as ApertureDBCommand)).toEqual({ class: 'C', src: 2, dst: 2 });
  });

  it('concatenates blobs in item order', () => {
    const a = Uint8Array.of(1);
    const b = Uint8Array.of(2);
    const c = Uint8Array.of(3);
    const batch = buildBatch([
      { commands: [{ AddBlob: {} }, { AddBlob: {} }], blobs: [a, b] },
      { commands: [{ AddEntity: { class: 'x' } }] },
      { commands: [{ AddBlob: {} }], blobs: [c] },
    ]);
    expect(batch.blobs).toEqual([a, b, c]);
  });

  it('property: in every batch refs are unique and every reference names its own item’s command', () => {
    // An item: commands 0..n-1, command i defines ref (base + i) with a random base, and names the
    // refs of random earlier commands of the same item through `src`, `dst`, `connect.ref` or
    // `is_connected_to.ref`.
    const itemArb = fc
      .record({
        base: fc.integer({ min: 1, max: 50 }),
        picks: fc.array(fc.record({ kind: fc.constantFrom(0, 1, 2), a: fc.nat(), b: fc.nat() }), {
          minLength: 1,
          maxLength: 6,
        }),
      })
      .map(({ base, picks }) => {
        const refOf = (command: number) => base + command;
        const targets: number[][] = [];
        const commands = picks.map(({ kind, a, b }, index): ApertureDBCommand => {
          // The first command has nothing earlier to name.
          const named = index === 0 ? [] : kind === 0 ? [a % index, b % index] : [a % index];
          targets.push(named);
          const [first, second] = named;
          if (first === undefined) return { AddEntity: { class: 'E', _ref: refOf(index) } };
          if (second !== undefined)
            return {
              AddConnection: { class: 'C', _ref: refOf(index), src: refOf(first), dst: refOf(second) },
            };
          if (kind === 1)
            return { AddEntity: { class: 'E', _ref: refOf(index), connect: { ref: refOf(first) } } };
          return { FindEntity: { _ref: refOf(index), is_connected_to: { any: [{ ref: refOf(first) }] } } };
        });
        return { item: { commands } satisfies ParallelItem, targets };
      });
    fc.assert(
      fc.property(fc.array(itemArb, { minLength: 1, maxLength: 12 }), (generated) => {
        const batch = buildBatch(generated.map((g) => g.item));
        const defined = batch.commands.map((command) => paramsOf(command)['_ref'] as number);
        expect(new Set(defined).size).toBe(defined.length);
        let offset = 0;
        for (const { item, targets } of generated) {
          item.commands.forEach((_, index) => {
            const params = paramsOf(batch.commands[offset + index] as ApertureDBCommand);
            const named = [
              params['src'],
              params['dst'],
              (params['connect'] as { ref?: number } | undefined)?.ref,
              (params['is_connected_to'] as { any: { ref: number }[] } | undefined)?.any[0]?.ref,
            ].filter((ref) => ref !== undefined);
            const expected = (targets[index] ?? []).map((t) => defined[offset + t]);
            expect(named).toEqual(expected);
          });
          offset += item.commands.length;
        }
      }),
      { numRuns: 300 },
    );
  });
});
