// "Not applicable" as data: each criterion of a rule set may say when it does not apply, from
// the bid's facts or the hub's ratings; it is then left out and the other weights rescaled,
// never scored zero. Rule sets written before this (not_applicable rules) load and score as ever.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canonicalScore,
  deriveFacts,
  engineRules,
  loadRuleSet,
  parseRuleSet,
  RuleSetError,
  scoreFacts,
  type HubRatings,
  type ScoreResult,
  type ScoringFacts,
} from '../src/rules/engine.js';
import { validBid } from './helpers/fixtures.js';

const ID = 'nw-clinical-prioritisation';
type Raw = Record<string, unknown> & { criteria: Record<string, unknown>[]; rules: { name: string; event: { type: string; params: Record<string, unknown> } }[] };
const raw100 = (): Raw => JSON.parse(readFileSync(new URL(`../src/rules/rulesets/${ID}@1.0.0.json`, import.meta.url), 'utf8'));
const SCORED_ON = '2026-11-02';
const RATINGS: HubRatings = { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 };
const bid = { ...validBid(), reference: 'NW-2026-0042' };
const facts = (changes: Partial<ScoringFacts> = {}, ratings: HubRatings = RATINGS): ScoringFacts => ({ ...deriveFacts(bid, ratings, SCORED_ON), ...changes });
const criterion = (result: ScoreResult, id: string) => result.criteria.find((c) => c.id === id)!;

/** 1.0.0 with declared not-applicable conditions added to some criteria. */
function withDeclared(declared: Record<string, unknown[]>, change: (raw: Raw) => void = () => {}) {
  const raw = raw100();
  raw.criteria = raw.criteria.map((c) => (declared[c.id as string] ? { ...c, notApplicableWhen: declared[c.id as string] } : c));
  change(raw);
  return parseRuleSet(raw, 'the test rule set');
}
const nobodyReached = {
  id: 'nobody_reached',
  conditions: { all: [{ fact: 'peopleReachedPerYear', operator: 'equal', value: 0 }] },
  reason: 'Reaches nobody directly, so it has no cost per person',
};
const always = { id: 'always', conditions: { all: [{ fact: 'riskScore', operator: 'greaterThanInclusive', value: 1 }] }, reason: 'Never applies' };

/** Σ(weight × score) / Σ(applicable weight), as a benefit score 0 to 100 to two places, halves up. */
function rescaled(result: ScoreResult): number {
  const applicable = result.criteria.filter((c) => c.applicable);
  const weighted = applicable.reduce((sum, c) => sum + c.weight * Math.round(c.score! * 100), 0);
  const weight = applicable.reduce((sum, c) => sum + c.weight, 0);
  return Math.floor((2 * weighted * 20 + weight) / (2 * weight)) / 100;
}

describe('a not-applicable condition declared on a criterion', () => {
  it('leaves the criterion out when the bid reaches nobody, names why, and rescales the rest', async () => {
    const ruleSet = withDeclared({ productivity: [nobodyReached] });
    const result = await scoreFacts(ruleSet, facts({ peopleReachedPerYear: 0, costPerPersonPerYearPence: null }));

    expect(criterion(result, 'productivity')).toEqual({
      id: 'productivity',
      label: 'Productivity and financial return',
      weight: 5,
      applicable: false,
      score: null,
      contributions: [],
      notApplicableBecause: [{ rule: 'productivity.not_applicable.nobody_reached', reason: 'Reaches nobody directly, so it has no cost per person' }],
    });
    expect(result.firedRules).toContain('productivity.not_applicable.nobody_reached');
    expect(result.criteria.filter((c) => c.applicable)).toHaveLength(7);
    expect(result.benefitScore).toBe(rescaled(result));
  });

  it('lets the criterion count as usual when its condition does not hold', async () => {
    const declared = await scoreFacts(withDeclared({ productivity: [nobodyReached] }), facts());
    const plain = await scoreFacts(loadRuleSet(ID, '1.0.0'), facts());
    expect(criterion(declared, 'productivity')).toEqual(criterion(plain, 'productivity'));
    expect(declared.benefitScore).toBe(plain.benefitScore);
    expect(declared.firedRules).toEqual(plain.firedRules);
  });

  it('is not the same as scoring the criterion zero', async () => {
    const nobody = facts({ peopleReachedPerYear: 0, costPerPersonPerYearPence: null });
    const declared = await scoreFacts(withDeclared({ productivity: [nobodyReached] }), nobody);
    // 1.0.0 scores the cost per person of a bid that reaches nobody zero and keeps the weight.
    const zeroed = await scoreFacts(loadRuleSet(ID, '1.0.0'), nobody);
    expect(criterion(zeroed, 'productivity')).toMatchObject({ applicable: true, score: 0.75 });
    const others = declared.criteria.filter((c) => c.applicable);
    const asIfZero = others.reduce((sum, c) => sum + (c.weight * c.score!) / 5, 0);
    expect(declared.benefitScore).toBeGreaterThan(Math.round(asIfZero * 100) / 100);
    expect(declared.benefitScore).toBe(rescaled(declared));
  });

  it('may be declared on any criterion', async () => {
    const all = raw100().criteria.map((c) => c.id as string);
    for (const id of all) {
      const result = await scoreFacts(withDeclared({ [id]: [always] }), facts());
      expect(result.criteria.filter((c) => !c.applicable).map((c) => c.id)).toEqual([id]);
      expect(criterion(result, id).notApplicableBecause).toEqual([{ rule: `${id}.not_applicable.always`, reason: 'Never applies' }]);
      expect(result.benefitScore).toBe(rescaled(result));
    }
  });

  it('decides from the hub ratings exactly as 1.0.0\'s not_applicable rules do', async () => {
    // 1.0.0's three not_applicable rules, said instead as declared conditions.
    const hubNotApplicable = (fact: string, what: string) => [
      { id: 'not_rated', conditions: { all: [{ fact, operator: 'equal', value: null }] }, reason: `The evaluation hub rated ${what} not applicable` },
    ];
    const declared = withDeclared(
      {
        evidence_and_evaluation: hubNotApplicable('evidenceQualityRating', 'evidence quality'),
        quality_safety: hubNotApplicable('qualityAndSafetyRating', 'quality and safety'),
        deliverability: hubNotApplicable('deliverabilityRating', 'deliverability'),
      },
      (raw) => {
        raw.rules = raw.rules.filter((r) => r.event.type !== 'not_applicable');
      },
    );
    const strip = (r: ScoreResult) => ({
      benefitScore: r.benefitScore,
      band: r.band,
      criteria: r.criteria.map((c) => ({ ...c, notApplicableBecause: c.notApplicableBecause.map((n) => n.reason) })),
      firedRules: r.firedRules.filter((n) => !n.includes('.not_applicable')),
    });
    for (const mask of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const ratings: HubRatings = {
        evidenceQuality: mask & 1 ? null : 4,
        deliverability: mask & 2 ? null : 3.5,
        qualityAndSafety: mask & 4 ? null : 4,
      };
      const f = deriveFacts(bid, ratings, SCORED_ON);
      expect(strip(await scoreFacts(declared, f))).toEqual(strip(await scoreFacts(loadRuleSet(ID, '1.0.0'), f)));
    }
  });

  it('lists every reason that holds, a not_applicable rule\'s among them, by rule name', async () => {
    const ruleSet = withDeclared({
      evidence_and_evaluation: [
        { id: 'pilot', conditions: { all: [{ fact: 'kind', operator: 'equal', value: 'pilot' }] }, reason: 'A pilot is its own evaluation' },
        { id: 'any_risk', conditions: { any: [{ fact: 'riskScore', operator: 'greaterThan', value: 0 }] }, reason: 'Test reason' },
      ],
    });
    const result = await scoreFacts(ruleSet, facts({ kind: 'pilot' }, { ...RATINGS, evidenceQuality: null }));
    expect(criterion(result, 'evidence_and_evaluation').notApplicableBecause.map((n) => n.rule)).toEqual([
      'evidence_and_evaluation.not_applicable',
      'evidence_and_evaluation.not_applicable.any_risk',
      'evidence_and_evaluation.not_applicable.pilot',
    ]);
  });

  it('refuses to score when every criterion is declared not applicable', async () => {
    const everything = Object.fromEntries(raw100().criteria.map((c) => [c.id as string, [always]]));
    await expect(scoreFacts(withDeclared(everything), facts())).rejects.toThrow(/no criterion is applicable/);
  });
});

describe('rule sets without declared conditions', () => {
  it('run exactly their own rules', () => {
    const { definition } = loadRuleSet(ID, '1.0.0');
    expect(definition.criteria.some((c) => c.notApplicableWhen)).toBe(false);
    expect(engineRules(definition)).toEqual(definition.rules);
  });

  it('score as before: declaring nothing changes no byte', async () => {
    const plain = loadRuleSet(ID, '1.0.0');
    const reparsed = parseRuleSet(raw100());
    expect(reparsed.identity).toEqual(plain.identity);
    for (const ratings of [RATINGS, { evidenceQuality: null, deliverability: null, qualityAndSafety: 2 }]) {
      const f = deriveFacts(bid, ratings, SCORED_ON);
      expect(canonicalScore(await scoreFacts(reparsed, f))).toBe(canonicalScore(await scoreFacts(plain, f)));
    }
  });
});

describe('the schema of a declared condition', () => {
  const productivity = 7;
  it.each([
    [
      'two conditions with one id',
      { productivity: [nobodyReached, { ...always, id: 'nobody_reached' }] },
      () => {},
      `criteria[${productivity}].notApplicableWhen[1].id: repeats nobody_reached for criterion productivity`,
    ],
    [
      'a rule with the name a condition fires under',
      { productivity: [nobodyReached] },
      (raw: Raw) => {
        raw.rules[0]!.name = 'productivity.not_applicable.nobody_reached';
      },
      `rules[0].name: is the name of a criterion's not-applicable condition: productivity.not_applicable.nobody_reached`,
    ],
    [
      'a condition on a fact that scoring does not record',
      { productivity: [{ ...nobodyReached, conditions: { all: [{ fact: 'peopleReached', operator: 'equal', value: 0 }] } }] },
      () => {},
      `criteria[${productivity}].notApplicableWhen[0].conditions.all[0].fact: must be one of:`,
    ],
    [
      'a bare fact condition at the top',
      { productivity: [{ ...nobodyReached, conditions: { fact: 'peopleReachedPerYear', operator: 'equal', value: 0 } }] },
      () => {},
      `criteria[${productivity}].notApplicableWhen[0].conditions: must be all, any or not at the top of a rule`,
    ],
    ['no reason', { productivity: [{ id: 'x', conditions: always.conditions }] }, () => {}, `criteria[${productivity}].notApplicableWhen[0].reason:`],
    ['an empty list', { productivity: [] }, () => {}, `criteria[${productivity}].notApplicableWhen:`],
    ['an id that is not snake_case', { productivity: [{ ...always, id: 'Nobody' }] }, () => {}, `criteria[${productivity}].notApplicableWhen[0].id: must be snake_case`],
  ])('refuses %s, naming where it is', (_, declared, change, message) => {
    expect(() => withDeclared(declared as Record<string, unknown[]>, change)).toThrow(RuleSetError);
    expect(() => withDeclared(declared as Record<string, unknown[]>, change)).toThrow(`the test rule set is invalid: ${message}`);
  });
});
