// Retry-safe actions: with an Idempotency-Key an action is applied once however often it is
// sent, even after its workflow continued as new; the same key for another request is refused;
// and an action whose answer does not come (no worker running) answers 503 saying it may have
// been applied, and sent again with the same key once the worker is back it counts once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './helpers/context.js';
import { json, jsonOf } from './helpers/fixtures.js';
import { actions, smallBid, submit, waitForBid } from './helpers/lifecycle.js';

const withKey = (key: string, body: unknown) => json(body, { 'idempotency-key': key });

async function inReview(ctx: TestContext): Promise<{ reference: string; evaluator: string }> {
  const reference = await submit(ctx, smallBid());
  const s = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review?.reviews.length, 'an evaluator');
  return { reference, evaluator: s.review!.reviews[0]!.evaluator.id };
}
const step = { step: 'evaluation_design', assessment: 'adequate', comments: 'Sound design' };
const steps = async (ctx: TestContext, reference: string) => (await actions(ctx, reference)).filter((a) => a === 'review.step_recorded').length;

describe('an action sent again with its Idempotency-Key', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { WORKFLOW_HISTORY_LIMIT: '150' } });
  });
  afterAll(async () => ctx?.close());

  it('gets the first answer and is recorded once', async () => {
    const { reference, evaluator } = await inReview(ctx);
    const first = await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0001', step));
    const again = await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0001', step));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await steps(ctx, reference)).toBe(1);
    // Without a key, sending it twice is two actions, as the person meant.
    await ctx.api(evaluator, `/bids/${reference}/review/steps`, json(step));
    expect(await steps(ctx, reference)).toBe(2);
  });

  it('refuses the same key for another request', async () => {
    const { reference, evaluator } = await inReview(ctx);
    await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0002', step));
    const other = await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0002', { ...step, assessment: 'needs_work' }));
    expect(other.status).toBe(422);
    expect((await jsonOf(other)).error.code).toBe('idempotency_key_reused');
    expect(await steps(ctx, reference)).toBe(1);
  });

  it('counts once even when the workflow has continued as new in between', async () => {
    const { reference, evaluator } = await inReview(ctx);
    const h = ctx.client.workflow.getHandle(`bid-${reference}`);
    const firstRun = (await h.describe()).runId;
    expect((await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0003', step))).status).toBe(200);
    for (let n = 0; n < 25; n += 1) await ctx.api(evaluator, `/bids/${reference}/review/steps`, json({ ...step, comments: `Draft ${n}` }));
    expect((await h.describe()).runId).not.toBe(firstRun);
    const before = await steps(ctx, reference);
    expect((await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0003', step))).status).toBe(200);
    expect(await steps(ctx, reference)).toBe(before);
  });
});

describe('an action with no worker to answer it', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { ACTION_TIMEOUT: '2s' } });
  });
  afterAll(async () => ctx?.close());

  it('answers 503 with Retry-After, and applies once when sent again after the worker is back', async () => {
    const { reference, evaluator } = await inReview(ctx);
    await ctx.stopWorker();
    const res = await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0004', step));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await jsonOf(res)).error).toMatchObject({ code: 'service_unavailable', details: { dependency: 'temporal', outcome: 'unknown' } });
    await ctx.startWorker();
    const again = await ctx.api(evaluator, `/bids/${reference}/review/steps`, withKey('retry-key-0004', step));
    expect(again.status).toBe(200);
    await waitForBid(ctx, reference, (b) => !!b.review?.reviews[0]?.steps.evaluation_design, 'the step recorded');
    expect(await steps(ctx, reference)).toBe(1);
  });
});
