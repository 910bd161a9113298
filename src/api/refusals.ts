// Maps what Temporal says about a workflow call onto HTTP: the workflows' update validators are
// the single source of truth on state, role and conflict of interest, and their refusals arrive
// here as typed application failures.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Refusal } from '../model/actions.js';
import { RefusalType } from '../shared.js';
import { ApiError, dependencyError } from './errors.js';

const STATUS: Record<string, { status: 400 | 403 | 409 | 422; code: string }> = {
  [RefusalType.wrongState]: { status: 409, code: 'wrong_state' },
  [RefusalType.forbidden]: { status: 403, code: 'forbidden' },
  [RefusalType.conflictOfInterest]: { status: 403, code: 'conflict_of_interest' },
  [RefusalType.invalid]: { status: 422, code: 'refused' },
  [RefusalType.referenceInUse]: { status: 409, code: 'reference_in_use' },
  [RefusalType.unstorable]: { status: 400, code: 'unstorable' },
};

function findApplicationFailure(error: unknown): ApplicationFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof ApplicationFailure) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A refusal the action table gives outside a workflow (on the read model of a finished one), as the API's error. */
export function refusalError(r: Refusal): ApiError {
  const { status, code } = STATUS[r.type] ?? { status: 422, code: 'refused' };
  return new ApiError(status, code, r.message, { rule: r.rule });
}

/** Turns a refused or failed workflow call into the API's error, or rethrows what it does not know. */
export function refusalToApiError(error: unknown, what: string): ApiError {
  const unavailable = dependencyError(error);
  if (unavailable) return unavailable;
  if (error instanceof WorkflowNotFoundError) {
    // A finished workflow (a lapsed, withdrawn, closed or funded bid; a closed meeting) takes no more actions.
    if (/already completed/i.test(error.message)) return new ApiError(409, 'closed', `${what} is closed and takes no more actions`);
    return new ApiError(404, 'not_found', `${what} was not found`);
  }
  const failure = findApplicationFailure(error);
  if (failure?.type && STATUS[failure.type]) {
    const { status, code } = STATUS[failure.type]!;
    const details = failure.details?.[0] ?? null;
    return new ApiError(status, code, failure.message, details);
  }
  if (error instanceof WorkflowUpdateFailedError) {
    return new ApiError(422, 'refused', failure?.message ?? error.message);
  }
  throw error;
}
