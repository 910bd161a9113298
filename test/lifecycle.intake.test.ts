// Intake: an incomplete bid is returned with what is missing, can be resubmitted, and lapses
// if nobody answers within the deadline (seconds here, 28 days in configuration by default).
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../src/db/schema.js';
import { resubmitUpdate, withdrawUpdate } from '../src/shared.js';
import { contentHashOf } from '../src/services/bids.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { actions, actor, bidHandle, refusal, smallBid, submit, trail, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { DEADLINE_RETURNED_LAPSE: '4s' }, recordAs: 'lifecycle-intake' });
});
afterAll(async () => ctx?.close());

const incomplete = () => smallBid({ kind: 'pilot', evaluationPlan: null });

describe('intake', () => {
  it('returns an incomplete bid and takes it into review once resubmitted complete', async () => {
    const reference = await submit(ctx, incomplete());
    const returned = await waitForBid(ctx, reference, (b) => b.state === 'RETURNED', 'returned');
    expect(returned.missing).toEqual([{ field: 'evaluationPlan', message: 'a pilot must carry an evaluation plan' }]);
    expect(returned.nextActions.applicant?.sort()).toEqual(['resubmit', 'withdraw']);

    const fixed = smallBid({ kind: 'pilot' });
    const receipt = await bidHandle(ctx, reference).executeUpdate(resubmitUpdate, {
      args: [{ actor: actor('amira.hassan'), bid: fixed, contentHash: contentHashOf(fixed) }],
    });
    expect(receipt).toEqual({ reference, state: 'HUB_REVIEW', missing: [] });
    await waitForBid(ctx, reference, (b) => !!b.review, 'review to start');
    expect(await actions(ctx, reference)).toEqual([
      'bid.submitted',
      'intake.returned',
      'bid.resubmitted',
      'intake.completed',
      'review.started',
    ]);
  });

  it("refuses a resubmission by another organisation's programme team", async () => {
    const reference = await submit(ctx, incomplete());
    await waitForBid(ctx, reference, (b) => b.state === 'RETURNED', 'returned');
    const fixed = smallBid({ kind: 'pilot' });
    const refused = await refusal(
      bidHandle(ctx, reference).executeUpdate(resubmitUpdate, { args: [{ actor: actor('tom.fletcher'), bid: fixed, contentHash: contentHashOf(fixed) }] }),
    );
    expect(refused).toEqual({ type: 'Forbidden', message: "Only the lead organisation's programme team (NNUH) may resubmit it" });
    expect(await actions(ctx, reference)).toEqual(['bid.submitted', 'intake.returned']);
  });

  it('returns a resubmission that is still incomplete', async () => {
    const reference = await submit(ctx, incomplete());
    await waitForBid(ctx, reference, (b) => b.state === 'RETURNED', 'returned');
    const stillMissing = smallBid({ kind: 'pilot', evaluationPlan: { outcomeMeasures: [], baselineData: 'x', method: 'y' } });
    const receipt = await bidHandle(ctx, reference).executeUpdate(resubmitUpdate, {
      args: [{ actor: actor('amira.hassan'), bid: stillMissing, contentHash: contentHashOf(stillMissing) }],
    });
    expect(receipt.state).toBe('RETURNED');
    expect(receipt.missing.map((m) => m.field)).toEqual(['evaluationPlan.outcomeMeasures']);
  });

  it('lapses a returned bid nobody answers, after a reminder', async () => {
    const reference = await submit(ctx, incomplete());
    const lapsed = await waitForBid(ctx, reference, (b) => b.state === 'LAPSED', 'lapsed');
    expect(lapsed.nextActions).toEqual({});
    expect(await actions(ctx, reference)).toEqual(['bid.submitted', 'intake.returned', 'returned.reminder_sent', 'bid.lapsed']);
    const sent = await ctx.db.select().from(notifications).orderBy(asc(notifications.createdAt));
    expect(sent.filter((n) => n.reference === reference).map((n) => n.kind)).toEqual(['bid.returned', 'bid.lapse_reminder']);
    // A lapsed bid takes no more actions: refused by its validator, or once its workflow has
    // finished (moments later), by Temporal itself.
    await expect(bidHandle(ctx, reference).executeUpdate(withdrawUpdate, { args: [{ actor: actor('amira.hassan'), reason: 'too late' }] })).rejects.toThrow(
      /already completed|Update failed|aborted by closing workflow/,
    );
    const after = (await trail(ctx, reference)).map((e) => e.action);
    expect(after.at(-1)).toBe('bid.lapsed');
  });
});
