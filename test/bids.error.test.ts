// Bad input to the bid routes: a clear error naming each wrong field, never a stack trace, and
// nothing already stored is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../src/activities/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { json, jsonOf, validBid } from './helpers/fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { MAX_BODY_BYTES: '20000' } });
});
afterAll(async () => ctx?.close());

describe('POST /bids with bad input', () => {
  it('answers 400 naming each wrong field and the rule it broke', async () => {
    const bid = validBid({ reference: ctx.reference() }) as Record<string, unknown>;
    bid.title = 'x';
    bid.primaryAmbition = 'world_peace';
    bid.costs = [{ financialYear: '2026/28', recurrentPence: 1.5, nonRecurrentPence: -1 }];
    delete bid.summary;
    const res = await ctx.api('amira.hassan', '/bids', json(bid));
    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body.error.code).toBe('validation_failed');
    const byField = Object.fromEntries(body.error.details.map((d: { field: string; rule: string; message: string }) => [d.field, d]));
    expect(Object.keys(byField).sort()).toEqual(
      ['costs[0].financialYear', 'costs[0].nonRecurrentPence', 'costs[0].recurrentPence', 'primaryAmbition', 'summary', 'title'].sort(),
    );
    expect(byField.summary.message).toBe('is required');
    expect(byField.title).toMatchObject({ rule: 'too_small', message: 'must be at least 5 characters' });
    expect(byField['costs[0].recurrentPence'].message).toBe('must be a whole number of pence');
    expect(byField['costs[0].nonRecurrentPence'].message).toBe('must not be negative');
    expect(byField.primaryAmbition.message).toMatch(/^must be one of: population_health_and_prevention/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses fields the bid does not have', async () => {
    const res = await ctx.api('amira.hassan', '/bids', json({ ...validBid(), costPence: 5 }));
    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body.error.details).toEqual([expect.objectContaining({ field: '(body)', rule: 'unrecognized_keys', message: expect.stringContaining('costPence') })]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await ctx.api('amira.hassan', '/bids', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": ' });
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.code).toBe('malformed_body');
  });

  it('answers 413 for a body larger than the limit', async () => {
    const res = await ctx.api('amira.hassan', '/bids', json({ ...validBid(), summary: 'x'.repeat(30_000) }));
    expect(res.status).toBe(413);
    expect((await jsonOf(res)).error.code).toBe('payload_too_large');
  });

  it('refuses a reused reference with different content and keeps the stored bid', async () => {
    const reference = ctx.reference();
    expect((await ctx.api('amira.hassan', '/bids', json(validBid({ reference })))).status).toBe(201);
    const res = await ctx.api('amira.hassan', '/bids', json(validBid({ reference, title: 'Something else entirely' })));
    expect(res.status).toBe(409);
    expect((await jsonOf(res)).error.code).toBe('reference_in_use');
    const stored = await jsonOf(await ctx.api('amira.hassan', `/bids/${reference}`));
    expect(stored.bid.title).toBe(validBid().title);
    const actions = (await readStream(ctx.db, reference)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('bid.'))).toEqual(['bid.submitted']);
  });
});

describe('GET /bids/:reference', () => {
  it('answers 404 for a bid that does not exist', async () => {
    const res = await ctx.api('amira.hassan', `/bids/${ctx.reference()}`);
    expect(res.status).toBe(404);
    expect((await jsonOf(res)).error.code).toBe('not_found');
  });

  it('answers 400 for a malformed reference', async () => {
    const res = await ctx.api('amira.hassan', '/bids/not-a-reference');
    expect(res.status).toBe(400);
    expect((await jsonOf(res)).error.details[0].field).toBe('path.reference');
  });
});
