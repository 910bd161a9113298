// Builds the Temporal worker: the workflows bundle and the activities with their dependencies.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { TemporalRuntime } from './temporal.js';

/** The workflows entry: the TypeScript source under tsx, the compiled file otherwise. */
export function workflowsPath(): string {
  for (const name of ['../workflows/index.ts', '../workflows/index.js']) {
    const file = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('cannot find src/workflows/index');
}

/** The workflow bundle npm run build made, when this is the compiled code beside it. */
function builtBundle(): string | undefined {
  const file = fileURLToPath(new URL('../../workflow-bundle.js', import.meta.url));
  return import.meta.url.endsWith('.js') && existsSync(file) ? file : undefined;
}

export interface WorkerSetup {
  temporal: Pick<TemporalRuntime, 'nativeConnection' | 'namespace'>;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build it once); otherwise the worker bundles workflowsPath. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Other workflows than the service's (a benchmark's floor). */
  workflowsPath?: string;
  /** Activities to override, for a unit test that isolates one. */
  activityOverrides?: Partial<ReturnType<typeof createActivities>>;
}

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  const activities = { ...createActivities(setup.deps), ...setup.activityOverrides };
  return Worker.create({
    connection: setup.temporal.nativeConnection,
    namespace: setup.temporal.namespace,
    taskQueue: setup.taskQueue,
    activities,
    // A bundle built beforehand saves the worker bundling at start-up, and the memory that takes.
    ...(setup.workflowBundle
      ? { workflowBundle: setup.workflowBundle }
      : (setup.deps.config.WORKFLOW_BUNDLE_PATH ?? builtBundle())
        ? { workflowBundle: { codePath: (setup.deps.config.WORKFLOW_BUNDLE_PATH ?? builtBundle())! } }
        : { workflowsPath: setup.workflowsPath ?? workflowsPath() }),
    // Bids wait for weeks; a drained shutdown lets in-flight activities finish first.
    shutdownGraceTime: '10 seconds',
    // Open bids wait, mostly idle: keeping only so many in memory keeps the worker's memory flat
    // however many are open; one evicted is replayed from its (small) history when it wakes.
    maxCachedWorkflows: setup.deps.config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: setup.deps.config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  });
}
