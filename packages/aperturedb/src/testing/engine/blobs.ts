import { abort } from './abort.js';

/** Request blobs, consumed in order by the commands that take one (docs/protocols/aperturedb.md §3). */
export class RequestBlobCursor {
  private position = 0;

  constructor(private readonly blobs: readonly Uint8Array[]) {}

  take(commandName: string): Uint8Array {
    const blob = this.blobs[this.position];
    if (blob === undefined) abort(`${commandName}: missing blob (request carries ${this.blobs.length})`);
    this.position += 1;
    return blob;
  }
}

/** The flat, ordered response blob list of the whole transaction. */
export class ResponseBlobs {
  readonly list: Uint8Array[] = [];

  /** Appends a blob and returns its absolute `_blob_index`. */
  push(blob: Uint8Array): number {
    this.list.push(blob);
    return this.list.length - 1;
  }

  get nextIndex(): number {
    return this.list.length;
  }
}
