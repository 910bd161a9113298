// `npm run cluster:check`: the system on a real Temporal cluster, as a hospital would run it, on
// this machine. It builds (once; then cached) the Temporal server and its SQL tool from their Go
// module (scripts/install-temporal-server.sh), creates Temporal's schemas on the local PostgreSQL
// in fresh databases, starts the server and registers the namespace and search attributes; then
// on a fresh app database it starts two API and two worker processes from the production build
// (npm run build), drives several bids through both APIs, kills a worker outright (SIGKILL)
// while their activities run, stops the Temporal server mid-way and starts it again, and checks
// every bid's end state and that the decision trail verifies (npm run verify's code). Each step
// is printed with its time; everything it started is stopped and every database it made dropped,
// whatever happens. Exit status 0 when every check held, 1 otherwise.
//
// Settings (environment): CLUSTER_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres,
// a role that may create databases), CLUSTER_OUTAGE_SECONDS (how long Temporal stays down, 20),
// CLUSTER_KEEP=1 (keep the databases and logs for a look afterwards), TEMPORAL_SERVER_PATH and
// TEMPORAL_SQL_TOOL_PATH (binaries to use instead of building), TEMPORAL_SCHEMA_DIR (the
// schema/postgresql/v12 folder, when Go is not there to find it in its module cache).
import '@hono/zod-openapi'; // extends zod before the rule schemas are made (verify)
import { execFile as execFileCb, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { msToTs } from '@temporalio/common/lib/time.js';
import { loadConfig } from '../src/config.js';
import { migrateDatabase, openPostgres } from '../src/db/client.js';
import { seedReferenceData } from '../src/db/seed.js';
import { readDemoTokens, seedDemo } from '../src/services/demo.js';
import { freePort, spawnChild, type RunningChild } from '../src/runtime/go-tools.js';
import { connectTemporal, ensureSearchAttributes } from '../src/runtime/temporal.js';
import { portFree } from '../src/runtime/retry.js';
import { ALL_SEARCH_ATTRIBUTES } from '../src/shared.js';

const execFile = promisify(execFileCb);
const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const TEMPORAL_VERSION = 'v1.29.1';
const NAMESPACE = 'clinical-prioritisation';
const TASK_QUEUE = 'clinical-prioritisation';
const OUTAGE_SECONDS = Number(process.env.CLUSTER_OUTAGE_SECONDS ?? 20);
const KEEP = process.env.CLUSTER_KEEP === '1';
const adminUrl = process.env.CLUSTER_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const pg = new URL(adminUrl);

// ---- output: each step with the time since the start and how long it took ----

const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`;
const say = (line: string) => process.stdout.write(`[${clock()}] ${line}\n`);

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  say(`${name} ...`);
  const t0 = Date.now();
  try {
    const result = await fn();
    say(`  ok: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    say(`  FAILED: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${(error as Error).message}`);
    throw error;
  }
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Polls until `attempt` gives a value (not undefined) or throws nothing, within `timeoutMs`. */
async function waitUntil<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${last}` : ''}`);
}

// ---- what it made, to clean up ----

const databases: string[] = [];
const children = new Set<Proc>();
let workDir = '';

interface Proc {
  name: string;
  running: RunningChild;
  log: string;
}

/** A child whose output goes to its own log file in the work folder. */
async function startProc(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Proc> {
  const log = path.join(workDir, `${name}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  const running = await spawnChild(command, args, { cwd: root, env });
  running.child.stdout?.pipe(out, { end: false });
  running.child.stderr?.pipe(out, { end: false });
  const proc = { name, running, log };
  children.add(proc);
  void running.exited.then(() => {
    children.delete(proc);
    out.end();
  });
  return proc;
}

async function stopProc(proc: Proc, graceMs = 30_000): Promise<number | null> {
  await proc.running.stop(graceMs);
  return proc.running.child.exitCode;
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminSql<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

// ---- Temporal: binaries, schemas, config, server ----

async function installTemporal(): Promise<{ server: string; sqlTool: string; seconds: number; built: boolean }> {
  const t0 = Date.now();
  const child = spawn('bash', [path.join(root, 'scripts/install-temporal-server.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const line of d.toString().split('\n').filter(Boolean)) say(`  ${line}`);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  check(code === 0, `scripts/install-temporal-server.sh exited ${code}`);
  const [server, sqlTool] = stdout.trim().split('\n').slice(-2);
  check(server && sqlTool, `scripts/install-temporal-server.sh printed no paths: ${stdout}`);
  return { server, sqlTool, seconds: (Date.now() - t0) / 1000, built: /Building/.test(stderr) };
}

async function schemaDir(): Promise<string> {
  if (process.env.TEMPORAL_SCHEMA_DIR) return process.env.TEMPORAL_SCHEMA_DIR;
  const go = process.env.GO || 'go';
  for (const candidate of [go, '/usr/local/go/bin/go']) {
    try {
      const { stdout } = await execFile(candidate, ['mod', 'download', '-json', `go.temporal.io/server@${TEMPORAL_VERSION}`], { cwd: os.tmpdir() });
      const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
      if (dir) return path.join(dir, 'schema/postgresql/v12');
    } catch {
      // try the next
    }
  }
  throw new Error('cannot find the Temporal schema files: set TEMPORAL_SCHEMA_DIR to the server module\'s schema/postgresql/v12 folder');
}

async function createTemporalSchema(sqlTool: string, database: string, versioned: string): Promise<void> {
  const base = ['--plugin', 'postgres12', '--endpoint', pg.hostname, '--port', pg.port || '5432', '--user', decodeURIComponent(pg.username) || 'postgres', '--database', database];
  const env = { ...process.env, SQL_PASSWORD: decodeURIComponent(pg.password) };
  const run = async (args: string[]) => {
    try {
      await execFile(sqlTool, [...base, ...args], { env });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };
  await run(['create-database']);
  databases.push(database);
  await run(['setup-schema', '-v', '0.0']);
  await run(['update-schema', '-d', versioned]);
}

interface TemporalPorts {
  frontend: number;
  frontendHttp: number;
  [service: string]: number;
}

/**
 * A free port below 32768: Temporal keeps each service's ports in cluster_membership, whose
 * rpc_port column is a smallint (an ephemeral port from the kernel does not fit: seen here).
 */
async function freeServerPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await portFree(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port between 20000 and 32000 for the Temporal server');
}

async function writeServerConfig(dir: string, storeDb: string, visibilityDb: string): Promise<TemporalPorts> {
  const taken = new Set<number>();
  const ports: TemporalPorts = { frontend: await freeServerPort(taken), frontendHttp: await freeServerPort(taken) };
  for (const name of ['frontendMembership', 'history', 'historyMembership', 'matching', 'matchingMembership', 'worker', 'workerMembership']) ports[name] = await freeServerPort(taken);
  const sql = (database: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "${pg.hostname}:${pg.port || '5432'}"
        connectProtocol: tcp
        user: "${decodeURIComponent(pg.username) || 'postgres'}"
        password: "${decodeURIComponent(pg.password)}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (name: string, extra = '') => `
  ${name}:
    rpc:
      grpcPort: ${ports[name]}
      membershipPort: ${ports[`${name}Membership`]}
      bindOnLocalHost: true${extra}`;
  const yaml = `# Written by scripts/cluster-check.ts: one server process, every service, on loopback.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${sql(storeDb, 10)}
    visibility:${sql(visibilityDb, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:${service('frontend', `\n      httpPort: ${ports.frontendHttp}`)}${service('history')}${service('matching')}${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${ports.frontend}
dcRedirectionPolicy:
  policy: noop
archival:
  history:
    state: disabled
  visibility:
    state: disabled
namespaceDefaults:
  archival:
    history:
      state: disabled
    visibility:
      state: disabled
`;
  await mkdir(path.join(dir, 'config'), { recursive: true });
  await writeFile(path.join(dir, 'config/development.yaml'), yaml);
  return ports;
}

// ---- the app's processes and its HTTP API ----

interface Api {
  name: string;
  url: string;
}

/** The parts of the API's answers this script reads. */
interface Answer {
  error?: { code: string; message?: string; details?: { dependency?: string } };
  reference?: string;
  state?: string;
  bid?: { state: string };
  status?: { review?: { reviews?: { evaluator: { id: string } }[] } };
  items?: { reference: string; itemId: string }[];
  events?: { action: string }[];
  valid?: boolean;
}

async function http(api: Api, token: string | null, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${api.url}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(90_000),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: (typeof json === 'object' && json !== null ? json : { text }) };
}

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  workDir = await mkdtemp(path.join(os.tmpdir(), `cp-cluster-${id}-`));
  say(`npm run cluster:check: run ${id}, logs in ${workDir}`);

  const binaries = await step(`Temporal server ${TEMPORAL_VERSION} and temporal-sql-tool (built from go.temporal.io/server once, then cached)`, installTemporal);
  say(`  ${binaries.built ? 'built' : 'found'} in ${binaries.seconds.toFixed(1)} s: ${binaries.server}, ${binaries.sqlTool}`);
  const { stdout: version } = await execFile(binaries.server, ['--version']);
  check(version.includes(TEMPORAL_VERSION.slice(1)), `temporal-server --version says ${version.trim()}, not ${TEMPORAL_VERSION}`);

  const storeDb = `cp_cluster_${id}_temporal`;
  const visibilityDb = `cp_cluster_${id}_visibility`;
  const appDb = `cp_cluster_${id}_app`;
  await step(`Temporal schemas on PostgreSQL at ${pg.host}: ${storeDb} (default store) and ${visibilityDb} (SQL visibility)`, async () => {
    const dir = await schemaDir();
    await createTemporalSchema(binaries.sqlTool, storeDb, path.join(dir, 'temporal/versioned'));
    await createTemporalSchema(binaries.sqlTool, visibilityDb, path.join(dir, 'visibility/versioned'));
  });

  const serverDir = path.join(workDir, 'temporal');
  const ports = await writeServerConfig(serverDir, storeDb, visibilityDb);
  const temporalAddress = `127.0.0.1:${ports.frontend}`;
  const startServer = (n: number) =>
    startProc(`temporal-server-${n}`, binaries.server, ['--root', serverDir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'], process.env);
  const serverUp = (server: Proc) =>
    waitUntil(`the Temporal frontend at ${temporalAddress}`, async () => {
      check(server.running.child.exitCode === null, `the Temporal server exited: ${server.running.output()}`);
      const runtime = await connectTemporal(loadConfig({ TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: NAMESPACE }));
      try {
        await runtime.client.workflowService.getSystemInfo({});
        return true;
      } finally {
        await runtime.close();
      }
    });

  let server = await step(`Temporal server on ${temporalAddress} (config ${path.join(serverDir, 'config/development.yaml')})`, async () => {
    const s = await startServer(1);
    await serverUp(s);
    return s;
  });

  await step(`Namespace ${NAMESPACE} and the search attributes ${ALL_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ')}`, async () => {
    const runtime = await connectTemporal(loadConfig({ TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: NAMESPACE }));
    try {
      await runtime.client.workflowService.registerNamespace({ namespace: NAMESPACE, workflowExecutionRetentionPeriod: msToTs('3 days') });
      await waitUntil(`namespace ${NAMESPACE}`, () => runtime.client.workflowService.describeNamespace({ namespace: NAMESPACE }).then(() => true));
      await ensureSearchAttributes(runtime, (line) => say(`  ${line}`));
      const listed = await runtime.client.connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
      for (const key of ALL_SEARCH_ATTRIBUTES) check(key.name in listed.customAttributes, `search attribute ${key.name} is not listed`);
      // Visibility answers for the namespace (the frontend's namespace cache has it).
      await waitUntil('a visibility query in the namespace', () => runtime.client.workflowService.countWorkflowExecutions({ namespace: NAMESPACE, query: `BidState = 'HUB_REVIEW'` }).then(() => true));
    } finally {
      await runtime.close();
    }
  });

  const dataDir = path.join(workDir, 'data');
  const tokens = await step(`App database ${appDb}: migrations, reference data, demo users and their tokens`, async () => {
    await adminSql((sql) => sql.unsafe(`create database "${appDb}"`));
    databases.push(appDb);
    const database = await openPostgres(databaseUrl(appDb), 2);
    try {
      await migrateDatabase(database, databaseUrl(appDb));
      await seedReferenceData(database.db);
      await seedDemo(database.db, loadConfig({ DATA_DIR: dataDir }), (line) => say(`  ${line}`));
    } finally {
      await database.close();
    }
    const list = await readDemoTokens({ DATA_DIR: dataDir });
    check(list.length > 0, 'no demo tokens were written');
    return Object.fromEntries(list.map((t) => [t.id, t.token]));
  });
  const token = (user: string) => {
    const t = tokens[user];
    check(t, `no demo user ${user}`);
    return t;
  };

  await step('Production build (npm run build: dist/ with the workflow bundle)', async () => {
    await execFile(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'scripts/build.ts')], { cwd: root, maxBuffer: 10 * 1024 * 1024 });
  });

  const appEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl(appDb),
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    // A killed worker's activities are retried elsewhere once an attempt has had this long.
    ACTIVITY_TIMEOUT: '15s',
    // Long enough that an action waits out a loaded machine, short enough to see an outage.
    ACTION_TIMEOUT: '60s',
    DEPENDENCY_TIMEOUT: '10s',
    SHUTDOWN_GRACE: '20s',
    ...extra,
  });
  const apis: Api[] = [];
  const apiProcs: Proc[] = [];
  const workers: { name: string; proc: Proc; ops: string }[] = [];
  let workerCount = 0;
  const startWorker = async () => {
    workerCount += 1;
    const name = `worker-${workerCount}`;
    const port = await freePort();
    const proc = await startProc(name, process.execPath, ['--max-old-space-size=192', '--max-semi-space-size=2', 'dist/worker.js'], appEnv({ OPS_PORT: String(port) }));
    const ops = `http://127.0.0.1:${port}`;
    const worker = { name, proc, ops };
    workers.push(worker);
    return worker;
  };
  const readyAll = (urls: { name: string; url: string; proc: Proc }[]) =>
    Promise.all(
      urls.map(({ name, url, proc }) =>
        waitUntil(`${name} ready at ${url}`, async () => {
          check(proc.running.child.exitCode === null, `${name} exited ${proc.running.child.exitCode}: see ${proc.log}\n${proc.running.output()}`);
          return (await ready(url)) ? true : undefined;
        }),
      ),
    );
  const everyoneReady = () =>
    readyAll([
      ...apis.map((a, i) => ({ name: a.name, url: `${a.url}/health/ready`, proc: apiProcs[i]! })),
      ...workers.filter((w) => w.proc.running.child.exitCode === null && w.proc.running.child.signalCode === null).map((w) => ({ name: w.name, url: `${w.ops}/health/ready`, proc: w.proc })),
    ]);

  await step('Two API processes (node dist/src/api-server.js) and two workers (node dist/worker.js), started together', async () => {
    for (const n of [1, 2]) {
      const port = await freePort();
      apiProcs.push(await startProc(`api-${n}`, process.execPath, ['dist/src/api-server.js'], appEnv({ HOST: '127.0.0.1', PORT: String(port) })));
      apis.push({ name: `api-${n}`, url: `http://127.0.0.1:${port}` });
    }
    await startWorker();
    await startWorker();
    await everyoneReady();
    say(`  ${apis.map((a) => `${a.name} ${a.url}`).join(', ')}; ${workers.map((w) => `${w.name} ops ${w.ops}`).join(', ')}`);
  });
  const api = (i: number) => apis[i % apis.length]!;

  // The journey: four bids, submitted and acted on through both APIs in turn.
  const example = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(root, 'examples/bid.json'), 'utf8'))) as Record<string, unknown>;
  const titles = ['Community respiratory hubs for West Norfolk', 'Falls prevention in care homes', 'Digital weight management for adults', 'Perinatal mental health outreach'];
  const references: string[] = [];
  await step(`Submit ${titles.length} bids, alternating between the two APIs, each with an Idempotency-Key`, async () => {
    for (const [i, title] of titles.entries()) {
      const { reference: _example, ...bid } = example;
      const body = { ...bid, title, costs: [{ financialYear: '2026/27', recurrentPence: 8_000_000 + i * 100_000, nonRecurrentPence: 2_000_000 }] };
      const res = await http(api(i), token('amira.hassan'), 'POST', '/bids', body, { 'Idempotency-Key': `cluster-${id}-${i}` });
      check(res.status === 201 && res.body.state === 'HUB_REVIEW', `submitting "${title}" on ${api(i).name}: ${res.status} ${JSON.stringify(res.body)}`);
      references.push(res.body.reference!);
      // The same request again, on the other API, is the same bid.
      const again = await http(api(i + 1), token('amira.hassan'), 'POST', '/bids', body, { 'Idempotency-Key': `cluster-${id}-${i}` });
      check(again.status === 201 && again.body.reference === res.body.reference, `the retried submission on ${api(i + 1).name} gave ${again.status} ${JSON.stringify(again.body)}`);
    }
    say(`  ${references.join(', ')}`);
  });

  const killed = workers[0]!;
  await step(`Kill ${killed.name} outright (SIGKILL) while the bids' first activities run`, async () => {
    killed.proc.running.child.kill('SIGKILL');
    await killed.proc.running.exited;
    check(killed.proc.running.child.signalCode === 'SIGKILL', `${killed.name} ended with ${killed.proc.running.child.signalCode ?? killed.proc.running.child.exitCode}`);
  });

  const bidOf = async (i: number, reference: string) => {
    const res = await http(api(i), token('amira.hassan'), 'GET', `/bids/${reference}`);
    check(res.status === 200, `GET /bids/${reference}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const untilBid = (reference: string, what: string, ok: (b: Answer) => boolean, timeoutMs = 180_000) => {
    let n = 0;
    return waitUntil(`${reference}: ${what}`, async () => {
      const body = await bidOf(n++, reference);
      return ok(body) ? body : undefined;
    }, timeoutMs);
  };

  await step('Each bid assigned and reviewed by its evaluator (the surviving worker takes over the killed one\'s work)', async () => {
    for (const [i, reference] of references.entries()) {
      const inReview = await untilBid(reference, 'an evaluator assigned', (b) => b.status?.review?.reviews?.length === 1);
      const evaluator = inReview.status!.review!.reviews![0]!.evaluator.id;
      for (const s of ['evaluation_design', 'outcome_measures', 'data_availability']) {
        const res = await http(api(i), token(evaluator), 'POST', `/bids/${reference}/review/steps`, { step: s, assessment: 'adequate', comments: `${s}: clear` });
        check(res.status === 200, `review step ${s} on ${reference}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      for (const [criterion, rating] of [['evidence_quality', 4], ['deliverability', 3 + (i % 2)], ['quality_and_safety', null]] as const) {
        const res = await http(api(i + 1), token(evaluator), 'POST', `/bids/${reference}/review/ratings`, { criterion, rating, rationale: 'See review notes' });
        check(res.status === 200, `rating ${criterion} on ${reference}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const done = await http(api(i), token(evaluator), 'POST', `/bids/${reference}/review/complete`, { recommendation: 'ready', comments: 'Ready' });
      check(done.status === 200, `completing the review of ${reference}: ${done.status} ${JSON.stringify(done.body)}`);
    }
  });

  await step(`Temporal outage: stop the server while scoring runs, for ${OUTAGE_SECONDS} s`, async () => {
    const code = await stopProc(server);
    say(`  the Temporal server exited (${code ?? server.running.child.signalCode}); checking what the processes say`);
    await waitUntil('every API and worker to report not ready', async () => {
      const checks = await Promise.all([...apis.map((a) => `${a.url}/health/ready`), ...workers.filter((w) => w !== killed).map((w) => `${w.ops}/health/ready`)].map(ready));
      return checks.every((ok) => !ok) ? true : undefined;
    }, 60_000);
    for (const a of apis) check(await ready(`${a.url}/health/live`), `${a.name} is not live during the outage`);
    const refused = await http(api(0), token('ian.thompson'), 'POST', '/meetings', { scheduledFor: new Date(Date.now() + 14 * 86_400_000).toISOString(), meetingId: `outage-${id}` });
    check(refused.status === 503 && refused.body.error?.code === 'service_unavailable', `an action during the outage gave ${refused.status} ${JSON.stringify(refused.body)}, not 503 service_unavailable`);
    say(`  APIs and workers not ready, still live; an action answers 503 ${refused.body.error.code} (dependency ${refused.body.error.details?.dependency})`);
    const upAt = Date.now() + OUTAGE_SECONDS * 1000 - 5_000;
    while (Date.now() < upAt) await new Promise((r) => setTimeout(r, 1_000));
    server = await startServer(2);
    await serverUp(server);
    await everyoneReady();
    say('  the server is back; every API and worker is ready again without a restart');
  });

  await step(`Start a replacement for ${killed.name}`, async () => {
    const w = await startWorker();
    await readyAll([{ name: w.name, url: `${w.ops}/health/ready`, proc: w.proc }]);
  });

  await step('Every bid scored and awaiting the Assembly', async () => {
    for (const reference of references) await untilBid(reference, 'AWAITING_ASSEMBLY', (b) => b.bid?.state === 'AWAITING_ASSEMBLY');
  });

  const meetingId = `ccpa-cluster-${id}`;
  const QUORATE = ['sarah.collins', 'mark.osei', 'aisha.begum', 'peter.novak', 'laura.king', 'ben.carter', 'omar.farouk'];
  const outcomes = [
    { outcome: 'supported', state: 'ALLOCATION', vote: 'support' },
    { outcome: 'supported_with_conditions', conditions: ['Report uptake in Core20 neighbourhoods quarterly'], state: 'ALLOCATION', vote: 'support' },
    { outcome: 'not_supported', state: 'CLOSED_NOT_SUPPORTED', vote: 'not_support' },
    { outcome: 'deferred', state: 'AWAITING_ASSEMBLY', vote: 'abstain' },
  ] as const;
  await step(`Assembly meeting ${meetingId}: agenda, attendance, votes and a decision on each bid, through both APIs`, async () => {
    const scheduled = await http(api(0), token('ian.thompson'), 'POST', '/meetings', { scheduledFor: new Date(Date.now() + 14 * 86_400_000).toISOString(), meetingId });
    check(scheduled.status === 201, `scheduling: ${scheduled.status} ${JSON.stringify(scheduled.body)}`);
    const agenda = await http(api(1), token('sarah.collins'), 'POST', `/meetings/${meetingId}/agenda/close`, {});
    check(agenda.status === 200, `closing the agenda: ${agenda.status} ${JSON.stringify(agenda.body)}`);
    const itemOf = new Map((agenda.body.items ?? []).map((i) => [i.reference, i.itemId]));
    for (const reference of references) check(itemOf.has(reference), `${reference} is not on the agenda: ${JSON.stringify(agenda.body.items)}`);
    check((await http(api(0), token('sarah.collins'), 'POST', `/meetings/${meetingId}/open`, {})).status === 200, 'opening the meeting');
    const attended = await http(api(1), token('sarah.collins'), 'POST', `/meetings/${meetingId}/attendance`, { present: QUORATE });
    check(attended.status === 200, `attendance: ${attended.status} ${JSON.stringify(attended.body)}`);
    for (const [i, reference] of references.entries()) {
      const itemId = itemOf.get(reference)!;
      const plan = outcomes[i]!;
      for (const [m, member] of QUORATE.entries()) {
        const res = await http(api(i + m), token(member), 'POST', `/meetings/${meetingId}/items/${itemId}/votes`, { vote: plan.vote });
        check(res.status === 200, `${member}'s vote on ${reference}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const decided = await http(api(i), token('sarah.collins'), 'POST', `/meetings/${meetingId}/items/${itemId}/decision`, {
        outcome: plan.outcome,
        conditions: 'conditions' in plan ? plan.conditions : [],
        reason: `Cluster check: ${plan.outcome}`,
      });
      check(decided.status === 200, `the decision on ${reference}: ${decided.status} ${JSON.stringify(decided.body)}`);
    }
    const closed = await http(api(1), token('sarah.collins'), 'POST', `/meetings/${meetingId}/close`, {});
    check(closed.status === 200, `closing the meeting: ${closed.status} ${JSON.stringify(closed.body)}`);
  });

  await step('Every bid in its end state, as both APIs tell it', async () => {
    for (const [i, reference] of references.entries()) {
      const plan = outcomes[i]!;
      await untilBid(reference, plan.state, (b) => b.bid?.state === plan.state);
      for (const n of [0, 1]) {
        const body = await bidOf(n, reference);
        check(body.bid?.state === plan.state, `${api(n).name} says ${reference} is ${body.bid?.state}, not ${plan.state}`);
      }
      say(`  ${reference}: ${plan.outcome} -> ${plan.state}`);
    }
  });

  await step('The decision trail: one submission each, every chain verifies (GET /trail/verify and npm run verify)', async () => {
    for (const [i, reference] of references.entries()) {
      const trail = await http(api(i), token('claire.dawson'), 'GET', `/bids/${reference}/trail`);
      check(trail.status === 200, `the trail of ${reference}: ${trail.status}`);
      const actions = (trail.body.events ?? []).map((e) => e.action);
      const submissions = actions.filter((a) => a === 'bid.submitted').length;
      check(submissions === 1, `${reference} has ${submissions} bid.submitted events (a killed worker must not duplicate them): ${actions.join(', ')}`);
      for (const wanted of ['review.completed', 'scoring.completed', 'assembly.decision_recorded']) check(actions.includes(wanted), `${reference}'s trail lacks ${wanted}: ${actions.join(', ')}`);
      const verified = await http(api(i + 1), token('claire.dawson'), 'GET', `/bids/${reference}/trail/verify`);
      check(verified.status === 200 && verified.body.valid === true, `${reference}'s trail does not verify: ${JSON.stringify(verified.body)}`);
    }
    const all = await http(api(0), token('claire.dawson'), 'GET', '/trail/verify');
    check(all.status === 200 && all.body.valid === true, `the whole trail does not verify: ${JSON.stringify(all.body)}`);
    // The operator's own check, the built script as the image runs it.
    try {
      const { stdout } = await execFile(process.execPath, ['dist/scripts/verify.js'], { cwd: root, env: appEnv({}) });
      for (const line of stdout.trim().split('\n')) say(`  ${line}`);
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`npm run verify exited ${e.code}: ${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  });

  await step('Stop the APIs and workers with SIGTERM: each drains and exits 0', async () => {
    const live = [...apiProcs, ...workers.map((w) => w.proc).filter((p) => p !== killed.proc)];
    const codes = await Promise.all(live.map((p) => stopProc(p)));
    live.forEach((p, i) => check(codes[i] === 0, `${p.name} exited ${codes[i] ?? p.running.child.signalCode} on SIGTERM (see ${p.log})`));
  });
}

async function cleanUp(keepLogs: boolean): Promise<void> {
  for (const proc of [...children]) await proc.running.stop(15_000).catch(() => {});
  if (KEEP) {
    say(`Kept (CLUSTER_KEEP=1): databases ${databases.join(', ')}; logs in ${workDir}`);
    return;
  }
  await adminSql(async (sql) => {
    for (const name of databases) await sql.unsafe(`drop database if exists "${name}" with (force)`);
  }).catch((error: Error) => say(`  could not drop the databases ${databases.join(', ')}: ${error.message}`));
  if (workDir && !keepLogs) await rm(workDir, { recursive: true, force: true });
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  for (const proc of children) say(`  last output of ${proc.name}:\n${proc.running.output()}`);
  if (workDir) say(`  the processes' logs are kept in ${workDir}`);
  void error;
}
await step('Clean up: stop every process, drop the databases, remove the work folder', () => cleanUp(failed)).catch(() => (failed = true));
say(failed ? 'cluster:check FAILED' : 'cluster:check passed');
process.exit(failed ? 1 : 0);
