// The bid's transitions without Temporal: one test per arrow of the lifecycle in
// shared/domain.md, each on the pure model, its trail events, notices and messages.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { lifecyclePolicy } from '../src/config/policy.js';
import { bidSubmissionSchema, type Bid } from '../src/domain/bid.js';
import * as bid from '../src/model/bid.js';
import type { BidModel } from '../src/model/bid.js';
import type { Step } from '../src/model/step.js';
import type { Actor, AssemblyDecision, Deadline, ScoreSummary } from '../src/shared.js';
import { actor } from './helpers/lifecycle.js';
import { validBid } from './helpers/fixtures.js';

const policy = lifecyclePolicy(loadConfig({}));
const AT = '2026-12-02T10:00:00.000Z';
const deadline = (dueAt = '2026-12-16T10:00:00.000Z'): Deadline => ({ startedAt: AT, remindAt: '2026-12-14T10:00:00.000Z', dueAt, spec: '10wd' });

function submitted(overrides: Partial<Bid> = {}): BidModel {
  const parsed = bidSubmissionSchema.parse(validBid());
  return bid.newBid({ bid: { ...parsed, reference: 'NW-2026-0001', ...overrides }, contentHash: 'h1', submittedBy: actor('amira.hassan'), policy }, AT);
}

const actions = (s: Step<BidModel>) => s.events.map((e) => e.action);
const small = { costs: [{ financialYear: '2026/27', recurrentPence: 8_000_000, nonRecurrentPence: 2_000_000 }] };

/** A bid taken through intake into hub review, with one evaluator assigned. */
function inReview(overrides: Partial<Bid> = small): BidModel {
  const after = bid.intakeChecked(submitted(overrides), [], null, AT).model;
  return bid.reviewStarted(after, [{ id: 'priya.shah', name: 'Priya Shah', organisation: 'NWICB' }], false, deadline(), AT).model;
}

function reviewedBy(m: BidModel, who: Actor, rating = 4, recommendation: 'ready' | 'not_supported' = 'ready'): Step<BidModel> {
  let next = m;
  for (const step of ['evaluation_design', 'outcome_measures', 'data_availability'] as const) {
    next = bid.reviewStepRecorded(next, who, { step, assessment: 'adequate', comments: 'ok' }, AT).model;
  }
  for (const criterion of ['evidence_quality', 'deliverability', 'quality_and_safety'] as const) {
    next = bid.ratingRecorded(next, who, { criterion, rating, rationale: 'r' }, AT).model;
  }
  return bid.reviewCompleted(next, who, { recommendation, comments: recommendation === 'ready' ? '' : 'weak' }, AT);
}

const score = (overrides: Partial<ScoreSummary> = {}): ScoreSummary => ({
  eventId: 'bid-NW-2026-0001#score1',
  benefitScore: 71.5,
  band: 'medium',
  bandLabel: 'Medium',
  bandAdvice: 'Support',
  flags: { mustFund: false, safetyEscalation: false, valueJustificationRequired: false, valueNoted: false },
  delegation: 'assembly',
  ruleSet: { id: 'nw-clinical-prioritisation', version: '1.0.0', hash: 'a'.repeat(64) },
  scoredAt: AT,
  ...overrides,
});

function awaitingAssembly(overrides: Partial<ScoreSummary> = {}): BidModel {
  return bid.scored(reviewedBy(inReview(), actor('priya.shah')).model, score(overrides)).model;
}

const decision = (_m: BidModel, outcome: AssemblyDecision['outcome'], meetingId = 'm1'): AssemblyDecision => ({
  meetingId,
  meetingTitle: 'CCP Assembly',
  itemId: 'item-1',
  purpose: 'decision',
  outcome,
  conditions: [],
  reason: 'minuted',
  decidedBy: { id: 'sarah.collins', name: 'Sarah Collins', organisation: 'NWICB' },
  decidedAt: AT,
  votes: { support: 5, notSupport: 0, abstain: 0 },
  quorum: { quorate: true, votingMembership: 10, required: 5, eligiblePresent: 7, chairPresent: true, professions: [], shortfalls: [] },
});

const onAgenda = (m: BidModel, meetingId = 'm1') => bid.placedOnAgenda(m, { meetingId, meetingTitle: 'CCP Assembly', purpose: 'decision' }).model;

describe('intake', () => {
  it('SUBMITTED → INTAKE → RETURNED: an incomplete bid is returned with what is missing and a lapse deadline', () => {
    const s = bid.intakeChecked(submitted(), [{ field: 'costs', message: 'costs are missing' }], deadline(), AT);
    expect(s.model).toMatchObject({ state: 'RETURNED', missing: [{ field: 'costs' }], returnedAt: AT, intake: { pending: false, count: 1 } });
    expect(actions(s)).toEqual(['bid.submitted', 'intake.returned']);
    expect(s.events.map((e) => [e.fromState, e.toState])).toEqual([['SUBMITTED', 'INTAKE'], ['INTAKE', 'RETURNED']]);
    expect(s.notices.map((n) => n.kind)).toEqual(['bid.returned']);
  });

  it('SUBMITTED → INTAKE → HUB_REVIEW: a complete bid goes to the evaluation hub', () => {
    const s = bid.intakeChecked(submitted(), [], null, AT);
    expect(s.model.state).toBe('HUB_REVIEW');
    expect(actions(s)).toEqual(['bid.submitted', 'intake.completed']);
    expect(bid.bidWork(s.model)).toEqual({ kind: 'startReview' });
  });

  it('RETURNED → INTAKE: the programme team resubmits, and intake runs again', () => {
    const returned = bid.intakeChecked(submitted(), [{ field: 'costs', message: 'missing' }], deadline(), AT).model;
    expect(bid.checkBidAction(returned, 'resubmit', actor('tom.fletcher'), { bid: returned.bid, contentHash: 'h2' })).toMatchObject({ rule: 'own_organisation' });
    const s = bid.resubmitted(returned, actor('amira.hassan'), { bid: returned.bid, contentHash: 'h2' });
    expect(s.model).toMatchObject({ state: 'INTAKE', contentHash: 'h2', intake: { pending: true, resubmittedFrom: 'RETURNED' } });
    expect(bid.bidWork(s.model)).toEqual({ kind: 'intake' });
  });

  it('RETURNED → LAPSED: no answer by the deadline, after a reminder', () => {
    const returned = bid.intakeChecked(submitted(), [{ field: 'costs', message: 'missing' }], deadline(), AT).model;
    expect(bid.nextBidTimer(returned)).toEqual({ timer: 'lapseReminder', at: '2026-12-14T10:00:00.000Z' });
    const reminded = bid.bidTimerFired(returned, 'lapseReminder');
    expect(reminded.notices.map((n) => n.kind)).toEqual(['bid.lapse_reminder']);
    expect(bid.nextBidTimer(reminded.model)).toEqual({ timer: 'lapse', at: '2026-12-16T10:00:00.000Z' });
    const lapsed = bid.bidTimerFired(reminded.model, 'lapse');
    expect(lapsed.model.state).toBe('LAPSED');
    expect(bid.bidFinished(lapsed.model)).toBe(true);
  });
});

describe('evaluation hub review', () => {
  it('assigns two evaluators at £250,000 and over, one below', () => {
    const large = bid.intakeChecked(submitted(), [], null, AT).model;
    expect(bid.reviewPlan(large)).toMatchObject({ cycle: 1, required: 2 });
    expect(bid.reviewPlan(bid.intakeChecked(submitted(small), [], null, AT).model)).toMatchObject({ required: 1 });
  });

  it('HUB_REVIEW → SCORING: every evaluator completes, recommending ready, with agreed ratings', () => {
    const s = reviewedBy(inReview(), actor('priya.shah'));
    expect(s.model.state).toBe('SCORING');
    expect(s.model.review).toMatchObject({ phase: 'done', agreedRatings: { evidence_quality: 4, deliverability: 4, quality_and_safety: 4 } });
    expect(actions(s)).toEqual(['review.completed', 'review.concluded']);
    expect(bid.bidWork(s.model)).toEqual({ kind: 'score' });
  });

  it('HUB_REVIEW → CLOSED_NOT_SUPPORTED: the evaluator does not support it, with a reason', () => {
    const s = reviewedBy(inReview(), actor('priya.shah'), 1, 'not_supported');
    expect(s.model.state).toBe('CLOSED_NOT_SUPPORTED');
    expect(s.notices.map((n) => n.kind)).toEqual(['bid.not_supported']);
  });

  it('refuses a review step from someone not assigned, or with a conflict, in the table’s words', () => {
    const m = inReview();
    expect(bid.checkBidAction(m, 'recordReviewStep', actor('daniel.price'), { step: 'evaluation_design', assessment: 'adequate', comments: '' })).toMatchObject({
      type: 'Forbidden',
      rule: 'assigned_evaluator',
    });
    expect(bid.checkBidAction(m, 'takeReview', actor('joseph.mensah'), {})).toMatchObject({ type: 'ConflictOfInterest', message: "Joseph Mensah may not review this bid: belongs to NNUH, the bid's lead organisation" });
  });

  it('HUB_REVIEW (moderation): two evaluators 3 apart need the hub lead, who keeps both originals', () => {
    const start = bid.intakeChecked(submitted(), [], null, AT).model;
    const two = bid.reviewStarted(start, [{ id: 'priya.shah', name: 'Priya Shah', organisation: 'NWICB' }, { id: 'daniel.price', name: 'Daniel Price', organisation: 'NWICB' }], false, deadline(), AT).model;
    const first = reviewedBy(two, actor('priya.shah'), 5).model;
    const second = reviewedBy(first, actor('daniel.price'), 1);
    expect(second.model.review?.phase).toBe('moderation');
    expect(bid.waitingFor(second.model)).toBe('the hub lead to moderate divergent ratings');
    const moderated = bid.moderated(second.model, actor('rachel.green'), { ratings: { evidence_quality: 3, deliverability: 3, quality_and_safety: 3 }, decision: 'ready', comments: 'Middle' }, AT, null);
    expect(moderated.model.state).toBe('SCORING');
    expect(moderated.events[0]!.payload).toMatchObject({ originals: { 'priya.shah': { evidence_quality: 5 }, 'daniel.price': { evidence_quality: 1 } } });
  });

  it('HUB_REVIEW → AWAITING_REVISION → INTAKE → HUB_REVIEW: revisions, at most twice, the same evaluator again', () => {
    let m = inReview();
    const s = bid.revisionsRequested(m, { id: 'priya.shah', name: 'Priya Shah', organisation: 'NWICB' }, 'evaluator', 'Add a baseline', deadline(), AT);
    expect(s.model).toMatchObject({ state: 'AWAITING_REVISION', review: { revisionCycles: 1 } });
    m = bid.resubmitted(s.model, actor('amira.hassan'), { bid: s.model.bid, contentHash: 'h2' }).model;
    m = bid.intakeChecked(m, [], null, AT).model;
    expect(bid.reviewPlan(m).keep.map((e) => e.id)).toEqual(['priya.shah']);
    m = bid.reviewStarted(m, bid.reviewPlan(m).keep, true, deadline(), AT).model;
    expect(m.review).toMatchObject({ cycle: 2, reviews: [{ evaluator: { id: 'priya.shah' }, assignedBy: 'system (same evaluators after revision)' }] });
    m = bid.revisionsRequested(m, { id: 'priya.shah', name: 'Priya Shah', organisation: 'NWICB' }, 'evaluator', 'Again', deadline(), AT).model;
    m = bid.reviewStarted(bid.intakeChecked(bid.resubmitted(m, actor('amira.hassan'), { bid: m.bid, contentHash: 'h3' }).model, [], null, AT).model, [{ id: 'priya.shah', name: 'Priya Shah', organisation: 'NWICB' }], true, deadline(), AT).model;
    expect(bid.checkBidAction(m, 'requestRevisions', actor('priya.shah'), { comments: 'Third' })).toMatchObject({ type: 'InvalidAction', message: expect.stringContaining('the most allowed') });
  });

  it('reminds at the reminder point and escalates to the hub lead when the deadline is breached', () => {
    const m = inReview();
    const reminded = bid.bidTimerFired(m, 'reviewReminder');
    expect(reminded.notices[0]).toMatchObject({ kind: 'review.reminder', to: { userIds: ['priya.shah'] } });
    const escalated = bid.bidTimerFired(reminded.model, 'reviewEscalation');
    expect(escalated.notices[0]).toMatchObject({ kind: 'review.escalated', to: { roles: ['hub_lead'] } });
    expect(bid.nextBidTimer(escalated.model)).toBeNull();
  });
});

describe('scoring and the Assembly', () => {
  it('SCORING → AWAITING_ASSEMBLY: the score is recorded with its rule set, hard rules beside it', () => {
    const s = bid.scored(reviewedBy(inReview(), actor('priya.shah')).model, score({ flags: { mustFund: true, safetyEscalation: true, valueJustificationRequired: false, valueNoted: false } }));
    expect(s.model.state).toBe('AWAITING_ASSEMBLY');
    expect(actions(s)).toEqual(['scoring.completed', 'hard_rule.must_fund', 'hard_rule.safety_escalation']);
    expect(s.events.every((e) => e.ruleSetVersion === `nw-clinical-prioritisation@1.0.0#${'a'.repeat(12)}`)).toBe(true);
    expect(bid.bidWork(s.model)).toEqual({ kind: 'openChairsWindow' });
  });

  it('AWAITING_ASSEMBLY → ALLOCATION: supported (with conditions) within the delegation', () => {
    const m = onAgenda(awaitingAssembly());
    const s = bid.assemblyDecided(m, { ...decision(m, 'supported_with_conditions'), conditions: ['Report quarterly'] });
    expect(s.model.state).toBe('ALLOCATION');
    expect(s.model.assembly.meetingId).toBeUndefined();
    expect(s.notices.map((n) => n.kind)).toEqual(['bid.assembly_decision']);
  });

  it('AWAITING_ASSEMBLY → AWAITING_BOARD: supported over the delegation limit', () => {
    const m = onAgenda(awaitingAssembly({ delegation: 'board' }));
    expect(bid.assemblyDecided(m, decision(m, 'supported')).model.state).toBe('AWAITING_BOARD');
  });

  it('AWAITING_BOARD → ALLOCATION or CLOSED_NOT_SUPPORTED: the ICB Board decides', () => {
    const board = bid.assemblyDecided(onAgenda(awaitingAssembly({ delegation: 'board' })), decision(onAgenda(awaitingAssembly()), 'supported')).model;
    expect(bid.boardDecided(board, actor('ian.thompson'), { approved: true, minuteReference: 'B/1', reason: '' }, AT).model.state).toBe('ALLOCATION');
    expect(bid.boardDecided(board, actor('ian.thompson'), { approved: false, minuteReference: 'B/1', reason: 'no' }, AT).model.state).toBe('CLOSED_NOT_SUPPORTED');
  });

  it('AWAITING_ASSEMBLY → AWAITING_ASSEMBLY: deferred, counted, off the agenda for the next meeting', () => {
    const m = onAgenda(awaitingAssembly());
    const s = bid.assemblyDecided(m, decision(m, 'deferred'));
    expect(s.model).toMatchObject({ state: 'AWAITING_ASSEMBLY', assembly: { deferrals: 1 } });
    expect(bid.checkBidAction(s.model, 'placeOnAgenda', null, { meetingId: 'm2', meetingTitle: 'Next', purpose: 'decision' })).toBeNull();
  });

  it('AWAITING_ASSEMBLY → CLOSED_NOT_SUPPORTED: not supported, with the reason', () => {
    const m = onAgenda(awaitingAssembly());
    const s = bid.assemblyDecided(m, decision(m, 'not_supported'));
    expect(s.model.state).toBe('CLOSED_NOT_SUPPORTED');
    expect(bid.bidFinished(s.model)).toBe(true);
  });

  it('AWAITING_ASSEMBLY → CLOSED_NOT_SUPPORTED with a reconsideration window: open until it ends, then refused by its rule', () => {
    const m = onAgenda(awaitingAssembly());
    expect(bid.opensReconsideration(m, decision(m, 'not_supported'))).toBe(true);
    expect(bid.opensReconsideration(m, decision(m, 'supported'))).toBe(false);
    const window = deadline('2026-12-30T10:00:00.000Z');
    const s = bid.assemblyDecided(m, decision(m, 'not_supported'), window);
    expect(s.events[0]!.payload).toMatchObject({ reconsideration: { dueAt: window.dueAt } });
    expect(bid.bidFinished(s.model)).toBe(false);
    expect(bid.nextBidTimer(s.model)).toEqual({ timer: 'reconsiderationLapse', at: window.dueAt });
    const applicant = actor('amira.hassan');
    const ask = { reason: 'New audit', newInformation: 'Readmissions doubled' };
    expect(bid.checkBidAction(s.model, 'requestReconsideration', applicant, ask)).toBeNull();
    expect(bid.checkBidAction(s.model, 'requestReconsideration', actor('tom.fletcher'), ask)).toMatchObject({ rule: 'own_organisation' });
    expect(bid.reconsiderationTooLate(s.model, window.dueAt)).toMatchObject({ rule: 'reconsideration_window' });
    expect(bid.reconsiderationTooLate(s.model, AT)).toBeNull();
    const lapsed = bid.bidTimerFired(s.model, 'reconsiderationLapse').model;
    expect(bid.bidFinished(lapsed)).toBe(true);
    expect(bid.checkBidAction(lapsed, 'requestReconsideration', applicant, ask)).toMatchObject({ type: 'WrongState', rule: 'reconsideration_window' });

    const asked = bid.reconsiderationRequested(s.model, applicant, ask, AT).model;
    expect(bid.nextBidTimer(asked)).toBeNull();
    expect(bid.bidFinished(asked)).toBe(false);
    const upheld = bid.reconsiderationReviewed(asked, actor('rachel.green'), { outcome: 'uphold', reason: 'Nothing new' }, AT).model;
    expect(upheld.state).toBe('CLOSED_NOT_SUPPORTED');
    expect(bid.bidFinished(upheld)).toBe(true);
    const returned = bid.reconsiderationReviewed(asked, actor('rachel.green'), { outcome: 'return_to_assembly', reason: 'Material' }, AT).model;
    expect(returned.state).toBe('AWAITING_ASSEMBLY');
    expect(bid.agendaPlacement(returned, 'decision').reconsideration).toMatchObject({ request: ask, review: { outcome: 'return_to_assembly' } });
  });

  it("takes chair's action on a safety escalation, then the next meeting's ratification", () => {
    const m = awaitingAssembly({ flags: { mustFund: false, safetyEscalation: true, valueJustificationRequired: false, valueNoted: false } });
    expect(bid.checkBidAction(m, 'chairsAction', actor('peter.novak'), { outcome: 'supported', conditions: [], reason: 'x' })).toMatchObject({ type: 'Forbidden' });
    const acted = bid.chairsActionTaken(m, actor('sarah.collins'), { outcome: 'supported', conditions: [], reason: 'Urgent' }, AT).model;
    expect(acted).toMatchObject({ state: 'ALLOCATION', assembly: { ratification: 'pending' } });
    const placed = bid.placedOnAgenda(acted, { meetingId: 'm1', meetingTitle: 'A', purpose: 'ratification' }).model;
    const ratified = bid.assemblyDecided(placed, { ...decision(placed, 'ratified'), purpose: 'ratification' }).model;
    expect(ratified.assembly.ratification).toBe('ratified');
  });

  it('ignores a decision from a meeting the bid is not on, and says so on the trail', () => {
    const m = onAgenda(awaitingAssembly(), 'm1');
    const s = bid.assemblyDecided(m, decision(m, 'supported', 'other'));
    expect(s.model.state).toBe('AWAITING_ASSEMBLY');
    expect(actions(s)).toEqual(['assembly.decision_not_applied']);
  });

  it('re-scores only when the admin asks, and only off an agenda', () => {
    const m = awaitingAssembly();
    const s = bid.rescoreRequested(m, actor('ian.thompson'), { ruleSet: { id: 'nw-clinical-prioritisation', version: '1.1.0' }, reason: 'Consultation' });
    expect(s.model.state).toBe('SCORING');
    expect(bid.scoringRuleSet(s.model)).toEqual({ id: 'nw-clinical-prioritisation', version: '1.1.0' });
    expect(bid.scoringRuleSet(m)).toEqual({ id: 'nw-clinical-prioritisation', version: '1.0.0' });
    expect(bid.checkBidAction(onAgenda(m), 'rescore', actor('ian.thompson'), { reason: 'x' })).toMatchObject({ type: 'WrongState' });
  });
});

describe('allocation', () => {
  const allocated = () => bid.assemblyDecided(onAgenda(awaitingAssembly()), decision(onAgenda(awaitingAssembly()), 'supported')).model;
  const place = (outcome: 'funded' | 'waitlisted') => ({ roundId: 'r1', roundTitle: 'Main', financialYear: '2026/27', version: 1, place: { reference: 'NW-2026-0001', outcome, rank: 1, reason: 'why' } });

  it('ALLOCATION → FUNDED: finance confirms the provisional place', () => {
    const proposed = bid.allocationProposed(allocated(), place('funded'));
    expect(actions(proposed)).toEqual(['allocation.proposed']);
    expect(bid.allocationProposed(proposed.model, place('funded')).events).toEqual([]);
    const funded = bid.allocationConfirmed(proposed.model, { ...place('funded'), confirmedBy: { id: 'claire.dawson', name: 'Claire', organisation: 'NWICB' } }, AT);
    expect(funded.model.state).toBe('FUNDED');
    expect(bid.bidFinished(funded.model)).toBe(true);
  });

  it('ALLOCATION → WAITLISTED: below the cut line, a candidate for later rounds', () => {
    const waitlisted = bid.allocationConfirmed(allocated(), { ...place('waitlisted'), confirmedBy: { id: 'claire.dawson', name: 'Claire', organisation: 'NWICB' } }, AT).model;
    expect(waitlisted.state).toBe('WAITLISTED');
    expect(bid.bidFinished(waitlisted)).toBe(false);
    expect(bid.allocationProposed(waitlisted, place('funded')).model.allocation?.provisional?.outcome).toBe('funded');
  });
});

describe('conditions with due days', () => {
  const confirmedBy = { id: 'claire.dawson', name: 'Claire', organisation: 'NWICB' };
  const funded = { roundId: 'r1', roundTitle: 'Main', financialYear: '2026/27', version: 1, place: { reference: 'NW-2026-0001', outcome: 'funded' as const, rank: 1, reason: 'why' }, confirmedBy };
  const dated = (m: BidModel): AssemblyDecision => ({
    ...decision(m, 'supported_with_conditions'),
    conditions: ['Baseline data', 'Two WTE recruited', 'Quarterly report'],
    conditionsDueBy: ['2027-03-31', '2027-06-30', null],
  });
  const schedule: bid.ConditionSchedule = [
    { dueAt: '2027-03-31T00:00:00.000Z', remindAt: '2027-03-24T00:00:00.000Z' },
    { dueAt: '2027-06-29T23:00:00.000Z', remindAt: '2027-06-22T23:00:00.000Z' },
    null,
  ];
  const supported = () => {
    const m = onAgenda(awaitingAssembly());
    return bid.assemblyDecided(m, dated(m), null, schedule);
  };
  const hubLead = actor('rachel.green');

  it('tracks the conditions a decision to support the bid sets, each dated one on its reminder and then its day', () => {
    const s = supported();
    expect(s.model.state).toBe('ALLOCATION');
    expect(s.model.conditions).toEqual({
      setBy: 'CCP Assembly',
      at: AT,
      items: [
        { id: 'c1', text: 'Baseline data', dueBy: '2027-03-31', ...schedule[0] },
        { id: 'c2', text: 'Two WTE recruited', dueBy: '2027-06-30', ...schedule[1] },
        { id: 'c3', text: 'Quarterly report' },
      ],
    });
    expect(s.events[0]!.payload).toMatchObject({ conditionsDueBy: ['2027-03-31', '2027-06-30', null] });
    expect(bid.nextBidTimer(s.model)).toEqual({ timer: 'conditionReminder:c1', at: schedule[0]!.remindAt });
    const reminded = bid.bidTimerFired(s.model, 'conditionReminder:c1');
    expect(actions(reminded)).toEqual(['condition.reminder_sent']);
    expect(reminded.notices.map((n) => [n.kind, n.to, n.subject])).toEqual([
      ['bid.condition_due', { roles: ['applicant'], organisation: s.model.bid.leadOrganisation }, 'Condition due by 31 March 2027: NW-2026-0001'],
      ['bid.condition_due', { roles: ['hub_lead'] }, 'Condition due by 31 March 2027: NW-2026-0001'],
    ]);
    expect(bid.nextBidTimer(reminded.model)).toEqual({ timer: 'conditionDue:c1', at: schedule[0]!.dueAt });
    const due = bid.bidTimerFired(reminded.model, 'conditionDue:c1');
    expect(actions(due)).toEqual(['condition.fell_due']);
    expect(due.notices[0]!.subject).toBe('Condition due today, 31 March 2027: NW-2026-0001');
    expect(bid.nextBidTimer(due.model)).toEqual({ timer: 'conditionReminder:c2', at: schedule[1]!.remindAt });
  });

  it('stops a condition\'s notices once the hub lead records it met, and a funded bid closes once every dated one is met', () => {
    const s = supported();
    expect(bid.checkBidAction(s.model, 'recordConditionMet', actor('amira.hassan'), { conditionId: 'c1', evidence: 'x' })).toMatchObject({ type: 'Forbidden', rule: 'role' });
    expect(bid.checkBidAction(s.model, 'recordConditionMet', hubLead, { conditionId: 'c4', evidence: 'x' })).toMatchObject({ message: expect.stringContaining('no condition c4') });
    expect(bid.checkBidAction(s.model, 'recordConditionMet', hubLead, { conditionId: 'c1', evidence: ' ' })).toMatchObject({ type: 'InvalidAction' });
    const met = bid.conditionMet(s.model, hubLead, { conditionId: 'c1', evidence: 'Data received' }, AT);
    expect(actions(met)).toEqual(['condition.met']);
    expect(met.events[0]!.payload).toEqual({ conditionId: 'c1', text: 'Baseline data', dueBy: '2027-03-31', evidence: 'Data received' });
    expect(bid.nextBidTimer(met.model)).toEqual({ timer: 'conditionReminder:c2', at: schedule[1]!.remindAt });
    expect(bid.checkBidAction(met.model, 'recordConditionMet', hubLead, { conditionId: 'c1', evidence: 'again' })).toMatchObject({ type: 'WrongState' });

    const fundedBid = bid.allocationConfirmed(met.model, funded, AT).model;
    expect(fundedBid.state).toBe('FUNDED');
    expect(bid.bidFinished(fundedBid)).toBe(false);
    expect(bid.waitingFor(fundedBid)).toBe('the evaluation hub to record its conditions as met (c2 due 2027-06-30)');
    const allMet = bid.conditionMet(fundedBid, hubLead, { conditionId: 'c2', evidence: 'Posts filled' }, AT).model;
    expect(bid.nextBidTimer(allMet)).toBeNull();
    expect(bid.bidFinished(allMet)).toBe(true); // c3 has no day: it keeps nothing open
    expect(bid.bidActionsFor(allMet, hubLead)).toEqual(['recordConditionMet']); // c3 may still be recorded
    const everyOne = bid.conditionMet(allMet, hubLead, { conditionId: 'c3', evidence: 'First report in' }, AT).model;
    expect(bid.bidActionsFor(everyOne, hubLead)).toEqual([]);
  });

  it('tells the Assembly chair, the hub and the team when a condition is still open at its escalation, once, and not after it is waived or met', () => {
    const m = onAgenda(awaitingAssembly());
    const escalating: bid.ConditionSchedule = [{ ...schedule[0]!, escalateAt: '2027-04-14T23:00:00.000Z' }, schedule[1]!, null];
    const s = bid.assemblyDecided(m, dated(m), null, escalating);
    expect(s.model.conditions!.items[0]).toMatchObject({ escalateAt: '2027-04-14T23:00:00.000Z' });
    const due = bid.bidTimerFired(bid.bidTimerFired(s.model, 'conditionReminder:c1').model, 'conditionDue:c1');
    expect(bid.nextBidTimer(due.model)).toEqual({ timer: 'conditionOverdue:c1', at: '2027-04-14T23:00:00.000Z' });
    const overdue = bid.bidTimerFired(due.model, 'conditionOverdue:c1');
    expect(actions(overdue)).toEqual(['condition.overdue']);
    expect(overdue.notices.map((n) => [n.kind, n.to, n.subject])).toEqual([
      ['bid.condition_overdue', { roles: ['assembly_chair'] }, 'Condition overdue since 31 March 2027: NW-2026-0001'],
      ['bid.condition_overdue', { roles: ['hub_lead'] }, 'Condition overdue since 31 March 2027: NW-2026-0001'],
      ['bid.condition_overdue', { roles: ['applicant'], organisation: s.model.bid.leadOrganisation }, 'Condition overdue since 31 March 2027: NW-2026-0001'],
    ]);
    expect(overdue.notices[0]!.body).toContain('may waive it');
    expect(overdue.model.conditions!.items[0]).toMatchObject({ escalated: true });
    expect(bid.nextBidTimer(overdue.model)).toEqual({ timer: 'conditionReminder:c2', at: schedule[1]!.remindAt });
    // Waived (or met) before its escalation: no notice of it.
    const waived = bid.conditionWaived(due.model, actor('sarah.collins'), { conditionId: 'c1', reason: 'No longer asked' }, AT).model;
    expect(bid.nextBidTimer(waived)).toEqual({ timer: 'conditionReminder:c2', at: schedule[1]!.remindAt });
    const met = bid.conditionMet(due.model, hubLead, { conditionId: 'c1', evidence: 'Sent' }, AT).model;
    expect(bid.nextBidTimer(met)).toEqual({ timer: 'conditionReminder:c2', at: schedule[1]!.remindAt });
  });

  it("lets the Assembly chair waive a condition with the reason: its notices stop, the hub and the team are told, and a funded bid closes once every dated one is met or waived", () => {
    const s = supported();
    const chair = actor('sarah.collins');
    expect(bid.checkBidAction(s.model, 'waiveCondition', hubLead, { conditionId: 'c1', reason: 'x' })).toMatchObject({ type: 'Forbidden', rule: 'role' });
    expect(bid.checkBidAction(s.model, 'waiveCondition', chair, { conditionId: 'c1', reason: ' ' })).toMatchObject({ type: 'InvalidAction', message: expect.stringContaining('reason') });
    const waived = bid.conditionWaived(s.model, chair, { conditionId: 'c1', reason: 'The national return now asks for it' }, AT);
    expect(actions(waived)).toEqual(['condition.waived']);
    expect(waived.events[0]!.payload).toEqual({ conditionId: 'c1', text: 'Baseline data', dueBy: '2027-03-31', reason: 'The national return now asks for it' });
    expect(waived.notices.map((n) => [n.kind, n.to])).toEqual([
      ['bid.condition_waived', { roles: ['applicant'], organisation: s.model.bid.leadOrganisation }],
      ['bid.condition_waived', { roles: ['hub_lead'] }],
    ]);
    expect(bid.nextBidTimer(waived.model)).toEqual({ timer: 'conditionReminder:c2', at: schedule[1]!.remindAt });
    // Waived is settled: neither met nor waived again.
    expect(bid.checkBidAction(waived.model, 'recordConditionMet', hubLead, { conditionId: 'c1', evidence: 'Sent' })?.message).toBe(`Condition c1 was waived on ${AT}`);
    expect(bid.checkBidAction(waived.model, 'waiveCondition', chair, { conditionId: 'c1', reason: 'again' })).toMatchObject({ type: 'WrongState' });

    const fundedBid = bid.allocationConfirmed(waived.model, funded, AT).model;
    expect(bid.waitingFor(fundedBid)).toBe('the evaluation hub to record its conditions as met (c2 due 2027-06-30)');
    const settled = bid.conditionWaived(fundedBid, chair, { conditionId: 'c2', reason: 'Recruitment paused nationally' }, AT).model;
    expect(bid.nextBidTimer(settled)).toBeNull();
    expect(bid.bidFinished(settled)).toBe(true);
  });

  it('times nothing without a schedule (a decision before the patch), and no conditions once a later decision supports without any', () => {
    const m = onAgenda(awaitingAssembly());
    const unscheduled = bid.assemblyDecided(m, dated(m)).model;
    expect(unscheduled.conditions!.items[0]).toEqual({ id: 'c1', text: 'Baseline data', dueBy: '2027-03-31' });
    expect(bid.nextBidTimer(unscheduled)).toBeNull();
    expect(bid.bidFinished(bid.allocationConfirmed(unscheduled, funded, AT).model)).toBe(true);
    const plain = bid.assemblyDecided(m, decision(m, 'supported')).model;
    expect(plain.conditions).toBeUndefined();
  });

  it("takes dated conditions from chair's action too; a withdrawn bid's conditions time nothing", () => {
    const m = awaitingAssembly({ flags: { mustFund: false, safetyEscalation: true, valueJustificationRequired: false, valueNoted: false } });
    const args = { outcome: 'supported_with_conditions' as const, conditions: ['Audit in 3 months'], conditionsDueBy: ['2027-03-31'], reason: 'Urgent' };
    expect(bid.checkBidAction(m, 'chairsAction', actor('sarah.collins'), { ...args, conditionsDueBy: ['2027-03-31', null] })).toMatchObject({ type: 'InvalidAction' });
    const acted = bid.chairsActionTaken(m, actor('sarah.collins'), args, AT, [schedule[0]!]).model;
    expect(acted.conditions).toMatchObject({ setBy: "The chair's action", items: [{ id: 'c1', dueBy: '2027-03-31', dueAt: schedule[0]!.dueAt }] });
    expect(bid.nextBidTimer(acted)).toEqual({ timer: 'conditionReminder:c1', at: schedule[0]!.remindAt });
    const gone = bid.withdrawn(acted, actor('amira.hassan'), { reason: 'No longer needed' }, AT).model;
    expect(bid.nextBidTimer(gone)).toBeNull();
  });
});

describe('withdrawal', () => {
  it.each(['RETURNED', 'HUB_REVIEW', 'AWAITING_ASSEMBLY', 'ALLOCATION', 'WAITLISTED'] as const)('WITHDRAWN from %s, by the lead organisation only', (state) => {
    const m: BidModel = { ...inReview(), state };
    expect(bid.checkBidAction(m, 'withdraw', actor('tom.fletcher'), { reason: 'x' })).toMatchObject({ rule: 'own_organisation' });
    expect(bid.checkBidAction(m, 'withdraw', actor('amira.hassan'), { reason: ' ' })).toMatchObject({ type: 'InvalidAction' });
    expect(bid.withdrawn(m, actor('amira.hassan'), { reason: 'Funded nationally' }, AT).model.state).toBe('WITHDRAWN');
  });

  it('tells the meeting and the round that hold it', () => {
    const m = { ...onAgenda(awaitingAssembly()), allocation: { roundId: 'r1', roundTitle: 'Main', financialYear: '2026/27', provisional: { reference: 'NW-2026-0001', outcome: 'funded' as const, rank: 1, reason: '', version: 1 } } };
    expect(bid.withdrawn(m, actor('amira.hassan'), { reason: 'x' }, AT).effects.map((e) => [e.workflowId, e.signal])).toEqual([
      ['meeting-m1', 'itemWithdrawn'],
      ['round-r1', 'roundBidWithdrawn'],
    ]);
  });

  it('is refused once the bid is closed', () => {
    const closed = reviewedBy(inReview(), actor('priya.shah'), 1, 'not_supported').model;
    expect(bid.checkBidAction(closed, 'withdraw', actor('amira.hassan'), { reason: 'x' })).toMatchObject({ type: 'WrongState' });
  });
});

describe('what each role may do next', () => {
  it('is read from the same table the validators use', () => {
    const m = inReview();
    expect(bid.bidRoleActions(m)).toMatchObject({ applicant: ['withdraw'], hub_lead: expect.arrayContaining(['assignReview']) });
    expect(bid.bidActionsFor(m, actor('priya.shah'))).toEqual(expect.arrayContaining(['recordReviewStep', 'recordRating', 'requestRevisions', 'declareInterest']));
    expect(bid.bidActionsFor(m, actor('daniel.price'))).not.toContain('recordReviewStep');
  });
});
