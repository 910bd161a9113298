// The thin path through the real API, worker, Temporal server and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream, verifyStream } from '../src/activities/trail.js';
import { bidWorkflowId, WORKFLOW_TYPES } from '../src/shared.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { json, jsonOf, validBid } from './helpers/fixtures.js';
import { until } from './helpers/http.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx?.close());

describe('submitting a bid', () => {
  it('starts bid-<reference>, runs intake, stores the bid and its first trail events', async () => {
    const reference = ctx.reference();
    const res = await ctx.api('amira.hassan', '/bids', json(validBid({ reference })));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/bids/${reference}`);
    expect(await jsonOf(res)).toEqual({ reference, state: 'HUB_REVIEW', missing: [] });

    const description = await ctx.client.workflow.getHandle(bidWorkflowId(reference)).describe();
    expect(description.type).toBe(WORKFLOW_TYPES.bid);
    expect(description.status.name).toBe('RUNNING');

    const got = await ctx.api('amira.hassan', `/bids/${reference}`);
    expect(got.status).toBe(200);
    const { bid, status, allowedActions } = await jsonOf(got);
    expect(status).toMatchObject({ state: 'HUB_REVIEW', waitingFor: expect.stringMatching(/evaluation hub/) });
    expect(allowedActions).toEqual(['withdraw']);
    expect(bid).toMatchObject({
      reference,
      state: 'HUB_REVIEW',
      leadOrganisation: 'NNUH',
      totals: { totalPence: 39_000_000, recurrentPence: 36_500_000, nonRecurrentPence: 2_500_000 },
    });
    expect(bid.costs).toEqual([
      { financialYear: '2026/27', recurrentPence: 18_000_000, nonRecurrentPence: 2_500_000 },
      { financialYear: '2027/28', recurrentPence: 18_500_000, nonRecurrentPence: 0 },
    ]);

    const events = await readStream(ctx.db, reference);
    expect(events.slice(0, 2).map((e) => [e.seq, e.action, e.fromState, e.toState])).toEqual([
      [1, 'bid.submitted', 'SUBMITTED', 'INTAKE'],
      [2, 'intake.completed', 'INTAKE', 'HUB_REVIEW'],
    ]);
    expect(await verifyStream(ctx.db, reference)).toMatchObject({ valid: true });
  });

  it("shows each bid's own yearly costs, however many other bids there are", async () => {
    const one = ctx.reference();
    const two = ctx.reference();
    const costsOf = {
      [one]: [{ financialYear: '2026/27', recurrentPence: 10_000_000, nonRecurrentPence: 1_000_000 }],
      [two]: [
        { financialYear: '2026/27', recurrentPence: 5_000_000, nonRecurrentPence: 0 },
        { financialYear: '2027/28', recurrentPence: 6_000_000, nonRecurrentPence: 0 },
        { financialYear: '2028/29', recurrentPence: 7_000_000, nonRecurrentPence: 0 },
      ],
    };
    for (const reference of [one, two]) {
      expect((await ctx.api('amira.hassan', '/bids', json(validBid({ reference, costs: costsOf[reference] })))).status).toBeLessThan(300);
    }
    for (const reference of [one, two]) {
      const got = (await until(ctx, 'amira.hassan', `/bids/${reference}`, () => true, `bid ${reference}`, 120_000)) as { bid: { costs: unknown } };
      expect(got.bid.costs).toEqual(costsOf[reference]);
    }
  });

  it('does not start a second workflow when the same reference is submitted twice', async () => {
    const reference = ctx.reference();
    const first = await ctx.api('amira.hassan', '/bids', json(validBid({ reference })));
    expect(first.status).toBe(201);
    const runId = (await ctx.client.workflow.getHandle(bidWorkflowId(reference)).describe()).runId;

    const again = await ctx.api('amira.hassan', '/bids', json(validBid({ reference })));
    expect(again.status).toBe(200);
    expect(await jsonOf(again)).toEqual({ reference, state: 'HUB_REVIEW', missing: [] });
    expect((await ctx.client.workflow.getHandle(bidWorkflowId(reference)).describe()).runId).toBe(runId);
    const actions = (await readStream(ctx.db, reference)).map((e) => e.action);
    expect(actions.filter((a) => a === 'bid.submitted' || a === 'intake.completed')).toEqual(['bid.submitted', 'intake.completed']);
  });

  it('allocates the next reference when the bid brings none', async () => {
    const { reference: _omit, ...withoutReference } = validBid();
    const first = await jsonOf(await ctx.api('amira.hassan', '/bids', json(withoutReference)));
    const second = await jsonOf(await ctx.api('amira.hassan', '/bids', json({ ...withoutReference, title: 'A second, different bid title' })));
    expect(first.reference).toMatch(new RegExp(`^${ctx.config.REFERENCE_PREFIX}-\\d{4}-0001$`));
    expect(second.reference).toMatch(new RegExp(`^${ctx.config.REFERENCE_PREFIX}-\\d{4}-0002$`));
  });

  it('returns an incomplete bid with the list of what is missing', async () => {
    const reference = ctx.reference();
    const res = await ctx.api(
      'amira.hassan',
      '/bids',
      json(validBid({ reference, kind: 'pilot', evaluationPlan: null, costs: [], statutoryMandate: { type: 'legal_duty' } })),
    );
    expect(res.status).toBe(201);
    const receipt = await jsonOf(res);
    expect(receipt.state).toBe('RETURNED');
    expect(receipt.missing.map((m: { field: string }) => m.field).sort()).toEqual(['costs', 'evaluationPlan', 'statutoryMandate.reference']);
    const events = await readStream(ctx.db, reference);
    expect(events.at(-1)).toMatchObject({ action: 'intake.returned', toState: 'RETURNED' });
  });
});

describe('GET /health', () => {
  it('reports that Temporal and the database answer', async () => {
    const res = await ctx.app.request('/health');
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ ok: true, temporal: { ok: true }, database: { ok: true } });
  });
});
