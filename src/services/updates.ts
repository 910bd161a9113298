// Sending a workflow an Update: a workflow about to continue as new turns new Updates away for
// a moment (its running ones finish first), and they are sent again, to its next run.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';

const CONTINUING_AS_NEW = 'ContinuingAsNew';

const continuingAsNew = (error: unknown) =>
  error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === CONTINUING_AS_NEW;

export async function sendUpdate<Ret, Arg>(handle: WorkflowHandle, definition: UpdateDefinition<Ret, [Arg]>, arg: Arg, updateId?: string): Promise<Ret> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handle.executeUpdate(definition, { args: [arg], ...(updateId && { updateId }) });
    } catch (error) {
      if (!continuingAsNew(error) || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20 * attempt, 500)));
    }
  }
}
