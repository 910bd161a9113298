// A bid's whole way through on the real server and database: intake, review, scoring, the
// Assembly's decision and the routing to allocation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../src/activities/trail.js';
import { castVoteUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { actions, actor, meetingAct, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, smallBid, status, submit, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ recordAs: 'lifecycle-happy' });
});
afterAll(async () => ctx?.close());


describe('a bid from submission to the Assembly decision', () => {
  it('is reviewed, scored, supported by a quorate Assembly and routed to allocation', async () => {
    const reference = await submit(ctx, smallBid());
    const inReview = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && (b.review?.reviews.length ?? 0) === 1, 'an assigned evaluator');
    expect(inReview.review!.requiredEvaluators).toBe(1);
    expect(inReview.review!.reviews[0]!.evaluator.organisation).not.toBe('NNUH');

    const scored = await reviewToAssembly(ctx, reference);
    expect(scored.score).toMatchObject({ band: expect.any(String), ruleSet: { id: 'nw-clinical-prioritisation' } });
    expect(scored.score!.benefitScore).toBeGreaterThan(0);

    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-m1`;
    const agenda = await meetingWithAgenda(ctx, meetingId);
    expect(agenda.items.map((i) => i.reference)).toEqual([reference]);
    const item = agenda.items[0]!;
    expect(item.conflicted.sort()).toEqual(['fiona.walsh', 'james.lee']); // QEH partner and NNUH lead

    const m = meetingHandle(ctx, meetingId);
    const chair = actor('sarah.collins');
    await m.executeUpdate(openMeetingUpdate, { args: [{ actor: chair }] });
    const attended = await meetingAct(ctx, meetingId, recordAttendanceUpdate, { actor: chair, present: QUORATE });
    expect(attended.items[0]!.quorum).toMatchObject({ quorate: true, votingMembership: 10, required: 5, eligiblePresent: 7, chairPresent: true });
    for (const id of QUORATE) await m.executeUpdate(castVoteUpdate, { args: [{ actor: actor(id), itemId: item.itemId, vote: 'support' }] });
    await m.executeUpdate(recordDecisionUpdate, {
      args: [{ actor: chair, itemId: item.itemId, outcome: 'supported_with_conditions', conditions: ['Report quit rates quarterly'], reason: 'Strong evidence' }],
    });

    const routed = await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'allocation');
    expect(routed.assembly.decisions).toEqual([expect.objectContaining({ outcome: 'supported_with_conditions', conditions: ['Report quit rates quarterly'], votes: { support: 7, notSupport: 0, abstain: 0 } })]);
    expect(await actions(ctx, reference)).toEqual([
      'bid.submitted',
      'intake.completed',
      'review.started',
      'review.step_recorded',
      'review.step_recorded',
      'review.step_recorded',
      'review.rating_recorded',
      'review.rating_recorded',
      'review.rating_recorded',
      'review.completed',
      'review.concluded',
      'scoring.completed',
      'assembly.placed_on_agenda',
      ...QUORATE.map(() => 'assembly.vote_cast'),
      'assembly.decision_recorded',
      'assembly.decision_applied',
    ]);
    expect(await verifyStream(ctx.db, reference)).toMatchObject({ valid: true });
    expect(await verifyStream(ctx.db, meetingId)).toMatchObject({ valid: true });
    expect((await status(ctx, reference)).nextActions.applicant).toEqual(['withdraw']);
  });
});
