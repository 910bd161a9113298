// Builds the Temporal worker: the workflows bundle and the activities with their dependencies.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import type { TemporalRuntime } from './temporal.js';
import { WORKFLOW_TRACING_MODULE, type Tracing } from './tracing.js';

/** The workflows entry: the TypeScript source under tsx, the compiled file otherwise. */
export function workflowsPath(): string {
  for (const name of ['../workflows/index.ts', '../workflows/index.js']) {
    const file = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('cannot find src/workflows/index');
}

/**
 * The workflow bundle npm run build made, when this is the compiled code beside it: with the
 * tracing workflow interceptors in it, or without.
 */
function builtBundle(traced: boolean): string | undefined {
  const file = fileURLToPath(new URL(traced ? '../../workflow-bundle-traced.js' : '../../workflow-bundle.js', import.meta.url));
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
  /**
   * OpenTelemetry tracing: activity interceptors, the workflow interceptors (in the bundle: a
   * given workflowBundle must have been built with WORKFLOW_TRACING_MODULE) and their sink.
   */
  tracing?: Tracing;
}

/** Where the workflows come from: a given bundle, one npm run build made, or bundled now. */
function workflowSource(setup: WorkerSetup): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (setup.workflowBundle) return { workflowBundle: setup.workflowBundle };
  // WORKFLOW_BUNDLE_PATH is a bundle without the tracing interceptors; traced, the worker uses
  // the traced bundle of npm run build, or bundles the workflows with them as it starts.
  const prebuilt = setup.tracing ? builtBundle(true) : (setup.deps.config.WORKFLOW_BUNDLE_PATH ?? builtBundle(false));
  if (prebuilt) return { workflowBundle: { codePath: prebuilt } };
  return { workflowsPath: setup.workflowsPath ?? workflowsPath() };
}

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  const activities = { ...createActivities(setup.deps), ...setup.activityOverrides };
  const source = workflowSource(setup);
  return Worker.create({
    connection: setup.temporal.nativeConnection,
    namespace: setup.temporal.namespace,
    taskQueue: setup.taskQueue,
    activities,
    // A bundle built beforehand saves the worker bundling at start-up, and the memory that takes.
    ...source,
    ...(setup.tracing
      ? {
          // The workflow interceptors are in a prebuilt bundle already, or bundled in now.
          interceptors: { activity: setup.tracing.activityInterceptors, ...(source.workflowsPath ? { workflowModules: [WORKFLOW_TRACING_MODULE] } : {}) },
          sinks: setup.tracing.sinks,
        }
      : {}),
    // Bids wait for weeks; a drained shutdown lets in-flight activities finish first.
    shutdownGraceTime: '10 seconds',
    // Open bids wait, mostly idle: keeping only so many in memory keeps the worker's memory flat
    // however many are open; one evicted is replayed from its (small) history when it wakes.
    maxCachedWorkflows: setup.deps.config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: setup.deps.config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  });
}
