// GET /bids/{reference} under load, against its floor: 64 connections for 15 s on the API as
// production runs it (its own process, authentication, visibility, the bid's view and what the
// caller may do next, all from the read model), and on a bare Hono route that reads the same
// row with the postgres driver (bench/floor-server.ts). Prints both and the ratios.
//   npm run bench:reads [-- <bids, default 500>]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
const ROUNDS = 3;
/** As `npm run api`, the image and Compose run it: a young generation big enough that a request's garbage dies young. */
const API_NODE_FLAGS = ['--max-semi-space-size=32'];
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

function server(script: string, port: number, env: Record<string, string> = {}, flags: string[] = []): Promise<ChildProcess> {
  // BENCH_CPU_PROF=<dir> writes each server's CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...flags, '--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: bench.databaseUrl, TRAIL_SEAL_KEY: bench.config.TRAIL_SEAL_KEY!, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => /listening/i.test(chunk.toString()) && resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('exit', () => resolve());
  child.kill('SIGTERM');
});

/** Waits until the server answers the route as the load will ask it (it may still be starting up). */
async function ready(port: number, headers: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = '';
  // The API compiles its stylesheet once at start when run from source (a built image reads it
  // from disk): wait for that too, so the load measures reads, not Sass. The floor has none (404).
  await fetch(`http://127.0.0.1:${port}/assets/app.css`).catch(() => undefined);
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/bids/${references[0]}`, { headers });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server on port ${port} did not answer GET /bids/{reference} within 2 minutes: ${last}`);
}

/** CPU seconds the process has used so far (user + system), from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

interface Measured {
  errors?: number;
  requests: number;
  seconds: number;
  p99: number[];
  cpu: number;
}

async function load(child: ChildProcess, port: number, headers: Record<string, string>, duration: number, into: Measured) {
  const pickPath = () => `/bids/${references[Math.floor(Math.random() * references.length)]}`;
  const before = await cpuSeconds(child.pid!);
  const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration, headers, requests: [{ setupRequest: (req) => ({ ...req, path: pickPath() }) }] });
  into.cpu += (await cpuSeconds(child.pid!)) - before;
  into.requests += r.requests.total;
  into.seconds += duration;
  into.p99.push(r.latency.p99);
  into.errors = (into.errors ?? 0) + r.errors + r.non2xx;
}

// Both servers run side by side and take the load in turns, ROUNDS times each, so a change in
// the machine's other load during the run falls on both alike.
const api = await server('src/api-server.ts', 3871, {
  TEMPORAL_ADDRESS: bench.config.TEMPORAL_ADDRESS!,
  TEMPORAL_TASK_QUEUE: bench.config.TEMPORAL_TASK_QUEUE,
  SESSION_SECRET: 'bench-session-secret-of-at-least-32-chars',
}, API_NODE_FLAGS);
const floorServer = await server('bench/floor-server.ts', 3872);
const apiHeaders = { authorization: `Bearer ${token}` };
await ready(3871, apiHeaders);
await ready(3872, {});
const ours: Measured & { errors?: number } = { requests: 0, seconds: 0, p99: [], cpu: 0 };
const floor: Measured & { errors?: number } = { requests: 0, seconds: 0, p99: [], cpu: 0 };
const warm = { requests: 0, seconds: 0, p99: [], cpu: 0 };
await load(api, 3871, apiHeaders, 3, warm);
await load(floorServer, 3872, {}, 3, warm);
for (let round = 0; round < ROUNDS; round += 1) {
  await load(api, 3871, apiHeaders, SECONDS / ROUNDS, ours);
  await load(floorServer, 3872, {}, SECONDS / ROUNDS, floor);
}
await stop(api);
await stop(floorServer);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const line = (name: string, r: Measured & { errors?: number }) =>
  `${name.padEnd(44)} ${Math.round(r.requests / r.seconds).toLocaleString('en-GB').padStart(7)} req/s   p99 ${String(median(r.p99)).padStart(4)} ms (median of ${r.p99.length})   CPU ${((r.cpu / r.requests) * 1000).toFixed(2)} ms a request   errors ${r.errors ?? 0}`;
const throughput = ours.requests / ours.seconds / (floor.requests / floor.seconds);
console.log(`
GET /bids/{reference}, ${CONNECTIONS} connections, ${ROUNDS} turns of ${SECONDS / ROUNDS} s each, ${BIDS} bids:
  ${line('the API (auth, visibility, view, next actions)', ours)}
  ${line('floor: the same row, bare Hono + postgres', floor)}
  throughput ratio ${throughput.toFixed(2)} (goal ≥ 0.3); p99 ratio ${(median(ours.p99) / Math.max(median(floor.p99), 1)).toFixed(2)} (goal ≤ 3); CPU a request ratio ${(floor.cpu / floor.requests / (ours.cpu / ours.requests)).toFixed(2)}`);

await bench.close();
process.exit(0);
