// Bad input and wrong moments, across the API: one error format, 400 naming each wrong field
// and rule, 404, 409 for the wrong state, 413, 422 for what the workflow refuses; never a stack
// trace, never a 500 for bad input, and nothing stored is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../src/activities/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call, until, type Reply } from './helpers/http.js';
import { smallBid } from './helpers/lifecycle.js';

let ctx: TestContext;
let routes: { method: string; template: string; hasBody: boolean }[] = [];
const refs: Record<string, string> = {};
let meetingId = '';

beforeAll(async () => {
  ctx = await createTestContext({ env: { MAX_BODY_BYTES: '50000' } });
  const doc = (await call(ctx, null, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
  routes = Object.entries(doc.paths).flatMap(([template, ops]) => Object.entries(ops).map(([m, op]) => ({ method: m.toUpperCase(), template, hasBody: !!op.requestBody })));
  refs.review = (await call(ctx, 'amira.hassan', 'POST', '/bids', { ...smallBid(), reference: ctx.reference() })).body.reference;
  refs.withdrawn = (await call(ctx, 'amira.hassan', 'POST', '/bids', { ...smallBid(), reference: ctx.reference() })).body.reference;
  await call(ctx, 'amira.hassan', 'POST', `/bids/${refs.withdrawn}/withdraw`, { reason: 'Not needed' });
  await until(ctx, 'ian.thompson', `/bids/${refs.review}`, (b) => b.status.review?.reviews.length === 1, 'an evaluator');
  meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-err`;
  await call(ctx, 'ian.thompson', 'POST', '/meetings', { meetingId, scheduledFor: new Date(Date.now() + 10 * 86_400_000).toISOString() });
}, 60_000);
afterAll(async () => ctx?.close());

const pathFor = (template: string) =>
  template
    .replace('{reference}', refs.review!)
    .replace('{meetingId}', meetingId)
    .replace('{itemId}', 'item-1')
    .replace('{roundId}', 'no-such-round')
    .replace('{userId}', 'priya.shah')
    .replace('{tokenId}', 'abcdefghij')
    .replace('{interestId}', 'int-0123456789ab');

/** Someone allowed to reach each route's body validation (auth passes; the body is checked first). */
const ACTOR = 'ian.thompson';

function expectErrorShape(reply: Reply) {
  expect(Object.keys(reply.body)).toEqual(['error']);
  expect(Object.keys(reply.body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(reply.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  expect(JSON.stringify(reply.body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
}

describe('malformed bodies', () => {
  it('answers 400 for a body that is not JSON, on every route that takes one', async () => {
    const withBody = routes.filter((r) => r.hasBody);
    expect(withBody.length).toBeGreaterThan(25);
    for (const { method, template } of withBody) {
      const reply = await call(ctx, ACTOR, method, pathFor(template), '{"broken": ', { 'content-type': 'application/json' });
      expect([method, template, reply.status]).toEqual([method, template, 400]);
      expect(reply.body.error.code).toBe('malformed_body');
    }
  });

  it('answers 400 naming each wrong field, on every route that takes a body', async () => {
    for (const { method, template } of routes.filter((r) => r.hasBody)) {
      const reply = await call(ctx, ACTOR, method, pathFor(template), { surprise: true, reason: 42 });
      expect([method, template, reply.status]).toEqual([method, template, 400]);
      expect(reply.body.error.code).toBe('validation_failed');
      expectErrorShape(reply);
      const fields = reply.body.error.details.map((d: { field: string }) => d.field);
      expect(fields.length).toBeGreaterThan(0);
      for (const detail of reply.body.error.details) expect(detail).toEqual({ field: expect.any(String), rule: expect.any(String), message: expect.any(String) });
      expect(reply.body.error.message).toContain(fields[0]);
    }
  });

  it('names the field and the rule for a review rating out of range', async () => {
    const reply = await call(ctx, ACTOR, 'POST', `/bids/${refs.review}/review/ratings`, { criterion: 'deliverability', rating: 7.5, rationale: '' });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'rating', message: 'must be a whole number from 0 to 5' }),
        expect.objectContaining({ field: 'rationale', message: 'A rationale is required' }),
      ]),
    );
  });

  it("names the field and the rule for a condition's due date: a real day, in the form YYYY-MM-DD, not in the past", async () => {
    const decide = (conditions: unknown[]) =>
      call(ctx, 'sarah.collins', 'POST', `/meetings/${meetingId}/items/item-1/decision`, { outcome: 'supported_with_conditions', conditions, reason: 'Supported' });
    const detailsOf = async (conditions: unknown[]) => {
      const reply = await decide(conditions);
      expect(reply.status).toBe(400);
      expectErrorShape(reply);
      return reply.body.error.details as { field: string; rule: string; message: string }[];
    };
    expect(await detailsOf(['Quarterly report', { text: 'Baseline data', dueBy: '2020-01-31' }])).toEqual([
      { field: 'conditions[1].dueBy', rule: 'custom', message: 'must not be in the past: today (in England) or later' },
    ]);
    expect(await detailsOf([{ text: 'Baseline data', dueBy: '2027-02-30' }])).toEqual([{ field: 'conditions[0].dueBy', rule: 'custom', message: 'is not a day of the calendar' }]);
    expect(await detailsOf([{ text: 'Baseline data', dueBy: '31/03/2027' }])).toEqual([{ field: 'conditions[0].dueBy', rule: 'invalid_format', message: 'must be a date, YYYY-MM-DD' }]);
    expect(await detailsOf([{ text: 'Baseline data' }])).toEqual([
      { field: 'conditions[0].dueBy', rule: 'custom', message: 'is required with a condition given as an object: the day it is due, YYYY-MM-DD' },
    ]);
    expect(await detailsOf([{ text: ' ', dueBy: '2099-03-31' }])).toEqual([{ field: 'conditions[0].text', rule: 'too_small', message: 'A condition is required' }]);
    expect((await detailsOf([42]))[0]).toMatchObject({ field: 'conditions[0]', message: 'must be a condition in words, or { "text": ..., "dueBy": "YYYY-MM-DD" }' });
    // The chair's action takes conditions in the same two forms, checked the same way.
    const chairs = await call(ctx, 'sarah.collins', 'POST', `/bids/${refs.review}/chairs-action`, { outcome: 'supported_with_conditions', conditions: [{ text: 'Audit', dueBy: '2020-01-31' }], reason: 'Urgent' });
    expect(chairs.status).toBe(400);
    expect(chairs.body.error.details).toEqual([expect.objectContaining({ field: 'conditions[0].dueBy', message: 'must not be in the past: today (in England) or later' })]);
    // A condition met needs which one and the evidence.
    const met = await call(ctx, 'rachel.green', 'POST', `/bids/${refs.review}/conditions/met`, { conditionId: 'first', evidence: '' });
    expect(met.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['conditionId', 'evidence']);
    const waiver = await call(ctx, 'sarah.collins', 'POST', `/bids/${refs.review}/conditions/waiver`, { conditionId: 'c1', reason: ' ' });
    expect(waiver.body.error.details).toEqual([expect.objectContaining({ field: 'reason' })]);
  });

  it('answers 400 for a bad query or path, naming it', async () => {
    const query = await call(ctx, 'claire.dawson', 'GET', '/bids?pageSize=1000&state=NOT_A_STATE');
    expect(query.status).toBe(400);
    expect(query.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['query.pageSize', 'query.state[0]']);
    const trail = await call(ctx, 'claire.dawson', 'GET', '/trail?financialYear=2026-27&minPence=-1');
    expect(trail.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['query.financialYear', 'query.minPence']);
    const path = await call(ctx, 'claire.dawson', 'GET', '/bids/nonsense/trail');
    expect(path).toMatchObject({ status: 400, body: { error: { details: [expect.objectContaining({ field: 'path.reference' })] } } });
  });

  it('answers 413 for a body larger than the limit', async () => {
    const reply = await call(ctx, 'amira.hassan', 'POST', '/bids', { ...smallBid(), summary: 'x'.repeat(60_000) });
    expect(reply).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });
});

describe('things that are not there', () => {
  it('answers 404 for an unknown bid, meeting, user, token or route', async () => {
    const unknown = `${ctx.config.REFERENCE_PREFIX}-2099-9999`;
    for (const [user, method, path, body] of [
      ['ian.thompson', 'GET', `/bids/${unknown}`, undefined],
      ['amira.hassan', 'POST', `/bids/${unknown}/withdraw`, { reason: 'x' }],
      ['ian.thompson', 'GET', '/meetings/ccpa-1999-01-01', undefined],
      ['sarah.collins', 'POST', '/meetings/ccpa-1999-01-01/open', {}],
      ['ian.thompson', 'PATCH', '/admin/users/nobody', { name: 'Nobody' }],
      ['ian.thompson', 'DELETE', '/admin/tokens/zzzzzzzzzz', undefined],
      ['ian.thompson', 'POST', '/admin/rule-sets/activate', { id: 'nw-clinical-prioritisation', version: '9.9.9', reason: 'x' }],
      ['claire.dawson', 'GET', '/rounds/no-such-round', undefined],
      ['claire.dawson', 'POST', '/rounds/no-such-round/allocate', { reason: 'x' }],
      ['claire.dawson', 'POST', '/rounds/no-such-round/what-if', {}],
      ['ian.thompson', 'GET', '/no/such/route', undefined],
    ] as const) {
      const reply = await call(ctx, user, method, path, body);
      expect([method, path, reply.status]).toEqual([method, path, 404]);
      expectErrorShape(reply);
    }
  });
});

describe('the wrong moment', () => {
  it('answers 409 when the bid or meeting is in the wrong state, and stores nothing', async () => {
    const before = (await readStream(ctx.db, refs.review!)).length;
    const resubmit = await call(ctx, 'amira.hassan', 'POST', `/bids/${refs.review}/resubmit`, smallBid());
    expect(resubmit).toMatchObject({ status: 409, body: { error: { code: 'wrong_state', message: 'A bid in HUB_REVIEW cannot be resubmitted; it must be RETURNED or AWAITING_REVISION' } } });
    expect((await readStream(ctx.db, refs.review!)).length).toBe(before);

    // A withdrawn bid refuses, by its validator or (once its workflow has finished) as closed.
    const closed = await call(ctx, 'amira.hassan', 'POST', `/bids/${refs.withdrawn}/withdraw`, { reason: 'again' });
    expect(closed.status).toBe(409);
    expect(['closed', 'wrong_state']).toContain(closed.body.error.code);

    const vote = await call(ctx, 'peter.novak', 'POST', `/meetings/${meetingId}/items/item-1/votes`, { vote: 'support' });
    expect(vote.status).toBe(409);
    const open = await call(ctx, 'sarah.collins', 'POST', `/meetings/${meetingId}/open`, {});
    expect(open).toMatchObject({ status: 409, body: { error: { code: 'wrong_state', message: expect.stringContaining('SCHEDULED') } } });

    const meeting = await call(ctx, 'ian.thompson', 'POST', '/meetings', { meetingId, scheduledFor: new Date(Date.now() + 20 * 86_400_000).toISOString() });
    expect(meeting).toMatchObject({ status: 409, body: { error: { code: 'meeting_exists' } } });
    const past = await call(ctx, 'ian.thompson', 'POST', '/meetings', { scheduledFor: '2020-01-01T10:00:00Z' });
    expect(past).toMatchObject({ status: 400, body: { error: { details: [expect.objectContaining({ field: 'scheduledFor', rule: 'future' })] } } });
  });

  it('answers 422 when the workflow refuses the action, with its reason', async () => {
    const evaluator = (await call(ctx, 'ian.thompson', 'GET', `/bids/${refs.review}`)).body.status.review.reviews[0].evaluator.id;
    const early = await call(ctx, evaluator, 'POST', `/bids/${refs.review}/review/complete`, { recommendation: 'ready' });
    expect(early).toMatchObject({
      status: 422,
      body: { error: { code: 'refused', message: 'The review is not complete: still to record evaluation_design, outcome_measures, data_availability, evidence_quality, deliverability, quality_and_safety' } },
    });
    const unknownUser = await call(ctx, 'rachel.green', 'POST', `/bids/${refs.review}/review/assign`, { evaluatorId: 'nobody', replaces: evaluator });
    expect(unknownUser).toMatchObject({ status: 422, body: { error: { details: [expect.objectContaining({ field: 'evaluatorId' })] } } });

    const key = { 'Idempotency-Key': 'error-test-key-1' };
    expect((await call(ctx, 'amira.hassan', 'POST', '/bids', smallBid(), key)).status).toBe(201);
    const reused = await call(ctx, 'amira.hassan', 'POST', '/bids', smallBid({ title: 'Something else entirely' }), key);
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
  });

  it('refuses to activate a draft rule set, which is for what-if runs only', async () => {
    const reply = await call(ctx, 'ian.thompson', 'POST', '/admin/rule-sets/activate', { id: 'nw-clinical-prioritisation', version: '1.1.0', reason: 'Try it' });
    expect(reply).toMatchObject({ status: 422, body: { error: { code: 'refused', message: expect.stringContaining('is a draft') } } });
  });

  it('refuses an admin removing their own admin role', async () => {
    const reply = await call(ctx, 'ian.thompson', 'PATCH', '/admin/users/ian.thompson', { roles: ['finance'] });
    expect(reply).toMatchObject({ status: 422, body: { error: { code: 'refused' } } });
  });
});

describe('never a 500 for bad input', () => {
  it('answers every route with a 4xx for hostile bodies and parameters', async () => {
    const hostile = [null, [], 'text', 12, { reference: "'; drop table bids; --" }, { title: '\u0000' }];
    for (const { method, template, hasBody } of routes) {
      if (!hasBody) continue;
      for (const body of hostile) {
        const reply = await call(ctx, ACTOR, method, pathFor(template), JSON.stringify(body), { 'content-type': 'application/json' });
        expect([method, template, JSON.stringify(body), reply.status < 500]).toEqual([method, template, JSON.stringify(body), true]);
      }
    }
    const weird = await call(ctx, 'claire.dawson', 'GET', `/trail?reference=${encodeURIComponent("x' or 1=1 --")}`);
    expect(weird.status).toBe(200);
    expect(weird.body.items).toEqual([]);
  });
});
