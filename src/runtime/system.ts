// Assembles the running system from its parts: database (migrated and seeded), Temporal, the
// worker and the HTTP API, in any combination, and takes them down in reverse order.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { createApp } from '../api/app.js';
import { ConfigError, elapsedMs, shouldSeedDemo, type Config } from '../config.js';
import { seedDemo } from '../services/demo.js';
import { resolveSessionSecret } from '../web/session.js';
import { migrateDatabase, openDatabase, pingDatabase, type Database } from '../db/client.js';
import { waitFor } from './retry.js';
import { seedReferenceData } from '../db/seed.js';
import { createLogger, type Logger } from './log.js';
import { connectTemporal, ensureSearchAttributes, openTemporal, type TemporalRuntime } from './temporal.js';
import { createWorker } from './worker.js';
import type { Notifier } from '../activities/lifecycle.js';

/** Until e-mail is configured, notifications are stored in the outbox and logged. */
function logNotifier(logger: Logger): Notifier {
  return {
    send: (n) => {
      logger.info(`Notification ${n.kind} to ${[...n.recipientIds, ...n.recipientRoles].join(', ')}${n.recipientOrganisation ? ` (${n.recipientOrganisation})` : ''}: ${n.subject}`);
      return Promise.resolve();
    },
  };
}

export interface SystemOptions {
  worker: boolean;
  api: boolean;
  /** Start a dev server and PGlite when no cluster or database is configured (npm start). */
  embedded: boolean;
}

export interface RunningSystem {
  database: Database;
  temporal: TemporalRuntime;
  apiUrl?: string;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** The process handles its own signals, so the worker is drained before anything else stops. */
function installRuntime(config: Config): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // The SDK's INFO lines (the workflow bundle's webpack report) are noise outside debugging.
    Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(config.LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  } catch {
    // A host (a test runner) installed the runtime already and owns its signals.
  }
}

export async function startSystem(config: Config, options: SystemOptions, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningSystem> {
  installRuntime(config);
  const stack: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of stack.reverse()) {
      try {
        await part.stop();
        logger.info(`Stopped ${part.name}`);
      } catch (error) {
        logger.error(`Stopping ${part.name} failed: ${(error as Error).message}`);
      }
    }
    stack.length = 0;
  };

  if (!options.embedded && !config.TEMPORAL_ADDRESS) {
    throw new ConfigError([
      'TEMPORAL_ADDRESS: required when the worker and the API run as separate processes (npm run worker, npm run api), e.g. temporal.internal:7233; npm start runs an embedded dev server instead',
    ]);
  }
  if (!options.embedded && !config.DATABASE_URL) {
    throw new ConfigError([
      'DATABASE_URL: required when the worker and the API run as separate processes (npm run worker, npm run api); npm start runs with an embedded database instead',
    ]);
  }
  try {
    // A worker's activities each hold a connection while they run: its pool is at least that large.
    const poolSize = options.worker ? Math.max(config.DATABASE_POOL_SIZE, config.WORKER_MAX_CONCURRENT_ACTIVITIES) : config.DATABASE_POOL_SIZE;
    const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize, connectTimeoutSeconds: Math.ceil(elapsedMs(config.DEPENDENCY_TIMEOUT) / 1000) });
    stack.push({ name: `the database (${database.kind})`, stop: () => database.close() });
    const wait = { timeoutMs: elapsedMs(config.STARTUP_TIMEOUT), log: logger.warn };
    await waitFor(`PostgreSQL at ${database.location}`, () => pingDatabase(database.db), wait);
    await migrateDatabase(database, config.DATABASE_URL);
    await seedReferenceData(database.db);
    // The process that serves people seeds the demo, so its token file is where they sign in.
    if (options.api && shouldSeedDemo(config)) await seedDemo(database.db, config, logger.info);
    logger.info(`Database ready: ${database.kind} at ${database.location}`);

    const temporal = options.embedded ? await openTemporal(config, logger.info) : await waitFor(`Temporal at ${config.TEMPORAL_ADDRESS}`, () => connectTemporal(config), wait);
    stack.push({ name: temporal.embedded ? 'the Temporal dev server' : 'the Temporal connection', stop: () => temporal.close() });
    if (!temporal.embedded) {
      await waitFor(`namespace ${temporal.namespace} on Temporal at ${temporal.address}`, () => temporal.client.workflowService.describeNamespace({ namespace: temporal.namespace }), wait);
      await ensureSearchAttributes(temporal, logger.info);
    }
    logger.info(`Temporal ready at ${temporal.address}, namespace ${temporal.namespace}`);

    let worker: Worker | undefined;
    if (options.worker) {
      worker = await createWorker({
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        deps: { db: database.db, config, temporal: { client: temporal.client }, notifier: logNotifier(logger) },
      });
      const running = worker.run();
      const w = worker;
      stack.push({
        name: 'the worker (drained)',
        stop: async () => {
          if (w.getState() === 'RUNNING') w.shutdown();
          await running;
        },
      });
      running.catch((error: Error) => logger.error(`The worker stopped: ${error.message}`));
      logger.info(`Worker polling task queue ${config.TEMPORAL_TASK_QUEUE}`);
    }

    let apiUrl: string | undefined;
    if (options.api) {
      const app = createApp({
        db: database.db,
        temporal: { client: temporal.client, taskQueue: config.TEMPORAL_TASK_QUEUE },
        config,
        sessionSecret: await resolveSessionSecret(config),
        log: logger.error,
      });
      const server = await new Promise<ServerType>((resolve, reject) => {
        const s = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s));
        s.once('error', reject);
      });
      const { port } = server.address() as AddressInfo;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
      apiUrl = config.PUBLIC_URL ?? `http://${host}:${port}`;
      stack.push({
        name: 'the HTTP server',
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
      });
    }

    return { database, temporal, apiUrl, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Runs until SIGINT or SIGTERM, then stops cleanly; a second signal forces the exit. */
export function stopOnSignals(system: RunningSystem, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    logger.info(`${signal} received: draining the worker and shutting down`);
    system.stop().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`Shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
