// One bid from submission to the Assembly's decision through HTTP alone, each step by the
// person whose job it is; then finance exports the trail as CSV and verifies the chain.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../src/services/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call, until } from './helpers/http.js';
import { QUORATE, smallBid } from './helpers/lifecycle.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => ctx?.close());


describe('the whole journey over HTTP', () => {
  it('takes a bid from submission to the Assembly decision, then finance exports and verifies its trail', async () => {
    // The programme team submits, with an Idempotency-Key, and a retry changes nothing.
    const bid = smallBid({ title: 'Community respiratory hubs for West Norfolk' });
    const submitted = await call(ctx, 'amira.hassan', 'POST', '/bids', bid, { 'Idempotency-Key': 'journey-0001' });
    expect(submitted.status).toBe(201);
    const reference: string = submitted.body.reference;
    expect(submitted.body).toEqual({ reference, state: 'HUB_REVIEW', missing: [] });
    const retried = await call(ctx, 'amira.hassan', 'POST', '/bids', bid, { 'Idempotency-Key': 'journey-0001' });
    expect(retried).toMatchObject({ status: 201, body: { reference } });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');

    // The evaluator assigned finds it in their queue and reviews it, one step at a time.
    const inReview = await until(ctx, 'amira.hassan', `/bids/${reference}`, (b) => b.status.review?.reviews.length === 1, 'an evaluator');
    const evaluator: string = inReview.status.review.reviews[0].evaluator.id;
    const queue = await call(ctx, evaluator, 'GET', '/reviews/queue');
    expect(queue.body.items.map((i: { reference: string; why: string }) => [i.reference, i.why])).toContainEqual([reference, 'assigned']);
    for (const step of ['evaluation_design', 'outcome_measures', 'data_availability']) {
      expect((await call(ctx, evaluator, 'POST', `/bids/${reference}/review/steps`, { step, assessment: 'adequate', comments: `${step}: clear` })).status).toBe(200);
    }
    for (const [criterion, rating] of [['evidence_quality', 4], ['deliverability', 4], ['quality_and_safety', null]] as const) {
      expect((await call(ctx, evaluator, 'POST', `/bids/${reference}/review/ratings`, { criterion, rating, rationale: 'See review notes' })).status).toBe(200);
    }
    expect((await call(ctx, evaluator, 'POST', `/bids/${reference}/review/complete`, { recommendation: 'ready', comments: 'Ready' })).status).toBe(200);

    // Scoring runs by itself; the bid waits for the Assembly with its score and band.
    const scored = await until(ctx, 'amira.hassan', `/bids/${reference}`, (b) => b.bid.state === 'AWAITING_ASSEMBLY', 'the Assembly');
    expect(scored.bid.band).toEqual(expect.any(String));
    const criteria = scored.status.score;
    expect(criteria.ruleSet.id).toBe('nw-clinical-prioritisation');

    // The admin schedules a meeting; the chair closes the agenda, opens it, records attendance.
    const scheduled = await call(ctx, 'ian.thompson', 'POST', '/meetings', { scheduledFor: new Date(Date.now() + 14 * 86_400_000).toISOString(), meetingId: 'ccpa-journey' });
    expect(scheduled.status).toBe(201);
    const agenda = await call(ctx, 'sarah.collins', 'POST', '/meetings/ccpa-journey/agenda/close', {});
    expect(agenda.body.items.map((i: { reference: string }) => i.reference)).toEqual([reference]);
    const itemId: string = agenda.body.items[0].itemId;
    expect((await call(ctx, 'sarah.collins', 'POST', '/meetings/ccpa-journey/open', {})).status).toBe(200);
    const attended = await call(ctx, 'sarah.collins', 'POST', '/meetings/ccpa-journey/attendance', { present: QUORATE });
    expect(attended.body.items[0].quorum.quorate).toBe(true);

    // Members vote; one declares an interest first and so cannot vote; the chair decides.
    expect((await call(ctx, 'omar.farouk', 'POST', `/meetings/ccpa-journey/items/${itemId}/interests`, { nature: 'Volunteers with the service' })).status).toBe(200);
    const refusedVote = await call(ctx, 'omar.farouk', 'POST', `/meetings/ccpa-journey/items/${itemId}/votes`, { vote: 'support' });
    expect(refusedVote).toMatchObject({ status: 403, body: { error: { code: 'conflict_of_interest', details: { rule: 'conflict_of_interest' } } } });
    for (const member of QUORATE.filter((m) => m !== 'omar.farouk')) {
      expect((await call(ctx, member, 'POST', `/meetings/ccpa-journey/items/${itemId}/votes`, { vote: member === 'ben.carter' ? 'abstain' : 'support' })).status).toBe(200);
    }
    const view = await call(ctx, 'sarah.collins', 'GET', '/meetings/ccpa-journey');
    expect(view.body.itemActions[itemId]).toContain('recordDecision');
    const decided = await call(ctx, 'sarah.collins', 'POST', `/meetings/ccpa-journey/items/${itemId}/decision`, {
      outcome: 'supported_with_conditions',
      conditions: ['Report uptake in Core20 neighbourhoods quarterly'],
      reason: 'Strong case for the most deprived areas',
    });
    expect(decided.body.items[0].decision).toMatchObject({ outcome: 'supported_with_conditions', votes: { support: 5, notSupport: 0, abstain: 1 } });
    await until(ctx, 'amira.hassan', `/bids/${reference}`, (b) => b.bid.state === 'ALLOCATION', 'allocation');
    expect((await call(ctx, 'sarah.collins', 'POST', '/meetings/ccpa-journey/close', {})).status).toBe(200);

    // Finance reads the trail, exports it as CSV and verifies every chain.
    const trail = await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/trail`);
    const actions: string[] = trail.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['bid.submitted', 'review.completed', 'scoring.completed', 'assembly.vote_cast', 'assembly.decision_recorded', 'assembly.decision_applied']));

    const csv = await ctx.api('claire.dawson', `/trail/export.csv?reference=${reference}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parse<Record<string, string>>(await csv.text(), { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(CSV_COLUMNS);
    expect(rows.map((r) => r.action)).toEqual(actions);
    expect(rows.every((r) => r.bid_reference === reference && r.bid_state_now === 'ALLOCATION')).toBe(true);
    const decision = rows.find((r) => r.action === 'assembly.decision_recorded')!;
    expect(JSON.parse(decision.payload_json!)).toMatchObject({ outcome: 'supported_with_conditions', votes: { support: 5 } });
    // The CSV carries the chain: each row's prev_hash is the hash of the row before.
    rows.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(rows[i]!.hash));

    expect((await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/trail/verify`)).body).toMatchObject({ valid: true, streams: 1, firstBroken: null });
    expect((await call(ctx, 'claire.dawson', 'GET', '/trail/verify')).body).toMatchObject({ valid: true, firstBroken: null });
    const totals = await call(ctx, 'claire.dawson', 'GET', '/finance/totals?financialYear=2026/27');
    expect(totals.body.years).toEqual([{ financialYear: '2026/27', supported: { recurrentPence: 8_000_000, nonRecurrentPence: 2_000_000, totalPence: 10_000_000, bids: 1 }, committed: { recurrentPence: 0, nonRecurrentPence: 0, totalPence: 0, bids: 0 } }]);
  });
});
