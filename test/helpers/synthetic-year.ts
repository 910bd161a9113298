// A synthetic financial year at the level below Temporal: each bid taken from submission to
// funding by the workflows' own model transitions, scored by the real scoring activity, its
// steps committed through the real recorder (hash chains and seals as the workflows write them),
// and one funding round run by the real allocation activity and confirmed. Real code and the
// real PostgreSQL, without a workflow per bid, so a thousand bids fit in CI time.
import { inArray } from 'drizzle-orm';
import { bids } from '../../src/db/schema.js';
import { createRecorderActivities, type CommitInput } from '../../src/activities/recorder.js';
import { createRoundActivities } from '../../src/activities/rounds.js';
import { createScoringActivities } from '../../src/activities/scoring.js';
import { lifecyclePolicy } from '../../src/config/policy.js';
import type { Bid, BidSubmission } from '../../src/domain/bid.js';
import * as bidModel from '../../src/model/bid.js';
import type { BidModel } from '../../src/model/bid.js';
import { diff, type Json } from '../../src/model/changes.js';
import * as roundModel from '../../src/model/round.js';
import type { RoundModel } from '../../src/model/round.js';
import type { Step } from '../../src/model/step.js';
import type { Actor, AssemblyDecision, PersonRef } from '../../src/shared.js';
import type { TestContext } from './context.js';
import { actor, smallBid } from './lifecycle.js';

const person = (a: Actor): PersonRef => ({ id: a.id, name: a.name, organisation: a.organisation });

/** One stream's recorder state, as the workflow's machine keeps it: version and event count. */
class Stream<M> {
  private version = 0;
  private events = 0;
  private pending: Step<M>['events'] = [];
  /** The model as the read model last stored it. */
  private stored: M | null = null;
  constructor(
    private readonly commit: (input: CommitInput) => Promise<unknown>,
    private readonly streamType: 'bid' | 'round',
    private readonly streamId: string,
    private readonly workflowId: string,
    public model: M,
    private readonly summary: (m: M) => Record<string, unknown>,
    private readonly stamp: (m: M) => string | null,
  ) {}

  /** Takes a step's model and keeps its events for the next commit. */
  take(s: Step<M>): M {
    this.pending.push(...s.events);
    this.model = s.model;
    return this.model;
  }

  /** Commits the steps taken since the last commit: the whole model first, then what changed, as the machine does. */
  async flush(at: string, extras?: CommitInput['extras']): Promise<void> {
    const events = this.pending.map((e, i) => ({
      eventId: `${this.workflowId}#${this.events + i + 1}`,
      occurredAt: at,
      actorId: e.by.id,
      actorRole: e.role,
      action: e.action,
      fromState: e.fromState,
      toState: e.toState,
      payload: e.payload,
      ruleSetVersion: e.ruleSetVersion ?? this.stamp(this.model) ?? null,
    }));
    this.version += 1;
    await this.commit({
      streamType: this.streamType,
      streamId: this.streamId,
      version: this.version,
      ...(this.stored ? { changes: diff(this.stored, this.model as unknown as Json) } : { model: this.model as unknown as Json }),
      summary: this.summary(this.model),
      events,
      alsoOn: [],
      notices: [],
      extras,
      updatedAt: at,
    });
    this.events += events.length;
    this.pending = [];
    this.stored = this.model;
  }
}

export interface SyntheticYear {
  references: string[];
  roundId: string;
  funded: number;
  waitlisted: number;
}

/** `count` bids of 2026/27, all supported, one round over them with room for about two in three. */
export async function syntheticYear(ctx: Pick<TestContext, 'db' | 'config'>, count: number, tag: string, concurrency = 2): Promise<SyntheticYear> {
  const deps = { db: ctx.db, config: ctx.config };
  const recorder = createRecorderActivities(deps);
  const commit = (input: CommitInput) => recorder.commit(input);
  const scoring = createScoringActivities(deps);
  const rounds = createRoundActivities(deps);
  const policy = lifecyclePolicy(ctx.config);
  const team = actor('amira.hassan');
  const evaluator = actor('priya.shah');
  const finance = actor('claire.dawson');
  const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 9, minute)).toISOString();
  const meetingId = `assembly-${tag}`;

  const streams: Stream<BidModel>[] = [];
  let totalPence = 0;
  const one = async (i: number): Promise<void> => {
    const reference = `${tag}-2026-${String(i + 1).padStart(4, '0')}`;
    // Each bid a little different: cost, reach and ratings, so benefit per pound orders them.
    const pounds = 40_000 + ((i * 7919) % 60_000);
    const submission: BidSubmission = smallBid({ costs: [{ financialYear: '2026/27', recurrentPence: pounds * 100, nonRecurrentPence: 0 }] });
    const bid = { ...submission, reference } as Bid;
    totalPence += pounds * 100;
    const workflowId = `bid-${reference}`;
    const s = new Stream<BidModel>(commit, 'bid', reference, workflowId, bidModel.newBid({ bid, contentHash: `synthetic-${tag}-${i}`, submittedBy: team, policy }, at(0)), bidModel.bidSummary, bidModel.ruleSetTag);
    const first = s.model;
    s.take(bidModel.intakeChecked(s.model, [], null, at(1)));
    s.take(bidModel.reviewStarted(s.model, [person(evaluator)], false, { startedAt: at(1), remindAt: at(2), dueAt: at(3), spec: '10wd' }, at(1)));
    for (const step of ['evaluation_design', 'outcome_measures', 'data_availability'] as const) {
      s.take(bidModel.reviewStepRecorded(s.model, evaluator, { step, assessment: 'adequate', comments: 'Sound' }, at(2)));
    }
    const rating = (n: number) => (2 + ((i + n) % 4)) as 2 | 3 | 4 | 5;
    s.take(bidModel.ratingRecorded(s.model, evaluator, { criterion: 'evidence_quality', rating: rating(0), rationale: 'Evidence as described' }, at(2)));
    s.take(bidModel.ratingRecorded(s.model, evaluator, { criterion: 'deliverability', rating: rating(1), rationale: 'Plan as described' }, at(2)));
    s.take(bidModel.ratingRecorded(s.model, evaluator, { criterion: 'quality_and_safety', rating: rating(2), rationale: 'Safety as described' }, at(2)));
    s.take(bidModel.reviewCompleted(s.model, evaluator, { recommendation: 'ready', comments: '' }, at(3)));
    await s.flush(at(3), { bid: { bid: first.bid, contentHash: first.contentHash, submittedBy: first.submittedBy.id, submittedAt: first.submittedAt, workflowId } });

    const summary = await scoring.scoreBid({
      eventId: `${workflowId}#score${s.model.scoring.count + 1}`,
      reference,
      bid: s.model.bid,
      ratings: s.model.review!.agreedRatings!,
      scoredAt: at(4),
      ruleSet: bidModel.scoringRuleSet(s.model),
    });
    s.take(bidModel.scored(s.model, summary));
    s.take(bidModel.placedOnAgenda(s.model, { meetingId, meetingTitle: `CCP Assembly ${tag}`, purpose: 'decision' }));
    const decision: AssemblyDecision = {
      meetingId,
      meetingTitle: `CCP Assembly ${tag}`,
      itemId: `${meetingId}#${reference}`,
      purpose: 'decision',
      outcome: 'supported',
      conditions: [],
      reason: 'Supported by the Assembly',
      decidedBy: person(actor('sarah.collins')),
      decidedAt: at(5),
      votes: { support: 7, notSupport: 0, abstain: 0 },
      quorum: { quorate: true, votingMembership: 9, required: 5, eligiblePresent: 7, chairPresent: true, professions: [], shortfalls: [] },
    };
    s.take(bidModel.assemblyDecided(s.model, decision));
    if (s.model.state === 'AWAITING_BOARD') s.take(bidModel.boardDecided(s.model, actor('ian.thompson'), { approved: true, minuteReference: 'ICB-2026-06', reason: 'Approved' }, at(5)));
    if (s.model.state !== 'ALLOCATION') throw new Error(`${reference} is ${s.model.state} after the Assembly, not ALLOCATION`);
    await s.flush(at(5));
    streams[i] = s;
  };
  // A few bids at a time, as several workers would: each bid's own steps stay in order.
  for (let i = 0; i < count; i += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, (_, j) => one(i + j)));
  }

  // One round over them all, its envelope about two thirds of what they ask.
  const roundId = `2026-27-synthetic-${tag.toLowerCase()}`;
  const start: roundModel.RoundStart = {
    roundId,
    title: `Synthetic round ${tag}`,
    financialYear: '2026/27',
    envelopePence: Math.round((totalPence * 2) / 3),
    subEnvelopes: [],
    opensAt: at(0),
    closesAt: at(30),
    createdBy: person(actor('ian.thompson')),
    policy,
  };
  const round = new Stream<RoundModel>(commit, 'round', roundId, `round-${roundId}`, roundModel.newRound(start), roundModel.roundSummary, () => null);
  round.take(roundModel.opened(round.model));
  await round.flush(at(6));
  const asked = roundModel.runAsked(round.model, person(finance), 'The year’s allocation');
  round.model = asked.model;
  const result = await rounds.proposeAllocation({
    roundId,
    version: 1,
    financialYear: start.financialYear,
    envelopePence: start.envelopePence,
    subEnvelopes: start.subEnvelopes,
    // Another year's waitlisted bids are its own round's business, not this one's.
    exclude: (await ctx.db.select({ reference: bids.reference }).from(bids).where(inArray(bids.state, ['ALLOCATION', 'WAITLISTED'])))
      .map((r) => r.reference)
      .filter((r) => !streams.some((s) => s.model.reference === r)),
    runBy: person(finance),
    reason: 'The year’s allocation',
    runAt: at(7),
  });
  round.take(roundModel.allocationRun(round.model, result));
  await round.flush(at(7));
  const confirm = round.take(roundModel.confirmed(round.model, finance, at(8)));
  await round.flush(at(8), { confirmAllocation: { version: confirm.confirmed!.version, by: confirm.confirmed!.by.id, at: confirm.confirmed!.at } });

  const notice = { roundId, roundTitle: start.title, financialYear: start.financialYear, version: 1 };
  const byReference = new Map(streams.map((s) => [s.model.reference, s]));
  for (const place of result.places) {
    const s = byReference.get(place.reference)!;
    s.take(bidModel.allocationProposed(s.model, { ...notice, place }));
    s.take(bidModel.allocationConfirmed(s.model, { ...notice, place, confirmedBy: person(finance) }, at(9)));
    await s.flush(at(9));
  }
  const funded = streams.filter((s) => s.model.state === 'FUNDED').length;
  const waitlisted = streams.filter((s) => s.model.state === 'WAITLISTED').length;
  return { references: streams.map((s) => s.model.reference), roundId, funded, waitlisted };
}
