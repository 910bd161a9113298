// The Assembly meeting's and the funding round's transitions without Temporal: the agenda,
// quorum per item, votes, decisions and their delivery; allocation runs and confirmation.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { lifecyclePolicy } from '../src/config/policy.js';
import * as meeting from '../src/model/meeting.js';
import * as round from '../src/model/round.js';
import type { AllocationSummary } from '../src/shared.js';
import { actor, ASSEMBLY_MEMBERS as members, placement, QUORATE } from './helpers/lifecycle.js';

const policy = lifecyclePolicy(loadConfig({}));
const AT = '2026-12-02T10:00:00.000Z';

function opened(present = QUORATE) {
  const m0 = meeting.newMeeting({ meetingId: 'm1', title: 'CCP Assembly', scheduledFor: AT, agendaClosesAt: AT, createdBy: actor('ian.thompson'), policy });
  const closed = meeting.agendaClosed(m0, members, [placement('NW-2026-0001'), placement('NW-2026-0002', { leadOrganisation: 'QEH' })]).model;
  const open = meeting.opened(closed, actor('sarah.collins'), AT).model;
  return meeting.attendanceRecorded(open, actor('sarah.collins'), { present }).model;
}

describe('the meeting', () => {
  it('numbers its agenda in order and tells the members', () => {
    const m0 = meeting.newMeeting({ meetingId: 'm1', title: 'CCP Assembly', scheduledFor: AT, agendaClosesAt: AT, createdBy: actor('ian.thompson'), policy });
    const s = meeting.agendaClosed(m0, members, [placement('NW-2026-0001'), placement('NW-2026-0002')]);
    expect(s.model.order).toEqual(['item-1', 'item-2']);
    expect(s.notices[0]).toMatchObject({ kind: 'meeting.agenda', body: '1. NW-2026-0001 Bid NW-2026-0001\n2. NW-2026-0002 Bid NW-2026-0002' });
  });

  it('counts quorum per item: half the voting members present and not conflicted, the chair, three professions', () => {
    const m = opened();
    expect(meeting.quorum(m, m.items['item-1']!)).toMatchObject({ quorate: true, required: 5, eligiblePresent: 7 });
    const thin = opened(['sarah.collins', 'peter.novak', 'laura.king']);
    expect(meeting.quorum(thin, thin.items['item-1']!).shortfalls).toEqual(['3 of the 5 voting members needed are present without a conflict']);
  });

  it('refuses a conflicted vote, and records a vote on the meeting and the bid', () => {
    const m = opened([...QUORATE, 'james.lee']);
    expect(meeting.checkMeetingAction(m, 'castVote', actor('james.lee'), { itemId: 'item-1', vote: 'support' })).toMatchObject({ type: 'ConflictOfInterest' });
    const s = meeting.voteCast(m, actor('peter.novak'), { itemId: 'item-1', vote: 'support' });
    expect(s.events[0]).toMatchObject({ action: 'assembly.vote_cast', alsoOn: { streamType: 'bid', streamId: 'NW-2026-0001' } });
    expect(meeting.tally(s.model.items['item-1']!)).toEqual({ support: 1, notSupport: 0, abstain: 0 });
  });

  it('decides only a quorate item, and sends the decision to its bid', () => {
    const thin = opened(['sarah.collins', 'peter.novak', 'laura.king']);
    expect(meeting.checkMeetingAction(thin, 'recordDecision', actor('sarah.collins'), { itemId: 'item-1', outcome: 'supported', conditions: [], reason: '' })).toMatchObject({
      message: expect.stringMatching(/not quorate/),
    });
    const s = meeting.decisionRecorded(opened(), actor('sarah.collins'), { itemId: 'item-1', outcome: 'supported', conditions: [], reason: 'Strong' }, AT);
    expect(s.effects).toEqual([expect.objectContaining({ workflowId: 'bid-NW-2026-0001', signal: 'assemblyDecision', ifUndelivered: [expect.objectContaining({ action: 'assembly.decision_undeliverable' })] })]);
  });

  it('defers what is left undecided when it closes, saying why', () => {
    const decided = meeting.decisionRecorded(opened(), actor('sarah.collins'), { itemId: 'item-1', outcome: 'supported', conditions: [], reason: 'Strong' }, AT).model;
    const s = meeting.closed(decided, actor('sarah.collins'), AT);
    expect(s.model.state).toBe('CLOSED');
    expect(s.events.map((e) => e.action)).toEqual(['assembly.decision_recorded', 'meeting.closed']);
    expect(s.model.items['item-2']!.decision).toMatchObject({ outcome: 'deferred', reason: 'not reached at this meeting' });
  });

  it('lists what a person may do on each item in one pass', () => {
    const m = opened([...QUORATE, 'james.lee']);
    expect(meeting.meetingActionsFor(m, actor('sarah.collins'))).toEqual({
      allowedActions: ['recordAttendance', 'closeMeeting', 'reorderAgenda'],
      itemActions: { 'item-1': ['declareMeetingInterest', 'castVote', 'recordDecision'], 'item-2': ['declareMeetingInterest', 'castVote', 'recordDecision'] },
    });
    expect(meeting.meetingActionsFor(m, actor('james.lee')).itemActions['item-1']).toEqual(['declareMeetingInterest']);
  });
});

describe("the agenda's order", () => {
  const closedAgenda = () => {
    const m0 = meeting.newMeeting({ meetingId: 'm1', title: 'CCP Assembly', scheduledFor: AT, agendaClosesAt: AT, createdBy: actor('ian.thompson'), policy });
    return meeting.agendaClosed(m0, members, [placement('NW-2026-0001'), placement('NW-2026-0002'), placement('NW-2026-0003')]).model;
  };

  it('takes every item once in a new order, numbered by its new place, on the trail', () => {
    const m = closedAgenda();
    expect(meeting.checkMeetingAction(m, 'reorderAgenda', actor('sarah.collins'), { order: ['item-3', 'item-1', 'item-2'] })).toBeNull();
    const s = meeting.agendaReordered(m, actor('sarah.collins'), { order: ['item-3', 'item-1', 'item-2'] });
    expect(s.model.order).toEqual(['item-3', 'item-1', 'item-2']);
    expect(meeting.itemsOf(s.model).map((i) => [i.reference, i.position])).toEqual([
      ['NW-2026-0003', 1],
      ['NW-2026-0001', 2],
      ['NW-2026-0002', 3],
    ]);
    expect(s.events).toMatchObject([{ action: 'meeting.agenda_reordered', payload: { order: ['NW-2026-0003', 'NW-2026-0001', 'NW-2026-0002'] } }]);
    expect(meeting.meetingActionsFor(m, actor('sarah.collins')).allowedActions).toContain('reorderAgenda');
  });

  it('refuses an order that leaves an item out, names one twice or one not on it, and anyone but the chair or admin', () => {
    const m = closedAgenda();
    const chair = actor('sarah.collins');
    expect(meeting.checkMeetingAction(m, 'reorderAgenda', chair, { order: ['item-3', 'item-1'] })?.message).toBe("The order must name each of the agenda's 3 items once (left out: item-2)");
    expect(meeting.checkMeetingAction(m, 'reorderAgenda', chair, { order: ['item-3', 'item-1', 'item-1'] })?.message).toBe("The order must name each of the agenda's 3 items once (left out: item-2; an item twice)");
    expect(meeting.checkMeetingAction(m, 'reorderAgenda', chair, { order: ['item-3', 'item-1', 'item-9'] })?.message).toBe("The order must name each of the agenda's 3 items once (not on it: item-9; left out: item-2)");
    expect(meeting.checkMeetingAction(m, 'reorderAgenda', actor('peter.novak'), { order: ['item-3', 'item-1', 'item-2'] })).toMatchObject({ type: 'Forbidden' });
    const scheduled = meeting.newMeeting({ meetingId: 'm2', title: 'CCP Assembly', scheduledFor: AT, agendaClosesAt: AT, createdBy: actor('ian.thompson'), policy });
    expect(meeting.checkMeetingAction(scheduled, 'reorderAgenda', chair, { order: [] })).toMatchObject({ type: 'WrongState' });
  });
});

describe('the funding round', () => {
  const r0 = () =>
    round.newRound({
      roundId: 'r1',
      title: 'Main',
      financialYear: '2026/27',
      envelopePence: 100_000_000,
      subEnvelopes: [],
      opensAt: '2026-01-01T00:00:00.000Z',
      closesAt: '2027-01-01T00:00:00.000Z',
      createdBy: actor('ian.thompson'),
      policy,
    });
  const summary = (version: number, funded: string[], waitlisted: string[] = []): AllocationSummary => ({
    version,
    runAt: AT,
    runBy: { id: 'claire.dawson', name: 'Claire', organisation: 'NWICB' },
    reason: 'run',
    places: [...funded.map((r, i) => ({ reference: r, outcome: 'funded' as const, rank: i + 1, reason: 'fits' })), ...waitlisted.map((r, i) => ({ reference: r, outcome: 'waitlisted' as const, rank: funded.length + i + 1, reason: 'no' }))],
    cutLine: null,
    envelopes: [],
    mustFundOverrun: null,
  });

  it('serves runs in order, tells each bid its place, and releases one it no longer holds', () => {
    const asked = round.runAsked(r0(), { id: 'claire.dawson', name: 'Claire', organisation: 'NWICB' }, 'January');
    const first = round.allocationRun(asked.model, summary(1, ['A', 'B']));
    expect(first.model).toMatchObject({ state: 'PROPOSED', served: 1, queue: [] });
    expect(first.effects.map((e) => [e.workflowId, e.signal])).toEqual([['bid-A', 'allocationProposed'], ['bid-B', 'allocationProposed']]);
    const second = round.allocationRun(round.runAsked(first.model, { id: 'system', name: 's', organisation: 'NWICB' }, 'again').model, summary(2, ['A']));
    expect(second.effects.map((e) => [e.workflowId, e.signal])).toEqual([['bid-A', 'allocationProposed'], ['bid-B', 'allocationReleased']]);
    expect(second.events[0]!.action).toBe('allocation.rerun');
  });

  it('confirms only the version finance reviewed, and not while a run waits', () => {
    const proposed = round.allocationRun(round.runAsked(r0(), { id: 'c', name: 'c', organisation: 'NWICB' }, 'x').model, summary(1, ['A'])).model;
    expect(round.checkRoundAction(proposed, 'confirmAllocation', actor('claire.dawson'), { version: 2 })).toMatchObject({ rule: 'version' });
    expect(round.checkRoundAction(proposed, 'confirmAllocation', actor('ian.thompson'), { version: 1 })).toMatchObject({ message: 'Only finance may confirm the allocation' });
    const waiting = round.bidWithdrawn(proposed, 'A');
    expect(round.checkRoundAction(waiting, 'confirmAllocation', actor('claire.dawson'), { version: 1 })).toMatchObject({ type: 'WrongState' });
    const s = round.confirmed(proposed, actor('claire.dawson'), AT);
    expect(s.model.state).toBe('CONFIRMED');
    expect(s.effects[0]).toMatchObject({ workflowId: 'bid-A', signal: 'allocationConfirmed' });
  });

  it('runs by itself at its closing date if nobody has', () => {
    expect(round.closingDatePassed(r0()).queue).toEqual([expect.objectContaining({ reason: 'the round closed' })]);
  });
});
