// What readiness means: Temporal answers for our namespace, PostgreSQL answers, and every
// migration this code needs is applied. Each check is bounded, so a probe answers in seconds.
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { pendingMigrations, pingDatabase, type Db } from '../db/client.js';

export interface Check {
  ok: boolean;
  error?: string;
}

export async function probe(fn: () => Promise<unknown>, timeoutMs = 3000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export interface Readiness {
  ok: boolean;
  temporal: Check;
  database: Check;
  migrations: Check;
  worker?: Check;
}

export async function readiness(deps: { db: Db; client: Client; namespace: string; timeoutMs?: number; worker?: () => Check }): Promise<Readiness> {
  const [temporal, database, migrations] = await Promise.all([
    probe(() => deps.client.workflowService.describeNamespace({ namespace: deps.namespace }), deps.timeoutMs),
    probe(() => pingDatabase(deps.db), deps.timeoutMs),
    probe(async () => {
      const pending = await pendingMigrations(deps.db);
      if (pending.length) throw new Error(`not applied: ${pending.join(', ')}`);
    }, deps.timeoutMs),
  ]);
  const worker = deps.worker?.();
  const ok = temporal.ok && database.ok && migrations.ok && (worker?.ok ?? true);
  return { ok, temporal, database, migrations, ...(worker ? { worker } : {}) };
}

/** Tasks waiting on the task queue, as Temporal approximates them (server 1.25 and later). */
export function backlogProbe(client: Client, namespace: string, taskQueue: string) {
  const { TaskQueueType } = protos.temporal.api.enums.v1;
  const one = async (taskQueueType: protos.temporal.api.enums.v1.TaskQueueType) => {
    const response = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType, reportStats: true });
    return Number(response.stats?.approximateBacklogCount ?? 0);
  };
  return async () => {
    const [workflow, activity] = await Promise.all([one(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW), one(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)]);
    return { workflow, activity };
  };
}
