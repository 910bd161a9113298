// `npm run demo:seed`: a running service taken through the whole process over its own HTTP API,
// each step by the demo person whose job it is, as a client would: a dozen bids submitted,
// reviewed by the evaluators the hub assigned, scored, decided at a CCP Assembly meeting, and
// allocated in a funding round whose envelope is smaller than what was asked, so it has a cut
// line. Every step looks at where things are first, so running it again carries on or, once
// the round is confirmed, says so and changes nothing. Every wait has a deadline.
import { formatPence } from '../domain/allocation.js';
import { AMBITIONS, PLACES } from '../domain/vocabulary.js';
import type { AllocationResult } from '../domain/allocation.js';
import { REVIEW_STEPS, type BidState, type BidStatus, type MeetingStatus, type RatingCriterion, type RoundStatus, type Vote } from '../shared.js';
import { DEMO_BIDS, type DemoBid } from './bids.js';

export const DEMO_MEETING_ID = 'ccpa-demo-seed';
export const DEMO_ROUND_ID = 'demo-2026-27';
export const DEMO_FINANCIAL_YEAR = '2026/27';
/** The envelope is this share of what the supported demo bids ask in the round's year, so some must wait. */
const ENVELOPE_SHARE = 0.6;
/** A member who sends apologies: attendance is rarely everyone. */
const APOLOGIES = 'susan.reid';
const ADMIN = 'ian.thompson';
const CHAIR = 'sarah.collins';
const FINANCE = 'claire.dawson';
const SECOND_FINANCE = 'owen.hughes';

export interface SeedOptions {
  baseUrl: string;
  /** Bearer tokens of the demo users, by id (DATA_DIR/demo-tokens.json). */
  tokens: Record<string, string>;
  /** How many of the demo bids, from the first; at least 2 so the round has a cut line. */
  count?: number;
  /** The longest any one wait may take (the service to answer, a bid to move on). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SeedOutcome {
  alreadySeeded: boolean;
  references: string[];
  meetingId: string;
  roundId: string;
  funded: string[];
  waitlisted: string[];
  envelopePence: number;
  urls: Record<string, string>;
}

/** A failure the person running the seed can act on; the CLI prints its message alone. */
export class SeedError extends Error {}

/** The parts of the API's answers the seed reads (their schemas are in /openapi.json). */
interface Reply {
  status: number;
  body: unknown;
}
interface ErrorBody {
  error?: { code: string; message: string; details?: unknown };
}
interface Receipt {
  reference: string;
  state: BidState;
  missing: string[];
}
interface BidDetail {
  bid: { reference: string; state: BidState; benefitScore: number | null; band: string | null };
  status: BidStatus;
}
interface RoundDetail {
  round: RoundStatus;
  allocation: { version: number; result: AllocationResult } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const AFTER_REVIEW: BidState[] = ['AWAITING_ASSEMBLY', 'AWAITING_BOARD', 'ALLOCATION', 'FUNDED', 'WAITLISTED', 'CLOSED_NOT_SUPPORTED'];
const PROBLEM: BidState[] = ['RETURNED', 'AWAITING_REVISION', 'LAPSED', 'WITHDRAWN'];

class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: Record<string, string>,
    private readonly timeoutMs: number,
  ) {}

  async request(as: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const token = as ? this.tokens[as] : undefined;
    if (as && !token) throw new SeedError(`No token for the demo user ${as} in the token file: it is not the file of this service's first start`);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new SeedError(`${method} ${this.baseUrl}${path} got no answer (${cause}): is the service (npm start) still running?`);
    }
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() };
  }

  get(as: string, path: string) {
    return this.request(as, 'GET', path);
  }

  /** A POST that must succeed; a refusal stops the seed with the service's own words. */
  async act<T>(as: string, path: string, body: unknown, what: string, headers: Record<string, string> = {}): Promise<T> {
    const reply = await this.request(as, 'POST', path, body, headers);
    if (reply.status >= 300) throw refused(what, as, reply);
    return reply.body as T;
  }

  async read<T>(as: string, path: string, what: string): Promise<T> {
    const reply = await this.get(as, path);
    if (reply.status !== 200) throw refused(what, as, reply);
    return reply.body as T;
  }

  bid(reference: string): Promise<BidDetail> {
    return this.read<BidDetail>(ADMIN, `/bids/${reference}`, `read ${reference}`);
  }
}

function refused(what: string, as: string, reply: Reply): SeedError {
  const error = (reply.body as ErrorBody | null)?.error;
  const detail = error ? `${error.code}: ${error.message}${error.details ? ` ${JSON.stringify(error.details)}` : ''}` : String(reply.body).slice(0, 300);
  return new SeedError(`Could not ${what} (as ${as}): ${reply.status} ${detail}`);
}

/** Polls until `probe` answers something; past the deadline, says what it waited for and what it last saw. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<{ done: T } | { last: string }>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const answer = await probe();
    if ('done' in answer) return answer.done;
    last = answer.last;
    if (Date.now() >= deadline) throw new SeedError(`Gave up after ${seconds(timeoutMs)} waiting for ${what}; last seen: ${last}`);
    await sleep(500);
  }
}

/** Runs `work` on every item, at most `limit` at a time (bids are separate workflows). */
async function eachLimited<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
}

const roundYearPence = (demo: DemoBid) =>
  demo.bid.costs.filter((c) => c.financialYear === DEMO_FINANCIAL_YEAR).reduce((sum, c) => sum + c.recurrentPence + c.nonRecurrentPence, 0);
const isSupported = (demo: DemoBid) => demo.decision.outcome === 'supported' || demo.decision.outcome === 'supported_with_conditions';

/**
 * A share of what the supported bids ask this year, in whole £10,000s: always less than the
 * whole, so some bid waits below the line; never less than the smallest, so some bid is funded.
 */
export function demoEnvelopePence(bids: DemoBid[]): number {
  const asks = bids.filter(isSupported).map(roundYearPence);
  const demand = asks.reduce((a, b) => a + b, 0);
  const share = Math.floor((demand * ENVELOPE_SHARE) / 1_000_000) * 1_000_000;
  return Math.max(share, Math.min(...asks));
}

/** How a member votes on an item: the way the decision went, with the odd abstention and dissent. */
function voteFor(demo: DemoBid, voterIndex: number): Vote {
  switch (demo.decision.outcome) {
    case 'supported':
    case 'supported_with_conditions':
      return voterIndex === 3 ? 'abstain' : 'support';
    case 'not_supported':
      return voterIndex === 1 ? 'support' : voterIndex === 4 ? 'abstain' : 'not_support';
    case 'deferred':
      return voterIndex % 2 === 0 ? 'abstain' : 'support';
  }
}

export async function seedDemoJourney(options: SeedOptions): Promise<SeedOutcome> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const count = options.count ?? DEMO_BIDS.length;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(count) || count < 2 || count > DEMO_BIDS.length) {
    throw new SeedError(`The count must be a whole number from 2 to ${DEMO_BIDS.length} (a round needs two bids for a cut line); it was ${count}`);
  }
  const demos = DEMO_BIDS.slice(0, count);
  const api = new Api(baseUrl, options.tokens, timeoutMs);
  const urls = {
    round: `${baseUrl}/app/rounds/${DEMO_ROUND_ID}`,
    meeting: `${baseUrl}/app/meetings/${DEMO_MEETING_ID}`,
    bids: `${baseUrl}/app/bids`,
    trail: `${baseUrl}/app/trail`,
    finance: `${baseUrl}/app/finance`,
    api: `${baseUrl}/rounds/${DEMO_ROUND_ID}`,
  };

  // The service answers, and knows these tokens.
  await waitFor(`the service at ${baseUrl} to answer (start it with npm start in another terminal)`, timeoutMs, async () => {
    try {
      const res = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      return res.ok ? { done: true } : { last: `${res.status} ${(await res.text()).slice(0, 200)}` };
    } catch (error) {
      return { last: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message };
    }
  });
  const me = await api.get(ADMIN, '/me');
  if (me.status === 401) throw new SeedError(`The service at ${baseUrl} does not accept the demo tokens: they belong to another data folder (DATA_DIR), or the demo users were never created there`);
  if (me.status !== 200) throw refused('check who the demo admin is', ADMIN, me);

  const found = await api.get(FINANCE, `/rounds/${DEMO_ROUND_ID}`);
  if (found.status !== 200 && found.status !== 404) throw refused('read the demo round', FINANCE, found);
  const existing = found.status === 200 ? (found.body as RoundDetail) : undefined;
  if (existing?.round.state === 'CONFIRMED') {
    const { funded, waitlisted } = existing.allocation?.result ?? { funded: [], waitlisted: [] };
    log(`Already seeded: round ${DEMO_ROUND_ID} was confirmed (${funded.length} funded, ${waitlisted.length} waitlisted). Nothing changed.`);
    log(lookAt(urls));
    return { alreadySeeded: true, references: [], meetingId: DEMO_MEETING_ID, roundId: DEMO_ROUND_ID, funded, waitlisted, envelopePence: existing.round.envelopePence, urls };
  }
  if (existing?.round.state === 'CANCELLED') {
    throw new SeedError(`Round ${DEMO_ROUND_ID} was cancelled, so the demo cannot finish on this data folder: start the service on an empty one (e.g. DATA_DIR=.data-demo npm start)`);
  }

  // 1. The programme teams submit. The Idempotency-Key makes a second run find the same bid.
  log(`Submitting ${demos.length} bids to ${baseUrl}`);
  const references: string[] = [];
  for (const [i, demo] of demos.entries()) {
    const receipt = await api.act<Receipt>(demo.applicant, '/bids', demo.bid, `submit "${demo.bid.title}"`, { 'Idempotency-Key': `demo-seed-${i + 1}` });
    if (receipt.state === 'RETURNED') throw new SeedError(`Intake returned ${receipt.reference} as incomplete: ${receipt.missing.join('; ')}`);
    references.push(receipt.reference);
    log(`  ${receipt.reference}  ${demo.bid.title} (${demo.bid.leadOrganisation}, ${formatPence(demo.bid.costs.reduce((s, c) => s + c.recurrentPence + c.nonRecurrentPence, 0))})`);
  }

  // 2. The evaluators the hub assigned review each bid; scoring follows by itself.
  log('Hub review by the assigned evaluators, then scoring');
  await eachLimited(demos, 3, async (demo, i) => {
    const reference = references[i]!;
    const bid = await waitFor<BidStatus>(`${reference} to have its evaluators`, timeoutMs, async () => {
      const { bid, status } = await api.bid(reference);
      if (PROBLEM.includes(bid.state)) throw new SeedError(`${reference} is ${bid.state}, which the demo does not expect: look at ${baseUrl}/app/bids/${reference}`);
      if (AFTER_REVIEW.includes(bid.state)) return { done: status };
      const review = status.review;
      return bid.state === 'HUB_REVIEW' && review && review.reviews.length >= review.requiredEvaluators ? { done: status } : { last: `${bid.state}, ${review?.reviews.length ?? 0} evaluator(s)` };
    });
    const reviews = bid.review?.reviews ?? [];
    const names: string[] = [];
    for (const [n, r] of reviews.entries()) {
      const who = r.evaluator.id;
      names.push(who);
      if (r.completed) continue;
      for (const step of REVIEW_STEPS) {
        if (r.steps[step]) continue;
        const [assessment, comments] = demo.review.steps[step];
        await api.act(who, `/bids/${reference}/review/steps`, { step, assessment, comments }, `record the ${step} step on ${reference}`);
      }
      for (const [criterion, rating] of Object.entries(demo.review.ratings) as [RatingCriterion, number | null][]) {
        if (r.ratings[criterion]) continue;
        // A second evaluator sees it a little differently, never by the 3 that needs moderation.
        const given = n === 1 && rating !== null && criterion === 'deliverability' ? Math.max(0, rating - 1) : rating;
        await api.act(who, `/bids/${reference}/review/ratings`, { criterion, rating: given, rationale: demo.review.rationale }, `rate ${criterion} on ${reference}`);
      }
      await api.act(who, `/bids/${reference}/review/complete`, { recommendation: 'ready', comments: demo.review.comments }, `complete the review of ${reference}`);
    }
    const scored = await waitFor<BidDetail['bid']>(`${reference} to be scored`, timeoutMs, async () => {
      const { bid } = await api.bid(reference);
      return AFTER_REVIEW.includes(bid.state) ? { done: bid } : { last: bid.state };
    });
    log(`  ${reference}  reviewed by ${names.join(' and ') || 'the hub earlier'}; benefit score ${scored.benefitScore ?? '?'} (${scored.band ?? 'no band'})`);
  });

  // 3. The CCP Assembly: scheduled, agenda closed, opened, attendance, votes, decisions.
  let meeting: MeetingStatus = (await meetingNow(api)) ?? (await scheduleMeeting());
  if (meeting.state === 'CANCELLED') throw new SeedError(`The meeting ${DEMO_MEETING_ID} was cancelled: start the service on an empty data folder to seed the demo`);
  const meetingPath = `/meetings/${DEMO_MEETING_ID}`;
  if (meeting.state === 'SCHEDULED') meeting = await api.act<MeetingStatus>(CHAIR, `${meetingPath}/agenda/close`, {}, 'close the agenda');
  if (meeting.state === 'AGENDA_CLOSED') meeting = await api.act<MeetingStatus>(CHAIR, `${meetingPath}/open`, {}, 'open the meeting');
  if (meeting.state === 'OPEN') {
    if (meeting.present.length === 0) {
      const present = meeting.members.map((m) => m.id).filter((id) => id !== APOLOGIES);
      meeting = await api.act<MeetingStatus>(CHAIR, `${meetingPath}/attendance`, { present }, 'record attendance');
      log(`Opened the meeting; ${present.length} members present, apologies from ${APOLOGIES}`);
    }
    const ours = new Map(references.map((reference, i) => [reference, demos[i]!]));
    const missing = references.filter((r) => !meeting.items.some((item) => item.reference === r));
    if (missing.length) log(`  Not on this meeting's agenda (decided elsewhere or waiting for a later meeting): ${missing.join(', ')}`);
    for (const item of meeting.items) {
      const demo = ours.get(item.reference);
      if (!demo || item.purpose !== 'decision' || item.decision || item.withdrawn) continue;
      const voters = meeting.present.filter((id) => !item.conflicted.includes(id));
      for (const [v, member] of voters.entries()) {
        if (item.votes[member]) continue;
        await api.act(member, `${meetingPath}/items/${item.itemId}/votes`, { vote: voteFor(demo, v) }, `vote on ${item.reference}`);
      }
      const d = demo.decision;
      const decided = await api.act<MeetingStatus>(
        CHAIR,
        `${meetingPath}/items/${item.itemId}/decision`,
        { outcome: d.outcome, conditions: d.outcome === 'supported_with_conditions' ? d.conditions : [], reason: d.reason },
        `record the decision on ${item.reference}`,
      );
      const tally = decided.items.find((x) => x.itemId === item.itemId)?.tally;
      const conflicts = item.conflicted.length ? `; ${item.conflicted.join(', ')} conflicted` : '';
      log(`  ${item.reference}  ${d.outcome.replaceAll('_', ' ')} (${tally ? `${tally.support} for, ${tally.notSupport} against, ${tally.abstain} abstaining` : 'votes recorded'}${conflicts})`);
    }
    meeting = (await meetingNow(api)) ?? meeting;
    const undecided = meeting.items.filter((item) => !item.decision && !item.withdrawn);
    if (undecided.length === 0) {
      meeting = await api.act<MeetingStatus>(CHAIR, `${meetingPath}/close`, {}, 'close the meeting');
      log(`Closed the meeting ${DEMO_MEETING_ID}`);
    } else {
      log(`Left the meeting open: items the demo did not bring are for the chair to decide (${undecided.map((i) => i.reference).join(', ')})`);
    }
  }
  // Each decision reaches its bid's workflow in its own time.
  for (const [i, demo] of demos.entries()) {
    if (!isSupported(demo)) continue;
    const reference = references[i]!;
    await waitFor(`${reference} to reach allocation after the Assembly's decision`, timeoutMs, async () => {
      const { bid } = await api.bid(reference);
      return ['ALLOCATION', 'FUNDED', 'WAITLISTED'].includes(bid.state) ? { done: true } : { last: bid.state };
    });
  }

  // 4. The funding round: opened by the admin, allocated and confirmed by finance.
  const envelopePence = demoEnvelopePence(demos);
  const roundPath = `/rounds/${DEMO_ROUND_ID}`;
  let round = existing?.round;
  if (!round) {
    const now = Date.now();
    round = await api.act<RoundStatus>(
      ADMIN,
      '/rounds',
      {
        roundId: DEMO_ROUND_ID,
        title: `Demo round ${DEMO_FINANCIAL_YEAR}`,
        financialYear: DEMO_FINANCIAL_YEAR,
        envelopePence,
        opensAt: new Date(now - 60_000).toISOString(),
        closesAt: new Date(now + 30 * 86_400_000).toISOString(),
      },
      'open the funding round',
    );
    log(`Opened the funding round ${DEMO_ROUND_ID}: ${formatPence(envelopePence)} for ${DEMO_FINANCIAL_YEAR}`);
  }
  if (round.state === 'OPEN') {
    round = await api.act<RoundStatus>(FINANCE, `${roundPath}/allocate`, { reason: 'Demo: allocate the supported bids' }, 'run the allocation');
  }
  if (round.state === 'PROPOSED') {
    const version = round.proposal!.version;
    const confirm = await api.request(FINANCE, 'POST', `${roundPath}/confirm`, { version });
    // With ALLOCATION_SECOND_CONFIRMER, whoever ran it may not confirm it: another finance person does.
    if (confirm.status === 403 && ((confirm.body as ErrorBody).error?.details as { rule?: string } | undefined)?.rule === 'four_eyes') {
      round = await api.act<RoundStatus>(SECOND_FINANCE, `${roundPath}/confirm`, { version }, 'confirm the allocation');
    } else if (confirm.status >= 300) {
      throw refused('confirm the allocation', FINANCE, confirm);
    } else {
      round = confirm.body as RoundStatus;
    }
  }
  const { allocation } = await api.read<RoundDetail>(FINANCE, roundPath, 'read the round');
  if (!allocation) throw new SeedError(`Round ${DEMO_ROUND_ID} has no allocation after it was run`);
  const { result } = allocation;
  for (const place of result.ranking) {
    await waitFor(`${place.reference} to be ${place.outcome} after confirmation`, timeoutMs, async () => {
      const { bid } = await api.bid(place.reference);
      return bid.state === (place.outcome === 'funded' ? 'FUNDED' : 'WAITLISTED') ? { done: true } : { last: bid.state };
    });
  }

  const titles = new Map(references.map((r, i) => [r, demos[i]!.bid.title]));
  log('');
  log(`Round ${DEMO_ROUND_ID}: ${formatPence(round.envelopePence)} for ${DEMO_FINANCIAL_YEAR}, confirmed; ranked by benefit score per pound, must-fund first`);
  log('  rank  bid              outcome      this year   score  ');
  for (const r of result.ranking) {
    if (result.cutLine && r.rank === result.cutLine.rank) log(`  ----  cut line: ${formatPence(result.cutLine.leftPence)} left, not enough for ${r.reference}  ----`);
    const title = titles.get(r.reference) ?? '';
    log(`  ${String(r.rank).padStart(4)}  ${r.reference.padEnd(15)}  ${(r.mustFund ? 'must-fund' : r.outcome).padEnd(11)}  ${formatPence(r.roundCostPence).padStart(10)}  ${r.benefitScore.toFixed(2).padStart(5)}  ${title}`);
  }
  const ambitions = new Set(demos.map((d) => d.bid.primaryAmbition));
  const places = new Set(demos.flatMap((d) => d.bid.places));
  log('');
  log(`Seeded ${references.length} bids (${ambitions.size} of the ${AMBITIONS.length} ambitions, ${places.size} of the ${PLACES.length} places): ${result.funded.length} funded, ${result.waitlisted.length} waitlisted below the line.`);
  log(lookAt(urls));
  return { alreadySeeded: false, references, meetingId: DEMO_MEETING_ID, roundId: DEMO_ROUND_ID, funded: result.funded, waitlisted: result.waitlisted, envelopePence: round.envelopePence, urls };

  async function meetingNow(a: Api): Promise<MeetingStatus | undefined> {
    const reply = await a.get(CHAIR, `/meetings/${DEMO_MEETING_ID}`);
    if (reply.status === 404) return undefined;
    if (reply.status !== 200) throw refused('read the Assembly meeting', CHAIR, reply);
    return (reply.body as { meeting: MeetingStatus }).meeting;
  }

  async function scheduleMeeting(): Promise<MeetingStatus> {
    const scheduledFor = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const scheduled = await api.act<MeetingStatus>(ADMIN, '/meetings', { meetingId: DEMO_MEETING_ID, title: 'CCP Assembly (demo)', scheduledFor }, 'schedule the Assembly meeting');
    log(`Scheduled the CCP Assembly meeting ${DEMO_MEETING_ID}`);
    return scheduled;
  }
}

function lookAt(urls: Record<string, string>): string {
  return [
    'Look at (the sign-in page lists the demo people; one click signs in as any of them):',
    `  The round and its cut line:   ${urls.round}   (Claire Dawson, finance)`,
    `  The Assembly meeting:         ${urls.meeting}   (Dr Sarah Collins, chair)`,
    `  The bids:                     ${urls.bids}`,
    `  The decision trail:           ${urls.trail}   (finance)`,
    `  Money against the envelope:   ${urls.finance}   (finance)`,
    `  The API:                      curl ${urls.api} -H "Authorization: Bearer $(npm run -s demo:tokens claire.dawson)"`,
  ].join('\n');
}
