// The register of interests against the real stack (Temporal and PostgreSQL): a registered
// interest keeps an evaluator from being assigned to a bid or acting on it, stops a member voting
// and lowers the item's quorum, with the reason minuted; members' replies move the forecast.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionEvents } from '../src/db/schema.js';
import { closeAgendaUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call, until } from './helpers/http.js';
import { actor, meetingAct, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, scheduleMeeting, smallBid, submit, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
let meetings = 0;
beforeAll(async () => {
  ctx = await createTestContext({ recordAs: 'register' });
});
afterAll(async () => ctx?.close());

const meetingId = () => `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-reg${++meetings}`;

async function declare(as: string, body: Record<string, unknown>): Promise<string> {
  const reply = await call(ctx, as, 'POST', '/register/interests', { kind: 'directorship', description: 'Non-executive director', from: '2024-04-01', ...body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.id as string;
}
const withdraw = async (as: string, id: string) => expect((await call(ctx, as, 'POST', `/register/interests/${id}/withdrawal`, { reason: 'No longer held' })).status).toBe(200);

describe('declaring and withdrawing', () => {
  it('refuses a declaration that names no body, ends before it starts or names an unknown organisation, each on its field; and someone else\'s unless admin or hub lead', async () => {
    const declare = (as: string, body: Record<string, unknown>) => call(ctx, as, 'POST', '/register/interests', { kind: 'employment', description: 'Bank shifts', from: '2025-01-01', ...body });
    const nobody = await declare('laura.king', {});
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.details).toContainEqual(expect.objectContaining({ field: 'organisation', message: 'Name the organisation (its code) or, for another body, its name in body' }));
    const backwards = await declare('laura.king', { organisation: 'NNUH', to: '2024-12-31' });
    expect(backwards.body.error.details).toContainEqual(expect.objectContaining({ field: 'to', message: 'must be on or after from' }));
    const badDay = await declare('laura.king', { organisation: 'NNUH', from: '1 April' });
    expect(badDay.body.error.details).toContainEqual(expect.objectContaining({ field: 'from', message: 'must be a date, YYYY-MM-DD' }));
    const unknown = await declare('laura.king', { organisation: 'NOWHERE' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ field: 'organisation', rule: 'unknown_organisation', message: 'NOWHERE is not a known organisation' }]);

    const forOther = await declare('laura.king', { organisation: 'NNUH', personId: 'ben.carter' });
    expect(forOther.status).toBe(403);
    expect(forOther.body.error.details).toMatchObject({ rule: 'own_interests' });
    expect((await declare('amira.hassan', { organisation: 'QEH' })).status).toBe(403);

    // The register is published: a programme team reads it too.
    expect((await call(ctx, 'amira.hassan', 'GET', '/register')).status).toBe(200);

    const made = await declare('ian.thompson', { organisation: 'ECCH', personId: 'susan.reid', to: '2025-12-31' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ person: { id: 'susan.reid' }, current: false, inWords: 'employment, 2025-01-01 to 2025-12-31' });
    expect((await call(ctx, 'susan.reid', 'GET', '/register?on=2025-06-30')).body.entries.map((e: { id: string }) => e.id)).toContain(made.body.id);
    expect((await call(ctx, 'laura.king', 'POST', `/register/interests/${made.body.id}/withdrawal`, { reason: 'Not mine' })).status).toBe(403);
    expect((await call(ctx, 'susan.reid', 'POST', `/register/interests/${made.body.id}/withdrawal`, { reason: 'Entered in error' })).status).toBe(200);
    const twice = await call(ctx, 'susan.reid', 'POST', `/register/interests/${made.body.id}/withdrawal`, { reason: 'Entered in error' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_withdrawn');
  });
});

describe('review assignment', () => {
  it('assigns no evaluator with a registered interest in the lead or a partner organisation, and refuses one named by the hub lead or acting', async () => {
    // Each of the three evaluators not of the bid's organisations holds an interest in one of them.
    const interests = [
      await declare('priya.shah', { organisation: 'JPUH' }),
      await declare('daniel.price', { organisation: 'NNUH', kind: 'employment', description: 'Honorary contract' }),
      await declare('rachel.green', { personId: 'helen.wright', organisation: 'QEH', kind: 'family', description: 'Her husband is a director' }),
    ];
    const reference = await submit(ctx, smallBid());
    const s = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review, 'hub review');
    // Only the hub lead is left (hub leads are last resort; Joseph Mensah is of NNUH).
    expect(s.review!.reviews.map((r) => r.evaluator.id)).toEqual(['rachel.green']);

    const assign = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/review/assign`, { evaluatorId: 'priya.shah', replaces: 'rachel.green' });
    expect(assign.status).toBe(403);
    expect(assign.body.error.message).toContain('Priya Shah may not review this bid: has a registered interest in James Paget University Hospitals NHS Foundation Trust, a partner organisation of the bid (director, since 2024-04-01)');

    const take = await call(ctx, 'daniel.price', 'POST', `/bids/${reference}/review/take`, {});
    expect(take.status).toBe(403);
    expect(take.body.error).toMatchObject({ code: 'conflict_of_interest' });
    expect(take.body.error.message).toContain("has a registered interest in Norfolk and Norwich University Hospitals NHS Foundation Trust, the bid's lead organisation (employment, since 2024-04-01)");

    // Withdrawn, the interest no longer applies: the hub lead may now assign her.
    for (const id of interests.slice(0, 1)) await withdraw('priya.shah', id);
    const after = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/review/assign`, { evaluatorId: 'priya.shah', replaces: 'rachel.green' });
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    await withdraw('daniel.price', interests[1]!);
    await withdraw('rachel.green', interests[2]!);

    // Declaring and withdrawing are on the decision trail, on the person's stream.
    const events = await ctx.db.select().from(decisionEvents).where(eq(decisionEvents.streamId, 'register-priya.shah'));
    expect(events.map((e) => e.action)).toEqual(['register.interest_declared', 'register.interest_withdrawn']);
    const recordedFor = await ctx.db.select().from(decisionEvents).where(and(eq(decisionEvents.streamId, 'register-helen.wright'), eq(decisionEvents.action, 'register.interest_declared')));
    expect(recordedFor[0]).toMatchObject({ actorId: 'rachel.green', payload: expect.objectContaining({ recordedFor: true, organisation: 'QEH' }) });
  });
});

describe('votes and quorum', () => {
  it('stops a member with a registered interest voting, leaves them out of quorum, and minutes why with the decision', async () => {
    const interest = await declare('peter.novak', { organisation: 'NNUH' });
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    const id = meetingId();
    await meetingWithAgenda(ctx, id);
    // The chair takes the agenda in another order before opening (reversed): each item keeps its id.
    const closed = await call(ctx, 'sarah.collins', 'GET', `/meetings/${id}`);
    const reversed = closed.body.meeting.items.map((i: { itemId: string }) => i.itemId).reverse();
    const reordered = await call(ctx, 'sarah.collins', 'POST', `/meetings/${id}/agenda/order`, { order: reversed });
    expect(reordered.status).toBe(200);
    expect(reordered.body.items.map((i: { itemId: string }) => i.itemId)).toEqual(reversed);
    expect((await call(ctx, 'peter.novak', 'POST', `/meetings/${id}/agenda/order`, { order: reversed })).status).toBe(403);
    expect((await call(ctx, 'sarah.collins', 'POST', `/meetings/${id}/agenda/order`, { order: [...reversed, 'item-99'] })).body.error.message).toMatch(/^The order must name each of the agenda's \d+ items once \(not on it: item-99\)$/);
    await meetingHandle(ctx, id).executeUpdate(openMeetingUpdate, { args: [{ actor: actor('sarah.collins') }] });
    const status = await meetingAct(ctx, id, recordAttendanceUpdate, { actor: actor('sarah.collins'), present: QUORATE });
    const item = status.items.find((i) => i.reference === reference)!;
    // Seven present, none of NNUH, QEH or JPUH: without the register all seven would count.
    expect(item.quorum).toMatchObject({ quorate: true, eligiblePresent: 6, required: 5 });
    expect(item.conflicted).toContain('peter.novak');
    expect(status.members.find((m) => m.id === 'peter.novak')?.interests).toEqual([expect.objectContaining({ organisation: 'NNUH', kind: 'directorship' })]);

    const vote = await call(ctx, 'peter.novak', 'POST', `/meetings/${id}/items/${item.itemId}/votes`, { vote: 'support' });
    expect(vote.status).toBe(403);
    expect(vote.body.error.message).toContain(`Peter Novak may not vote on ${reference}: has a registered interest in`);
    expect((await call(ctx, 'laura.king', 'POST', `/meetings/${id}/items/${item.itemId}/votes`, { vote: 'support' })).status).toBe(200);

    await meetingHandle(ctx, id).executeUpdate(recordDecisionUpdate, { args: [{ actor: actor('sarah.collins'), itemId: item.itemId, outcome: 'supported', conditions: [], reason: 'Supported' }] });
    const [decided] = await ctx.db.select().from(decisionEvents).where(and(eq(decisionEvents.streamId, id), eq(decisionEvents.action, 'assembly.decision_recorded')));
    const minuted = (decided!.payload as { quorum: { conflicted: { id: string; reason: string }[] } }).quorum.conflicted;
    expect(minuted).toContainEqual({ id: 'peter.novak', name: 'Peter Novak', reason: "has a registered interest in Norfolk and Norwich University Hospitals NHS Foundation Trust, the bid's lead organisation (director, since 2024-04-01)" });
    expect(minuted).toContainEqual({ id: 'james.lee', name: 'Dr James Lee', reason: "belongs to NNUH, the bid's lead organisation" });
    // The meeting's publication pack minutes it per item too.
    const pack = await call(ctx, 'claire.dawson', 'GET', `/meetings/${id}/publication`);
    expect(pack.body.items.find((i: { reference: string }) => i.reference === reference).conflicted).toContainEqual({ name: 'Peter Novak', reason: expect.stringContaining('has a registered interest in Norfolk and Norwich') });
    const csv = await call(ctx, 'claire.dawson', 'GET', `/meetings/${id}/publication.csv`);
    expect(csv.body).toContain('Peter Novak: has a registered interest in Norfolk and Norwich University Hospitals NHS Foundation Trust');
    await withdraw('peter.novak', interest);
  });
});

describe('the register when the meeting sits', () => {
  it('counts an interest registered after the agenda closed against quorum once attendance is recorded, and names it', async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    const id = meetingId();
    const closed = await meetingWithAgenda(ctx, id);
    expect(closed.members.find((m) => m.id === 'laura.king')?.interests).toBeUndefined();
    const interest = await declare('laura.king', { organisation: 'NNUH', kind: 'employment', description: 'Sessional GP at the trust' });
    expect((await call(ctx, 'sarah.collins', 'POST', `/meetings/${id}/open`, {})).status).toBe(200);
    const attended = await call(ctx, 'sarah.collins', 'POST', `/meetings/${id}/attendance`, { present: QUORATE });
    expect(attended.status, JSON.stringify(attended.body)).toBe(200);
    const item = attended.body.items.find((i: { reference: string }) => i.reference === reference);
    expect(item.quorum).toMatchObject({ quorate: true, eligiblePresent: 6 });
    expect(item.conflicted).toContain('laura.king');
    const [recorded] = await ctx.db.select().from(decisionEvents).where(and(eq(decisionEvents.streamId, id), eq(decisionEvents.action, 'meeting.attendance_recorded')));
    expect(recorded!.payload).toMatchObject({ registerChanged: ['laura.king'] });
    const vote = await call(ctx, 'laura.king', 'POST', `/meetings/${id}/items/${item.itemId}/votes`, { vote: 'support' });
    expect(vote.body.error.message).toContain(`may not vote on ${reference}: has a registered interest in`);

    // Withdrawn on the day, it still counts for this meeting: a withdrawal does not win back a vote.
    await withdraw('laura.king', interest);
    const again = await call(ctx, 'sarah.collins', 'POST', `/meetings/${id}/attendance`, { present: QUORATE });
    const after = again.body.items.find((i: { reference: string }) => i.reference === reference);
    expect(after.quorum).toMatchObject({ eligiblePresent: 6 });
    expect(after.conflicted).toContain('laura.king');
    const attendances = await ctx.db.select().from(decisionEvents).where(and(eq(decisionEvents.streamId, id), eq(decisionEvents.action, 'meeting.attendance_recorded')));
    expect(attendances.sort((a, b) => a.seq - b.seq).map((e) => (e.payload as { registerChanged?: string[] }).registerChanged ?? [])).toEqual([['laura.king'], []]);
  });
});

describe('attendance replies and the forecast', () => {
  it('moves the forecast with the replies, and takes replies only from members before the meeting opens', async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    const id = meetingId();
    await scheduleMeeting(ctx, id);
    // The meeting is listed once its workflow has recorded it.
    await until(ctx, 'rachel.green', `/meetings/${id}/forecast`, () => true, 'the scheduled meeting');
    const forecast = async () => {
      const reply = await call(ctx, 'rachel.green', 'GET', `/meetings/${id}/forecast`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return { body: reply.body, item: reply.body.items.find((i: { reference: string }) => i.reference === reference) };
    };
    // Nobody has replied: quorate only if members come.
    let f = await forecast();
    expect(f.body).toMatchObject({ basis: 'bids_awaiting_the_assembly', state: 'SCHEDULED' });
    expect(f.item.outlook).toBe('at_risk');

    for (const member of ['sarah.collins', 'mark.osei', 'aisha.begum', 'peter.novak', 'laura.king']) {
      expect((await call(ctx, member, 'POST', `/meetings/${id}/replies`, { reply: 'attending' })).status).toBe(200);
    }
    f = await forecast();
    expect(f.item.outlook).toBe('quorate');
    expect(f.item.words).toBe('Quorate with those attending: 5 voting members without a conflict, 5 needed');

    expect((await call(ctx, 'peter.novak', 'POST', `/meetings/${id}/replies`, { reply: 'apologies', note: 'On leave' })).status).toBe(200);
    f = await forecast();
    expect(f.item.outlook).toBe('at_risk');
    expect(f.item.words).toContain('4 of the 5 voting members needed are present without a conflict');
    expect(f.body.replies.apologies).toEqual(['peter.novak']);

    const notMember = await call(ctx, 'rachel.green', 'POST', `/meetings/${id}/replies`, { reply: 'attending' });
    expect(notMember.status).toBe(403);
    const bad = await call(ctx, 'laura.king', 'POST', `/meetings/${id}/replies`, { reply: 'perhaps' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'reply', message: 'must be one of attending, apologies, maybe' });

    const replies = await ctx.db.select().from(decisionEvents).where(eq(decisionEvents.streamId, `attendance-${id}`));
    expect(replies.map((e) => [e.actorId, (e.payload as { reply: string }).reply])).toContainEqual(['peter.novak', 'apologies']);

    // Once the agenda closes the forecast reads the agenda itself; once the meeting opens, no more replies.
    await meetingAct(ctx, id, closeAgendaUpdate, { actor: actor('sarah.collins') });
    await until(ctx, 'rachel.green', `/meetings/${id}/forecast`, (b) => b.basis === 'agenda', 'the forecast from the agenda');
    f = await forecast();
    expect(f.item.outlook).toBe('at_risk');
    await meetingHandle(ctx, id).executeUpdate(openMeetingUpdate, { args: [{ actor: actor('sarah.collins') }] });
    await until(ctx, 'sarah.collins', `/meetings/${id}`, (b) => b.meeting.state === 'OPEN', 'the meeting open');
    const late = await call(ctx, 'laura.king', 'POST', `/meetings/${id}/replies`, { reply: 'attending' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('replies are taken until it opens');
  });
});
