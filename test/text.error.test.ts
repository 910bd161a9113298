// Text the database cannot store — a NUL, another control character, a lone surrogate — is
// refused where it arrives, naming its field, and the bid stays usable. Sent past the API
// straight to the workflow, the commit fails for good, the bid stays where it was, and the
// refusal is said, rather than the bid retrying for ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withdrawUpdate } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { json, jsonOf, validBid } from './helpers/fixtures.js';
import { actions, actor, bidHandle, refusal, status, waitForBid } from './helpers/lifecycle.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx?.close());

async function inReview(): Promise<string> {
  const reference = ctx.reference();
  const res = await ctx.api('amira.hassan', '/bids', json(validBid({ reference })));
  expect(res.status).toBe(201);
  await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review, 'hub review');
  return reference;
}

describe('text the database cannot store', () => {
  it.each([
    ['a NUL', 'Funded\u0000nationally'],
    ['a lone surrogate', 'Funded \uD800 nationally'],
    ['a control character', 'Funded\u0007nationally'],
  ])('refuses %s in a withdrawal reason with 400 naming the field, and the bid can still be withdrawn', async (_what, reason) => {
    const reference = await inReview();
    const res = await ctx.api('amira.hassan', `/bids/${reference}/withdraw`, json({ reason }));
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error).toMatchObject({ code: 'validation_failed', details: [{ field: 'reason', rule: 'custom', message: expect.stringContaining('control characters') }] });
    expect((await status(ctx, reference)).state).toBe('HUB_REVIEW');
    const ok = await ctx.api('amira.hassan', `/bids/${reference}/withdraw`, json({ reason: 'Funded nationally\nfrom April' }));
    expect(ok.status).toBe(200);
    expect((await jsonOf(ok)).state).toBe('WITHDRAWN');
  });

  it('refuses a NUL in a bid title with 400, stores nothing, and takes the bid once corrected', async () => {
    const reference = ctx.reference();
    const res = await ctx.api('amira.hassan', '/bids', json(validBid({ reference, title: 'Smoking\u0000cessation' })));
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.details).toEqual([expect.objectContaining({ field: 'title' })]);
    expect(await actions(ctx, reference)).toEqual([]);
    const again = await ctx.api('amira.hassan', '/bids', json(validBid({ reference, title: 'Smoking cessation' })));
    expect(again.status).toBe(201);
  });

  it('refuses it in a query and a path too, with 400, never 500', async () => {
    expect((await ctx.api('claire.dawson', '/bids?q=%00')).status).toBe(400);
    expect((await ctx.api('ian.thompson', '/admin/users/%00/tokens')).status).toBe(400);
    expect((await ctx.api('claire.dawson', '/trail?reference=%00')).status).toBe(400);
  });

  it('leaves the bid where it was when the workflow is sent what the database cannot store', async () => {
    const reference = await inReview();
    const before = await actions(ctx, reference);
    const refused = await refusal(bidHandle(ctx, reference).executeUpdate(withdrawUpdate, { args: [{ actor: actor('amira.hassan'), reason: 'bad\u0000reason' }] }));
    expect(refused).toMatchObject({ type: 'Unstorable', message: expect.stringContaining('cannot store') });
    expect((await status(ctx, reference)).state).toBe('HUB_REVIEW');
    expect(await actions(ctx, reference)).toEqual(before);
    // Still usable: the next action is recorded as usual.
    await bidHandle(ctx, reference).executeUpdate(withdrawUpdate, { args: [{ actor: actor('amira.hassan'), reason: 'Funded nationally' }] });
    expect(await waitForBid(ctx, reference, (b) => b.state === 'WITHDRAWN', 'withdrawn')).toMatchObject({ withdrawn: { reason: 'Funded nationally' } });
  });
});
