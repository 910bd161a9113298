// Histories that stay small: a commit carries only what changed, an Update answers only what
// changed, and a long-running workflow continues as new. A meeting of 200 items where ten
// members vote on every item completes well inside Temporal's limits; a bid's history grows by
// the same amount with each action; a bid that takes many actions carries on across runs.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { verifyStream } from '../src/activities/trail.js';
import { submitBid, type ServiceDeps } from '../src/services/bids.js';
import { sendUpdate } from '../src/services/updates.js';
import { castVoteUpdate, closeMeetingUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate, recordReviewStepUpdate, type Actor } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { historyOfAllRuns } from './helpers/histories.js';
import { actor, bidHandle, meetingHandle, meetingWithAgenda, review, smallBid, status, waitForBid } from './helpers/lifecycle.js';

/** A programme team of an organisation no Assembly member belongs to, so nobody is conflicted. */
const JPUH: Actor = { id: 'jpuh.team', name: 'JPUH programme team', roles: ['applicant'], organisation: 'JPUH' };
const MEMBERS = ['sarah.collins', 'mark.osei', 'james.lee', 'fiona.walsh', 'aisha.begum', 'peter.novak', 'laura.king', 'ben.carter', 'susan.reid', 'omar.farouk'];

const deps = (ctx: TestContext): ServiceDeps => ({ db: ctx.db, temporal: { client: ctx.client, taskQueue: ctx.taskQueue }, config: ctx.config });

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

describe('history size', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('keeps a meeting of 200 items, every one of ten members voting on every item, under 10 MB', async () => {
    const references = Array.from({ length: 200 }, () => ctx.reference());
    await inBatches(references, 20, (reference) => submitBid(deps(ctx), JPUH, { ...smallBid({ leadOrganisation: 'JPUH', partnerOrganisations: [] }), reference }));
    await inBatches(references, 10, async (reference) => {
      const s = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review?.reviews.length, 'an evaluator', 120_000);
      await review(ctx, reference, s.review!.reviews[0]!.evaluator.id);
    });
    await inBatches(references, 20, (reference) => waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'the Assembly', 120_000));

    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-big`;
    const agenda = await meetingWithAgenda(ctx, meetingId);
    expect(agenda.items).toHaveLength(200);
    const m = meetingHandle(ctx, meetingId);
    const { firstExecutionRunId } = await m.describe().then((d) => ({ firstExecutionRunId: d.runId }));
    const chair = actor('sarah.collins');
    await m.executeUpdate(openMeetingUpdate, { args: [{ actor: chair }] });
    await m.executeUpdate(recordAttendanceUpdate, { args: [{ actor: chair, present: MEMBERS }] });
    // Each member votes on every item, all ten at once, as in the room.
    await Promise.all(
      MEMBERS.map(async (id) => {
        for (const item of agenda.items) await sendUpdate(m, castVoteUpdate, { actor: actor(id), itemId: item.itemId, vote: 'support' });
      }),
    );
    for (const item of agenda.items) {
      await sendUpdate(m, recordDecisionUpdate, { actor: chair, itemId: item.itemId, outcome: 'supported', conditions: [], reason: 'Supported unanimously' });
    }
    await sendUpdate(m, closeMeetingUpdate, { actor: chair });
    expect(await m.result()).toBe('CLOSED');

    const history = await historyOfAllRuns(ctx.client, m.workflowId, firstExecutionRunId);
    console.log(
      `[history] meeting of 200 items, 2,000 votes, 200 decisions: ${history.runs} run(s), ${history.events} events, ` +
        `${(history.bytes / 1e6).toFixed(2)} MB in all, largest run ${(history.largestRunBytes / 1e6).toFixed(2)} MB`,
    );
    expect(history.bytes).toBeLessThan(10_000_000);
    // Every vote and decision is on the trail once, and every bid heard its decision.
    expect((await verifyStream(ctx.db, meetingId)).valid).toBe(true);
    await inBatches(references, 20, (reference) => waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'allocation', 120_000));
    const [votes] = rowsOf<{ n: number }>(await ctx.db.execute(sql`select count(*)::int as n from decision_events where stream_id = ${meetingId} and action = 'assembly.vote_cast'`));
    expect(votes!.n).toBe(2_000);
  }, 1_200_000);

  it('grows a bid’s history by the same amount with each action', async () => {
    const reference = ctx.reference();
    await submitBid(deps(ctx), JPUH, { ...smallBid({ leadOrganisation: 'JPUH', partnerOrganisations: [] }), reference });
    const s = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review?.reviews.length, 'an evaluator');
    const evaluator = actor(s.review!.reviews[0]!.evaluator.id);
    const h = bidHandle(ctx, reference);
    const size = async () => (await historyOfAllRuns(ctx.client, h.workflowId, (await h.describe()).runId)).bytes;
    const sizes = [await size()];
    for (let n = 1; n <= 50; n += 1) {
      const step = (['evaluation_design', 'outcome_measures', 'data_availability'] as const)[n % 3]!;
      await h.executeUpdate(recordReviewStepUpdate, { args: [{ actor: evaluator, step, assessment: 'adequate', comments: `Pass ${n}: the method is sound` }] });
      if (n % 10 === 0) sizes.push(await size());
    }
    const perTen = sizes.slice(1).map((bytes, i) => bytes - sizes[i]!);
    console.log(`[history] a bid taking 50 actions: ${perTen.map((b) => Math.round(b / 10)).join(', ')} bytes per action, in tens of actions`);
    // Linear: each ten actions add about as much as the first ten did.
    for (const added of perTen) expect(added).toBeLessThan(perTen[0]! * 1.25);
    for (const added of perTen) expect(added).toBeGreaterThan(perTen[0]! * 0.75);
  }, 300_000);
});

describe('continue-as-new', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { WORKFLOW_HISTORY_LIMIT: '120' } });
  });
  afterAll(async () => ctx?.close());

  it('carries a bid across runs when its history grows long, and it goes on as before', async () => {
    const reference = ctx.reference();
    await submitBid(deps(ctx), JPUH, { ...smallBid({ leadOrganisation: 'JPUH', partnerOrganisations: [] }), reference });
    const s = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review?.reviews.length, 'an evaluator');
    const evaluatorId = s.review!.reviews[0]!.evaluator.id;
    const h = bidHandle(ctx, reference);
    const firstRunId = (await h.describe()).runId;
    for (let n = 1; n <= 40; n += 1) {
      await sendUpdate(h, recordReviewStepUpdate, { actor: actor(evaluatorId), step: 'evaluation_design', assessment: 'needs_work', comments: `Draft ${n}` });
    }
    await review(ctx, reference, evaluatorId);
    const scored = await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'the Assembly');
    expect(scored.review?.reviews[0]?.steps.evaluation_design).toMatchObject({ assessment: 'adequate' });
    expect(await status(ctx, reference)).toMatchObject({ state: 'AWAITING_ASSEMBLY' });

    const history = await historyOfAllRuns(ctx.client, h.workflowId, firstRunId);
    expect(history.runs).toBeGreaterThan(1);
    const trail = await verifyStream(ctx.db, reference);
    expect(trail).toMatchObject({ valid: true });
    // 40 drafts, the full review's 7 actions, and the bid's own events: each stored once.
    expect(trail.events).toBeGreaterThanOrEqual(50);
  }, 300_000);
});
