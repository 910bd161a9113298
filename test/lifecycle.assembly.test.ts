// The CCP Assembly: quorum per item, conflicts, votes, the chair's decisions and the routing
// after them; must-fund and safety escalation (chair's action, ratified at the next meeting);
// bids over the delegation limit routed to the ICB Board.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../src/activities/trail.js';
import { bids } from '../src/db/schema.js';
import {
  castVoteUpdate,
  chairsActionUpdate,
  closeMeetingUpdate,
  declareMeetingInterestUpdate,
  openMeetingUpdate,
  recordAttendanceUpdate,
  recordBoardDecisionUpdate,
  recordDecisionUpdate,
  cancelMeetingUpdate,
  rescoreUpdate,
  type MeetingStatus,
} from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import {
  actions,
  actor,
  bidAct,
  meetingAct,
  bidHandle,
  largeBid,
  meetingHandle,
  meetingStatus,
  meetingWithAgenda,
  QUORATE,
  refusal,
  reviewToAssembly,
  smallBid,
  submit,
  trail,
  waitForBid,
} from './helpers/lifecycle.js';

let ctx: TestContext;
let meetings = 0;
beforeAll(async () => {
  ctx = await createTestContext({ recordAs: 'lifecycle-assembly' });
});
afterAll(async () => ctx?.close());

const chair = () => actor('sarah.collins');
/** Seven voting members, none from NNUH or QEH, the chair among them, five professions. */

async function openMeeting(present: string[]): Promise<{ id: string; status: MeetingStatus }> {
  const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-m${++meetings}`;
  await meetingWithAgenda(ctx, id);
  const m = meetingHandle(ctx, id);
  await m.executeUpdate(openMeetingUpdate, { args: [{ actor: chair() }] });
  const status = await meetingAct(ctx, id, recordAttendanceUpdate, { actor: chair(), present });
  return { id, status };
}

const itemFor = (status: MeetingStatus, reference: string) => {
  const item = status.items.find((i) => i.reference === reference);
  if (!item) throw new Error(`${reference} is not on the agenda`);
  return item;
};

async function decide(meetingId: string, itemId: string, outcome: string, extra: { conditions?: string[]; reason?: string } = {}) {
  return meetingHandle(ctx, meetingId).executeUpdate(recordDecisionUpdate, {
    args: [{ actor: chair(), itemId, outcome: outcome as never, conditions: extra.conditions ?? [], reason: extra.reason ?? 'Recorded in the minutes' }],
  });
}

describe('quorum and deferral', () => {
  it('defers an inquorate item to the next meeting, which then decides it', async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);

    const first = await openMeeting(['sarah.collins', 'peter.novak', 'laura.king']);
    const item = itemFor(first.status, reference);
    expect(item.quorum).toMatchObject({
      quorate: false,
      required: 5,
      eligiblePresent: 3,
      shortfalls: ['3 of the 5 voting members needed are present without a conflict'],
    });
    expect(await refusal(decide(first.id, item.itemId, 'supported'))).toEqual({
      type: 'InvalidAction',
      message: 'The item is not quorate (3 of the 5 voting members needed are present without a conflict); it can only be deferred',
    });
    await meetingHandle(ctx, first.id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
    const deferred = await waitForBid(ctx, reference, (b) => b.assembly.deferrals === 1, 'deferred');
    expect(deferred.state).toBe('AWAITING_ASSEMBLY');
    expect(deferred.assembly.decisions[0]).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/^inquorate: 3 of the 5/) });

    const second = await openMeeting(QUORATE);
    const again = itemFor(second.status, reference);
    expect(again.deferrals).toBe(1);
    await decide(second.id, again.itemId, 'supported');
    await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'allocation');
    const decided = (await trail(ctx, reference)).filter((e) => e.action === 'assembly.decision_recorded');
    expect(decided.map((e) => [e.actorId, (e.payload as { outcome: string }).outcome])).toEqual([
      ['system', 'deferred'],
      ['sarah.collins', 'supported'],
    ]);
  });

  it('counts neither conflicted members towards quorum nor those without three professions', async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    // Five present, but two are from NNUH and QEH: three eligible, and only two professions.
    const { id, status } = await openMeeting(['sarah.collins', 'james.lee', 'fiona.walsh', 'mark.osei', 'omar.farouk']);
    const item = itemFor(status, reference);
    expect(item.quorum).toMatchObject({ quorate: false, eligiblePresent: 3, professions: ['medical', 'nursing', 'other'] });
    expect(item.conflicted.sort()).toEqual(['fiona.walsh', 'james.lee']);
    await meetingHandle(ctx, id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
  });

  it('allows at most two deferrals', async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    for (let n = 1; n <= 2; n += 1) {
      const { id, status } = await openMeeting(QUORATE);
      await decide(id, itemFor(status, reference).itemId, 'deferred', { reason: `Needs the place plan (${n})` });
      await waitForBid(ctx, reference, (b) => b.assembly.deferrals === n, `deferral ${n}`);
      await meetingHandle(ctx, id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
    }
    const { id, status } = await openMeeting(QUORATE);
    expect(await refusal(decide(id, itemFor(status, reference).itemId, 'deferred', { reason: 'Once more' }))).toEqual({
      type: 'InvalidAction',
      message: `${reference} has been deferred 2 times, the most allowed; the Assembly must decide`,
    });
    await decide(id, itemFor(status, reference).itemId, 'not_supported', { reason: 'Does not address the gap in West Norfolk' });
    const closed = await waitForBid(ctx, reference, (b) => b.state === 'CLOSED_NOT_SUPPORTED', 'closed');
    expect(closed.assembly.decisions.at(-1)).toMatchObject({ outcome: 'not_supported', reason: 'Does not address the gap in West Norfolk' });
    // The workflow stays open for the programme team to ask for reconsideration (lifecycle.reconsideration.test.ts).
    expect(closed.reconsideration).toMatchObject({ decision: { reason: 'Does not address the gap in West Norfolk' } });
    expect(closed.nextActions.applicant).toEqual(['requestReconsideration']);
    expect((await bidHandle(ctx, reference).describe()).status.name).toBe('RUNNING');
  });
});

describe('conflicts of interest at the meeting', () => {
  it("refuses a conflicted member's vote, by organisation or by declaration, and one not present", async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    const { id, status } = await openMeeting([...QUORATE, 'james.lee']);
    const item = itemFor(status, reference);
    const m = meetingHandle(ctx, id);

    expect(await refusal(m.executeUpdate(castVoteUpdate, { args: [{ actor: actor('james.lee'), itemId: item.itemId, vote: 'support' }] }))).toEqual({
      type: 'ConflictOfInterest',
      message: `Dr James Lee may not vote on ${reference}: belongs to NNUH, the bid's lead organisation`,
    });
    await m.executeUpdate(declareMeetingInterestUpdate, { args: [{ actor: actor('omar.farouk'), itemId: item.itemId, nature: 'Trustee of a partner charity' }] });
    expect(await refusal(m.executeUpdate(castVoteUpdate, { args: [{ actor: actor('omar.farouk'), itemId: item.itemId, vote: 'support' }] }))).toMatchObject({
      type: 'ConflictOfInterest',
      message: expect.stringContaining('has declared an interest'),
    });
    expect(await refusal(m.executeUpdate(castVoteUpdate, { args: [{ actor: actor('susan.reid'), itemId: item.itemId, vote: 'support' }] }))).toEqual({
      type: 'Forbidden',
      message: 'Susan Reid is not recorded as present, so may not vote',
    });
    expect(await refusal(m.executeUpdate(castVoteUpdate, { args: [{ actor: actor('amira.hassan'), itemId: item.itemId, vote: 'support' }] }))).toMatchObject({
      type: 'Forbidden',
    });
    const after = await meetingAct(ctx, id, castVoteUpdate, { actor: actor('peter.novak'), itemId: item.itemId, vote: 'support' });
    expect(itemFor(after, reference)).toMatchObject({ tally: { support: 1, notSupport: 0, abstain: 0 }, quorum: { eligiblePresent: 6 } });

    // The member's declaration reached the bid's own record too.
    const bid = await waitForBid(ctx, reference, (b) => b.interests.some((i) => i.person.id === 'omar.farouk'), 'interest recorded');
    expect(bid.interests[0]).toMatchObject({ nature: 'Trustee of a partner charity', where: 'meeting' });
    const votes = (await trail(ctx, reference)).filter((e) => e.action === 'assembly.vote_cast');
    expect(votes.map((e) => e.actorId)).toEqual(['peter.novak']);
    await m.executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
  });
});

describe('hard rules and routing', () => {
  it('flags a bid with a statutory mandate as must-fund', async () => {
    const reference = await submit(ctx, smallBid({ statutoryMandate: { type: 'nice_technology_appraisal', reference: 'NICE TA943' } }));
    const scored = await reviewToAssembly(ctx, reference);
    expect(scored.score!.flags.mustFund).toBe(true);
    expect(await actions(ctx, reference)).toContain('hard_rule.must_fund');
    const [row] = await ctx.db.select().from(bids).where(eq(bids.reference, reference));
    expect(row!.mustFund).toBe(true);
  });

  it("escalates a high-risk bid for chair's action and ratifies it at the next meeting", async () => {
    const reference = await submit(ctx, smallBid({ riskOfNotFunding: { likelihood: 4, impact: 4 }, partnerOrganisations: ['NCHC'] }));
    const scored = await reviewToAssembly(ctx, reference);
    expect(scored.score!.flags.safetyEscalation).toBe(true);
    const window = await waitForBid(ctx, reference, (b) => !!b.assembly.chairsActionDeadline, "chair's action window");
    expect(window.nextActions.assembly_chair).toEqual(['chairsAction']);

    const h = bidHandle(ctx, reference);
    const action = { outcome: 'supported' as const, conditions: [], reason: 'Patients at risk this winter' };
    // The vice-chair is from NCHC, a partner of the bid.
    expect(await refusal(h.executeUpdate(chairsActionUpdate, { args: [{ actor: actor('mark.osei'), ...action }] }))).toMatchObject({ type: 'ConflictOfInterest' });
    expect(await refusal(h.executeUpdate(chairsActionUpdate, { args: [{ actor: actor('peter.novak'), ...action }] }))).toMatchObject({ type: 'Forbidden' });
    const acted = await bidAct(ctx, reference, chairsActionUpdate, { actor: chair(), ...action });
    expect(acted).toMatchObject({ state: 'ALLOCATION', assembly: { ratification: 'pending', chairsAction: { by: { id: 'sarah.collins' }, outcome: 'supported' } } });

    const { id, status } = await openMeeting(QUORATE);
    const item = itemFor(status, reference);
    expect(item).toMatchObject({ purpose: 'ratification', chairsAction: { outcome: 'supported' } });
    expect(status.items[0]!.reference).toBe(reference); // ratifications come first
    expect(await refusal(decide(id, item.itemId, 'supported'))).toMatchObject({ type: 'InvalidAction' });
    await decide(id, item.itemId, 'ratified');
    const ratified = await waitForBid(ctx, reference, (b) => b.assembly.ratification === 'ratified', 'ratified');
    expect(ratified.state).toBe('ALLOCATION');
    expect(await actions(ctx, reference)).toEqual(
      expect.arrayContaining(['hard_rule.safety_escalation', 'safety.chairs_action_window_opened', 'safety.chairs_action', 'assembly.decision_recorded', 'assembly.chairs_action_ratified']),
    );
    await meetingHandle(ctx, id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
  });

  it('routes a supported bid of £1,000,000 or more to the ICB Board, which decides', async () => {
    const reference = await submit(
      ctx,
      largeBid({
        costs: [
          { financialYear: '2026/27', recurrentPence: 60_000_000, nonRecurrentPence: 0 },
          { financialYear: '2027/28', recurrentPence: 40_000_000, nonRecurrentPence: 0 },
        ],
      }),
    );
    const scored = await reviewToAssembly(ctx, reference);
    expect(scored.score!.delegation).toBe('board');
    const { id, status } = await openMeeting(QUORATE);
    await decide(id, itemFor(status, reference).itemId, 'supported');
    const atBoard = await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_BOARD', 'the Board');
    expect(atBoard.nextActions.admin).toEqual(['recordBoardDecision']);
    const h = bidHandle(ctx, reference);
    expect(await refusal(h.executeUpdate(recordBoardDecisionUpdate, { args: [{ actor: actor('claire.dawson'), approved: true, minuteReference: 'B/26/114', reason: '' }] }))).toMatchObject({
      type: 'Forbidden',
    });
    const decided = await bidAct(ctx, reference, recordBoardDecisionUpdate, { actor: actor('ian.thompson'), approved: true, minuteReference: 'B/26/114', reason: 'Approved by the Board' });
    expect(decided.state).toBe('ALLOCATION');
    expect(await verifyStream(ctx.db, reference)).toMatchObject({ valid: true });
    await meetingHandle(ctx, id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
  });
});

describe('what else the Assembly and the admin can do', () => {
  it("reopens a bid for full consideration when the Assembly does not ratify the chair's action", async () => {
    const reference = await submit(ctx, smallBid({ riskOfNotFunding: { likelihood: 5, impact: 4 } }));
    await reviewToAssembly(ctx, reference);
    await waitForBid(ctx, reference, (b) => !!b.assembly.chairsActionDeadline, "chair's action window");
    await bidHandle(ctx, reference).executeUpdate(chairsActionUpdate, {
      args: [{ actor: chair(), outcome: 'not_supported', conditions: [], reason: 'Duplicates the winter scheme' }],
    });
    await waitForBid(ctx, reference, (b) => b.state === 'CLOSED_NOT_SUPPORTED' && b.assembly.ratification === 'pending', 'closed pending ratification');

    const first = await openMeeting(QUORATE);
    await decide(first.id, itemFor(first.status, reference).itemId, 'not_ratified', { reason: 'The Assembly wants to hear the case in full' });
    const reopened = await waitForBid(ctx, reference, (b) => b.assembly.ratification === 'not_ratified', 'not ratified');
    expect(reopened.state).toBe('AWAITING_ASSEMBLY');
    await meetingHandle(ctx, first.id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });

    const second = await openMeeting(QUORATE);
    const item = itemFor(second.status, reference);
    expect(item.purpose).toBe('decision');
    await decide(second.id, item.itemId, 'supported');
    await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'allocation');
    expect(await actions(ctx, reference)).toEqual(expect.arrayContaining(['assembly.chairs_action_not_ratified', 'assembly.decision_applied']));
    await meetingHandle(ctx, second.id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
  });

  it('releases the agenda of a cancelled meeting, so its bids go to the next one', async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-m${++meetings}`;
    const agenda = await meetingWithAgenda(ctx, id);
    expect(itemFor(agenda, reference)).toBeDefined();
    await meetingHandle(ctx, id).executeUpdate(cancelMeetingUpdate, { args: [{ actor: actor('ian.thompson'), reason: 'Storm warning' }] });
    const released = await waitForBid(ctx, reference, (b) => !b.assembly.meetingId && b.state === 'AWAITING_ASSEMBLY', 'released');
    expect(released.assembly.deferrals).toBe(0);
    expect((await meetingStatus(ctx, id)).state).toBe('CANCELLED');
    const next = await openMeeting(QUORATE);
    expect(itemFor(next.status, reference)).toBeDefined();
    await meetingHandle(ctx, next.id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
  });

  it('re-scores a waiting bid only when the admin asks, keeping the earlier score on the record', async () => {
    const reference = await submit(ctx, smallBid());
    const first = await reviewToAssembly(ctx, reference);
    const h = bidHandle(ctx, reference);
    expect(await refusal(h.executeUpdate(rescoreUpdate, { args: [{ actor: actor('claire.dawson'), reason: 'x' }] }))).toMatchObject({ type: 'Forbidden' });
    const again = await bidAct(ctx, reference, rescoreUpdate, { actor: actor('ian.thompson'), ruleSet: { id: 'nw-clinical-prioritisation', version: first.score!.ruleSet.version }, reason: 'Checking after the data correction' });
    expect(again.state).toBe('AWAITING_ASSEMBLY');
    expect(again.score!.eventId).not.toBe(first.score!.eventId);
    expect(again.score!.benefitScore).toBe(first.score!.benefitScore);
    expect((await actions(ctx, reference)).filter((a) => a.startsWith('scoring.'))).toEqual(['scoring.completed', 'scoring.rescore_requested', 'scoring.completed']);
  });
});
