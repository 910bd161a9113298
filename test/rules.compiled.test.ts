// The compiled evaluator that scores bids must agree with json-rules-engine, the reference that
// every re-derivation runs, on every rule set: the same bytes, or the same refusal. The facts are
// random but meet every threshold a rule set names (its condition values, and a step either side),
// since that is where two evaluators would part.
import fc from 'fast-check';
import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { AMBITIONS, BID_KINDS, EVIDENCE_LEVELS, LEVELS, STATUTORY_MANDATES } from '../src/domain/vocabulary.js';
import { fireCompiled } from '../src/rules/compiled.js';
import { canonicalScore, listRuleSets, loadRuleSet, scoreFacts, type Evaluator, type LoadedRuleSet, type ScoringFacts } from '../src/rules/engine.js';
import type { Condition, RuleSetDefinition } from '../src/rules/ruleset.js';
import { engineRules } from '../src/rules/ruleset.js';

/** Every value a rule set compares each fact with. */
function thresholds(ruleSet: LoadedRuleSet): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const walk = (c: Condition) => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else out.set(c.fact, [...(out.get(c.fact) ?? []), ...(Array.isArray(c.value) ? c.value : [c.value])]);
  };
  for (const rule of engineRules(ruleSet.definition)) walk(rule.conditions);
  return out;
}

function factsArb(ruleSet: LoadedRuleSet): fc.Arbitrary<ScoringFacts> {
  const edges = thresholds(ruleSet);
  const near = (fact: string, step: number, min: number, max: number, whole: boolean): number[] =>
    (edges.get(fact) ?? [])
      .filter((v): v is number => typeof v === 'number')
      .flatMap((v) => [v - step, v, v + step])
      .map((v) => (whole ? Math.round(v) : Math.round(v * 100) / 100))
      .filter((v) => v >= min && v <= max);
  const num = (fact: string, min: number, max: number, whole = true, step = whole ? 1 : 0.01) => {
    const at = near(fact, step, min, max, whole);
    const any = whole ? fc.integer({ min, max }) : fc.integer({ min: min * 100, max: max * 100 }).map((h) => h / 100);
    return at.length ? fc.oneof(fc.constantFrom(...at), any) : any;
  };
  const pence = (fact: string) => num(fact, 0, 200_000_000);
  const rating = (fact: string) => fc.option(num(fact, 0, 5, false), { freq: 4 });
  return fc.record({
    scoredOn: fc.constant('2026-11-02'),
    startDate: fc.constant('2027-01-04'),
    daysToStart: num('daysToStart', -400, 1000),
    primaryAmbition: fc.constantFrom(...AMBITIONS),
    secondaryAmbitionCount: num('secondaryAmbitionCount', 0, 8),
    level: fc.constantFrom(...LEVELS),
    kind: fc.constantFrom(...BID_KINDS),
    evidenceLevel: fc.constantFrom(...EVIDENCE_LEVELS),
    costPerQalyPence: fc.option(pence('costPerQalyPence')),
    peopleReachedPerYear: num('peopleReachedPerYear', 0, 100_000),
    core20Percent: num('core20Percent', 0, 100, false),
    plusGroupCount: num('plusGroupCount', 0, 5),
    core20plus5AreaCount: num('core20plus5AreaCount', 0, 6),
    statutoryMandateType: fc.constantFrom(...STATUTORY_MANDATES),
    riskLikelihood: fc.integer({ min: 1, max: 5 }),
    riskImpact: fc.integer({ min: 1, max: 5 }),
    riskScore: num('riskScore', 1, 25),
    evaluationOutcomeMeasureCount: num('evaluationOutcomeMeasureCount', 0, 5),
    evaluationHasBaseline: fc.boolean(),
    evaluationHasMethod: fc.boolean(),
    workforceWte: num('workforceWte', 0, 100, false),
    costYears: num('costYears', 0, 6),
    recurrentPence: pence('recurrentPence'),
    nonRecurrentPence: pence('nonRecurrentPence'),
    totalPence: pence('totalPence'),
    averageAnnualCostPence: pence('averageAnnualCostPence'),
    costPerPersonPerYearPence: fc.option(pence('costPerPersonPerYearPence')),
    evidenceQualityRating: rating('evidenceQualityRating'),
    deliverabilityRating: rating('deliverabilityRating'),
    qualityAndSafetyRating: rating('qualityAndSafetyRating'),
  });
}

/** The canonical score, or the refusal's message: what a caller of either evaluator sees. */
async function outcome(ruleSet: LoadedRuleSet, facts: ScoringFacts, evaluator: Evaluator): Promise<string> {
  try {
    return canonicalScore(await scoreFacts(ruleSet, facts, { evaluator }));
  } catch (error) {
    return `refused: ${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('the compiled evaluator', () => {
  for (const { id, version } of listRuleSets()) {
    it(`scores exactly as json-rules-engine does with ${id}@${version}`, async () => {
      const ruleSet = loadRuleSet(id, version);
      let scored = 0;
      await fc.assert(
        fc.asyncProperty(factsArb(ruleSet), async (facts) => {
          const compiled = await outcome(ruleSet, facts, 'compiled');
          expect(compiled).toBe(await outcome(ruleSet, facts, 'json-rules-engine'));
          if (!compiled.startsWith('refused')) scored += 1;
        }),
        { numRuns: 400 },
      );
      // Most random facts must score, or the property would say little.
      expect(scored).toBeGreaterThan(200);
    });
  }

  it('fails a numeric comparison on a missing number, as json-rules-engine does, rather than comparing null', async () => {
    const rules = [
      { name: 'probe.below', conditions: { all: [{ fact: 'costPerQalyPence', operator: 'lessThan', value: 1 }] }, event: { type: 'flag', params: { flag: 'value_noted', reason: 'below' } } },
      { name: 'probe.not_above', conditions: { not: { fact: 'costPerQalyPence', operator: 'greaterThanInclusive', value: 1 } }, event: { type: 'flag', params: { flag: 'value_noted', reason: 'not above' } } },
    ];
    const definition = { criteria: [], rules } as unknown as RuleSetDefinition;
    const facts = { costPerQalyPence: null } as unknown as ScoringFacts;
    // null < 1 is true in JavaScript; json-rules-engine's number check makes it false, and so must we.
    const engine = new Engine(structuredClone(rules), { allowUndefinedFacts: false });
    const { results } = await engine.run({ ...facts });
    expect(results.map((r) => r.name)).toEqual(['probe.not_above']);
    expect(fireCompiled(definition, facts).map((f) => f.rule)).toEqual(['probe.not_above']);
  });

  it('refuses a fact the facts do not have, as the engine does with allowUndefinedFacts off', () => {
    const ruleSet = loadRuleSet('nw-clinical-prioritisation', '1.0.0');
    expect(() => fireCompiled(ruleSet.definition, {} as ScoringFacts)).toThrow(/Undefined fact/);
  });
});
