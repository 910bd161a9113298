// Deadlines as durable timers: a reminder at 80%, escalation when breached, recorded on the
// trail and sent through the notifier; a deadline never blocks the work it measures.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../src/db/schema.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { actions, review, reviewToAssembly, smallBid, submit, trail, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { DEADLINE_HUB_REVIEW: '3s', DEADLINE_CHAIRS_ACTION: '3s' }, recordAs: 'lifecycle-deadlines' });
});
afterAll(async () => ctx?.close());

const sentFor = async (reference: string) =>
  (await ctx.db.select().from(notifications).where(eq(notifications.reference, reference)).orderBy(asc(notifications.createdAt))).map((n) => ({
    kind: n.kind,
    roles: n.recipientRoles,
    ids: n.recipientIds,
  }));

describe('the review deadline', () => {
  it('reminds the evaluator, escalates to the hub lead when breached, and still takes the review', async () => {
    const reference = await submit(ctx, smallBid());
    const breached = await waitForBid(ctx, reference, (b) => b.review?.deadline?.breached === true, 'a breached deadline');
    const evaluator = breached.review!.reviews[0]!.evaluator.id;
    expect(breached.review!.deadline).toMatchObject({ reminded: true, breached: true, spec: '3s' });

    const events = await trail(ctx, reference);
    const started = events.find((e) => e.action === 'review.started')!;
    const reminder = events.find((e) => e.action === 'review.reminder_sent')!;
    const escalation = events.find((e) => e.action === 'review.deadline_breached')!;
    expect(escalation.payload).toMatchObject({ escalatedTo: 'hub_lead', pending: [evaluator] });
    // The reminder came at 80% of the deadline and the escalation once it was due, on the workflow clock.
    const deadline = (started.payload as { deadline: { startedAt: string; remindAt: string; dueAt: string } }).deadline;
    expect(Date.parse(deadline.remindAt) - Date.parse(deadline.startedAt)).toBe(2_400);
    expect(Date.parse(reminder.occurredAt)).toBeGreaterThanOrEqual(Date.parse(deadline.remindAt));
    expect(Date.parse(escalation.occurredAt)).toBeGreaterThanOrEqual(Date.parse(deadline.dueAt));
    expect(await sentFor(reference)).toEqual([
      { kind: 'review.assigned', roles: [], ids: [evaluator] },
      { kind: 'review.reminder', roles: [], ids: [evaluator] },
      { kind: 'review.escalated', roles: ['hub_lead'], ids: [] },
    ]);

    await review(ctx, reference, evaluator);
    await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'scored after the breach');
  });

  it('stops the clock once the review is done', async () => {
    const reference = await submit(ctx, smallBid());
    await reviewToAssembly(ctx, reference);
    await new Promise((r) => setTimeout(r, 3_500));
    expect(await actions(ctx, reference)).not.toContain('review.deadline_breached');
  });
});

describe("the chair's action window", () => {
  it('records that the window closed without action, leaving the bid for the next meeting', async () => {
    const reference = await submit(ctx, smallBid({ riskOfNotFunding: { likelihood: 5, impact: 3 } }));
    await reviewToAssembly(ctx, reference);
    const expired = await waitForBid(ctx, reference, (b) => b.assembly.chairsActionDeadline?.breached === true, 'window expired');
    expect(expired.state).toBe('AWAITING_ASSEMBLY');
    expect(await actions(ctx, reference)).toEqual(expect.arrayContaining(['safety.chairs_action_window_opened', 'safety.chairs_action_window_expired']));
    expect((await sentFor(reference)).map((n) => n.kind)).toEqual(expect.arrayContaining(['bid.safety_escalation', 'bid.chairs_action_reminder']));
  });
});
