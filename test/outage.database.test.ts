// PostgreSQL goes away, on a server of the test's own: the API answers 503 with Retry-After
// within seconds (never a 500 or a hang), and once the database is back everything answers and
// the bid carries on where it was, its trail whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStream } from '../src/activities/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { json, jsonOf } from './helpers/fixtures.js';
import { ownPostgres, type OwnPostgres } from './helpers/own-postgres.js';
import { smallBid, submit, waitForBid } from './helpers/lifecycle.js';

let pg: OwnPostgres;
let ctx: TestContext;
beforeAll(async () => {
  pg = await ownPostgres();
  ctx = await createTestContext({ databaseUrl: pg.url, env: { DEPENDENCY_TIMEOUT: '2s', ACTION_TIMEOUT: '60s' } });
}, 180_000);
afterAll(async () => {
  await ctx?.close();
  pg?.destroy();
});

describe('when the database stops', () => {
  it('answers 503 with Retry-After while it is down, and carries on once it is back', async () => {
    const reference = await submit(ctx, smallBid());
    const s = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review?.reviews.length, 'review');
    const evaluator = s.review!.reviews[0]!.evaluator.id;

    pg.stop();
    for (const [user, path, init] of [
      ['claire.dawson', `/bids/${reference}`, undefined],
      ['claire.dawson', '/trail', undefined],
      [evaluator, `/bids/${reference}/review/steps`, json({ step: 'evaluation_design', assessment: 'adequate', comments: 'Sound' }, { 'idempotency-key': 'outage-key-1' })],
    ] as const) {
      const res = await ctx.api(user, path, init);
      expect(res.status, `${path} while the database is down`).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await jsonOf(res)).error).toMatchObject({ code: 'service_unavailable' });
    }

    pg.start();
    // Back: the same requests answer again (the pool reconnects on its own).
    let back = 0;
    for (let attempt = 0; attempt < 100 && back !== 200; attempt += 1) {
      back = (await ctx.api('claire.dawson', `/bids/${reference}`)).status;
      if (back !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(back).toBe(200);
    const step = await ctx.api(evaluator, `/bids/${reference}/review/steps`, json({ step: 'evaluation_design', assessment: 'adequate', comments: 'Sound' }, { 'idempotency-key': 'outage-key-1' }));
    expect(step.status).toBe(200);
    await waitForBid(ctx, reference, (b) => !!b.review?.reviews[0]?.steps.evaluation_design, 'the step recorded');
    expect(await verifyStream(ctx.db, reference)).toMatchObject({ valid: true });
  }, 300_000);
});
