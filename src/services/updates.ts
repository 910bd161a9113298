// Sending a workflow an Update, as every action does. With the caller's Idempotency-Key the
// Update's id is derived from it, so a retry reaches the same Update and gets the first answer
// (the same key with another request is refused). The wait is bounded: an answer that does not
// come in ACTION_TIMEOUT means the outcome is unknown, and the caller is told to send it again
// with the same key. A workflow about to continue as new turns Updates away for a moment; they
// are sent again, to its next run.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { canonicalJson, sha256 } from '../domain/trail.js';
import { requestContext } from './context.js';

const CONTINUING_AS_NEW = 'ContinuingAsNew';

const continuingAsNew = (error: unknown) =>
  error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === CONTINUING_AS_NEW;

/**
 * Temporal turns Updates away while the workflow's task is being tried again (a worker was slow
 * or restarted, so its last attempt timed out): FAILED_PRECONDITION, "Workflow Task in failed
 * state". The next attempt normally succeeds in moments, so the Update is sent again.
 */
export function workflowTaskRetrying(error: unknown): boolean {
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth += 1) {
    if (typeof e.message === 'string' && e.message.includes('Workflow Task in failed state')) return true;
  }
  return false;
}

/** How long an Update is sent again while the workflow's task is retried, before the error stands. */
const TASK_RETRY_MS = 20_000;

export interface UpdateOptions {
  updateId?: string;
  /** How long to wait for the answer, in ms. */
  timeoutMs?: number;
}

export async function sendUpdate<Ret, Arg>(handle: WorkflowHandle, definition: UpdateDefinition<Ret, [Arg]>, arg: Arg, options: UpdateOptions | string = {}): Promise<Ret> {
  const { updateId, timeoutMs } = typeof options === 'string' ? { updateId: options, timeoutMs: undefined } : options;
  const send = () => handle.executeUpdate(definition, { args: [arg], ...(updateId && { updateId }) });
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return timeoutMs ? await handle.client.connection.withDeadline(Date.now() + timeoutMs, send) : await send();
    } catch (error) {
      const again = continuingAsNew(error) ? attempt < 100 : workflowTaskRetrying(error) && Date.now() - started < TASK_RETRY_MS;
      if (!again) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20 * attempt, 500)));
    }
  }
}

/**
 * The Update id for a person's action: from their Idempotency-Key when they sent one, after
 * checking the key was not used for another request (422 idempotency_key_reused).
 */
export async function actionUpdateId(db: Db, userId: string, target: string, action: string, args: unknown): Promise<string | undefined> {
  const key = requestContext().idempotencyKey;
  if (!key) return undefined;
  const { actor: _actor, ...rest } = (args ?? {}) as Record<string, unknown>;
  const requestHash = sha256(canonicalJson({ action, target, args: rest }));
  const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
  await db.insert(idempotencyKeys).values({ userId, key, requestHash, reference: target }).onConflictDoNothing();
  const [claim] = await db.select({ requestHash: idempotencyKeys.requestHash }).from(idempotencyKeys).where(where).limit(1);
  if (claim && claim.requestHash !== requestHash) {
    throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key for a new action');
  }
  return `idem:${sha256(`${userId}\n${key}`).slice(0, 40)}`;
}
