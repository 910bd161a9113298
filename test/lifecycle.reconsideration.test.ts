// Reconsideration: a decision of the CCP Assembly not to support a bid opens a window (a durable
// timer, DEADLINE_RECONSIDERATION from the decision letter) in which the programme team may ask,
// once, with new information; the hub lead reviews it and returns the bid to the Assembly, whose
// next agenda takes it with its history, or upholds the decision. After the window the request
// is refused by its rule. Both the request and the review are on the decision trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { letterContent } from '../src/letters/letter.js';
import { closeMeetingUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate, type MeetingStatus } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { actor, bidHandle, meetingAct, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, smallBid, submit, trail, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
/** A context whose window closes a moment after the decision. */
let brief: TestContext;
let meetings = 0;
beforeAll(async () => {
  [ctx, brief] = await Promise.all([
    createTestContext({ recordAs: 'lifecycle-reconsideration' }),
    createTestContext({ recordAs: 'lifecycle-reconsideration-lapse', env: { DEADLINE_RECONSIDERATION: '1s' } }),
  ]);
});
afterAll(async () => Promise.all([ctx?.close(), brief?.close()]));

const chair = () => actor('sarah.collins');

/** A meeting with a closed agenda, opened with a quorum present. */
async function openMeeting(c: TestContext): Promise<{ id: string; status: MeetingStatus }> {
  const id = `${c.config.REFERENCE_PREFIX.toLowerCase()}-r${++meetings}`;
  await meetingWithAgenda(c, id);
  await meetingHandle(c, id).executeUpdate(openMeetingUpdate, { args: [{ actor: chair() }] });
  return { id, status: await meetingAct(c, id, recordAttendanceUpdate, { actor: chair(), present: QUORATE }) };
}

const itemOf = (status: MeetingStatus, reference: string) => {
  const item = status.items.find((i) => i.reference === reference);
  if (!item) throw new Error(`${reference} is not on the agenda`);
  return item;
};

async function decide(c: TestContext, meetingId: string, itemId: string, outcome: 'supported' | 'not_supported', reason: string, by = chair()) {
  await meetingHandle(c, meetingId).executeUpdate(recordDecisionUpdate, { args: [{ actor: by, itemId, outcome, conditions: [], reason }] });
}

const ask = { reason: 'The Assembly did not have the West Norfolk audit', newInformation: 'The 2026 audit shows 40% of frail patients readmitted within 30 days.' };

describe('reconsideration of a decision not to support a bid', () => {
  it('takes a request within the window, which the hub lead returns to the Assembly, which decides again', async () => {
    const reference = await submit(ctx, smallBid());
    // A bid with the hub lead's own organisation as a partner: she may not review its request.
    const conflicted = await submit(ctx, smallBid({ partnerOrganisations: ['NWICB'] }));
    await Promise.all([reviewToAssembly(ctx, reference), reviewToAssembly(ctx, conflicted)]);

    const first = await openMeeting(ctx);
    await decide(ctx, first.id, itemOf(first.status, reference).itemId, 'not_supported', 'No evidence of local need');
    await decide(ctx, first.id, itemOf(first.status, conflicted).itemId, 'not_supported', 'Duplicates the existing service', actor('mark.osei')); // the chair is of NWICB
    await meetingHandle(ctx, first.id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });

    const closed = await waitForBid(ctx, reference, (b) => b.state === 'CLOSED_NOT_SUPPORTED' && !!b.reconsideration, 'closed, open to reconsideration');
    expect(closed.reconsideration).toMatchObject({ window: { spec: '1h' }, decision: { meetingId: first.id, reason: 'No evidence of local need' } });
    expect(closed.nextActions.applicant).toEqual(['requestReconsideration']);
    expect(closed.waitingFor).toContain('asks for reconsideration by');

    // The decision letter says how to ask, and by when.
    const decided = (await trail(ctx, reference)).find((e) => e.action === 'assembly.decision_applied')!;
    expect(decided.payload).toMatchObject({ reconsideration: { dueAt: closed.reconsideration!.window.dueAt, spec: '1h' } });
    const letter = await letterContent(ctx.db, reference, 'assembly', decided.eventId);
    expect(letter.reconsideration).toContain(`POST /bids/${reference}/reconsideration`);
    expect(letter.reconsideration).toMatch(/within 1h of the date of this letter, by \d+ \w+ \d{4}/);

    // Wrong role, another organisation, and input without its new information: refused, naming the rule.
    const wrongRole = await call(ctx, 'priya.shah', 'POST', `/bids/${reference}/reconsideration`, ask);
    expect(wrongRole).toMatchObject({ status: 403, body: { error: { code: 'forbidden', details: { rule: 'role' } } } });
    const otherOrganisation = await call(ctx, 'tom.fletcher', 'POST', `/bids/${reference}/reconsideration`, ask);
    expect(otherOrganisation.status).toBe(403);
    const incomplete = await call(ctx, 'amira.hassan', 'POST', `/bids/${reference}/reconsideration`, { reason: ask.reason });
    expect(incomplete.status).toBe(400);
    expect(JSON.stringify(incomplete.body)).toContain('newInformation');
    // Nothing to review yet.
    const early = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/reconsideration-review`, { outcome: 'return_to_assembly', reason: 'x' });
    expect(early).toMatchObject({ status: 409, body: { error: { details: { rule: 'reconsideration' } } } });

    const asked = await call(ctx, 'amira.hassan', 'POST', `/bids/${reference}/reconsideration`, ask);
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ state: 'CLOSED_NOT_SUPPORTED', reconsideration: { request: { by: { id: 'amira.hassan' }, ...ask } } });
    expect(asked.body.waitingFor).toBe('the evaluation hub lead to review the request for reconsideration');
    const again = await call(ctx, 'amira.hassan', 'POST', `/bids/${reference}/reconsideration`, ask);
    expect(again).toMatchObject({ status: 409, body: { error: { details: { rule: 'reconsideration_once' } } } });

    // Only the hub lead reviews, and not one with a conflict.
    const evaluator = await call(ctx, 'priya.shah', 'POST', `/bids/${reference}/reconsideration-review`, { outcome: 'return_to_assembly', reason: 'New audit data' });
    expect(evaluator).toMatchObject({ status: 403, body: { error: { details: { rule: 'role' } } } });
    await call(ctx, 'amira.hassan', 'POST', `/bids/${conflicted}/reconsideration`, ask).then((r) => expect(r.status).toBe(200));
    const conflict = await call(ctx, 'rachel.green', 'POST', `/bids/${conflicted}/reconsideration-review`, { outcome: 'uphold', reason: 'No new evidence' });
    expect(conflict).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest' } } });

    const reviewed = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/reconsideration-review`, { outcome: 'return_to_assembly', reason: 'The audit is new and material' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ state: 'AWAITING_ASSEMBLY', reconsideration: { review: { by: { id: 'rachel.green' }, outcome: 'return_to_assembly' } } });

    // A later meeting's agenda takes it like any bid awaiting the Assembly, with its history.
    const second = await openMeeting(ctx);
    const item = itemOf(second.status, reference);
    expect(item.reconsideration).toMatchObject({ request: ask, review: { outcome: 'return_to_assembly' }, decision: { meetingId: first.id } });
    expect(second.status.items.map((i) => i.reference)).not.toContain(conflicted);
    await decide(ctx, second.id, item.itemId, 'supported', 'Supported on the new audit');
    const supported = await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'allocation');
    expect(supported.assembly.decisions.map((d) => d.outcome)).toEqual(['not_supported', 'supported']);
    await meetingHandle(ctx, second.id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });

    const events = await trail(ctx, reference);
    const actions = events.map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('reconsideration.') || a === 'assembly.decision_applied')).toEqual([
      'assembly.decision_applied',
      'reconsideration.requested',
      'reconsideration.reviewed',
      'assembly.decision_applied',
    ]);
    expect(events.find((e) => e.action === 'reconsideration.requested')).toMatchObject({ actorId: 'amira.hassan', actorRole: 'applicant', payload: ask });
    expect(events.find((e) => e.action === 'reconsideration.reviewed')).toMatchObject({ actorId: 'rachel.green', fromState: 'CLOSED_NOT_SUPPORTED', toState: 'AWAITING_ASSEMBLY' });
    expect(events.filter((e) => e.action === 'assembly.decision_applied').at(-1)!.payload).toMatchObject({ onReconsideration: true, outcome: 'supported' });

    // The conflicted bid's request still waits for a hub lead without a conflict; its workflow stays open.
    expect((await bidHandle(ctx, conflicted).describe()).status.name).toBe('RUNNING');
  });

  it('refuses a request once the window has closed, naming the rule, and the bid closes', async () => {
    const reference = await submit(brief, smallBid());
    await reviewToAssembly(brief, reference);
    const meeting = await openMeeting(brief);
    await decide(brief, meeting.id, itemOf(meeting.status, reference).itemId, 'not_supported', 'Not a priority this year');
    await meetingHandle(brief, meeting.id).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });

    // The timer ends the window and the workflow with it.
    expect(await bidHandle(brief, reference).result()).toBe('CLOSED_NOT_SUPPORTED');
    const lapsed = await waitForBid(brief, reference, (b) => !!b.reconsideration?.lapsed, 'the window closed');
    expect(lapsed.nextActions.applicant).toBeUndefined();
    expect((await trail(brief, reference)).map((e) => e.action)).toContain('reconsideration.window_closed');

    const late = await call(brief, 'amira.hassan', 'POST', `/bids/${reference}/reconsideration`, ask);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'wrong_state', details: { rule: 'reconsideration_window' } });
    expect(late.body.error.message).toMatch(/^The time to ask for reconsideration has passed: a request must be made within 1s of the decision letter/);
  });
});
