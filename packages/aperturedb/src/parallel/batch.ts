import type { ApertureDBCommand } from '../query/commands.js';
import { RefNumbering, renumberCommands } from './renumber-refs.js';

/** One logical unit of work: commands that belong together (refs between them) and their blobs. */
export interface ParallelItem {
  readonly commands: readonly ApertureDBCommand[];
  readonly blobs?: readonly Uint8Array[] | undefined;
}

/** Items flattened into one transaction. */
export interface Batch {
  /** Position of this batch in reading order, from 0. */
  readonly index: number;
  /** Position of its first item in the source, from 0. */
  readonly firstItem: number;
  readonly commands: ApertureDBCommand[];
  readonly blobs: Uint8Array[];
  /** For each command, the batch-local index of the item it came from. */
  readonly itemOfCommand: number[];
  readonly itemCount: number;
}

/** Flattens `items` into one transaction: refs renumbered so items never collide, blobs in order. */
export function buildBatch(items: readonly ParallelItem[], index = 0, firstItem = 0): Batch {
  const numbering = new RefNumbering();
  const commands: ApertureDBCommand[] = [];
  const blobs: Uint8Array[] = [];
  const itemOfCommand: number[] = [];
  items.forEach((item, itemIndex) => {
    numbering.startItem();
    for (const command of renumberCommands(item.commands, numbering)) {
      commands.push(command);
      itemOfCommand.push(itemIndex);
    }
    if (item.blobs !== undefined) blobs.push(...item.blobs);
  });
  return { index, firstItem, commands, blobs, itemOfCommand, itemCount: items.length };
}
