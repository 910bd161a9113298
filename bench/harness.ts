// What every benchmark stands on: a real Temporal dev server (the CLI, as the tests use), a fresh
// PostgreSQL database migrated and seeded with the demo people, and helpers to drive bids, run a
// worker in its own process and sample its memory. Benchmarks measure; they assert nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, type Config } from '../src/config.js';
import { migrateDatabase, openPostgres, type Database } from '../src/db/client.js';
import { seedDemoUsers } from '../src/db/demo.js';
import { seedReferenceData } from '../src/db/seed.js';
import { devServerExecutable } from '../src/runtime/temporal.js';
import { ALL_SEARCH_ATTRIBUTES, type Actor } from '../src/shared.js';

export interface Bench {
  config: Config;
  database: Database;
  databaseUrl: string;
  /** The database came from BENCH_REUSE_DATABASE: as an earlier run left it, and kept again. */
  reused: boolean;
  temporal: TestWorkflowEnvironment;
  close(): Promise<void>;
}

/** How production starts a worker's Node.js (Dockerfile, npm run worker): a capped heap. */
export const WORKER_NODE_FLAGS = '--max-old-space-size=192 --max-semi-space-size=2';

const adminUrl = () => process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The benchmark's own trail seal key: production keeps one outside the database. */
const BENCH_TRAIL_KEY = 'bench-trail-seal-key-of-at-least-32-characters';

/** Starts the parts: env overrides the benchmark's configuration. */
export async function startBench(name: string, env: Record<string, string> = {}): Promise<Bench> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already.
  }
  // BENCH_REUSE_DATABASE=<name>: a database an earlier run kept (BENCH_KEEP_DATABASE=1), used as it is.
  const reused = process.env.BENCH_REUSE_DATABASE;
  if (reused && !/^cp_bench_\w+$/.test(reused)) throw new Error(`BENCH_REUSE_DATABASE must name a kept benchmark database (cp_bench_...), not ${reused}`);
  const dbName = reused ?? `cp_bench_${name.replace(/\W/g, '_')}_${Date.now().toString(36)}`;
  if (!reused) {
    const admin = await openPostgres(adminUrl(), 1);
    await admin.db.execute(`create database "${dbName}"`);
    await admin.close();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();

  const { executable } = await devServerExecutable();
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: { executable, ip: '127.0.0.1', searchAttributes: ALL_SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
  });
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${name}`,
    DEADLINE_HUB_REVIEW: '30d',
    DEADLINE_CHAIRS_ACTION: '30d',
    DEADLINE_AGENDA_CLOSE: '1h',
    TRAIL_SEAL_KEY: BENCH_TRAIL_KEY,
    ...env,
  });
  const database = await openPostgres(databaseUrl, config.DATABASE_POOL_SIZE);
  await migrateDatabase(database, databaseUrl);
  await seedReferenceData(database.db);
  await seedDemoUsers(database.db);
  return {
    config,
    database,
    databaseUrl,
    reused: Boolean(reused),
    temporal,
    close: async () => {
      await database.close();
      await temporal.teardown();
      if (process.env.BENCH_KEEP_DATABASE || reused) {
        console.log(`(kept the database ${dbName}: ${reused ? 'BENCH_REUSE_DATABASE' : 'BENCH_KEEP_DATABASE'} is set)`);
        return;
      }
      const a = await openPostgres(adminUrl(), 1);
      await a.db.execute(`drop database if exists "${dbName}" with (force)`);
      await a.close();
    },
  };
}

/** Bundles the workflows once, as production does (npm run build), for workers to load. */
export async function workflowBundle(): Promise<string> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { workflowsPath } = await import('../src/runtime/worker.js');
  const file = path.join(os.tmpdir(), `cp-bench-bundle-${process.pid}.js`);
  await writeFile(file, (await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('WARN') })).code);
  return file;
}

/** A worker in its own process, as production runs it (npm run build; node dist/worker.js), so its memory is its own. */
export function startWorkerProcess(bench: Bench, env: Record<string, string> = {}): { child: ChildProcess; ready: Promise<void>; stop(): Promise<void> } {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const compiled = path.join(root, 'dist', 'worker.js');
  if (!existsSync(compiled)) throw new Error('Build first: npm run build (the bench scripts do)');
  // Its heap capped, as the image runs it, so memory stays flat as garbage is collected.
  const child = spawn(process.execPath, [...(process.env.WORKER_NODE_FLAGS ?? WORKER_NODE_FLAGS).split(' '), compiled], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: bench.databaseUrl,
      TEMPORAL_ADDRESS: bench.config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: bench.config.TEMPORAL_TASK_QUEUE,
      TRAIL_SEAL_KEY: bench.config.TRAIL_SEAL_KEY,
      DEADLINE_HUB_REVIEW: '30d',
      DEADLINE_CHAIRS_ACTION: '30d',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Worker polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code}`)));
  });
  return {
    child,
    ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Resident memory of a process, in bytes (Linux). */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

/** A programme team of an organisation no Assembly member or evaluator belongs to. */
export const BENCH_TEAM: Actor = { id: 'bench.team', name: 'Bench programme team', roles: ['applicant'], organisation: 'JPUH' };

/** Runs `fn` over `items` with at most `width` in flight. */
export async function pool<T>(items: T[], width: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

export const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
