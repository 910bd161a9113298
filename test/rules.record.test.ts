// A stored score explained for finance (scoreRecord) and checked by running it again
// (verifyScore), with the shapes of both as they go in the OpenAPI document.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bid } from '../src/domain/bid.js';
import { canonicalScore, deriveFacts, loadRuleSet, scoreFacts, UnknownRuleSetError, type HubRatings, type ScoreResult } from '../src/rules/engine.js';
import { FACT_NAMES, scoringFactsSchema } from '../src/rules/facts.js';
import { ScoreRecordError, scoreRecord, scoreRecordSchema, scoreVerificationSchema, verifyScore } from '../src/rules/record.js';
import { validBid } from './helpers/fixtures.js';

const ID = 'nw-clinical-prioritisation';
const SCORED_ON = '2026-11-02';
const RATINGS: HubRatings = { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 };
const bid = (changes: Partial<Bid> = {}): Bid => ({ ...validBid(), reference: 'NW-2026-0042', ...changes });

/** A score as the scores table holds it: facts, result and canonical text, back from jsonb. */
async function stored(version = '1.0.0', changes: Partial<Bid> = {}, ratings: HubRatings = RATINGS) {
  const result = await scoreFacts(loadRuleSet(ID, version), deriveFacts(bid(changes), ratings, SCORED_ON));
  const fromJsonb = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return { facts: fromJsonb(result.facts), result: fromJsonb(result), canonical: canonicalScore(result), ruleSet: fromJsonb(result.ruleSet) };
}

describe('the record of a stored score', () => {
  // The worked example of rules.test.ts: every criterion applies, so the weights are their own
  // rescaled weights, Σ(weight × score) = 95 + 85 + 67.5 + 37.5 + 43 + 37 + 37 + 12.5 = 414.5.
  it('lays out the worked example: each criterion, its rules, the weighted sum, band, flags and route', async () => {
    const s = await stored();
    const record = scoreRecord(s);

    expect(record.ruleSet).toEqual(loadRuleSet(ID, '1.0.0').identity);
    expect(record.facts).toEqual(s.facts);
    expect(record.criteria.map((c) => [c.id, c.weight, c.score, c.rescaledWeight, c.weightedScore])).toEqual([
      ['health_gain', 20, 4.75, 20, 95],
      ['health_inequalities', 20, 4.25, 20, 85],
      ['strategic_fit', 15, 4.5, 15, 67.5],
      ['need', 10, 3.75, 10, 37.5],
      ['evidence_and_evaluation', 10, 4.3, 10, 43],
      ['quality_safety', 10, 3.7, 10, 37],
      ['deliverability', 10, 3.7, 10, 37],
      ['productivity', 5, 2.5, 5, 12.5],
    ]);
    expect(record.criteria[0]!.contributions).toEqual([
      { rule: 'health_gain.cost_per_qaly.under_20k', points: 1.5, reason: "Costs under £20,000 per QALY: good value by NICE's threshold" },
      { rule: 'health_gain.evidence_level.nice_guidance', points: 2.5, reason: 'Backed by NICE guidance' },
      { rule: 'health_gain.people_reached.from_1000', points: 0.75, reason: 'Reaches 1,000 to 4,999 people a year' },
    ]);
    expect(record.weighting).toEqual({
      totalWeight: 100,
      applicableWeight: 100,
      weightedSum: 414.5,
      maximum: 500,
      benefitScore: 82.9,
      explanation: 'Σ(weight × score) = 414.50 over 8 applicable criteria of 8; 414.50 / (5 × 100) × 100 = 82.90',
    });
    expect(record.band).toEqual({ id: 'high', label: 'High', advice: 'Advise support', from: 75 });
    expect(record.flags).toEqual({ mustFund: false, safetyEscalation: false, valueJustificationRequired: false, valueNoted: false });
    expect(record.flagReasons).toEqual([]);
    expect(record.delegation).toEqual({ route: 'finance_confirmation', rule: 'delegation.finance_confirmation', reason: expect.stringContaining('needs finance confirmation') });
    expect(record.firedRules).toEqual(s.result.firedRules);
    expect(scoreRecordSchema.parse(record)).toEqual(record);
  });

  // Evidence rated not applicable: the other seven weigh 90, so 20 becomes 20 / 90 × 100 = 22.22.
  // 414.5 - 43 = 371.5; 371.5 / 450 × 100 = 82.556, so 82.56.
  it('shows the rescaling when a criterion is left out', async () => {
    const record = scoreRecord(await stored('1.0.0', {}, { ...RATINGS, evidenceQuality: null }));
    expect(record.criteria.map((c) => [c.id, c.rescaledWeight])).toEqual([
      ['health_gain', 22.22],
      ['health_inequalities', 22.22],
      ['strategic_fit', 16.67],
      ['need', 11.11],
      ['evidence_and_evaluation', null],
      ['quality_safety', 11.11],
      ['deliverability', 11.11],
      ['productivity', 5.56],
    ]);
    expect(record.criteria[4]).toMatchObject({
      applicable: false,
      score: null,
      weightedScore: null,
      contributions: [],
      notApplicableBecause: [{ rule: 'evidence_and_evaluation.not_applicable', reason: 'The evaluation hub rated evidence quality not applicable' }],
    });
    expect(record.weighting).toMatchObject({ applicableWeight: 90, totalWeight: 100, weightedSum: 371.5, maximum: 450, benefitScore: 82.56 });
    expect(record.weighting.explanation).toBe('Σ(weight × score) = 371.50 over 7 applicable criteria of 8; 371.50 / (5 × 90) × 100 = 82.56');
  });

  it('shows a hard rule with its wording, and a declared not-applicable condition of 1.2.0', async () => {
    const record = scoreRecord(await stored('1.2.0', { peopleReachedPerYear: 0, costPerQalyPence: 3_600_000, riskOfNotFunding: { likelihood: 5, impact: 3 } }));
    expect(record.flagReasons).toEqual([
      { flag: 'safety_escalation', rule: 'flags.safety_escalation', reason: expect.stringContaining('the chair may act within 5 working days') },
      { flag: 'value_justification_required', rule: 'flags.value_justification_required', reason: expect.stringContaining('over £35,000 per QALY') },
    ]);
    expect(record.flags).toMatchObject({ safetyEscalation: true, valueJustificationRequired: true });
    expect(record.criteria.find((c) => c.id === 'productivity')).toMatchObject({
      applicable: false,
      rescaledWeight: null,
      notApplicableBecause: [{ rule: 'productivity.not_applicable.nobody_reached', reason: expect.stringContaining('Reaches nobody directly') }],
    });
    expect(record.weighting.applicableWeight).toBe(95);
  });

  it('refuses a record whose parts disagree', async () => {
    const s = await stored();
    expect(() => scoreRecord({ ...s, ruleSet: loadRuleSet(ID, '1.2.0').identity })).toThrow(ScoreRecordError);
    expect(() => scoreRecord({ ...s, ruleSet: { ...s.ruleSet, hash: '0'.repeat(64) } })).toThrow(/names rule set nw-clinical-prioritisation@1\.0\.0/);
    expect(() => scoreRecord({ ...s, facts: { ...s.facts, core20Percent: 83 } })).toThrow('the stored facts are not the facts the stored result records');
    const tampered: ScoreResult = { ...s.result, benefitScore: 92.9 };
    expect(() => scoreRecord({ ...s, result: tampered })).toThrow('the stored criteria give a benefit score of 82.90, but the stored score says 92.9');
  });

  it('agrees with its schema and its own arithmetic for any bid and any version', async () => {
    const ratingArb = fc.option(fc.integer({ min: 0, max: 500 }).map((h) => h / 100), { freq: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('1.0.0', '1.1.0', '1.2.0'),
        fc.record({ peopleReachedPerYear: fc.integer({ min: 0, max: 9000 }), core20Percent: fc.integer({ min: 0, max: 100 }), costPerQalyPence: fc.option(fc.integer({ min: 0, max: 6_000_000 })) }),
        fc.record({ evidenceQuality: ratingArb, deliverability: ratingArb, qualityAndSafety: ratingArb }),
        async (version, changes, ratings) => {
          const record = scoreRecord(await stored(version, changes, ratings));
          expect(scoreRecordSchema.safeParse(record).success).toBe(true);
          const counted = record.criteria.filter((c) => c.applicable);
          expect(counted.reduce((sum, c) => sum + c.weight, 0)).toBe(record.weighting.applicableWeight);
          // Rescaled weights are each rounded to hundredths, so they add up to 100 give or take.
          expect(Math.abs(counted.reduce((sum, c) => sum + c.rescaledWeight!, 0) - 100)).toBeLessThanOrEqual(0.005 * counted.length + 1e-9);
          expect(record.weighting.weightedSum).toBeCloseTo(counted.reduce((sum, c) => sum + c.weightedScore!, 0), 9);
          expect(Math.abs((record.weighting.weightedSum / record.weighting.maximum) * 100 - record.weighting.benefitScore)).toBeLessThanOrEqual(0.005 + 1e-9);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('verifying a stored score', () => {
  it('finds the bytes again for an honest score of each version', async () => {
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      const s = await stored(version);
      expect(await verifyScore(s.facts, s.canonical, ID, version)).toEqual({ match: true, firstDifference: null });
    }
  });

  it('names a corrupted fact, not the scores it moved', async () => {
    const s = await stored();
    const verdict = await verifyScore({ ...s.facts, core20Percent: 83 }, s.canonical, ID, '1.0.0');
    expect(verdict).toEqual({ match: false, firstDifference: { path: 'facts.core20Percent', recorded: 38, recomputed: 83 } });
    expect(scoreVerificationSchema.parse(verdict)).toEqual(verdict);
  });

  it('names a corrupted fact that no rule reads, which moves no score', async () => {
    const s = await stored();
    expect((await verifyScore({ ...s.facts, scoredOn: '2026-11-03' }, s.canonical, ID, '1.0.0')).firstDifference).toEqual({
      path: 'facts.scoredOn',
      recorded: '2026-11-02',
      recomputed: '2026-11-03',
    });
  });

  it('names a fact that is no longer valid, or has gone, and says why it could not be scored', async () => {
    const s = await stored();
    const invalid = await verifyScore({ ...s.facts, riskScore: 0 }, s.canonical, ID, '1.0.0');
    expect(invalid).toEqual({ match: false, firstDifference: { path: 'facts.riskScore', recorded: 12, recomputed: 0 }, error: expect.stringMatching(/scoring facts are invalid: riskScore/) });
    const { riskScore: _gone, ...rest } = s.facts;
    const missing = await verifyScore(rest, s.canonical, ID, '1.0.0');
    expect(missing).toEqual({ match: false, firstDifference: { path: 'facts.riskScore', recorded: 12 }, error: expect.stringContaining('riskScore') });
    expect(scoreVerificationSchema.parse(missing)).toEqual(missing);
  });

  it('names a tampered result', async () => {
    const s = await stored();
    const tampered = JSON.parse(s.canonical) as ScoreResult;
    tampered.criteria[1]!.score = 5;
    const verdict = await verifyScore(s.facts, JSON.stringify(tampered), ID, '1.0.0');
    expect(verdict.firstDifference).toEqual({ path: 'criteria[1].score', recorded: 5, recomputed: 4.25 });
  });

  it('names the rule set when the score is checked against another version', async () => {
    const s = await stored('1.0.0');
    const verdict = await verifyScore(s.facts, s.canonical, ID, '1.2.0');
    expect(verdict.firstDifference).toEqual({ path: 'ruleSet.hash', recorded: s.ruleSet.hash, recomputed: loadRuleSet(ID, '1.2.0').identity.hash });
  });

  it('tells a stored text that is the same document in other bytes from a different document', async () => {
    const s = await stored();
    const pretty = JSON.stringify(JSON.parse(s.canonical), null, 2);
    expect(await verifyScore(s.facts, pretty, ID, '1.0.0')).toEqual({ match: false, firstDifference: { path: '', recorded: pretty, recomputed: s.canonical } });
  });

  it('refuses an unknown rule set and a stored text that is not JSON', async () => {
    const s = await stored();
    await expect(verifyScore(s.facts, s.canonical, ID, '9.9.9')).rejects.toThrow(UnknownRuleSetError);
    await expect(verifyScore(s.facts, '{"band":', ID, '1.0.0')).rejects.toThrow(/the stored canonical score is not JSON/);
  });

  it('names whichever single fact was changed, for any fact and any new value', async () => {
    const s = await stored();
    const otherValue = (value: unknown) =>
      typeof value === 'boolean'
        ? fc.constant(!value)
        : typeof value === 'number'
          ? fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), fc.double({ min: 0, max: 100, noNaN: true })).filter((v) => v !== value)
          : fc.oneof(fc.constant(null), fc.string(), fc.constantFrom('pilot', 'system', '2027-04-02', 'none')).filter((v) => v !== value);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FACT_NAMES).chain((name) => fc.tuple(fc.constant(name), otherValue(s.facts[name]))),
        async ([name, value]) => {
          const verdict = await verifyScore({ ...s.facts, [name]: value }, s.canonical, ID, '1.0.0');
          expect(verdict.match).toBe(false);
          expect(verdict.firstDifference).toEqual({ path: `facts.${name}`, recorded: s.facts[name], recomputed: value });
          // Whether it could be scored again is exactly whether the changed facts are valid.
          expect(verdict.error === undefined).toBe(scoringFactsSchema.safeParse({ ...s.facts, [name]: value }).success);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the shapes in the OpenAPI document', () => {
  it('appear as named components, the facts with each of their fields', () => {
    const app = new OpenAPIHono();
    app.openapi(
      createRoute({
        method: 'get',
        path: '/scores/{eventId}/record',
        responses: {
          200: { description: 'The record', content: { 'application/json': { schema: scoreRecordSchema } } },
          409: { description: 'The check', content: { 'application/json': { schema: scoreVerificationSchema } } },
        },
      }),
      (c) => c.json({} as never, 200),
    );
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'test', version: '1' } });
    const schemas = doc.components!.schemas! as Record<string, { properties?: Record<string, { properties?: object; description?: string }> }>;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['ScoreRecord', 'ScoreVerification', 'ScoreRecordCriterion', 'RuleSetIdentity']));
    expect(Object.keys(schemas.ScoreRecord!.properties!.facts!.properties!)).toEqual(FACT_NAMES);
    expect(schemas.ScoreRecord!.properties!.facts!.description).toBe('The exact facts the rule set was given');
    expect(Object.keys(schemas.ScoreVerification!.properties!)).toEqual(['match', 'firstDifference', 'error']);
  });
});
