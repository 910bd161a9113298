// Conditions with due dates, on the real parts (Temporal dev server, PostgreSQL, Mailpit): the
// Assembly supports a bid with a condition due today, one due tomorrow and one without a date.
// The programme team and the hub are reminded DEADLINE_CONDITION_REMINDER before a due day and
// told on the day, by e-mail with a link to the bid's page, each notice on the trail; the hub
// lead records a condition as met, which stops its notices and is on the trail too; the Assembly
// chair waives one with the reason, and the programme team is told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail } from '../src/db/demo.js';
import { londonDay } from '../src/domain/calendar.js';
import { letterContent } from '../src/letters/letter.js';
import { dayInWords } from '../src/model/bid.js';
import { closeMeetingUpdate, openMeetingUpdate, recordAttendanceUpdate, recordConditionMetUpdate, recordDecisionUpdate } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { actor, APPLICANT_OF, bidAct, meetingAct, meetingHandle, meetingWithAgenda, QUORATE, refusal, reviewToAssembly, smallBid, submit, trail, waitForBid, bidHandle } from './helpers/lifecycle.js';
import { mailpitEnv, waitForMail } from './helpers/mailpit.js';

const PUBLIC_URL = 'http://prioritisation.nw-icb.example';

let ctx: TestContext;
beforeAll(async () => {
  // Reminders two days before a due day: a condition due tomorrow is reminded of at once.
  // Overdue a moment after its day has come: the condition due today is escalated at once.
  ctx = await createTestContext({ recordAs: 'lifecycle-conditions', env: { ...mailpitEnv(), PUBLIC_URL, DEADLINE_CONDITION_REMINDER: '2d', DEADLINE_CONDITION_ESCALATION: '1ms' } });
});
afterAll(async () => ctx?.close());

const dayAfter = (day: string, n: number) => new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('conditions with due dates', () => {
  it('reminds the programme team and the hub before a due day and tells them on it, by e-mail with the link, until the hub lead records it met', async () => {
    const bid = smallBid();
    const reference = await submit(ctx, bid);
    await reviewToAssembly(ctx, reference);
    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-conditions`;
    const agenda = await meetingWithAgenda(ctx, meetingId);
    const item = agenda.items.find((i) => i.reference === reference)!;
    const chair = actor('sarah.collins');
    await meetingHandle(ctx, meetingId).executeUpdate(openMeetingUpdate, { args: [{ actor: chair }] });
    await meetingAct(ctx, meetingId, recordAttendanceUpdate, { actor: chair, present: QUORATE });
    const today = londonDay(new Date());
    const tomorrow = dayAfter(today, 1);
    await meetingAct(ctx, meetingId, recordDecisionUpdate, {
      actor: chair,
      itemId: item.itemId,
      outcome: 'supported_with_conditions',
      conditions: ['Baseline referral data to the hub', 'Two WTE recruited', 'Quarterly report on outcomes'],
      conditionsDueBy: [today, tomorrow, null],
      reason: 'Strong evidence, with conditions',
    });
    await meetingHandle(ctx, meetingId).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair }] });

    // The meeting's publication pack gives each condition's due day, in the CSV too.
    const pack = await call(ctx, 'claire.dawson', 'GET', `/meetings/${meetingId}/publication`);
    expect(pack.body.items.find((i: { reference: string }) => i.reference === reference)).toMatchObject({ conditionsDueBy: [today, tomorrow, null] });
    const packCsv = await call(ctx, 'claire.dawson', 'GET', `/meetings/${meetingId}/publication.csv`);
    expect(packCsv.body).toContain(`Baseline referral data to the hub (due by ${today}); Two WTE recruited (due by ${tomorrow}); Quarterly report on outcomes`);

    // Due today: told on the day at once. Due tomorrow: reminded at once (two days before it).
    const told = await waitForBid(ctx, reference, (b) => !!b.conditions?.items[0]?.dueNotified && !!b.conditions.items[1]?.reminded, 'the notices of both dated conditions');
    expect(told.state).toBe('ALLOCATION');
    expect(told.conditions).toMatchObject({ setBy: `CCP Assembly ${meetingId}`, items: [{ id: 'c1', dueBy: today }, { id: 'c2', dueBy: tomorrow }, { id: 'c3' }] });
    expect(told.conditions!.items[0]!.remindAt).toBeUndefined(); // its day had come: no reminder, the notice on the day
    expect(told.conditions!.items[1]!.dueNotified).toBeUndefined(); // its day is tomorrow
    expect(told.conditions!.items[2]!.dueBy).toBeUndefined();

    const link = `${PUBLIC_URL}/app/bids/${reference}`;
    const applicant = demoEmail(APPLICANT_OF[bid.leadOrganisation]!);
    const dueToday = await waitForMail(`Condition due today, ${dayInWords(today)}: ${reference}`, applicant);
    expect(dueToday.Text).toContain('Baseline referral data to the hub');
    expect(dueToday.Text).toContain(link);
    const reminder = await waitForMail(`Condition due by ${dayInWords(tomorrow)}: ${reference}`, applicant);
    expect(reminder.Text).toContain('Two WTE recruited');
    expect(reminder.Text).toContain(link);
    const hub = await waitForMail(`Condition due today, ${dayInWords(today)}: ${reference}`, demoEmail('rachel.green'));
    expect(hub.Text).toContain('record it as met');
    expect(hub.Text).toContain(link);

    // Still open past its escalation: the Assembly chair is told, who may waive it, and the hub and the team again.
    const escalated = await waitForBid(ctx, reference, (b) => !!b.conditions?.items[0]?.escalated, 'the overdue condition escalated');
    expect(escalated.conditions!.items[1]!.escalated).toBeUndefined();
    const toChair = await waitForMail(`Condition overdue since ${dayInWords(today)}: ${reference}`, demoEmail('sarah.collins'));
    expect(toChair.Text).toContain('may waive it');
    expect(toChair.Text).toContain(link);
    await waitForMail(`Condition overdue since ${dayInWords(today)}: ${reference}`, applicant);

    let events = await trail(ctx, reference);
    expect(events.filter((e) => e.action === 'condition.fell_due').map((e) => e.payload)).toEqual([{ conditionId: 'c1', text: 'Baseline referral data to the hub', dueBy: today, dueAt: told.conditions!.items[0]!.dueAt }]);
    expect(events.filter((e) => e.action === 'condition.reminder_sent').map((e) => (e.payload as { conditionId: string }).conditionId)).toEqual(['c2']);
    expect(events.filter((e) => e.action === 'condition.overdue').map((e) => (e.payload as { conditionId: string }).conditionId)).toEqual(['c1']);
    const decided = events.find((e) => e.action === 'assembly.decision_applied')!;
    expect(decided.payload).toMatchObject({ conditions: ['Baseline referral data to the hub', 'Two WTE recruited', 'Quarterly report on outcomes'], conditionsDueBy: [today, tomorrow, null] });

    // The decision letter lists each condition with its due day.
    const letter = await letterContent(ctx.db, reference, 'assembly', decided.eventId);
    expect(letter.conditions).toEqual([
      `Baseline referral data to the hub (to be met by ${dayInWords(today)})`,
      `Two WTE recruited (to be met by ${dayInWords(tomorrow)})`,
      'Quarterly report on outcomes',
    ]);

    // Only the hub lead records a condition met, with its evidence; once.
    const byApplicant = await call(ctx, APPLICANT_OF[bid.leadOrganisation]!, 'POST', `/bids/${reference}/conditions/met`, { conditionId: 'c1', evidence: 'Sent' });
    expect(byApplicant).toMatchObject({ status: 403, body: { error: { details: { rule: 'role' } } } });
    const noEvidence = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/conditions/met`, { conditionId: 'c1', evidence: '  ' });
    expect(noEvidence.status).toBe(400);
    expect(JSON.stringify(noEvidence.body)).toContain('evidence');
    expect(await refusal(bidHandle(ctx, reference).executeUpdate(recordConditionMetUpdate, { args: [{ actor: actor('rachel.green'), conditionId: 'c9', evidence: 'x' }] }))).toMatchObject({
      message: expect.stringContaining('no condition c9'),
    });
    const met = await bidAct(ctx, reference, recordConditionMetUpdate, { actor: actor('rachel.green'), conditionId: 'c2', evidence: 'Two posts filled from 1 December' });
    expect(met.conditions!.items[1]).toMatchObject({ id: 'c2', met: { by: { id: 'rachel.green' }, evidence: 'Two posts filled from 1 December' } });
    const again = await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/conditions/met`, { conditionId: 'c2', evidence: 'Again' });
    expect(again.status).toBe(409);

    events = await trail(ctx, reference);
    expect(events.filter((e) => e.action === 'condition.met').map((e) => e.payload)).toEqual([
      { conditionId: 'c2', text: 'Two WTE recruited', dueBy: tomorrow, evidence: 'Two posts filled from 1 December' },
    ]);
    const page = await call(ctx, 'rachel.green', 'GET', `/bids/${reference}`);
    expect(page.body.status.waitingFor).toBe('allocation within a funding round');

    // Funded, the bid's workflow stays open while a dated condition is not met.
    const roundId = 'r-conditions';
    const opened = await call(ctx, 'ian.thompson', 'POST', '/rounds', {
      roundId, title: 'Conditions round', financialYear: '2026/27', envelopePence: 100_000_000,
      opensAt: new Date(Date.now() - 60_000).toISOString(), closesAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(opened.status).toBe(201);
    expect((await call(ctx, 'claire.dawson', 'POST', `/rounds/${roundId}/allocate`, { reason: 'Review' })).status).toBe(200);
    expect((await call(ctx, 'claire.dawson', 'POST', `/rounds/${roundId}/confirm`, { version: 1 })).status).toBe(200);
    const funded = await waitForBid(ctx, reference, (b) => b.state === 'FUNDED', 'funded');
    expect(funded.waitingFor).toBe(`the evaluation hub to record its conditions as met (c1 due ${today})`);
    expect((await bidHandle(ctx, reference).describe()).status.name).toBe('RUNNING');
    expect(funded.nextActions.hub_lead).toEqual(['recordConditionMet']);

    // The allocation's letter lists the conditions in force as the trail stood: c2 met, c1 not yet.
    const confirmed = (await trail(ctx, reference)).find((e) => e.action === 'allocation.confirmed')!;
    const allocationLetter = await letterContent(ctx.db, reference, 'allocation', confirmed.eventId);
    expect(allocationLetter.conditions[0]).toBe(`Baseline referral data to the hub (to be met by ${dayInWords(today)}; not yet recorded as met)`);
    expect(allocationLetter.conditions[1]).toMatch(new RegExp(`^Two WTE recruited \\(to be met by ${dayInWords(tomorrow)}; recorded as met on \\d+ \\w+ \\d{4}\\)$`));

    expect(allocationLetter.reconsideration).toMatch(/Ask within 1h of the date of this letter, by \d+ \w+ \d{4}: write to the CCP Assembly secretariat/);

    // Only the Assembly chair waives a condition, with the reason; the programme team is told by e-mail.
    expect((await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/conditions/waiver`, { conditionId: 'c3', reason: 'x' })).status).toBe(403);
    const waived = await call(ctx, 'sarah.collins', 'POST', `/bids/${reference}/conditions/waiver`, { conditionId: 'c3', reason: 'The national quarterly return covers it' });
    expect(waived.status, JSON.stringify(waived.body)).toBe(200);
    expect(waived.body.conditions.items[2]).toMatchObject({ id: 'c3', waived: { by: { id: 'sarah.collins' }, reason: 'The national quarterly return covers it' } });
    const waiverMail = await waitForMail(`Condition waived: ${reference}`, applicant);
    expect(waiverMail.Text).toContain('The national quarterly return covers it');
    expect(waiverMail.Text).toContain(link);
    expect((await call(ctx, 'rachel.green', 'POST', `/bids/${reference}/conditions/met`, { conditionId: 'c3', evidence: 'Sent' })).body.error.message).toContain('was waived on');
    expect((await trail(ctx, reference)).filter((e) => e.action === 'condition.waived').map((e) => e.payload)).toEqual([
      { conditionId: 'c3', text: 'Quarterly report on outcomes', reason: 'The national quarterly return covers it' },
    ]);

    // The last dated condition met: nothing more to wait for, and the workflow ends.
    await bidAct(ctx, reference, recordConditionMetUpdate, { actor: actor('rachel.green'), conditionId: 'c1', evidence: 'Baseline data for 2025/26 received' });
    expect(await bidHandle(ctx, reference).result()).toBe('FUNDED');
    const closed = await waitForBid(ctx, reference, (b) => b.waitingFor === 'nothing: the bid is closed', 'closed');
    expect(closed.conditions!.items.map((c) => (c.met ? 'met' : c.waived ? 'waived' : 'open'))).toEqual(['met', 'met', 'waived']);
  }, 300_000);
});
