// Finance's trail at scale: a generated trail of 1,000,000 events (25,000 bids, chains valid),
// then every filter of GET /trail, alone and combined, timed through the app (p50, p95), and the
// CSV export of all of it against PostgreSQL's own COPY of the same join (the floor), with the
// API process's memory growth. A benchmark: it prints, it asserts nothing.
//   npm run bench:trail [-- <events, default 1000000>]
// BENCH_KEEP_DATABASE=1 keeps the generated database; BENCH_REUSE_DATABASE=<its name> searches it
// again without generating (the same events: pass the same count).
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';
import { createApp } from '../src/api/app.js';
import { costTotals } from '../src/domain/bid.js';
import { eventHash, GENESIS_HASH } from '../src/domain/trail.js';
import { AMBITIONS, PLACES } from '../src/domain/vocabulary.js';
import { issueToken } from '../src/services/auth.js';
import { BID_STATES } from '../src/shared.js';
import { mb, startBench } from './harness.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const PER_BID = 40;
const BIDS = Math.ceil(EVENTS / PER_BID);
const ORGS = ['NNUH', 'QEH', 'JPUH', 'NSFT', 'NCHC', 'ECCH', 'EEAST', 'NCC', 'SCC', 'LMC', 'NIC', 'VCSE'];
const YEARS = ['2024/25', '2025/26', '2026/27', '2027/28', '2028/29'];
const ACTIONS = ['bid.submitted', 'intake.completed', 'review.started', 'review.step_recorded', 'review.rating_recorded', 'review.completed', 'review.concluded', 'scoring.completed', 'assembly.placed_on_agenda', 'assembly.vote_cast', 'assembly.decision_recorded', 'assembly.decision_applied', 'allocation.proposed', 'allocation.confirmed'];

/** mulberry32: the same trail every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = seeded(20261202);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const some = <T>(items: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(items)))];
const csvField = (v: string | number | null) => (v === null ? '' : `"${String(v).replace(/"/g, '""')}"`);
const pgArray = (items: string[]) => `{${items.join(',')}}`;

const bench = await startBench('trail', { DATABASE_POOL_SIZE: '20' });
const client = (bench.database.db as unknown as { $client: Sql }).$client;

const start = Date.parse('2024-04-01T09:00:00Z');
if (bench.reused) {
  console.log(`Searching the kept database ${bench.databaseUrl.split('/').at(-1)} as an earlier run generated it`);
} else {
  console.log(`Generating ${BIDS.toLocaleString('en-GB')} bids and ${(BIDS * PER_BID).toLocaleString('en-GB')} events with valid chains...`);
  let generated = performance.now();
  const bidsCopy = await client`copy bids (reference, workflow_id, title, lead_organisation, partner_organisations, primary_ambition, secondary_ambitions, level, places, kind, total_pence, recurrent_pence, non_recurrent_pence, submission, content_hash, state, status, submitted_by, submitted_at, updated_at, projection_version) from stdin with (format csv)`.writable();
  const eventsCopy: { reference: string; rows: string[] }[] = [];
  const bidLines: string[] = [];
  for (let b = 0; b < BIDS; b += 1) {
    const reference = `NW-2099-${String(b + 1).padStart(6, '0')}`;
    const lead = pick(ORGS);
    const partners = some(ORGS.filter((o) => o !== lead), 2).slice(0, Math.floor(random() * 3));
    const primary = pick(AMBITIONS);
    const secondary = some(AMBITIONS.filter((a) => a !== primary), 2).slice(0, Math.floor(random() * 3));
    const places = some(PLACES, 3);
    const firstYear = Math.floor(random() * 3);
    const costs = YEARS.slice(firstYear, firstYear + 1 + Math.floor(random() * 3)).map((financialYear) => ({
      financialYear,
      recurrentPence: Math.floor(random() * 50_000) * 1000,
      nonRecurrentPence: Math.floor(random() * 20_000) * 1000,
    }));
    const totals = costTotals({ costs });
    const state = pick(BID_STATES);
    const at = new Date(start + b * 3_600_000).toISOString();
    const submission = { title: `Generated bid ${b + 1}`, leadOrganisation: lead, partnerOrganisations: partners, primaryAmbition: primary, secondaryAmbitions: secondary, places, costs };
    bidLines.push(
      [reference, `bid-${reference}`, `Generated bid ${b + 1}`, lead, pgArray(partners), primary, pgArray(secondary), 'place', pgArray(places), 'new_service', totals.totalPence, totals.recurrentPence, totals.nonRecurrentPence, JSON.stringify(submission), 'x', state, '{}', 'bench', at, at, 1]
        .map(csvField)
        .join(',') + '\n',
    );
    let prevHash = GENESIS_HASH;
    const rows: string[] = [];
    for (let seq = 1; seq <= PER_BID; seq += 1) {
      const fields = {
        eventId: `bid-${reference}#${seq}`,
        streamType: 'bid',
        streamId: reference,
        seq,
        occurredAt: new Date(start + b * 3_600_000 + seq * 60_000).toISOString(),
        actorId: pick(['system', 'priya.shah', 'sarah.collins', 'claire.dawson']),
        actorRole: 'system',
        action: pick(ACTIONS),
        fromState: null,
        toState: state,
        payload: { n: seq, note: 'generated' },
        ruleSetVersion: null,
        prevHash,
      };
      const hash = eventHash(fields);
      rows.push([fields.eventId, 'bid', reference, seq, fields.occurredAt, fields.actorId, fields.actorRole, fields.action, null, state, JSON.stringify(fields.payload), null, prevHash, hash].map(csvField).join(',') + '\n');
      prevHash = hash;
    }
    eventsCopy.push({ reference, rows });
  }
  await pipeline(Readable.from(bidLines), bidsCopy);
  console.log(`  bids stored (${((performance.now() - generated) / 1000).toFixed(0)} s)`);
  generated = performance.now();
  // The search rows are built in one statement after the load, as migration 0009 builds them for an
  // existing trail, rather than by the per-event trigger: the same rows, in a fraction of the time.
  await client`alter table decision_events disable trigger trail_search_on_event`;
  const events = await client`copy decision_events (event_id, stream_type, stream_id, seq, occurred_at, actor_id, actor_role, action, from_state, to_state, payload, rule_set_version, prev_hash, hash) from stdin with (format csv)`.writable();
  await pipeline(Readable.from((function* () { for (const b of eventsCopy) yield* b.rows; })()), events);
  await client`insert into trail_search select (trail_search_row(e.id, e.stream_id, e.occurred_at, e.action, b)).* from decision_events e join bids b on b.reference = e.stream_id where e.stream_type = 'bid' on conflict (id) do nothing`;
  await client`alter table decision_events enable trigger trail_search_on_event`;
  await client`analyze`;
  const [{ n } = { n: 0 }] = await client<{ n: number }[]>`select count(*)::int as n from trail_search`;
  console.log(`  ${n.toLocaleString('en-GB')} events stored and indexed (${((performance.now() - generated) / 1000).toFixed(0)} s)`);
  eventsCopy.length = 0;
}

const { token } = await issueToken(bench.database.db, { userId: 'claire.dawson', label: 'bench', createdBy: 'bench' });
const app = createApp({ db: bench.database.db, temporal: { client: bench.temporal.client, taskQueue: bench.config.TEMPORAL_TASK_QUEUE }, config: bench.config, sessionSecret: 'bench-session-secret-of-at-least-32-chars' });
const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });

const RUNS = 200;
const filters: [string, () => string][] = [
  ['financialYear', () => `financialYear=${pick(YEARS)}`],
  ['ambition', () => `ambition=${pick(AMBITIONS)}`],
  ['place', () => `place=${pick(PLACES)}`],
  ['organisation', () => `organisation=${pick(ORGS)}`],
  ['state', () => `state=${pick(BID_STATES)}`],
  ['minPence', () => `minPence=${Math.floor(random() * 150_000_000)}`],
  ['maxPence', () => `maxPence=${Math.floor(random() * 50_000_000)}`],
  ['action', () => `action=${pick(['assembly.', 'review.', 'allocation.', 'scoring.'])}`],
  ['reference', () => `reference=NW-2099-${String(1 + Math.floor(random() * BIDS)).padStart(6, '0')}`],
  ['from and to', () => { const from = start + Math.floor(random() * BIDS) * 3_600_000; return `from=${new Date(from).toISOString()}&to=${new Date(from + 7 * 86_400_000).toISOString()}`; }],
  ['year + ambition + place', () => `financialYear=${pick(YEARS)}&ambition=${pick(AMBITIONS)}&place=${pick(PLACES)}`],
  ['organisation + state + amount', () => `organisation=${pick(ORGS)}&state=${pick(BID_STATES)}&minPence=${Math.floor(random() * 50_000_000)}`],
  ['every filter', () => `financialYear=${pick(YEARS)}&ambition=${pick(AMBITIONS)}&place=${pick(PLACES)}&organisation=${pick(ORGS)}&state=${pick(BID_STATES)}&minPence=1000000&maxPence=150000000&action=review.`],
  ['second page (cursor)', () => `ambition=${pick(AMBITIONS)}&cursor=${Math.floor(random() * EVENTS)}`],
  // The trail page's own: newest first (how it opens), and what happened found by words.
  ['newest first', () => `order=newest`],
  ['newest first + place + state', () => `order=newest&place=${pick(PLACES)}&state=${pick(BID_STATES)}`],
  ['words', () => `words=${encodeURIComponent(pick(['allocation confirmed', 'decision', 'vote', 'review']))}`],
  ['words + year, newest first', () => `order=newest&financialYear=${pick(YEARS)}&words=${encodeURIComponent(pick(['decision', 'rating']))}`],
];
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
console.log(`\nGET /trail over ${EVENTS.toLocaleString('en-GB')} events, ${RUNS} requests a filter (goal: p95 ≤ 20 ms):`);
for (let i = 0; i < 20; i += 1) await get(`/trail?ambition=${pick(AMBITIONS)}`);
for (const [name, query] of filters) {
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    const res = await get(`/trail?${query()}`);
    const body = (await res.json()) as { items: unknown[] };
    times.push(performance.now() - t0);
    found += body.items.length;
  }
  times.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(30)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(times, 95).toFixed(1).padStart(6)} ms   (${(found / RUNS).toFixed(0)} events a page)`);
}

// The CSV of the whole trail, against COPY of the same join straight from PostgreSQL, in two
// alternating turns each (floor, product, floor, product), so the machine's other load falls on
// both alike. Both count only bytes and lines, with the same native search for newlines.
const lines = (chunk: Uint8Array): number => {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n += 1;
  return n;
};
async function copyFloor(): Promise<{ seconds: number; rows: number; bytes: number }> {
  const started = performance.now();
  let bytes = 0;
  let rows = -1;
  const stream = await client.unsafe(`copy (select e.event_id, e.stream_id, e.seq, e.occurred_at, e.actor_id, e.actor_role, e.action, e.from_state, e.to_state, e.rule_set_version, b.title, b.lead_organisation, b.primary_ambition, b.places, b.total_pence, b.state, e.payload, e.prev_hash, e.hash
    from trail_search t join decision_events e on e.id = t.id join bids b on b.reference = t.stream_id order by t.id) to stdout with (format csv, header true)`).readable();
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    rows += lines(chunk as Buffer);
  }
  return { seconds: (performance.now() - started) / 1000, rows, bytes };
}
async function productCsv(): Promise<{ seconds: number; rows: number; bytes: number }> {
  const started = performance.now();
  const res = await get('/trail/export.csv');
  let rows = -1;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    rows += lines(chunk);
  }
  return { seconds: (performance.now() - started) / 1000, rows, bytes };
}

const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
const floorTurns: Awaited<ReturnType<typeof copyFloor>>[] = [];
const ourTurns: Awaited<ReturnType<typeof productCsv>>[] = [];
for (let turn = 0; turn < 2; turn += 1) {
  floorTurns.push(await copyFloor());
  ourTurns.push(await productCsv());
}
clearInterval(sampler);
const rate = (turns: { seconds: number; rows: number }[]) => turns.reduce((n, t) => n + t.rows, 0) / turns.reduce((n, t) => n + t.seconds, 0);
const ours = rate(ourTurns);
const floor = rate(floorTurns);
console.log(`
CSV export of ${ourTurns[0]!.rows.toLocaleString('en-GB')} rows (${mb(ourTurns[0]!.bytes)}), two turns: ${Math.round(ours).toLocaleString('en-GB')} rows/s (goal ≥ 40,000; turns ${ourTurns.map((t) => Math.round(t.rows / t.seconds).toLocaleString('en-GB')).join(', ')})
  floor, COPY of the same join from PostgreSQL: ${Math.round(floor).toLocaleString('en-GB')} rows/s (${mb(floorTurns[0]!.bytes)}; turns ${floorTurns.map((t) => Math.round(t.rows / t.seconds).toLocaleString('en-GB')).join(', ')})
  ratio ${(ours / floor).toFixed(2)} (goal ≥ 0.8); API process memory grew ${mb(rssPeak - rssBefore)} (goal < 64 MB)`);

await bench.close();
process.exit(0);
