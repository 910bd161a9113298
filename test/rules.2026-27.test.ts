// Rule set 1.2.0, for 2026/27: NICE's £25,000 to £35,000 per QALY range, a health-inequalities
// score that keeps growing with the Core20 share, and criteria that say when they do not apply.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bid } from '../src/domain/bid.js';
import { deriveFacts, isDraft, loadRuleSet, scoreFacts, type HubRatings, type ScoreResult, type ScoringFacts } from '../src/rules/engine.js';
import { validBid } from './helpers/fixtures.js';

const ID = 'nw-clinical-prioritisation';
const ruleSet = loadRuleSet(ID, '1.2.0');
const previous = loadRuleSet(ID, '1.0.0');
const SCORED_ON = '2026-11-02';
const RATINGS: HubRatings = { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 };
const bid = (changes: Partial<Bid> = {}): Bid => ({ ...validBid(), reference: 'NW-2026-0042', ...changes });
const facts = (changes: Partial<ScoringFacts> = {}, ratings: HubRatings = RATINGS): ScoringFacts => ({ ...deriveFacts(bid(), ratings, SCORED_ON), ...changes });
const criterion = (result: ScoreResult, id: string) => result.criteria.find((c) => c.id === id)!;
const core20Points = async (core20Percent: number) =>
  criterion(await scoreFacts(ruleSet, facts({ core20Percent })), 'health_inequalities').contributions.find((c) => c.rule.includes('.core20_share.'))!.points;

describe('rule set 1.2.0', () => {
  it('is released for 2026/27 from 1 April 2026, beside 1.0.0, with 1.0.0\'s weights and bands', () => {
    expect(ruleSet.definition.effectiveFrom).toBe('2026-04-01');
    expect(isDraft(ruleSet.identity)).toBe(false);
    expect(ruleSet.definition.criteria.map((c) => [c.id, c.weight])).toEqual(previous.definition.criteria.map((c) => [c.id, c.weight]));
    expect(ruleSet.definition.bands).toEqual(previous.definition.bands);
    expect(ruleSet.definition.thresholds).toEqual({ ...previous.definition.thresholds, valueNotedFromPence: 2_500_000, valueJustificationAbovePence: 3_500_000 });
  });

  // The worked example of rules.test.ts under 1.2.0. Health inequalities: Core20 38% is 1.5
  // (30% to under 40%), two PLUS groups 1.0, one Core20PLUS5 area 0.75: 3.25 where 1.0.0 gave
  // 4.25, so 82.90 - 20 × 1.00 / 5 = 78.90. Everything else is as 1.0.0 scores it.
  it('scores the worked example 78.90, high, as 1.0.0 does but for health inequalities', async () => {
    const now = await scoreFacts(ruleSet, facts());
    const before = await scoreFacts(previous, facts());
    expect(criterion(now, 'health_inequalities').score).toBe(3.25);
    expect(now.benefitScore).toBe(78.9);
    expect(now.band.id).toBe('high');
    const others = (r: ScoreResult) => r.criteria.filter((c) => c.id !== 'health_inequalities').map((c) => [c.id, c.score]);
    expect(others(now)).toEqual(others(before));
    expect(now.delegation).toBe(before.delegation);
  });
});

describe("NICE's range of £25,000 to £35,000 per QALY", () => {
  it.each([
    { perQaly: 1_999_999, tier: 'under_25k', noted: false, justify: false },
    { perQaly: 2_000_000, tier: 'under_25k', noted: false, justify: false },
    { perQaly: 2_499_999, tier: 'under_25k', noted: false, justify: false },
    { perQaly: 2_500_000, tier: 'from_25k_to_35k', noted: true, justify: false },
    { perQaly: 3_000_001, tier: 'from_25k_to_35k', noted: true, justify: false },
    { perQaly: 3_500_000, tier: 'from_25k_to_35k', noted: true, justify: false },
    { perQaly: 3_500_001, tier: 'over_35k', noted: false, justify: true },
    { perQaly: null, tier: 'unknown', noted: false, justify: false },
  ])('at $perQaly pence a QALY scores $tier, notes value: $noted, needs a written justification: $justify', async ({ perQaly, tier, noted, justify }) => {
    const result = await scoreFacts(ruleSet, facts({ costPerQalyPence: perQaly }));
    expect(result.firedRules.filter((r) => r.startsWith('health_gain.cost_per_qaly.'))).toEqual([`health_gain.cost_per_qaly.${tier}`]);
    expect(result.flags.valueNoted).toBe(noted);
    expect(result.flags.valueJustificationRequired).toBe(justify);
  });

  it('no longer asks for a justification between £30,000 and £35,000, which 1.0.0 did', async () => {
    const at32k = facts({ costPerQalyPence: 3_200_000 });
    expect((await scoreFacts(previous, at32k)).flags).toMatchObject({ valueJustificationRequired: true, valueNoted: false });
    expect((await scoreFacts(ruleSet, at32k)).flags).toMatchObject({ valueJustificationRequired: false, valueNoted: true });
    expect((await scoreFacts(ruleSet, at32k)).flagReasons).toEqual([{ flag: 'value_noted', rule: 'flags.value_noted', reason: expect.stringContaining('£25,000 to £35,000') }]);
  });
});

describe('health inequalities against the population\'s 20%', () => {
  it.each([
    [0, 0],
    [9.99, 0],
    [10, 0.5],
    [19.99, 0.5],
    [20, 1],
    [29.99, 1],
    [30, 1.5],
    [40, 2],
    [49.99, 2],
    [50, 2.5],
    [59.99, 2.5],
    [60, 3],
    [100, 3],
  ])('gives a Core20 share of %s%% %s points', async (share, points) => {
    expect(await core20Points(share)).toBe(points);
  });

  it('scores a bid at twice the population\'s share above one at its share, and one at three times well above one at twice', async () => {
    const at = async (core20Percent: number) => scoreFacts(ruleSet, facts({ core20Percent }));
    const [at20, at40, at60] = [await at(20), await at(40), await at(60)];
    expect(criterion(at40, 'health_inequalities').score! - criterion(at20, 'health_inequalities').score!).toBe(1);
    expect(criterion(at60, 'health_inequalities').score! - criterion(at40, 'health_inequalities').score!).toBe(1);
    // A point of a criterion weighted 20 is 4 points of the benefit score.
    expect(Math.round((at60.benefitScore - at40.benefitScore) * 100) / 100).toBe(4);
    // 1.0.0 stopped at 40%: 40% and 60% scored the same.
    expect((await scoreFacts(previous, facts({ core20Percent: 60 }))).benefitScore).toBe((await scoreFacts(previous, facts({ core20Percent: 40 }))).benefitScore);
  });

  it('never scores a larger Core20 share lower, whatever else the bid is', async () => {
    const share = fc.integer({ min: 0, max: 10_000 }).map((h) => h / 100);
    await fc.assert(
      fc.asyncProperty(
        share,
        share,
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.option(fc.integer({ min: 0, max: 500 }).map((h) => h / 100)),
        async (a, b, plusGroupCount, core20plus5AreaCount, evidenceQuality) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const base = { plusGroupCount, core20plus5AreaCount };
          const ratings = { ...RATINGS, evidenceQuality };
          const lower = await scoreFacts(ruleSet, facts({ ...base, core20Percent: low }, ratings));
          const higher = await scoreFacts(ruleSet, facts({ ...base, core20Percent: high }, ratings));
          expect(criterion(higher, 'health_inequalities').score!).toBeGreaterThanOrEqual(criterion(lower, 'health_inequalities').score!);
          expect(higher.benefitScore).toBeGreaterThanOrEqual(lower.benefitScore);
          // And strictly higher once the shares are ten points apart, up to three times the population's share.
          if (Math.floor(Math.min(high, 60) / 10) > Math.floor(Math.min(low, 60) / 10)) {
            expect(criterion(higher, 'health_inequalities').score!).toBeGreaterThan(criterion(lower, 'health_inequalities').score!);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('states its scale in the rule set\'s own description', () => {
    expect(ruleSet.definition.description).toContain('0.5 points for every 10 percentage points of share');
    expect(ruleSet.definition.description).toContain('three times it (60%) 3');
    expect(ruleSet.definition.criteria.find((c) => c.id === 'health_inequalities')!.derivedFrom).toContain('three times the population');
  });
});

describe('criteria that do not apply', () => {
  it('leaves productivity out of a bid that reaches nobody, whatever its kind, and rescales the rest', async () => {
    for (const kind of ['new_service', 'disinvestment'] as const) {
      const result = await scoreFacts(ruleSet, deriveFacts(bid({ peopleReachedPerYear: 0, kind }), RATINGS, SCORED_ON));
      expect(criterion(result, 'productivity')).toMatchObject({
        applicable: false,
        score: null,
        contributions: [],
        notApplicableBecause: [{ rule: 'productivity.not_applicable.nobody_reached', reason: expect.stringContaining('Reaches nobody directly') }],
      });
      const applicable = result.criteria.filter((c) => c.applicable);
      expect(applicable.map((c) => c.weight).reduce((a, b) => a + b)).toBe(95);
      const mean = applicable.reduce((sum, c) => sum + c.weight * c.score!, 0) / 95;
      expect(result.benefitScore).toBe(Math.round((mean / 5) * 100 * 100) / 100);
    }
  });

  it('counts productivity for a bid that reaches one person', async () => {
    const result = await scoreFacts(ruleSet, deriveFacts(bid({ peopleReachedPerYear: 1 }), RATINGS, SCORED_ON));
    expect(criterion(result, 'productivity').applicable).toBe(true);
    expect(criterion(result, 'productivity').contributions.map((c) => c.rule)).toEqual(['productivity.cost_per_person.over_2000', 'productivity.kind.new_service']);
  });

  it('leaves out what the hub rated not applicable, as 1.0.0 did, under the declared names', async () => {
    const ratings = { evidenceQuality: null, deliverability: null, qualityAndSafety: 4 };
    const result = await scoreFacts(ruleSet, facts({}, ratings));
    const before = await scoreFacts(previous, facts({ core20Percent: 38 }, ratings));
    expect(result.criteria.filter((c) => !c.applicable).map((c) => c.notApplicableBecause)).toEqual([
      [{ rule: 'evidence_and_evaluation.not_applicable.not_rated', reason: 'The evaluation hub rated evidence quality not applicable' }],
      [{ rule: 'deliverability.not_applicable.not_rated', reason: 'The evaluation hub rated deliverability not applicable' }],
    ]);
    expect(before.criteria.filter((c) => !c.applicable).map((c) => c.id)).toEqual(['evidence_and_evaluation', 'deliverability']);
  });
});
