// The evaluation hub's review: assignment by load and conflict, review steps and ratings,
// revision cycles, moderation of divergent ratings, not supported, withdrawal mid-review.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewAssignments } from '../src/db/schema.js';
import {
  assignReviewUpdate,
  declareInterestUpdate,
  moderateUpdate,
  requestRevisionsUpdate,
  resubmitUpdate,
  takeReviewUpdate,
  withdrawUpdate,
  recordRatingUpdate,
  allowedActionsQuery,
} from '../src/shared.js';
import { contentHashOf } from '../src/services/bids.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { actions, actor, bidAct, bidHandle, largeBid, refusal, review, smallBid, submit, trail, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ recordAs: 'lifecycle-review' });
});
afterAll(async () => ctx?.close());

const inReview = (reference: string, evaluators = 1) =>
  waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && (b.review?.reviews.length ?? 0) >= evaluators, `${evaluators} evaluator(s)`);

describe('evaluator assignment', () => {
  it('assigns two evaluators at £250,000 and over, never from the lead or partner organisations', async () => {
    const reference = await submit(ctx, largeBid({ partnerOrganisations: ['NCHC'] }));
    const s = await inReview(reference, 2);
    expect(s.review!.requiredEvaluators).toBe(2);
    const orgs = s.review!.reviews.map((r) => r.evaluator.organisation);
    expect(orgs).not.toContain('NNUH');
    expect(orgs).not.toContain('NCHC');
  });

  it('gives the next bid to the least loaded evaluators', async () => {
    const first = await inReview(await submit(ctx, smallBid()));
    const second = await inReview(await submit(ctx, smallBid()));
    // Each open assignment adds load, so two consecutive bids never land on the same evaluator first.
    expect(second.review!.reviews[0]!.evaluator.id).not.toBe(first.review!.reviews[0]!.evaluator.id);
    const open = await ctx.db.select().from(reviewAssignments).where(eq(reviewAssignments.active, true));
    const load = new Map<string, number>();
    for (const row of open) load.set(row.evaluatorId, (load.get(row.evaluatorId) ?? 0) + 1);
    expect(Math.max(...load.values()) - Math.min(...load.values())).toBeLessThanOrEqual(1);
  });

  it("refuses an evaluator from the bid's own organisation, taking it or being assigned it", async () => {
    const reference = await submit(ctx, smallBid());
    const s = await inReview(reference);
    const h = bidHandle(ctx, reference);
    const joseph = actor('joseph.mensah'); // NNUH, the lead organisation
    expect(await refusal(h.executeUpdate(takeReviewUpdate, { args: [{ actor: joseph }] }))).toEqual({
      type: 'ConflictOfInterest',
      message: "Joseph Mensah may not review this bid: belongs to NNUH, the bid's lead organisation",
    });
    const assigned = s.review!.reviews[0]!.evaluator.id;
    expect(
      await refusal(h.executeUpdate(assignReviewUpdate, { args: [{ actor: actor('rachel.green'), evaluator: joseph, replaces: assigned }] })),
    ).toMatchObject({ type: 'ConflictOfInterest' });
    expect(await h.query(allowedActionsQuery, joseph)).toEqual(['declareInterest']);
    expect((await actions(ctx, reference)).filter((a) => a.startsWith('review.'))).toEqual(['review.started']);
  });

  it('lets the hub lead reassign a review, and only the assigned evaluator record it', async () => {
    const reference = await submit(ctx, smallBid());
    const s = await inReview(reference);
    const before = s.review!.reviews[0]!.evaluator.id;
    const replacement = ['priya.shah', 'daniel.price', 'helen.wright'].find((id) => id !== before)!;
    const h = bidHandle(ctx, reference);
    expect(await refusal(h.executeUpdate(assignReviewUpdate, { args: [{ actor: actor('priya.shah'), evaluator: actor(replacement), replaces: before }] }))).toMatchObject({
      type: 'Forbidden',
      message: 'Only hub_lead may assign or reassign a review',
    });
    await h.executeUpdate(assignReviewUpdate, { args: [{ actor: actor('rachel.green'), evaluator: actor(replacement), replaces: before }] });
    expect(
      await refusal(h.executeUpdate(recordRatingUpdate, { args: [{ actor: actor(before), criterion: 'deliverability', rating: 3, rationale: 'x' }] })),
    ).toMatchObject({ type: 'Forbidden' });
    const rows = await ctx.db.select().from(reviewAssignments).where(eq(reviewAssignments.reference, reference));
    expect(rows.filter((r) => r.active).map((r) => r.evaluatorId)).toEqual([replacement]);
    await review(ctx, reference, replacement);
    await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'scored');
  });

  it('takes an evaluator who declares an interest off the review and reopens the place', async () => {
    const reference = await submit(ctx, smallBid());
    const s = await inReview(reference);
    const who = s.review!.reviews[0]!.evaluator.id;
    const after = await bidAct(ctx, reference, declareInterestUpdate, { actor: actor(who), nature: 'My spouse leads the service' });
    expect(after.review!.reviews).toEqual([]);
    expect(after.waitingFor).toBe('an evaluator to take the review (1 place(s) open)');
    expect(await refusal(bidHandle(ctx, reference).executeUpdate(takeReviewUpdate, { args: [{ actor: actor(who) }] }))).toMatchObject({
      type: 'ConflictOfInterest',
      message: expect.stringContaining('has declared an interest'),
    });
    const taker = ['priya.shah', 'daniel.price', 'helen.wright'].find((id) => id !== who)!;
    const taken = await bidAct(ctx, reference, takeReviewUpdate, { actor: actor(taker) });
    expect(taken.review!.reviews.map((r) => r.evaluator.id)).toEqual([taker]);
    expect(await refusal(bidHandle(ctx, reference).executeUpdate(takeReviewUpdate, { args: [{ actor: actor('rachel.green') }] }))).toMatchObject({
      type: 'InvalidAction',
      message: 'This bid already has its 1 evaluator(s); the hub lead may reassign',
    });
  });
});

describe('review outcomes', () => {
  it('runs a revision cycle: revisions requested, the bid resubmitted, the same evaluator reviews again', async () => {
    const reference = await submit(ctx, smallBid());
    const s = await inReview(reference);
    const evaluator = s.review!.reviews[0]!.evaluator.id;
    const h = bidHandle(ctx, reference);
    await h.executeUpdate(requestRevisionsUpdate, { args: [{ actor: actor(evaluator), comments: 'Add the baseline for West Norfolk' }] });
    const waiting = await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_REVISION', 'awaiting revision');
    expect(waiting.revisionDeadline).toBeDefined();
    expect(waiting.nextActions.applicant?.sort()).toEqual(['resubmit', 'withdraw']);

    const revised = smallBid({ summary: `${smallBid().summary} Baseline for West Norfolk added.` });
    await h.executeUpdate(resubmitUpdate, { args: [{ actor: actor('amira.hassan'), bid: revised, contentHash: contentHashOf(revised) }] });
    const again = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && b.review?.cycle === 2, 'second review cycle');
    expect(again.review!.reviews.map((r) => r.evaluator.id)).toEqual([evaluator]);
    expect(again.review!.revisionCycles).toBe(1);
    await review(ctx, reference, evaluator);
    await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'scored');
    expect(await actions(ctx, reference)).toEqual(
      expect.arrayContaining(['review.revisions_requested', 'bid.resubmitted', 'intake.completed', 'review.concluded', 'scoring.completed']),
    );
  });

  it('allows at most two revision cycles', async () => {
    const reference = await submit(ctx, smallBid());
    const h = bidHandle(ctx, reference);
    for (let cycle = 1; cycle <= 2; cycle += 1) {
      await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && b.review?.cycle === cycle && b.review.reviews.length === 1, `cycle ${cycle}`);
      await h.executeUpdate(requestRevisionsUpdate, { args: [{ actor: actor('rachel.green'), comments: `Round ${cycle}` }] });
      await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_REVISION', 'awaiting revision');
      const revised = smallBid({ title: `Revised title ${cycle}` });
      await h.executeUpdate(resubmitUpdate, { args: [{ actor: actor('amira.hassan'), bid: revised, contentHash: contentHashOf(revised) }] });
    }
    await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && b.review?.cycle === 3, 'third cycle');
    expect(await refusal(h.executeUpdate(requestRevisionsUpdate, { args: [{ actor: actor('rachel.green'), comments: 'Again' }] }))).toEqual({
      type: 'InvalidAction',
      message: 'Revisions have been requested 2 times, the most allowed; decide ready or not supported',
    });
  });

  it('closes a bid the evaluator does not support, with the reason', async () => {
    const reference = await submit(ctx, smallBid());
    const s = await inReview(reference);
    await review(ctx, reference, s.review!.reviews[0]!.evaluator.id, { evidence_quality: 1, deliverability: 1, quality_and_safety: 1 }, 'not_supported');
    const closed = await waitForBid(ctx, reference, (b) => b.state === 'CLOSED_NOT_SUPPORTED', 'closed');
    expect(closed.score).toBeUndefined();
    const concluded = (await trail(ctx, reference)).find((e) => e.action === 'review.concluded')!;
    expect(concluded).toMatchObject({ fromState: 'HUB_REVIEW', toState: 'CLOSED_NOT_SUPPORTED', payload: { outcome: 'not_supported', reason: 'Does not meet the bar' } });
  });

  it('needs the hub lead to moderate when two evaluators differ by 3 or more, and keeps both originals and the moderated value', async () => {
    const reference = await submit(ctx, largeBid());
    const s = await inReview(reference, 2);
    const [a, b] = s.review!.reviews.map((r) => r.evaluator.id) as [string, string];
    await review(ctx, reference, a, { evidence_quality: 5, deliverability: 4, quality_and_safety: 4 });
    const afterSecond = await review(ctx, reference, b, { evidence_quality: 2, deliverability: 3, quality_and_safety: null });
    expect(afterSecond.state).toBe('HUB_REVIEW');
    expect(afterSecond.review!.phase).toBe('moderation');
    expect(afterSecond.review!.moderation!.reasons).toEqual([
      'evidence_quality: ratings 5 and 2 differ by 3 or more',
      'quality_and_safety: rated by one evaluator, not applicable to another',
    ]);
    expect(afterSecond.waitingFor).toBe('the hub lead to moderate divergent ratings');

    const h = bidHandle(ctx, reference);
    const moderation = { ratings: { evidence_quality: 4, deliverability: 3.5, quality_and_safety: 4 }, decision: 'ready' as const, comments: 'Evidence is a NICE-endorsed model; safety rated on the trust plan' };
    expect(await refusal(h.executeUpdate(moderateUpdate, { args: [{ actor: actor('priya.shah'), ...moderation }] }))).toMatchObject({ type: 'Forbidden' });
    await h.executeUpdate(moderateUpdate, { args: [{ actor: actor('rachel.green'), ...moderation }] });
    const scored = await waitForBid(ctx, reference, (x) => x.state === 'AWAITING_ASSEMBLY', 'scored');
    expect(scored.review!.agreedRatings).toEqual(moderation.ratings);

    const events = await trail(ctx, reference);
    const moderated = events.find((e) => e.action === 'review.moderated')!;
    expect(moderated).toMatchObject({
      actorId: 'rachel.green',
      actorRole: 'hub_lead',
      payload: {
        originals: { [a]: { evidence_quality: 5, deliverability: 4, quality_and_safety: 4 }, [b]: { evidence_quality: 2, deliverability: 3, quality_and_safety: null } },
        moderated: moderation.ratings,
      },
    });
  });

  it('averages two evaluators who agree within the divergence', async () => {
    const reference = await submit(ctx, largeBid());
    const s = await inReview(reference, 2);
    const [a, b] = s.review!.reviews.map((r) => r.evaluator.id) as [string, string];
    await review(ctx, reference, a, { evidence_quality: 4, deliverability: 3, quality_and_safety: null });
    await review(ctx, reference, b, { evidence_quality: 2, deliverability: 4, quality_and_safety: null });
    const scored = await waitForBid(ctx, reference, (x) => x.state === 'AWAITING_ASSEMBLY', 'scored');
    expect(scored.review!.agreedRatings).toEqual({ evidence_quality: 3, deliverability: 3.5, quality_and_safety: null });
  });
});

describe('withdrawal', () => {
  it('withdraws a bid mid-review and frees its evaluator', async () => {
    const reference = await submit(ctx, smallBid());
    const s = await inReview(reference);
    const evaluator = s.review!.reviews[0]!.evaluator.id;
    const h = bidHandle(ctx, reference);
    expect(await refusal(h.executeUpdate(withdrawUpdate, { args: [{ actor: actor('tom.fletcher'), reason: 'not ours' }] }))).toMatchObject({ type: 'Forbidden' });
    const withdrawn = await bidAct(ctx, reference, withdrawUpdate, { actor: actor('amira.hassan'), reason: 'Service now funded nationally' });
    expect(withdrawn).toMatchObject({ state: 'WITHDRAWN', withdrawn: { by: { id: 'amira.hassan' }, reason: 'Service now funded nationally' } });
    const rows = await ctx.db
      .select()
      .from(reviewAssignments)
      .where(and(eq(reviewAssignments.reference, reference), eq(reviewAssignments.evaluatorId, evaluator)));
    expect(rows.map((r) => r.active)).toEqual([false]);
    expect(await h.result()).toBe('WITHDRAWN');
  });
});
