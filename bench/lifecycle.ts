// The lifecycle under load: N bids at once (200 by default) submitted, reviewed by the
// evaluator assignment chose (three steps, three ratings, completion), scored, and waiting for
// the Assembly — on the real workflow, and on a bare workflow making the same activity calls
// and Updates (bench/bare-workflow.ts), on the same server, database and worker settings.
// Prints bids per second for each and the ratio.   npm run bench:lifecycle [-- <bids>]
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { lifecyclePolicy } from '../src/config/policy.js';
import { rowsOf } from '../src/db/client.js';
import { DEMO_USERS } from '../src/db/demo.js';
import { bidSubmissionSchema, type Bid } from '../src/domain/bid.js';
import { createWorker } from '../src/runtime/worker.js';
import { allowedBidActions, contentHashOf, submitBid, type ServiceDeps } from '../src/services/bids.js';
import { sendUpdate } from '../src/services/updates.js';
import { NativeConnection } from '@temporalio/worker';
import { WithStartWorkflowOperation, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApiError } from '../src/api/errors.js';
import { bidWorkflowId, completeReviewUpdate, recordRatingUpdate, recordReviewStepUpdate, RATING_CRITERIA, REVIEW_STEPS, type Actor } from '../src/shared.js';
import examples from '../examples/bid.json' with { type: 'json' };
import { bareReceiptUpdate, bareStepUpdate } from './bare-workflow.js';
import { BENCH_TEAM, pool, startBench } from './harness.js';

const N = Number(process.argv[2] ?? 200);
// Both paths run on the same worker settings; WORKER_MAX_CACHED_WORKFLOWS from the environment
// (default the product's own) sets how many of the bids in flight stay in the worker's cache.
const bench = await startBench('lifecycle', {
  WORKER_MAX_CONCURRENT_ACTIVITIES: '40',
  DATABASE_POOL_SIZE: '40',
  ...(process.env.WORKER_MAX_CACHED_WORKFLOWS && { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS }),
});
console.log(`(worker cache: ${bench.config.WORKER_MAX_CACHED_WORKFLOWS} workflows)`);
const actorOf = (id: string): Actor => {
  const u = DEMO_USERS.find((x) => x.id === id)!;
  return { id: u.id, name: u.name, roles: u.roles, organisation: u.organisation, profession: u.profession };
};
const base = bidSubmissionSchema.parse({ ...examples, reference: undefined, leadOrganisation: 'JPUH', partnerOrganisations: [], costs: [{ financialYear: '2026/27', recurrentPence: 8_000_000, nonRecurrentPence: 2_000_000 }] });

// How often a waiting client looks again, as a page or a script would: 200 clients looking every
// 20 ms were 10,000 queries a second on the machine the worker runs on, more load than the bids.
const POLL_MS = 200;

/** The evaluator assignment chose, once it has. */
async function evaluatorOf(reference: string): Promise<string> {
  for (;;) {
    const [assigned] = rowsOf<{ evaluator_id: string }>(await bench.database.db.execute(sql`select evaluator_id from review_assignments where reference = ${reference} and active limit 1`));
    if (assigned) return assigned.evaluator_id;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
const untilWaiting = async (prefix: string) => {
  for (;;) {
    const [{ n } = { n: 0 }] = rowsOf<{ n: number }>(await bench.database.db.execute(sql`select count(*)::int as n from bids where state = 'AWAITING_ASSEMBLY' and reference like ${`${prefix}%`}`));
    if (n >= N) return;
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function run(name: string, prefix: string, drive: (reference: string) => Promise<void>, workflowsPath?: string) {
  const nativeConnection = await NativeConnection.connect({ address: bench.config.TEMPORAL_ADDRESS! });
  const taskQueue = `${bench.config.TEMPORAL_TASK_QUEUE}-${prefix}`;
  const config = { ...bench.config, TEMPORAL_TASK_QUEUE: taskQueue };
  const worker = await createWorker({
    temporal: { nativeConnection, namespace: 'default' },
    taskQueue,
    deps: { db: bench.database.db, config, temporal: { client: bench.temporal.client } },
    ...(workflowsPath && { workflowsPath }),
  });
  const running = worker.run();
  const deps: ServiceDeps = { db: bench.database.db, temporal: { client: bench.temporal.client, taskQueue }, config };
  const references = Array.from({ length: N }, (_, i) => `${prefix}-2099-${String(i + 1).padStart(5, '0')}`);
  const started = performance.now();
  await pool(references, N, (reference) => drive.call(deps, reference));
  await untilWaiting(prefix);
  const seconds = (performance.now() - started) / 1000;
  worker.shutdown();
  await running;
  await nativeConnection.close();
  console.log(`  ${name.padEnd(52)} ${(N / seconds).toFixed(2)} bids/s (${seconds.toFixed(1)} s; calls repeated after a timeout: ${retries})`);
  retries = 0;
  return N / seconds;
}

/**
 * As a client does when Temporal is slow to answer under load: the same call again (each is
 * idempotent: the same workflow id, the same Update id). Both paths get the same treatment.
 */
async function retrying<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const timedOut = error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || (error instanceof ApiError && error.status === 503);
      if (!timedOut || attempt >= 20) throw error;
      retries += 1;
    }
  }
}
let retries = 0;

async function product(this: ServiceDeps, reference: string) {
  await retrying(() => submitBid(this, BENCH_TEAM, { ...base, reference }));
  const who = actorOf(await evaluatorOf(reference));
  // As a client would: act once the bid's read model offers the evaluator the review.
  while (!(await allowedBidActions(this, who, reference)).includes('recordReviewStep')) await new Promise((r) => setTimeout(r, POLL_MS));
  const h = bench.temporal.client.workflow.getHandle(bidWorkflowId(reference));
  for (const step of REVIEW_STEPS) await retrying(() => sendUpdate(h, recordReviewStepUpdate, { actor: who, step, assessment: 'adequate', comments: 'Sound' }, `${reference}-${step}`));
  for (const criterion of RATING_CRITERIA) await retrying(() => sendUpdate(h, recordRatingUpdate, { actor: who, criterion, rating: 4, rationale: 'Good' }, `${reference}-${criterion}`));
  await retrying(() => sendUpdate(h, completeReviewUpdate, { actor: who, recommendation: 'ready', comments: '' }, `${reference}-complete`));
}

async function bare(this: ServiceDeps, reference: string) {
  const bid = { ...base, reference } as Bid;
  const input = { bid, contentHash: contentHashOf(bid), submittedBy: BENCH_TEAM, policy: lifecyclePolicy(this.config) };
  await retrying(async () => {
    const start = new WithStartWorkflowOperation('bareBidWorkflow', { workflowId: bidWorkflowId(reference), taskQueue: this.temporal.taskQueue, args: [input], workflowIdConflictPolicy: 'USE_EXISTING' });
    await (await bench.temporal.client.workflow.startUpdateWithStart(bareReceiptUpdate, { args: [{ contentHash: input.contentHash }], waitForStage: 'ACCEPTED', startWorkflowOperation: start })).result();
  });
  const who = actorOf(await evaluatorOf(reference));
  const h = bench.temporal.client.workflow.getHandle(bidWorkflowId(reference));
  for (let n = 1; n <= 7; n += 1) await retrying(() => sendUpdate(h, bareStepUpdate, { actor: who, n }, `${reference}-${n}`));
}

console.log(`\nThe lifecycle, ${N} bids at once, to AWAITING_ASSEMBLY, in alternating turns (floor, product, floor, product):`);
// Alternating, so what the machine and the server carry from one run to the next (the other
// work on the machine, the histories already stored) falls on both alike.
const turns: { floor: number[]; ours: number[] } = { floor: [], ours: [] };
for (const [floorPrefix, ourPrefix] of [['BA', 'LA'], ['BB', 'LB']] as const) {
  turns.floor.push(await run('floor: a bare workflow, the same activities and Updates', floorPrefix, bare, fileURLToPath(new URL('./bare-workflow.ts', import.meta.url))));
  turns.ours.push(await run('the bid workflow', ourPrefix, product));
}
// Bids per second over both turns: all the bids over all the time.
const rate = (list: number[]) => (list.length * N) / list.reduce((sum, r) => sum + N / r, 0);
const floor = rate(turns.floor);
const ours = rate(turns.ours);
console.log(`  over both turns: the bid workflow ${ours.toFixed(2)} bids/s, the floor ${floor.toFixed(2)} bids/s`);
console.log(`  ratio ${(ours / floor).toFixed(2)} (goal ≥ 0.8)`);
await bench.close();
process.exit(0);
