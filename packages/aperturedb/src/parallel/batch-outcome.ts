import type { ConnError } from '@conn/core';
import { ApertureDBErrorCode, ApertureDBTransactionError } from '../errors.js';
import type { ApertureDBResponse } from '../response.js';
import { commandNameOf, resultOf, statusOf } from '../response.js';
import type { Batch } from './batch.js';

/** What one transaction contributed to the totals. */
export interface BatchOutcome {
  /** Commands whose status is 0 (or another success status but 2). */
  readonly succeeded: number;
  /** Commands whose status is 2: a conditional add found the object. */
  readonly existed: number;
  /** Items with a command outside the success statuses, or all items of a failed transaction. */
  readonly failed: number;
  /** Why, when something failed. */
  readonly error: ConnError | undefined;
}

/** Counts a response's statuses per command; an item fails once, however many of its commands did. */
export function outcomeOfResponse(
  batch: Batch,
  response: ApertureDBResponse,
  successStatuses: ReadonlySet<number>,
): BatchOutcome {
  let succeeded = 0;
  let existed = 0;
  const failedItems = new Set<number>();
  let error: ConnError | undefined;
  for (let index = 0; index < batch.commands.length; index++) {
    const status = statusOf(response, index);
    if (successStatuses.has(status)) {
      if (status === 2) existed++;
      else succeeded++;
      continue;
    }
    failedItems.add(batch.itemOfCommand[index] ?? 0);
    error ??= statusError(response, index, status);
  }
  return { succeeded, existed, failed: failedItems.size, error };
}

/** A transaction that did not run (or whose answer we do not have): every item in it failed. */
export function outcomeOfFailure(batch: Batch, error: ConnError): BatchOutcome {
  return { succeeded: 0, existed: 0, failed: batch.itemCount, error };
}

/** Statuses such as 1 or 3 do not make the client throw, but are no success for a bulk load. */
function statusError(response: ApertureDBResponse, index: number, status: number): ConnError {
  const name = commandNameOf(response, index);
  const info = resultOf(response, index)?.info;
  const serverMessage = typeof info === 'string' ? info : '';
  return new ApertureDBTransactionError(
    `ApertureDB command ${index} (${name ?? 'unknown'}) answered status ${status}, not a success status`,
    {
      code: ApertureDBErrorCode.COMMAND_FAILED,
      serverCode: status,
      serverMessage,
      commandIndex: index,
      commandName: name,
      details: { status, commandIndex: index },
    },
  );
}
