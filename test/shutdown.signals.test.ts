// Signals done right. A worker process, started as its own process group the way `npm run
// worker` runs, is sent SIGTERM twice (as the kernel and a relaying parent deliver it) while an
// activity is mid-flight: it drains once, the activity completes and is reported, and the
// process exits 0. Only a signal after SHUTDOWN_GRACE forces the exit. The rules themselves are
// checked on handleShutdownSignals without processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../src/activities/trail.js';
import { contentHashOf } from '../src/services/bids.js';
import { bidWorkflowId } from '../src/shared.js';
import { createLogger } from '../src/runtime/log.js';
import { FORCED_EXIT_CODE, handleShutdownSignals } from '../src/runtime/shutdown.js';
import { TEST_ENV, createTestContext, type TestContext } from './helpers/context.js';
import { actor, smallBid } from './helpers/lifecycle.js';

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('handleShutdownSignals', () => {
  const quiet = createLogger('error', 'shutdown-test', { write: () => {} });

  it('drains once however many signals arrive within the grace period, then exits 0', async () => {
    const target = new EventEmitter();
    const exits: number[] = [];
    let stops = 0;
    let finish!: () => void;
    const handle = handleShutdownSignals({
      stop: () => {
        stops += 1;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      logger: quiet,
      graceMs: 60_000,
      target,
      exit: (code) => exits.push(code),
    });
    for (const signal of ['SIGTERM', 'SIGTERM', 'SIGINT', 'SIGTERM']) target.emit(signal, signal);
    expect(stops).toBe(1);
    expect(handle.stopping).toBe(true);
    expect(exits).toEqual([]);
    finish();
    await until('the exit', () => exits.length > 0, 5_000);
    expect(exits).toEqual([0]);
    handle.dispose();
  });

  it('forces the exit on a signal after the grace period, and a failed stop exits 1', async () => {
    const target = new EventEmitter();
    const exits: number[] = [];
    const handle = handleShutdownSignals({ stop: () => new Promise<void>(() => {}), logger: quiet, graceMs: 50, target, exit: (code) => exits.push(code) });
    target.emit('SIGINT', 'SIGINT');
    target.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([]);
    const started = Date.now();
    // Each signal within the grace period is ignored; the first after it forces the exit.
    while (exits.length === 0) {
      if (Date.now() - started > 5_000) throw new Error('no forced exit');
      target.emit('SIGTERM', 'SIGTERM');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(exits).toEqual([FORCED_EXIT_CODE]);
    handle.dispose();

    const failing = new EventEmitter();
    const failed: number[] = [];
    const other = handleShutdownSignals({ stop: () => Promise.reject(new Error('boom')), logger: quiet, graceMs: 1000, target: failing, exit: (code) => failed.push(code) });
    failing.emit('SIGTERM', 'SIGTERM');
    await until('the exit', () => failed.length > 0, 5_000);
    expect(failed).toEqual([1]);
    other.dispose();
  });
});

describe('a worker process signalled mid-activity', () => {
  let ctx: TestContext;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    ctx = await createTestContext({ startWorker: false });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    await ctx?.close();
  });

  function startWorker(env: Record<string, string>) {
    const script = fileURLToPath(new URL('./helpers/signal-worker.ts', import.meta.url));
    // Its own process group (detached), as a terminal or a container runtime would start it.
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      detached: true,
      env: {
        ...process.env,
        ...TEST_ENV,
        DATABASE_URL: ctx.databaseUrl,
        TEMPORAL_ADDRESS: ctx.temporalAddress,
        TEMPORAL_TASK_QUEUE: ctx.taskQueue,
        WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => out.push(...chunk.split('\n').filter(Boolean)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => err.push(...chunk.split('\n').filter(Boolean)));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return { child, out, err, exited };
  }

  async function submit(reference: string) {
    const bid = { ...smallBid(), reference };
    await ctx.client.workflow.start('bidWorkflow', {
      workflowId: bidWorkflowId(reference),
      taskQueue: ctx.taskQueue,
      args: [{ version: 1, bid, contentHash: contentHashOf(bid), submittedBy: actor('amira.hassan') }],
    });
  }

  const logLines = (err: string[]) => err.flatMap((line) => {
    try {
      return [JSON.parse(line) as { msg: string; level: number }];
    } catch {
      return [];
    }
  });

  it('drains on SIGTERM sent twice to its process group: the activity completes and it exits 0', async () => {
    const worker = startWorker({ HOLD: 'until-signalled' });
    await until('the worker to start', () => worker.out.includes('READY') || worker.child.exitCode !== null, 120_000);
    expect(worker.out).toContain('READY');
    const reference = ctx.reference();
    await submit(reference);
    await until('the activity to start', () => worker.out.includes(`STARTED ${reference}`));

    // Two signals sent back to back may merge into one pending signal; the relayed copy comes a
    // moment after the kernel's, so the second goes once the first has been seen.
    process.kill(-worker.child.pid!, 'SIGTERM');
    await until('the first signal to arrive', () => worker.out.includes('SIGNAL 1 SIGTERM'));
    process.kill(-worker.child.pid!, 'SIGTERM');
    const { code, signal } = await worker.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // Both signals reached it while the activity ran; it finished the activity before exiting.
    expect(worker.out.indexOf('SIGNAL 2 SIGTERM')).toBeGreaterThan(worker.out.indexOf(`STARTED ${reference}`));
    expect(worker.out.indexOf(`COMPLETED ${reference}`)).toBeGreaterThan(worker.out.indexOf('SIGNAL 2 SIGTERM'));
    const messages = logLines(worker.err).map((l) => l.msg);
    expect(messages.filter((m) => m.startsWith('SIGTERM received: draining'))).toHaveLength(1);
    expect(messages.some((m) => m.startsWith('SIGTERM again while draining: ignored'))).toBe(true);
    expect(messages).toContain('Shut down cleanly');

    // The write is stored and Temporal was told the activity completed.
    expect((await readStream(ctx.db, reference)).map((e) => e.action)).toEqual(['bid.submitted', 'intake.completed']);
    const history = await ctx.client.workflow.getHandle(bidWorkflowId(reference)).fetchHistory();
    expect(history.events?.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);
  }, 180_000);

  it('exits at once on a signal after SHUTDOWN_GRACE when the drain cannot finish', async () => {
    const worker = startWorker({ HOLD: 'forever', SHUTDOWN_GRACE: '1s' });
    await until('the worker to start', () => worker.out.includes('READY') || worker.child.exitCode !== null, 120_000);
    expect(worker.out).toContain('READY');
    const reference = ctx.reference();
    await submit(reference);
    await until('the activity to start', () => worker.out.includes(`STARTED ${reference}`));

    process.kill(-worker.child.pid!, 'SIGTERM');
    await until('the first signal to arrive', () => worker.out.includes('SIGNAL 1 SIGTERM'));
    process.kill(-worker.child.pid!, 'SIGTERM');
    await until('the second signal to arrive', () => worker.out.includes('SIGNAL 2 SIGTERM'));
    expect(worker.child.exitCode).toBeNull();
    await until('the grace period to pass', () => logLines(worker.err).some((l) => l.msg.includes('now forces the exit')), 30_000);
    expect(worker.child.exitCode).toBeNull();
    process.kill(-worker.child.pid!, 'SIGTERM');
    const { code } = await worker.exited;
    expect(code).toBe(FORCED_EXIT_CODE);
  }, 180_000);
});
