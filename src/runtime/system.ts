// Assembles the running system from its parts: database (migrated and seeded), Temporal, the
// worker and the HTTP API, in any combination, and takes them down in reverse order.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { makeTelemetryFilterString, Runtime, type Worker } from '@temporalio/worker';
import { Context as ActivityContext } from '@temporalio/activity';
import { createApp } from '../api/app.js';
import { ConfigError, elapsedMs, shouldSeedDemo, type Config } from '../config.js';
import { seedDemo } from '../services/demo.js';
import { resolveSessionSecret } from '../web/session.js';
import { resolveTrailSealKey } from './secrets.js';
import { migrateDatabase, openDatabase, pingDatabase, type Database } from '../db/client.js';
import { waitFor } from './retry.js';
import { seedReferenceData } from '../db/seed.js';
import { createLogger, temporalLevel, temporalLogger, type Logger } from './log.js';
import { connectTemporal, ensureSearchAttributes, openTemporal, type TemporalRuntime } from './temporal.js';
import { createWorker, type WorkerSetup } from './worker.js';
import { startOpsServer } from './ops-server.js';
import { setBacklogProbe } from './metrics.js';
import { backlogProbe } from './probes.js';
import type { Notifier } from '../activities/lifecycle.js';
import type { Tracing } from './tracing.js';
import { DEX, demoDexUsers, findGoTool, MAILPIT, startDex, startMailpit } from './go-tools.js';
import { randomBytes } from 'node:crypto';
import { publicBaseUrl } from '../activities/notifications.js';
import path from 'node:path';

/** The activity's own logger (its lines carry the workflow id) when called in one, else ours. */
function activityLog(logger: Logger): (message: string, fields?: Record<string, unknown>) => void {
  try {
    const log = ActivityContext.current().log;
    return (message, fields) => {
      log.info(message, fields);
    };
  } catch {
    return logger.info;
  }
}

/** Until e-mail is configured, notifications are stored in the outbox and logged. */
function logNotifier(logger: Logger): Notifier {
  return {
    send: (n) => {
      activityLog(logger)(`Notification ${n.kind} to ${[...n.recipientIds, ...n.recipientRoles].join(', ')}${n.recipientOrganisation ? ` (${n.recipientOrganisation})` : ''}: ${n.subject}`, {
        notification: n.kind,
      });
      return Promise.resolve();
    },
  };
}

export interface SystemOptions {
  worker: boolean;
  api: boolean;
  /** Start a dev server and PGlite when no cluster or database is configured (npm start). */
  embedded: boolean;
  /** Activities to replace in the worker (tests that hold one mid-flight). */
  activityOverrides?: WorkerSetup['activityOverrides'];
  /** OpenTelemetry tracing (src/runtime/tracing.ts), stopped after everything else. */
  tracing?: Tracing;
}

export interface RunningSystem {
  database: Database;
  temporal: TemporalRuntime;
  apiUrl?: string;
  /** A worker's operations port (OPS_PORT), when it has one. */
  opsUrl?: string;
  /** The embedded Mailpit's web UI, where the e-mails the service sent are (npm start). */
  mailUrl?: string;
  /** How e-mail leaves: smtp, govuk-notify or none. */
  email: string;
  /** The single sign-on provider's issuer, when there is one; `embedded` when it is npm start's own Dex. */
  sso?: { issuer: string; embedded: boolean };
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * The Temporal SDK's runtime, once per process: its logs (the worker's, each activity's with its
 * workflow id, the native core's) go to our JSON log; with TEMPORAL_METRICS_ADDRESS its metrics
 * (activity and workflow task latency, polls, slots) are served for Prometheus there. The
 * process handles its own signals, so the worker is drained before anything else stops.
 */
function installRuntime(config: Config, logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = temporalLevel(config.LOG_LEVEL);
  try {
    Runtime.install({
      shutdownSignals: [],
      logger: temporalLogger(logger, level),
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: level === 'DEBUG' ? 'INFO' : 'WARN', other: 'ERROR' }), forward: {} },
        ...(config.TEMPORAL_METRICS_ADDRESS ? { metrics: { prometheus: { bindAddress: config.TEMPORAL_METRICS_ADDRESS } } } : {}),
      },
    });
  } catch {
    // A host (a test runner) installed the runtime already and owns its signals.
  }
}

export async function startSystem(configured: Config, options: SystemOptions, logger: Logger = createLogger(configured)): Promise<RunningSystem> {
  let config = configured;
  installRuntime(config, logger);
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
  const { tracing } = options;
  if (tracing) stack.push({ name: 'tracing (spans exported)', stop: () => tracing.shutdown() });
  // The trail's seal key: the worker seals each append with it, the API checks seals with it.
  config = { ...config, TRAIL_SEAL_KEY: await resolveTrailSealKey(config) };
  try {
    // A worker's activities each hold a connection while they run: its pool is at least that large.
    const poolSize = options.worker ? Math.max(config.DATABASE_POOL_SIZE, config.WORKER_MAX_CONCURRENT_ACTIVITIES) : config.DATABASE_POOL_SIZE;
    const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize, connectTimeoutSeconds: Math.ceil(elapsedMs(config.DEPENDENCY_TIMEOUT) / 1000) });
    stack.push({ name: `the database (${database.kind})`, stop: () => database.close() });
    const wait = { timeoutMs: elapsedMs(config.STARTUP_TIMEOUT), log: logger.warn };
    await waitFor(`PostgreSQL at ${database.location}`, () => pingDatabase(database.db), wait);
    // Migrations as the owner when one is named; the service itself may not alter the trail.
    await migrateDatabase(database, config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL);
    await seedReferenceData(database.db);
    // The process that serves people seeds the demo, so its token file is where they sign in.
    if (options.api && shouldSeedDemo(config)) await seedDemo(database.db, config, logger.info);
    logger.info(`Database ready: ${database.kind} at ${database.location}`);

    const temporal = options.embedded
      ? await openTemporal(config, logger.info, tracing)
      : await waitFor(`Temporal at ${config.TEMPORAL_ADDRESS}`, () => connectTemporal(config, undefined, tracing), wait);
    stack.push({ name: temporal.embedded ? 'the Temporal dev server' : 'the Temporal connection', stop: () => temporal.close() });
    if (!temporal.embedded) {
      await waitFor(`namespace ${temporal.namespace} on Temporal at ${temporal.address}`, () => temporal.client.workflowService.describeNamespace({ namespace: temporal.namespace }), wait);
      await ensureSearchAttributes(temporal, logger.info);
    }
    logger.info(`Temporal ready at ${temporal.address}, namespace ${temporal.namespace}`);

    // The embedded default sends its e-mail to a Mailpit of its own, when it is built.
    let mailUrl: string | undefined;
    if (options.embedded && options.worker && config.EMAIL_TRANSPORT === undefined) {
      if (await findGoTool(MAILPIT)) {
        const mailpit = await startMailpit({ dataDir: path.join(config.DATA_DIR, 'mailpit') });
        stack.push({ name: 'Mailpit', stop: () => mailpit.stop() });
        config = { ...config, EMAIL_TRANSPORT: 'smtp', SMTP_HOST: mailpit.smtpHost, SMTP_PORT: mailpit.smtpPort, SMTP_SECURE: false, SMTP_USER: undefined, SMTP_PASSWORD: undefined };
        mailUrl = mailpit.uiUrl;
        logger.info(`Mailpit ready: SMTP on ${mailpit.smtpHost}:${mailpit.smtpPort}, web UI at ${mailpit.uiUrl}`);
      } else {
        logger.warn(`E-mail is off: Mailpit is not built (bash ${MAILPIT.installScript}); notices are shown in the service only`);
      }
    }

    let worker: Worker | undefined;
    let opsUrl: string | undefined;
    if (options.worker) {
      worker = await createWorker({
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        deps: { db: database.db, config, temporal: { client: temporal.client }, notifier: logNotifier(logger) },
        activityOverrides: options.activityOverrides,
        tracing,
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
      if (!options.api && config.OPS_PORT !== undefined) {
        const ops = await startOpsServer({
          host: config.OPS_HOST,
          port: config.OPS_PORT,
          db: database.db,
          client: temporal.client,
          namespace: temporal.namespace,
          worker: () => (w.getState() === 'RUNNING' ? { ok: true } : { ok: false, error: `the worker is ${w.getState()}` }),
          metricsToken: config.METRICS_TOKEN,
          timeoutMs: elapsedMs(config.DEPENDENCY_TIMEOUT),
        });
        opsUrl = ops.url;
        stack.push({ name: 'the operations port', stop: () => ops.close() });
        logger.info(`Operations port at ${ops.url} (/health/live, /health/ready, /metrics)`);
      }
    }
    setBacklogProbe(backlogProbe(temporal.client, temporal.namespace, config.TEMPORAL_TASK_QUEUE));

    // The embedded default signs the demo people in through a Dex of its own, when it is built.
    let sso: RunningSystem['sso'] = config.OIDC_ISSUER ? { issuer: config.OIDC_ISSUER, embedded: false } : undefined;
    if (options.embedded && options.api && !config.OIDC_ISSUER && shouldSeedDemo(config)) {
      if (await findGoTool(DEX)) {
        const clientSecret = randomBytes(24).toString('base64url');
        const dex = await startDex({
          users: await demoDexUsers(),
          client: { id: 'clinical-prioritisation', secret: clientSecret, name: 'Clinical prioritisation', redirectURIs: [`${publicBaseUrl(config)}/app/sign-in/oidc/callback`] },
        });
        stack.push({ name: 'Dex', stop: () => dex.stop() });
        config = { ...config, OIDC_ISSUER: dex.issuer, OIDC_CLIENT_ID: dex.clientId, OIDC_CLIENT_SECRET: dex.clientSecret, OIDC_BUTTON_TEXT: 'Sign in with your NHS account (demo: Dex)' };
        sso = { issuer: dex.issuer, embedded: true };
        logger.info(`Dex ready at ${dex.issuer}`);
      } else {
        logger.warn(`Single sign-on is off: Dex is not built (bash ${DEX.installScript}); sign in with a token`);
      }
    }

    let apiUrl: string | undefined;
    if (options.api) {
      const app = createApp({
        db: database.db,
        temporal: { client: temporal.client, taskQueue: config.TEMPORAL_TASK_QUEUE },
        config,
        sessionSecret: await resolveSessionSecret(config),
        logger,
        tracing,
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

    return { database, temporal, apiUrl, opsUrl, mailUrl, email: config.EMAIL_TRANSPORT ?? 'none', ...(sso && { sso }), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
