// Killing the worker while bids are mid-flight loses no bid and duplicates no trail event: a
// worker process is killed (SIGKILL) after committing trail writes it never reported, and a
// new worker takes over from Temporal's history.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream, verifyStream } from '../src/activities/trail.js';
import { contentHashOf } from '../src/services/bids.js';
import { bidWorkflowId } from '../src/shared.js';
import { TEST_ENV, createTestContext, type TestContext } from './helpers/context.js';
import { actor, review, smallBid, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
const children: ChildProcess[] = [];
beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false, env: { ACTIVITY_TIMEOUT: '3s' } });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await ctx?.close();
});

async function startWorkerProcess(hold: boolean): Promise<{ child: ChildProcess; lines: string[] }> {
  const script = fileURLToPath(new URL('./helpers/worker-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      ...TEST_ENV,
      DATABASE_URL: ctx.databaseUrl,
      TEMPORAL_ADDRESS: ctx.temporalAddress,
      TEMPORAL_TASK_QUEUE: ctx.taskQueue,
      ACTIVITY_TIMEOUT: '3s',
      WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
      HOLD_AFTER_WRITE: hold ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  for (let i = 0; i < 600 && !lines.includes('READY'); i += 1) {
    if (child.exitCode !== null) throw new Error(`the worker process exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!lines.includes('READY')) throw new Error('the worker process did not start');
  return { child, lines };
}

async function kill(child: ChildProcess) {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

describe('a worker killed mid-flight', () => {
  it('loses no bid and stores every trail event exactly once', async () => {
    const references = Array.from({ length: 6 }, () => ctx.reference());
    const first = await startWorkerProcess(true);
    for (const reference of references) {
      const bid = { ...smallBid(), reference };
      await ctx.client.workflow.start('bidWorkflow', {
        workflowId: bidWorkflowId(reference),
        taskQueue: ctx.taskQueue,
        args: [{ version: 1, bid, contentHash: contentHashOf(bid), submittedBy: actor('amira.hassan') }],
      });
    }
    // Wait until every bid's intake is committed to the database but not reported to Temporal.
    for (let i = 0; i < 300 && references.some((r) => !first.lines.includes(`WROTE ${r}`)); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(references.filter((r) => !first.lines.includes(`WROTE ${r}`))).toEqual([]);
    for (const reference of references) expect((await readStream(ctx.db, reference)).map((e) => e.action)).toEqual(['bid.submitted', 'intake.completed']);
    await kill(first.child);

    // A new worker retries the unreported writes (stored once) and carries every bid on.
    const second = await startWorkerProcess(false);
    for (const reference of references) await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && (b.review?.reviews.length ?? 0) === 1, 'review', 60_000);

    // Mid-review, kill it again and finish with a third.
    const [one, two] = references as [string, string];
    const s1 = await waitForBid(ctx, one, (b) => !!b.review, 'review');
    await review(ctx, one, s1.review!.reviews[0]!.evaluator.id);
    await kill(second.child);
    await startWorkerProcess(false);
    const s2 = await waitForBid(ctx, two, (b) => !!b.review, 'review');
    await review(ctx, two, s2.review!.reviews[0]!.evaluator.id);
    await waitForBid(ctx, one, (b) => b.state === 'AWAITING_ASSEMBLY', 'scored', 60_000);
    await waitForBid(ctx, two, (b) => b.state === 'AWAITING_ASSEMBLY', 'scored', 60_000);

    for (const reference of references) {
      const events = await readStream(ctx.db, reference);
      const actions = events.map((e) => e.action);
      expect(actions.slice(0, 3)).toEqual(['bid.submitted', 'intake.completed', 'review.started']);
      expect(actions.filter((a) => a === 'bid.submitted')).toHaveLength(1);
      expect(actions.filter((a) => a === 'review.started')).toHaveLength(1);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      expect(await verifyStream(ctx.db, reference)).toMatchObject({ valid: true });
    }
    for (const reference of [one, two]) {
      const actions = (await readStream(ctx.db, reference)).map((e) => e.action);
      expect(actions.filter((a) => a === 'scoring.completed')).toHaveLength(1);
      expect(actions.filter((a) => a === 'review.completed')).toHaveLength(1);
    }
  }, 180_000);
});
