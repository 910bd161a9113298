// A bid's score record in the API (GET /bids/{reference}/score and /scores/{scoreId}) and its
// re-derivation (POST …/verify), on the real worker, server and database:
// scored as the workflow scores, tampered with as a database owner could.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scores } from '../src/db/schema.js';
import { loadRuleSet } from '../src/rules/engine.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { reviewToAssembly, smallBid, submit, waitForBid } from './helpers/lifecycle.js';

const ID = 'nw-clinical-prioritisation';
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

/** A bid from NNUH (amira.hassan's organisation), reviewed and scored. */
async function scoredBid(): Promise<string> {
  const reference = await submit(ctx, smallBid());
  await reviewToAssembly(ctx, reference);
  return reference;
}

const storedRow = async (reference: string) => {
  const [row] = await ctx.db.select().from(scores).where(eq(scores.reference, reference));
  return row!;
};

describe('GET /bids/{reference}/score', () => {
  it('explains the latest score from its record: rule set, facts, criteria with rules and wording, weighting, band, hard rules', async () => {
    const reference = await scoredBid();
    const row = await storedRow(reference);
    const { status, body } = await call(ctx, 'amira.hassan', 'GET', `/bids/${reference}/score`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ reference, scoreId: 'score1', eventId: `bid-${reference}#score1`, current: true });
    expect(body.ruleSet).toEqual(loadRuleSet(ID, '1.2.0').identity);
    expect(body.facts).toEqual(row.facts);
    expect(body.facts.scoredOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.criteria).toHaveLength(8);
    for (const c of body.criteria) {
      expect(c).toEqual(expect.objectContaining({ id: expect.any(String), label: expect.any(String), weight: expect.any(Number), applicable: expect.any(Boolean) }));
      if (c.applicable) {
        expect(c.score).toBeGreaterThanOrEqual(0);
        expect(c.contributions.length + c.notApplicableBecause.length).toBeGreaterThan(0);
        for (const x of c.contributions) expect(x.reason.length).toBeGreaterThan(3);
      } else {
        expect(c.score).toBeNull();
        expect(c.notApplicableBecause[0].reason.length).toBeGreaterThan(3);
      }
    }
    expect(body.weighting.benefitScore).toBe(row.benefitScore);
    expect(body.weighting.explanation).toContain('Σ(weight × score)');
    expect(body.band.id).toBe(row.band);
    expect(body.flags).toEqual({ mustFund: false, safetyEscalation: false, valueJustificationRequired: false, valueNoted: false });
    expect(body.delegation).toEqual({ route: 'assembly', rule: expect.any(String), reason: expect.any(String) });
    expect(body.firedRules.length).toBeGreaterThan(5);
    expect(body.scores).toEqual([{ scoreId: 'score1', scoredAt: body.scoredAt, ruleSet: body.ruleSet, benefitScore: row.benefitScore, band: row.band, current: true }]);

    // The same score by its id; and the Assembly and finance see it too.
    expect((await call(ctx, 'amira.hassan', 'GET', `/bids/${reference}/scores/score1`)).body).toEqual(body);
    expect((await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/score`)).body).toEqual(body);
    expect((await call(ctx, 'james.lee', 'GET', `/bids/${reference}/score`)).status).toBe(200);
  }, 60_000);

  it('keeps each earlier score after a re-score, readable by its id', async () => {
    const reference = await scoredBid();
    const rescore = await call(ctx, 'ian.thompson', 'POST', `/bids/${reference}/rescore`, { ruleSet: { id: ID, version: '1.0.0' }, reason: 'Compare with last year' });
    expect(rescore.status).toBe(200);
    await waitForBid(ctx, reference, (b) => b.score?.ruleSet.version === '1.0.0', 'the re-score');

    const latest = (await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/score`)).body;
    expect(latest).toMatchObject({ scoreId: 'score2', current: true, ruleSet: loadRuleSet(ID, '1.0.0').identity });
    expect(latest.scores.map((s: { scoreId: string; current: boolean }) => [s.scoreId, s.current])).toEqual([
      ['score2', true],
      ['score1', false],
    ]);
    const earlier = await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/scores/score1`);
    expect(earlier.status).toBe(200);
    expect(earlier.body).toMatchObject({ scoreId: 'score1', current: false, ruleSet: loadRuleSet(ID, '1.2.0').identity });

    // Each is verified against its own rule set version.
    for (const id of ['score1', 'score2']) {
      const verdict = await call(ctx, 'claire.dawson', 'POST', `/bids/${reference}/scores/${id}/verify`);
      expect(verdict.status).toBe(200);
      expect(verdict.body).toMatchObject({ scoreId: id, match: true, differences: [] });
    }
  }, 90_000);

  it('refuses those who may not see the bid, a bid not yet scored and a score it does not have', async () => {
    const reference = await scoredBid();
    const hidden = await call(ctx, 'grace.okafor', 'GET', `/bids/${reference}/score`);
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.details).toEqual({ rule: 'visibility' });
    expect((await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/scores/score7`)).status).toBe(404);
    expect((await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/scores/latest`)).status).toBe(400);
    expect((await call(ctx, 'claire.dawson', 'GET', `/bids/${ctx.reference()}/score`)).status).toBe(404);

    const unscored = await submit(ctx, smallBid());
    await waitForBid(ctx, unscored, (b) => b.state === 'HUB_REVIEW', 'hub review');
    const none = await call(ctx, 'amira.hassan', 'GET', `/bids/${unscored}/score`);
    expect(none.status).toBe(404);
    expect(none.body.error.message).toBe(`Bid ${unscored} has not been scored yet`);
  }, 60_000);

  it('is in the OpenAPI document, with examples', async () => {
    const doc = (await call(ctx, null, 'GET', '/openapi.json')).body;
    for (const path of ['/bids/{reference}/score', '/bids/{reference}/scores/{scoreId}', '/bids/{reference}/score/verify', '/bids/{reference}/scores/{scoreId}/verify']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/bids/{reference}/score'].get.responses['200'].content['application/json'].example.scoreId).toBe('score1');
    expect(Object.keys(doc.paths['/bids/{reference}/score/verify'].post.responses['200'].content['application/json'].examples)).toEqual(['match', 'tampered']);
    expect(doc.components.schemas.BidScore.allOf[0]).toEqual({ $ref: '#/components/schemas/ScoreRecord' });
    expect(Object.keys(doc.components.schemas.ScoreRecord.properties)).toEqual(expect.arrayContaining(['ruleSet', 'facts', 'criteria', 'weighting', 'band', 'flags', 'delegation']));
    expect(doc.components.schemas.ScoreVerdict.properties.differences).toBeDefined();
  });
});

describe('POST /bids/{reference}/score/verify', () => {
  it('re-derives the recorded score for finance and the admin, and no one else', async () => {
    const reference = await scoredBid();
    const verdict = await call(ctx, 'claire.dawson', 'POST', `/bids/${reference}/score/verify`);
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({
      reference,
      scoreId: 'score1',
      match: true,
      rederivation: { match: true, firstDifference: null },
      differences: [],
      trail: { valid: true, brokenAt: null },
    });
    expect(verdict.body.trail.scoringEventSeq).toBeGreaterThan(1);
    expect((await call(ctx, 'ian.thompson', 'POST', `/bids/${reference}/score/verify`)).body.match).toBe(true);
    for (const who of ['amira.hassan', 'priya.shah', 'sarah.collins']) {
      const refused = await call(ctx, who, 'POST', `/bids/${reference}/score/verify`);
      expect(refused.status, who).toBe(403);
      expect(refused.body.error.details).toEqual({ rule: 'role' });
    }
  }, 60_000);

  it('names a recorded fact changed after scoring, and GET refuses to explain the record', async () => {
    const reference = await scoredBid();
    const row = await storedRow(reference);
    const was = (row.facts as { core20Percent: number }).core20Percent;
    await ctx.db.execute(sql`update scores set facts = jsonb_set(facts, '{core20Percent}', ${String(was + 40)}::jsonb) where event_id = ${row.eventId}`);

    const verdict = (await call(ctx, 'claire.dawson', 'POST', `/bids/${reference}/score/verify`)).body;
    expect(verdict.match).toBe(false);
    expect(verdict.rederivation.firstDifference).toEqual({ path: 'facts.core20Percent', recorded: was, recomputed: was + 40 });
    expect(verdict.differences.map((d: { check: string; path: string }) => [d.check, d.path])).toEqual([
      ['rederivation', 'facts.core20Percent'],
      ['facts_from_bid', 'facts.core20Percent'],
    ]);
    const explained = await call(ctx, 'claire.dawson', 'GET', `/bids/${reference}/score`);
    expect(explained.status).toBe(409);
    expect(explained.body.error.code).toBe('score_inconsistent');
  }, 60_000);

  it('catches a score recomputed end to end from a changed fact, by the bid and by its trail', async () => {
    const reference = await scoredBid();
    const row = await storedRow(reference);
    // A database owner rescoring with core20Percent raised: facts, result, canonical bytes and
    // columns all consistent with each other, so re-running the rule set agrees with them.
    const { scoreFacts, canonicalScore } = await import('../src/rules/engine.js');
    const facts = { ...(row.facts as Record<string, unknown>), core20Percent: 95 };
    const forged = await scoreFacts(loadRuleSet(row.ruleSetId, row.ruleSetVersion), facts as never);
    expect(forged.benefitScore).not.toBe(row.benefitScore);
    await ctx.db
      .update(scores)
      .set({ facts: forged.facts, result: forged, canonical: canonicalScore(forged), benefitScore: forged.benefitScore, band: forged.band.id })
      .where(and(eq(scores.eventId, row.eventId)));

    const verdict = (await call(ctx, 'claire.dawson', 'POST', `/bids/${reference}/score/verify`)).body;
    expect(verdict.match).toBe(false);
    expect(verdict.rederivation.match).toBe(true);
    const checks = verdict.differences.map((d: { check: string; path: string }) => [d.check, d.path]);
    expect(checks).toContainEqual(['facts_from_bid', 'facts.core20Percent']);
    expect(checks).toContainEqual(['trail', `trail[${verdict.trail.scoringEventSeq}].payload.benefitScore`]);
    const trailed = verdict.differences.find((d: { check: string }) => d.check === 'trail');
    expect(trailed).toMatchObject({ recorded: row.benefitScore, recomputed: forged.benefitScore });
  }, 60_000);

  it('names a stored result edited apart from the engine’s bytes', async () => {
    const reference = await scoredBid();
    const row = await storedRow(reference);
    await ctx.db.execute(sql`update scores set result = jsonb_set(result, '{benefitScore}', '99'::jsonb), benefit_score = 99 where event_id = ${row.eventId}`);
    const verdict = (await call(ctx, 'claire.dawson', 'POST', `/bids/${reference}/score/verify`)).body;
    expect(verdict.differences.map((d: { check: string; path: string }) => [d.check, d.path])).toEqual([
      ['stored_result', 'benefitScore'],
      ['columns', 'benefit_score'],
    ]);
    expect(verdict.differences[0]).toMatchObject({ recorded: 99, recomputed: row.benefitScore });
  }, 60_000);
});
