// GET /bids/{reference} under load, against its floor: 64 connections for 15 s on the API as
// production runs it (its own process, authentication, visibility, the bid's view and what the
// caller may do next, all from the read model), and on a bare Hono route that reads the same
// row with the postgres driver (bench/floor-server.ts). Prints both and the ratios.
//   npm run bench:reads [-- <bids, default 500>]
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createRecorderActivities } from '../src/activities/recorder.js';
import { lifecyclePolicy } from '../src/config/policy.js';
import { bidSubmissionSchema, type Bid } from '../src/domain/bid.js';
import * as model from '../src/model/bid.js';
import { issueToken } from '../src/services/auth.js';
import type { Actor } from '../src/shared.js';
import examples from '../examples/bid.json' with { type: 'json' };
import { BENCH_TEAM, startBench } from './harness.js';

const BIDS = Number(process.argv[2] ?? 500);
const CONNECTIONS = 64;
const SECONDS = 15;
const root = fileURLToPath(new URL('..', import.meta.url));

const bench = await startBench('reads');
const recorder = createRecorderActivities({ db: bench.database.db, config: bench.config });
const policy = lifecyclePolicy(bench.config);
const evaluator: Actor = { id: 'priya.shah', name: 'Priya Shah', roles: ['evaluator'], organisation: 'NWICB' };
const references: string[] = [];
const AT = new Date().toISOString();
for (let i = 0; i < BIDS; i += 1) {
  // A realistic bid at AWAITING_ASSEMBLY, taken there by the model's own transitions.
  const reference = `RD-2099-${String(i + 1).padStart(5, '0')}`;
  const bid = { ...bidSubmissionSchema.parse({ ...examples, reference: undefined, leadOrganisation: 'JPUH', partnerOrganisations: [] }), reference } as Bid;
  let m = model.newBid({ bid, contentHash: `h${i}`, submittedBy: BENCH_TEAM, policy }, AT);
  m = model.intakeChecked(m, [], null, AT).model;
  m = model.reviewStarted(m, [{ id: evaluator.id, name: evaluator.name, organisation: evaluator.organisation }], false, { startedAt: AT, remindAt: AT, dueAt: AT, spec: '10wd' }, AT).model;
  for (const step of ['evaluation_design', 'outcome_measures', 'data_availability'] as const) m = model.reviewStepRecorded(m, evaluator, { step, assessment: 'adequate', comments: 'Sound' }, AT).model;
  for (const criterion of ['evidence_quality', 'deliverability', 'quality_and_safety'] as const) m = model.ratingRecorded(m, evaluator, { criterion, rating: 4, rationale: 'Good' }, AT).model;
  m = model.reviewCompleted(m, evaluator, { recommendation: 'ready', comments: '' }, AT).model;
  m = model.scored(m, { eventId: `s${i}`, benefitScore: 70, band: 'medium', bandLabel: 'Medium', bandAdvice: '', flags: { mustFund: false, safetyEscalation: false, valueJustificationRequired: false, valueNoted: false }, delegation: 'assembly', ruleSet: { id: 'nw-clinical-prioritisation', version: '1.2.0', hash: 'a'.repeat(64) }, scoredAt: AT }).model;
  await recorder.commit({
    streamType: 'bid',
    streamId: reference,
    version: 1,
    model: m as never,
    summary: model.bidSummary(m),
    events: [],
    alsoOn: [],
    notices: [],
    extras: { bid: { bid, contentHash: m.contentHash, submittedBy: BENCH_TEAM.id, submittedAt: AT, workflowId: `bid-${reference}` } },
    updatedAt: AT,
  });
  references.push(reference);
}
const { token } = await issueToken(bench.database.db, { userId: 'claire.dawson', label: 'bench', createdBy: 'bench' });

function server(script: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: bench.databaseUrl, TRAIL_SEAL_KEY: bench.config.TRAIL_SEAL_KEY!, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => /listening/i.test(chunk.toString()) && resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function load(port: number, headers: Record<string, string>) {
  const pickPath = () => `/bids/${references[Math.floor(Math.random() * references.length)]}`;
  const run = (duration: number) =>
    autocannon({ url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration, headers, requests: [{ setupRequest: (req) => ({ ...req, path: pickPath() }) }] });
  await run(3); // warm-up
  return run(SECONDS);
}

const api = await server('src/api-server.ts', 3871, {
  TEMPORAL_ADDRESS: bench.config.TEMPORAL_ADDRESS!,
  TEMPORAL_TASK_QUEUE: bench.config.TEMPORAL_TASK_QUEUE,
  SESSION_SECRET: 'bench-session-secret-of-at-least-32-chars',
});
const ours = await load(3871, { authorization: `Bearer ${token}` });
api.kill('SIGTERM');
const floorServer = await server('bench/floor-server.ts', 3872);
const floor = await load(3872, {});
floorServer.kill('SIGTERM');

const line = (name: string, r: autocannon.Result) =>
  `${name.padEnd(44)} ${Math.round(r.requests.average).toLocaleString('en-GB').padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
console.log(`
GET /bids/{reference}, ${CONNECTIONS} connections, ${SECONDS} s, ${BIDS} bids:
  ${line('the API (auth, visibility, view, next actions)', ours)}
  ${line('floor: the same row, bare Hono + postgres', floor)}
  throughput ratio ${(ours.requests.average / floor.requests.average).toFixed(2)} (goal ≥ 0.3); p99 ratio ${(ours.latency.p99 / Math.max(floor.latency.p99, 1)).toFixed(2)} (goal ≤ 3)`);

await bench.close();
process.exit(0);
