// Many bids open at once: N bids (10,000 by default) taken through submission, hub review and
// scoring to AWAITING_ASSEMBLY on a real Temporal dev server and PostgreSQL, with the worker in
// its own process. Prints the worker's resident memory as the bids open and once they all wait,
// and that every bid answers GET /bids/{reference}. A benchmark: it measures, asserts nothing.
//   npm run bench:open-bids [-- <bids> [<concurrency>]]   (builds first: the worker runs dist/worker.js)
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/api/app.js';
import { rowsOf } from '../src/db/client.js';
import { issueToken } from '../src/services/auth.js';
import { bidStatusOf, submitBid, type ServiceDeps } from '../src/services/bids.js';
import { bids } from '../src/db/schema.js';
import { eq } from 'drizzle-orm';
import { DEMO_USERS } from '../src/db/demo.js';
import { bidWorkflowId, completeReviewUpdate, recordRatingUpdate, recordReviewStepUpdate, RATING_CRITERIA, REVIEW_STEPS, type Actor } from '../src/shared.js';
import { BENCH_TEAM, mb, pool, rssOf, startBench, startWorkerProcess } from './harness.js';
import examples from '../examples/bid.json' with { type: 'json' };
import { bidSubmissionSchema } from '../src/domain/bid.js';

const N = Number(process.argv[2] ?? 10_000);
const WIDTH = Number(process.argv[3] ?? 32);

const bench = await startBench('open-bids');
const worker = startWorkerProcess(bench, { ...(process.env.WORKER_MAX_CACHED_WORKFLOWS && { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS }), ...(process.env.WORKER_NODE_OPTIONS && { NODE_OPTIONS: process.env.WORKER_NODE_OPTIONS }) });
await worker.ready;
const pid = worker.child.pid!;
let peak = 0;
const sample = () => {
  try {
    peak = Math.max(peak, rssOf(pid));
  } catch {
    // The worker has exited.
  }
};
const sampler = setInterval(sample, 500);

const deps: ServiceDeps = { db: bench.database.db, temporal: { client: bench.temporal.client, taskQueue: bench.config.TEMPORAL_TASK_QUEUE }, config: bench.config };
const actorOf = (id: string): Actor => {
  const u = DEMO_USERS.find((x) => x.id === id)!;
  return { id: u.id, name: u.name, roles: u.roles, organisation: u.organisation, profession: u.profession };
};
const base = bidSubmissionSchema.parse({
  ...examples,
  reference: undefined,
  leadOrganisation: 'JPUH',
  partnerOrganisations: [],
  costs: [{ financialYear: '2026/27', recurrentPence: 8_000_000, nonRecurrentPence: 2_000_000 }],
});
const references = Array.from({ length: N }, (_, i) => `BN-2099-${String(i + 1).padStart(6, '0')}`);

async function evaluatorOf(reference: string): Promise<string> {
  for (;;) {
    const [row] = await bench.database.db.select({ model: bids.model, status: bids.status }).from(bids).where(eq(bids.reference, reference));
    const review = row ? bidStatusOf(row).review : undefined;
    if (review?.reviews[0]) return review.reviews[0].evaluator.id;
    await new Promise((r) => setTimeout(r, 50));
  }
}

console.log(`Opening ${N.toLocaleString('en-GB')} bids, ${WIDTH} at a time; worker pid ${pid}, cache ${bench.config.WORKER_MAX_CACHED_WORKFLOWS} workflows`);
const started = performance.now();
let done = 0;
await pool(references, WIDTH, async (reference) => {
  await submitBid(deps, BENCH_TEAM, { ...base, reference });
  const who = actorOf(await evaluatorOf(reference));
  const h = bench.temporal.client.workflow.getHandle(bidWorkflowId(reference));
  for (const step of REVIEW_STEPS) await h.executeUpdate(recordReviewStepUpdate, { args: [{ actor: who, step, assessment: 'adequate', comments: 'Sound' }] });
  for (const criterion of RATING_CRITERIA) await h.executeUpdate(recordRatingUpdate, { args: [{ actor: who, criterion, rating: 4, rationale: 'Good' }] });
  await h.executeUpdate(completeReviewUpdate, { args: [{ actor: who, recommendation: 'ready', comments: '' }] });
  done += 1;
  if (done % 500 === 0) console.log(`  ${done} reviewed, ${((performance.now() - started) / 1000).toFixed(0)} s, worker ${mb(rssOf(pid))}`);
});
const waiting = async () => rowsOf<{ n: number }>(await bench.database.db.execute(sql`select count(*)::int as n from bids where state = 'AWAITING_ASSEMBLY'`))[0]!.n;
while ((await waiting()) < N) await new Promise((r) => setTimeout(r, 500));
const openedIn = (performance.now() - started) / 1000;
const peakWhileOpening = peak;

// Idle, all open: the memory that holding them costs.
await new Promise((r) => setTimeout(r, 10_000));
const idle = rssOf(pid);

const { token } = await issueToken(bench.database.db, { userId: 'claire.dawson', label: 'bench', createdBy: 'bench' });
const app = createApp({ db: bench.database.db, temporal: deps.temporal, config: bench.config, sessionSecret: 'bench-session-secret-of-at-least-32-chars' });
const readStarted = performance.now();
let answered = 0;
let wrong = 0;
await pool(references, 16, async (reference) => {
  const res = await app.request(`/bids/${reference}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { bid?: { state?: string } };
  if (res.status === 200 && body.bid?.state === 'AWAITING_ASSEMBLY') answered += 1;
  else wrong += 1;
});
const readIn = (performance.now() - readStarted) / 1000;
sample();
clearInterval(sampler);

console.log(`
Open bids: ${N.toLocaleString('en-GB')} at AWAITING_ASSEMBLY, opened in ${openedIn.toFixed(0)} s (${(N / openedIn).toFixed(1)} bids/s)
Worker resident memory: peak ${mb(peakWhileOpening)} while opening, ${mb(idle)} idle with all open, peak ${mb(peak)} overall (goal: under 400 MB)
GET /bids/{reference}: ${answered.toLocaleString('en-GB')} of ${N.toLocaleString('en-GB')} answered 200 with the bid${wrong ? `, ${wrong} did not` : ''}, in ${readIn.toFixed(1)} s`);

await worker.stop();
await bench.close();
process.exit(0);
