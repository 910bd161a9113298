// A test file's own world on the real parts: a database cloned from the migrated template, a
// Temporal client and a worker on the shared dev server (own task queue), and the HTTP app.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp, type App } from '../../src/api/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { migrateDatabase, openPostgres, type Database, type Db } from '../../src/db/client.js';
import { DEMO_USERS, seedDemoUsers } from '../../src/db/demo.js';
import { issueToken } from '../../src/services/auth.js';
import { seedReferenceData } from '../../src/db/seed.js';
import { createWorker, type WorkerSetup } from '../../src/runtime/worker.js';
import { cloneTemplate } from './databases.js';
import { recordHistories } from './histories.js';
import type { Tracing } from '../../src/runtime/tracing.js';

export interface TestContext {
  app: App;
  db: Db;
  database: Database;
  databaseUrl: string;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  config: Config;
  taskQueue: string;
  temporalAddress: string;
  worker: Worker;
  /** Stops the worker (e.g. to simulate a crash) and starts a fresh one on the same queue. */
  restartWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** A reference no other test file uses. */
  reference(): string;
  /** Bearer tokens of the demo users, by user id. */
  tokens: Record<string, string>;
  /** Calls the API as this demo user. */
  api(userId: string, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** Deadlines long enough not to fire unless a test shortens the one it is about. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DEADLINE_HUB_REVIEW: '1h',
  DEADLINE_RETURNED_LAPSE: '1h',
  DEADLINE_REVISION: '1h',
  DEADLINE_CHAIRS_ACTION: '1h',
  DEADLINE_AGENDA_CLOSE: '1h',
  DEADLINE_RECONSIDERATION: '1h',
  ACTIVITY_TIMEOUT: '10s',
  // The trail's seal key, as production configures it (the tests' own, never a real one).
  TRAIL_SEAL_KEY: 'test-trail-seal-key-of-at-least-32-characters',
};

export interface ContextOptions {
  env?: Record<string, string>;
  activityOverrides?: WorkerSetup['activityOverrides'];
  /** Start the worker now (default) or leave it to the test. */
  startWorker?: boolean;
  /** A database of the test's own (migrated here) instead of a clone of the template. */
  databaseUrl?: string;
  /** With RECORD_HISTORIES=<release>, save this file's workflow histories under test/histories/<release>/<name>. */
  recordAs?: string;
  /** Traced: the client, worker and app with this tracing, the worker on `workflowBundle`. */
  tracing?: Tracing;
  /** Another workflow bundle than the run's (one built with the tracing interceptors). */
  workflowBundle?: WorkerSetup['workflowBundle'];
}

export async function createTestContext(options: ContextOptions = {}): Promise<TestContext> {
  if (!runtimeInstalled) {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Already installed in this process.
    }
    runtimeInstalled = true;
  }
  const suffix = randomBytes(4).toString('hex');
  const prefix = Array.from(randomBytes(4), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const databaseUrl = options.databaseUrl ?? (await cloneTemplate(inject('templateDatabase'), `cp_test_${inject('runId')}_${suffix}`));
  const temporalAddress = inject('temporalAddress');
  const taskQueue = `test-${suffix}`;
  const config = loadConfig({
    ...TEST_ENV,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    REFERENCE_PREFIX: prefix,
    // Generous bounds: on a loaded machine an action may take seconds, and a test that is not
    // about timeouts must not fail by one (the outage and retry tests set their own).
    ACTION_TIMEOUT: '60s',
    DEPENDENCY_TIMEOUT: '30s',
    ...options.env,
  });
  const database = await openPostgres(databaseUrl, 5, 2);
  if (options.databaseUrl) await migrateDatabase(database, databaseUrl);
  await seedReferenceData(database.db);
  await seedDemoUsers(database.db);
  const tokens: Record<string, string> = {};
  for (const user of DEMO_USERS) tokens[user.id] = (await issueToken(database.db, { userId: user.id, label: 'test', createdBy: 'test' })).token;
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: 'default', ...(options.tracing ? { interceptors: options.tracing.clientInterceptors } : {}) });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });

  let counter = 0;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createWorker({
      temporal: { nativeConnection, namespace: 'default' },
      taskQueue,
      deps: { db: database.db, config, temporal: { client } },
      workflowBundle: options.workflowBundle ?? { codePath: inject('workflowBundlePath') },
      activityOverrides: options.activityOverrides,
      tracing: options.tracing,
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
  if (options.startWorker !== false) await startWorker();

  const app = createApp({ db: database.db, temporal: { client, taskQueue }, config, sessionSecret: 'test-session-secret-of-at-least-32-characters', tracing: options.tracing });
  const ctx: TestContext = {
    app,
    tokens,
    api: (userId, path, init = {}) => {
      const token = tokens[userId];
      if (!token) throw new Error(`no demo user ${userId}`);
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return Promise.resolve(app.request(path, { ...init, headers }));
    },
    db: database.db,
    database,
    databaseUrl,
    client,
    connection,
    nativeConnection,
    config,
    taskQueue,
    temporalAddress,
    get worker() {
      if (!worker) throw new Error('the worker is not started');
      return worker;
    },
    restartWorker: async () => {
      await stopWorker();
      await startWorker();
    },
    stopWorker,
    startWorker,
    // A prefix of its own: the service refuses client references with its REFERENCE_PREFIX.
    reference: () => `${prefix}C-2099-${String(++counter).padStart(4, '0')}`,
    close: async () => {
      const release = process.env.RECORD_HISTORIES;
      if (options.recordAs && release) {
        // Visibility lags a little behind; the last workflows of the file must be listed too.
        await new Promise((r) => setTimeout(r, 2_000));
        await recordHistories(client, taskQueue, release, options.recordAs);
      }
      await stopWorker();
      await nativeConnection.close();
      await connection.close();
      await database.close();
    },
  };
  return ctx;
}
