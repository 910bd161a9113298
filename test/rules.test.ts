// Rules-based clinical scoring: a worked example end to end, the hard rules and the scheme of
// delegation at their edges, N/A rescaling, bands, reproducibility and the rule set as data.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { bidSubmissionSchema, type Bid } from '../src/domain/bid.js';
import {
  canonicalScore,
  defaultRuleSet,
  isDraft,
  deriveFacts,
  listRuleSets,
  loadRuleSet,
  parseRuleSet,
  RuleSetError,
  scoreFacts,
  UnknownRuleSetError,
  type HubRatings,
  type LoadedRuleSet,
  type RuleSetDefinition,
  type ScoreResult,
  type ScoringFacts,
} from '../src/rules/engine.js';
import type { Condition, FactCondition } from '../src/rules/ruleset.js';

const ID = 'nw-clinical-prioritisation';
const RULE_SET_FILE = new URL(`../src/rules/rulesets/${ID}@1.0.0.json`, import.meta.url);
const rawRuleSet = (): Record<string, unknown> & { rules: Record<string, unknown>[] } =>
  JSON.parse(readFileSync(RULE_SET_FILE, 'utf8'));

/** The README's example bid, held here so an edit to the example cannot move these numbers. */
const WORKED_EXAMPLE: Bid = {
  ...bidSubmissionSchema.parse({
    title: 'Maternity-led stop smoking service for pregnant women and people',
    summary: 'A tobacco dependence service led by maternity teams across the three acute trusts, with opt-out referral at booking.',
    leadOrganisation: 'NNUH',
    partnerOrganisations: ['QEH', 'JPUH'],
    primaryAmbition: 'population_health_and_prevention',
    secondaryAmbitions: ['babies_children_young_people_and_maternity'],
    level: 'system',
    places: ['norwich', 'west_norfolk', 'great_yarmouth_and_waveney'],
    kind: 'new_service',
    costs: [
      { financialYear: '2026/27', recurrentPence: 18_000_000, nonRecurrentPence: 2_500_000 },
      { financialYear: '2027/28', recurrentPence: 18_500_000, nonRecurrentPence: 0 },
    ],
    peopleReachedPerYear: 1400,
    core20Percent: 38,
    plusGroups: ['pregnant smokers', 'people experiencing homelessness'],
    core20plus5Areas: ['maternity'],
    evidenceLevel: 'nice_guidance',
    costPerQalyPence: 950_000,
    statutoryMandate: { type: 'none' },
    riskOfNotFunding: { likelihood: 3, impact: 4 },
    evaluationPlan: {
      outcomeMeasures: ['smoking at time of delivery', 'quit rate at 4 weeks'],
      baselineData: 'Smoking at time of delivery by trust, 2024/25',
      method: 'Interrupted time series against the 24 months before launch',
    },
    workforceWte: 9.5,
    startDate: '2027-04-01',
  }),
  reference: 'NW-2026-0042',
};
const RATINGS: HubRatings = { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 };
const SCORED_ON = '2026-11-02';

const ruleSet = () => loadRuleSet(ID, '1.0.0');
const bid = (changes: Partial<Bid> = {}): Bid => ({ ...structuredClone(WORKED_EXAMPLE), ...changes });
const score = (changes: Partial<Bid> = {}, ratings: HubRatings = RATINGS, scoredOn = SCORED_ON) =>
  scoreFacts(ruleSet(), deriveFacts(bid(changes), ratings, scoredOn));
const facts = (changes: Partial<ScoringFacts> = {}): ScoringFacts => ({ ...deriveFacts(bid(), RATINGS, SCORED_ON), ...changes });
const criterion = (result: ScoreResult, id: string) => result.criteria.find((c) => c.id === id)!;
const costing = (totalPence: number): Partial<Bid> => ({
  costs: [{ financialYear: '2026/27', recurrentPence: totalPence, nonRecurrentPence: 0 }],
});

/** Every fact condition inside a rule's conditions, however deeply nested. */
function leaves(condition: Condition): FactCondition[] {
  if ('fact' in condition) return [condition];
  if ('not' in condition) return leaves(condition.not);
  return ('all' in condition ? condition.all : condition.any).flatMap(leaves);
}
const ruleFor = (definition: RuleSetDefinition, match: (params: Record<string, unknown>) => boolean) => {
  const found = definition.rules.filter((r) => match(r.event.params as Record<string, unknown>));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('the worked example', () => {
  // A maternity-led stop-smoking service, scored on 2 November 2026 with the hub's ratings
  // evidence quality 4, deliverability 3.5 (two evaluators' 3 and 4), quality and safety 4.
  //
  // criterion                weight  components                                              score  weight × score / 5
  // health_gain                20    NICE guidance 2.5 + £9,500 a QALY 1.5 + 1,400 people 0.75   4.75   19.00
  // health_inequalities        20    Core20 38% 2.0 + two PLUS groups 1.25 + one area 1.0       4.25   17.00
  // strategic_fit              15    primary ambition 2.5 + one secondary 1.0 + system 1.0      4.50   13.50
  // need                       10    risk 3 × 4 = 12 2.25 + 1,400 people 1.5                    3.75    7.50
  // evidence_and_evaluation    10    rating 4 × 0.7 = 2.8 + complete plan 1.5                   4.30    8.60
  // quality_safety             10    rating 4 × 0.8 = 3.2 + risk 12 0.5                         3.70    7.40
  // deliverability             10    rating 3.5 × 0.7 = 2.45 + 9.5 WTE 0.5 + 150 days 0.75      3.70    7.40
  // productivity                5    new service 0.75 + £139.29 a person 1.75                   2.50    2.50
  //                           100                                                                    82.90 / 100 × 100 = 82.90: high
  //
  // Cost per person a year: £390,000 over two years is £195,000 a year; / 1,400 = £139.2857, so
  // 13,929p. £390,000 in total needs finance confirmation. £9,500 a QALY and risk 12 raise no flag.
  it('scores 82.90, high, routed to finance confirmation with no flags', async () => {
    const result = await score();

    expect(result.criteria.map((c) => [c.id, c.weight, c.score])).toEqual([
      ['health_gain', 20, 4.75],
      ['health_inequalities', 20, 4.25],
      ['strategic_fit', 15, 4.5],
      ['need', 10, 3.75],
      ['evidence_and_evaluation', 10, 4.3],
      ['quality_safety', 10, 3.7],
      ['deliverability', 10, 3.7],
      ['productivity', 5, 2.5],
    ]);
    expect(result.benefitScore).toBe(82.9);
    expect(result.band).toEqual({ id: 'high', label: 'High', advice: 'Advise support' });
    expect(result.delegation).toBe('finance_confirmation');
    expect(result.flags).toEqual({ mustFund: false, safetyEscalation: false, valueJustificationRequired: false, valueNoted: false });
    expect(result.ruleSet).toEqual(ruleSet().identity);
  });

  it('explains each criterion by the rules that fired and their points', async () => {
    const result = await score();

    expect(criterion(result, 'deliverability').contributions).toEqual([
      { rule: 'deliverability.hub_rating.rated', points: 2.45, reason: expect.stringContaining('rating of deliverability') },
      { rule: 'deliverability.lead_time.from_90_days', points: 0.75, reason: expect.any(String) },
      { rule: 'deliverability.workforce.up_to_20_wte', points: 0.5, reason: expect.any(String) },
    ]);
    expect(result.firedRules).toEqual([...result.firedRules].sort());
    expect(result.firedRules).toHaveLength(21);
    expect(result.firedRules).toContain('delegation.finance_confirmation');
  });

  it('records the derived numbers the rules read', () => {
    expect(deriveFacts(bid(), RATINGS, SCORED_ON)).toMatchObject({
      daysToStart: 150,
      riskScore: 12,
      costYears: 2,
      recurrentPence: 36_500_000,
      nonRecurrentPence: 2_500_000,
      totalPence: 39_000_000,
      averageAnnualCostPence: 19_500_000,
      costPerPersonPerYearPence: 13_929,
      secondaryAmbitionCount: 1,
      plusGroupCount: 2,
      core20plus5AreaCount: 1,
      evaluationOutcomeMeasureCount: 2,
      evaluationHasBaseline: true,
      evaluationHasMethod: true,
      evidenceQualityRating: 4,
      deliverabilityRating: 3.5,
      qualityAndSafetyRating: 4,
    });
  });
});

describe('the hard rules', () => {
  it('makes a bid with a statutory mandate must-fund, and one without it not', async () => {
    const mandated = await score({ statutoryMandate: { type: 'legal_duty', reference: 'Children and Families Act 2014, s.42' } });
    expect(mandated.flags.mustFund).toBe(true);
    expect(mandated.flagReasons).toEqual([{ flag: 'must_fund', rule: 'flags.must_fund', reason: expect.stringContaining('statutory mandate') }]);
    expect((await score()).flags.mustFund).toBe(false);
  });

  it('raises a safety escalation at a risk of exactly 15 and not at 12, the largest product below it', async () => {
    expect((await score({ riskOfNotFunding: { likelihood: 3, impact: 5 } })).flags.safetyEscalation).toBe(true);
    expect((await score({ riskOfNotFunding: { likelihood: 4, impact: 3 } })).flags.safetyEscalation).toBe(false);
  });

  it('does not escalate at a risk score of 14', async () => {
    // No bid can score 14 (it is not a product of two scores from 1 to 5), so the rule's edge is probed on the facts.
    expect((await scoreFacts(ruleSet(), facts({ riskScore: 14 }))).flags.safetyEscalation).toBe(false);
    expect((await scoreFacts(ruleSet(), facts({ riskScore: 15 }))).flags.safetyEscalation).toBe(true);
  });

  it.each([
    { perQaly: 1_999_999, noted: false, justify: false },
    { perQaly: 2_000_000, noted: true, justify: false },
    { perQaly: 3_000_000, noted: true, justify: false },
    { perQaly: 3_000_001, noted: false, justify: true },
    { perQaly: null, noted: false, justify: false },
  ])('at $perQaly pence a QALY notes value: $noted, needs a written justification: $justify', async ({ perQaly, noted, justify }) => {
    const result = await score({ costPerQalyPence: perQaly });
    expect(result.flags.valueNoted).toBe(noted);
    expect(result.flags.valueJustificationRequired).toBe(justify);
  });
});

describe('the scheme of delegation', () => {
  it.each([
    { pence: 24_999_999, route: 'assembly' },
    { pence: 25_000_000, route: 'finance_confirmation' },
    { pence: 99_999_999, route: 'finance_confirmation' },
    { pence: 100_000_000, route: 'board' },
  ])('routes a bid of $pence pence in total to $route', async ({ pence, route }) => {
    expect((await score(costing(pence))).delegation).toBe(route);
  });

  it('routes by the total over all years, recurrent and non-recurrent', async () => {
    const result = await score({
      costs: [
        { financialYear: '2026/27', recurrentPence: 40_000_000, nonRecurrentPence: 10_000_000 },
        { financialYear: '2027/28', recurrentPence: 40_000_000, nonRecurrentPence: 0 },
        { financialYear: '2028/29', recurrentPence: 10_000_000, nonRecurrentPence: 0 },
      ],
    });
    expect(result.facts.totalPence).toBe(100_000_000);
    expect(result.delegation).toBe('board');
  });
});

describe('a criterion that is not applicable', () => {
  // The worked example with evidence quality rated not applicable. The other seven criteria
  // contribute 82.90 - 8.60 = 74.30 points out of a possible 90, so 74.30 / 90 × 100 = 82.56.
  // Scoring the criterion zero would instead give 74.30 / 100 × 100 = 74.30: a different band.
  it('is left out and the remaining weights rescaled: the weighted mean of the others', async () => {
    const result = await score({}, { ...RATINGS, evidenceQuality: null });

    expect(criterion(result, 'evidence_and_evaluation')).toMatchObject({
      applicable: false,
      score: null,
      contributions: [],
      notApplicableBecause: [{ rule: 'evidence_and_evaluation.not_applicable', reason: expect.any(String) }],
    });
    const others = result.criteria.filter((c) => c.applicable);
    expect(others).toHaveLength(7);
    const weightedMean = others.reduce((sum, c) => sum + c.weight * c.score!, 0) / others.reduce((sum, c) => sum + c.weight, 0);
    expect(result.benefitScore).toBe(Math.round((weightedMean / 5) * 100 * 100) / 100);
    expect(result.benefitScore).toBe(82.56);
    expect(result.band.id).toBe('high');
  });

  it('is not the same as scoring it zero', async () => {
    const notApplicable = await score({}, { ...RATINGS, evidenceQuality: null });
    const ratedZero = await score({}, { ...RATINGS, evidenceQuality: 0 });

    // Rated 0, the criterion still scores its evaluation plan (1.5) and counts its weight:
    // (74.30 + 10 × 1.5 / 5) / 100 × 100 = 77.30.
    expect(criterion(ratedZero, 'evidence_and_evaluation').score).toBe(1.5);
    expect(ratedZero.benefitScore).toBe(77.3);
    expect(notApplicable.benefitScore).toBe(82.56);
    const asIfZero = notApplicable.criteria.reduce((sum, c) => sum + (c.weight * (c.score ?? 0)) / 5, 0);
    expect(Math.round(asIfZero * 100) / 100).toBe(74.3);
    expect(notApplicable.benefitScore).not.toBe(74.3);
  });

  it('rescales over whichever criteria remain when the hub rates all three not applicable', async () => {
    // 19 + 17 + 13.5 + 7.5 + 2.5 = 59.5 points out of a possible 70: 85.00.
    const result = await score({}, { evidenceQuality: null, deliverability: null, qualityAndSafety: null });
    expect(result.criteria.filter((c) => !c.applicable).map((c) => c.id)).toEqual(['evidence_and_evaluation', 'quality_safety', 'deliverability']);
    expect(result.benefitScore).toBe(85);
  });

  it('refuses to score when no criterion is applicable', async () => {
    const onlyNotApplicable = parseRuleSet({
      ...rawRuleSet(),
      criteria: [{ id: 'need', label: 'Need', weight: 10, derivedFrom: 'Risk of not funding' }],
      rules: [
        {
          name: 'need.risk.any',
          conditions: { all: [{ fact: 'riskScore', operator: 'greaterThanInclusive', value: 1 }] },
          event: { type: 'score', params: { criterion: 'need', component: 'risk', points: 1, reason: 'Any risk' } },
        },
        {
          name: 'need.not_applicable',
          conditions: { all: [{ fact: 'riskScore', operator: 'greaterThanInclusive', value: 1 }] },
          event: { type: 'not_applicable', params: { criterion: 'need', reason: 'Never applicable' } },
        },
      ],
    });
    await expect(scoreFacts(onlyNotApplicable, facts())).rejects.toThrow(/no criterion is applicable/);
  });
});

describe('bands', () => {
  // The worked example reaching 600 people a year, every hub rating 2.5:
  //   health_gain 2.5 + 1.5 + 0.5 = 4.5 → 18.00;  health_inequalities 4.25 → 17.00;  strategic_fit 4.5 → 13.50
  //   need 2.25 + 1.0 = 3.25 → 6.50;  evidence 1.75 + 1.5 = 3.25 → 6.50;  quality 2.0 + 0.5 = 2.5 → 5.00
  //   deliverability 1.75 + 0.5 + 0.75 = 3.0 → 6.00;  productivity 0.75 + 1.75 (£325 a person) = 2.5 → 2.50
  //   total 75.00: high.
  // As a pilot (productivity 0.5 + 1.75 = 2.25 → 2.25) with a moderated quality rating of 2.65
  // (2.12 + 0.5 = 2.62 → 5.24): 75.00 - 0.25 + 0.24 = 74.99: medium.
  it('puts 75.00 in high and 74.99 in medium', async () => {
    const halfway: HubRatings = { evidenceQuality: 2.5, deliverability: 2.5, qualityAndSafety: 2.5 };
    const atBoundary = await score({ peopleReachedPerYear: 600 }, halfway);
    const justBelow = await score({ peopleReachedPerYear: 600, kind: 'pilot' }, { ...halfway, qualityAndSafety: 2.65 });

    expect([atBoundary.benefitScore, atBoundary.band.id]).toEqual([75, 'high']);
    expect([justBelow.benefitScore, justBelow.band.id]).toEqual([74.99, 'medium']);
  });

  it('advises deferral for a low score and not supporting a score below 40', async () => {
    const weak: Partial<Bid> = {
      evidenceLevel: 'expert_opinion',
      costPerQalyPence: null,
      core20Percent: 12,
      plusGroups: [],
      core20plus5Areas: [],
      secondaryAmbitions: [],
      level: 'neighbourhood',
      peopleReachedPerYear: 300,
      riskOfNotFunding: { likelihood: 2, impact: 2 },
    };
    const low = await score(weak, { evidenceQuality: 3, deliverability: 3, qualityAndSafety: 3 });
    const veryLow = await score(weak, { evidenceQuality: 0, deliverability: 0, qualityAndSafety: 0 });

    expect(low.band).toMatchObject({ id: 'low', advice: 'Advise defer or resubmit' });
    expect(low.benefitScore).toBeGreaterThanOrEqual(40);
    expect(veryLow.band).toMatchObject({ id: 'not_support', advice: 'Advise not support' });
    expect(veryLow.benefitScore).toBeLessThan(40);
  });
});

describe('reproducibility', () => {
  it('gives the same bytes when the stored facts are scored again', async () => {
    for (const ratings of [RATINGS, { ...RATINGS, deliverability: null }, { evidenceQuality: 3.33, deliverability: 0, qualityAndSafety: 4.5 }]) {
      const first = await score({}, ratings);
      const stored = JSON.parse(JSON.stringify(first.facts)) as ScoringFacts;
      const { id, version } = first.ruleSet;

      const again = await scoreFacts(loadRuleSet(id, version), stored);

      expect(canonicalScore(again)).toBe(canonicalScore(first));
    }
  });

  it('does not depend on the order of the facts or of the rules', async () => {
    const first = await score();
    const reversedFacts = Object.fromEntries(Object.entries(first.facts).reverse()) as unknown as ScoringFacts;
    expect(canonicalScore(await scoreFacts(ruleSet(), reversedFacts))).toBe(canonicalScore(first));

    const raw = rawRuleSet();
    const reversedRules = parseRuleSet({ ...raw, rules: [...raw.rules].reverse() });
    const { ruleSet: _identity, ...rest } = await scoreFacts(reversedRules, first.facts);
    const { ruleSet: _original, ...expected } = first;
    expect(rest).toEqual(expected);
  });

  it('renders the result as canonical JSON that parses back to the same result', async () => {
    const result = await score();
    const text = canonicalScore(result);
    expect(JSON.parse(text)).toEqual(result);
    expect(text.startsWith('{"band":')).toBe(true); // keys sorted, no whitespace
  });

  it('is a pure function of its arguments and leaves the bid untouched', () => {
    const input = bid();
    const before = structuredClone(input);
    expect(deriveFacts(input, RATINGS, SCORED_ON)).toEqual(deriveFacts(input, RATINGS, SCORED_ON));
    expect(input).toEqual(before);
  });
});

describe('deriving the facts', () => {
  it('counts days to a start date that has passed as negative, the shortest lead time', async () => {
    const result = await score({ startDate: '2026-10-01' });
    expect(result.facts.daysToStart).toBe(-32);
    expect(result.firedRules).toContain('deliverability.lead_time.under_30_days');
  });

  it('gives no cost per person when nobody is reached, and scores that part zero', async () => {
    const result = await score({ peopleReachedPerYear: 0 });
    expect(result.facts.costPerPersonPerYearPence).toBeNull();
    expect(criterion(result, 'productivity').contributions).toContainEqual({ rule: 'productivity.cost_per_person.nobody_reached', points: 0, reason: expect.any(String) });
  });

  it('rounds cost per person to the nearest penny, halves up, from the total rather than the rounded annual cost', () => {
    // 1,000,001p over 2 years for 2 people: 250,000.25p a person a year, so 250,000p; and
    // 1,000,002p: 250,000.5p, so 250,001p.
    const line = (recurrentPence: number) => [
      { financialYear: '2026/27', recurrentPence, nonRecurrentPence: 0 },
      { financialYear: '2027/28', recurrentPence: 0, nonRecurrentPence: 0 },
    ];
    expect(deriveFacts(bid({ costs: line(1_000_001), peopleReachedPerYear: 2 }), RATINGS, SCORED_ON).costPerPersonPerYearPence).toBe(250_000);
    expect(deriveFacts(bid({ costs: line(1_000_002), peopleReachedPerYear: 2 }), RATINGS, SCORED_ON).costPerPersonPerYearPence).toBe(250_001);
  });

  it.each([
    ['a rating above 5', { ...RATINGS, evidenceQuality: 5.5 }, SCORED_ON, /evidenceQualityRating/],
    ['a rating finer than hundredths', { ...RATINGS, deliverability: 3.333 }, SCORED_ON, /deliverabilityRating: must have at most two decimal places/],
    ['a scoring date that does not exist', RATINGS, '2026-02-30', /the scoring date must be a date/],
  ])('refuses %s', (_, ratings, scoredOn, message) => {
    expect(() => deriveFacts(bid(), ratings, scoredOn)).toThrow(message);
  });

  it('refuses a bid without costs, which intake should have returned', () => {
    expect(() => deriveFacts(bid({ costs: [] }), RATINGS, SCORED_ON)).toThrow(/NW-2026-0042 has no costs/);
  });

  it('refuses stored facts that have lost a field, naming it', async () => {
    const { riskScore: _gone, ...rest } = facts();
    await expect(scoreFacts(ruleSet(), rest as ScoringFacts)).rejects.toThrow(/scoring facts are invalid: riskScore: is required/);
  });
});

describe('tiers', () => {
  // Each case moves one fact to the edge of a tier and names the one rule of that component
  // that must fire. The facts are otherwise the worked example's.
  const cases: [string, Partial<ScoringFacts>, string][] = [
    ['£19,999.99 a QALY', { costPerQalyPence: 1_999_999 }, 'health_gain.cost_per_qaly.under_20k'],
    ['£20,000 a QALY', { costPerQalyPence: 2_000_000 }, 'health_gain.cost_per_qaly.from_20k_to_30k'],
    ['£30,000 a QALY', { costPerQalyPence: 3_000_000 }, 'health_gain.cost_per_qaly.from_20k_to_30k'],
    ['£30,000.01 a QALY', { costPerQalyPence: 3_000_001 }, 'health_gain.cost_per_qaly.over_30k'],
    ['an unknown cost per QALY', { costPerQalyPence: null }, 'health_gain.cost_per_qaly.unknown'],
    ['249 people', { peopleReachedPerYear: 249 }, 'health_gain.people_reached.under_250'],
    ['250 people', { peopleReachedPerYear: 250 }, 'need.people_reached.from_250'],
    ['999 people', { peopleReachedPerYear: 999 }, 'health_gain.people_reached.from_250'],
    ['1,000 people', { peopleReachedPerYear: 1000 }, 'need.people_reached.from_1000'],
    ['4,999 people', { peopleReachedPerYear: 4999 }, 'health_gain.people_reached.from_1000'],
    ['5,000 people', { peopleReachedPerYear: 5000 }, 'need.people_reached.from_5000'],
    ['Core20 9.99%', { core20Percent: 9.99 }, 'health_inequalities.core20_share.under_10'],
    ['Core20 10%', { core20Percent: 10 }, 'health_inequalities.core20_share.from_10'],
    ['Core20 19.99%', { core20Percent: 19.99 }, 'health_inequalities.core20_share.from_10'],
    ['Core20 20%', { core20Percent: 20 }, 'health_inequalities.core20_share.from_20'],
    ['Core20 30%', { core20Percent: 30 }, 'health_inequalities.core20_share.from_30'],
    ['Core20 39.99%', { core20Percent: 39.99 }, 'health_inequalities.core20_share.from_30'],
    ['Core20 40%', { core20Percent: 40 }, 'health_inequalities.core20_share.from_40'],
    ['no PLUS groups', { plusGroupCount: 0 }, 'health_inequalities.plus_groups.none'],
    ['one PLUS group', { plusGroupCount: 1 }, 'health_inequalities.plus_groups.one'],
    ['two Core20PLUS5 areas', { core20plus5AreaCount: 2 }, 'health_inequalities.core20plus5_areas.two_or_more'],
    ['no secondary ambitions', { secondaryAmbitionCount: 0 }, 'strategic_fit.secondary_ambitions.none'],
    ['two secondary ambitions', { secondaryAmbitionCount: 2 }, 'strategic_fit.secondary_ambitions.two_or_more'],
    ['place level', { level: 'place' }, 'strategic_fit.level.place'],
    ['risk 4', { riskScore: 4 }, 'need.risk_of_not_funding.under_5'],
    ['risk 5', { riskScore: 5 }, 'need.risk_of_not_funding.from_5'],
    ['risk 9', { riskScore: 9 }, 'quality_safety.risk_of_not_funding.under_10'],
    ['risk 10', { riskScore: 10 }, 'quality_safety.risk_of_not_funding.from_10'],
    ['risk 14', { riskScore: 14 }, 'need.risk_of_not_funding.from_10'],
    ['risk 15', { riskScore: 15 }, 'quality_safety.risk_of_not_funding.from_15'],
    ['a plan with measures only', { evaluationHasBaseline: false, evaluationHasMethod: false }, 'evidence_and_evaluation.evaluation_plan.partial'],
    ['a plan with a method only', { evaluationOutcomeMeasureCount: 0, evaluationHasBaseline: false }, 'evidence_and_evaluation.evaluation_plan.partial'],
    ['no plan', { evaluationOutcomeMeasureCount: 0, evaluationHasBaseline: false, evaluationHasMethod: false }, 'evidence_and_evaluation.evaluation_plan.none'],
    ['5 WTE', { workforceWte: 5 }, 'deliverability.workforce.up_to_5_wte'],
    ['5.01 WTE', { workforceWte: 5.01 }, 'deliverability.workforce.up_to_20_wte'],
    ['20 WTE', { workforceWte: 20 }, 'deliverability.workforce.up_to_20_wte'],
    ['20.01 WTE', { workforceWte: 20.01 }, 'deliverability.workforce.over_20_wte'],
    ['a start in 29 days', { daysToStart: 29 }, 'deliverability.lead_time.under_30_days'],
    ['a start in 30 days', { daysToStart: 30 }, 'deliverability.lead_time.from_30_days'],
    ['a start in 89 days', { daysToStart: 89 }, 'deliverability.lead_time.from_30_days'],
    ['a start in 90 days', { daysToStart: 90 }, 'deliverability.lead_time.from_90_days'],
    ['a disinvestment', { kind: 'disinvestment' }, 'productivity.kind.disinvestment'],
    ['£100 a person', { costPerPersonPerYearPence: 10_000 }, 'productivity.cost_per_person.up_to_100'],
    ['£100.01 a person', { costPerPersonPerYearPence: 10_001 }, 'productivity.cost_per_person.up_to_500'],
    ['£500.01 a person', { costPerPersonPerYearPence: 50_001 }, 'productivity.cost_per_person.up_to_2000'],
    ['£2,000 a person', { costPerPersonPerYearPence: 200_000 }, 'productivity.cost_per_person.up_to_2000'],
    ['£2,000.01 a person', { costPerPersonPerYearPence: 200_001 }, 'productivity.cost_per_person.over_2000'],
  ];

  it.each(cases)('puts %s in %s and in no other tier of that component', async (_, changes, rule) => {
    const result = await scoreFacts(ruleSet(), facts(changes));
    const component = rule.slice(0, rule.lastIndexOf('.') + 1);
    expect(result.firedRules.filter((name) => name.startsWith(component))).toEqual([rule]);
  });
});

describe('the rule set as data', () => {
  it('is identified by the sha256 of the canonical JSON of its file', () => {
    const expected = createHash('sha256').update(canonicalize(rawRuleSet())!, 'utf8').digest('hex');
    expect(ruleSet().identity).toEqual({ id: ID, version: '1.0.0', hash: expected });
  });

  it('changes its hash when any rule changes, and only then', () => {
    const original = ruleSet().identity.hash;
    const raw = rawRuleSet();
    const hashes = raw.rules.map((_, i) => {
      const changed = structuredClone(raw);
      const params = (changed.rules[i]!.event as { params: { reason: string } }).params;
      params.reason = `${params.reason}.`;
      return parseRuleSet(changed).identity.hash;
    });
    expect(hashes).not.toContain(original);
    expect(new Set(hashes).size).toBe(raw.rules.length);

    const pointsChanged = structuredClone(raw);
    (pointsChanged.rules[0]!.event as { params: { points: number } }).params.points = 2.25;
    expect(parseRuleSet(pointsChanged).identity.hash).not.toBe(original);

    const reordered = Object.fromEntries(Object.entries(structuredClone(raw)).reverse());
    expect(parseRuleSet(JSON.parse(JSON.stringify(reordered, null, 4))).identity.hash).toBe(original);
  });

  it('keeps every released rule set byte for byte: a change is a new version, never an edit', () => {
    // Stored scores name their rule set's hash, and re-scoring must reproduce them. Add a line
    // here when a version is released; never change one.
    const released: Record<string, string> = {
      [`${ID}@1.0.0`]: 'c46c6cfe0111d0d17d6eeaeac18352cae8a9fa525a604fae16c02638acf2bff5',
      [`${ID}@1.1.0`]: 'd408aad4461dcfae1edb20c1c9e034de2520ae3e612585943ecf293df4b85b53',
      [`${ID}@1.2.0`]: '9a59e47e3486291c8226d270a099c94520a3f5bb49f6fffcca0a9ede4e85c84e',
    };
    expect(Object.fromEntries(listRuleSets().map((r) => [`${r.id}@${r.version}`, r.hash]))).toEqual(released);
  });

  it('is listed, and the newest released version is the default: a draft never scores live bids', () => {
    const listed = listRuleSets();
    expect(listed).toContainEqual(ruleSet().identity);
    const released = listed.filter((r) => r.id === ID && !isDraft(r));
    expect(defaultRuleSet()).toEqual(released.at(-1));
    // 1.2.0, for 2026/27, is newer than the 2027/28 draft 1.1.0, which never becomes the default.
    expect(defaultRuleSet()).toEqual(loadRuleSet(ID, '1.2.0').identity);
    expect(listed.filter((r) => r.id === ID).map((r) => r.version)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(isDraft({ id: ID, version: '1.1.0' })).toBe(true);
    expect(isDraft({ id: ID, version: '1.0.0' })).toBe(false);
  });

  it('ships the 2027/28 draft as 1.0.0 with heavier weight on inequalities and lighter on deliverability', () => {
    const weights = (version: string) => Object.fromEntries(loadRuleSet(ID, version).definition.criteria.map((c) => [c.id, c.weight]));
    expect(weights('1.1.0')).toEqual({ ...weights('1.0.0'), health_inequalities: 25, deliverability: 5 });
    expect(loadRuleSet(ID, '1.1.0').definition.rules).toEqual(loadRuleSet(ID, '1.0.0').definition.rules);
  });

  it('fails clearly for an unknown version, naming the versions that exist', () => {
    expect(() => loadRuleSet(ID, '9.9.9')).toThrow(UnknownRuleSetError);
    expect(() => loadRuleSet(ID, '9.9.9')).toThrow(`there is no rule set ${ID}@9.9.9; known rule sets: ${ID}@1.0.0, ${ID}@1.1.0, ${ID}@1.2.0`);
    expect(() => loadRuleSet('portsmouth-scorecard', '1.0.0')).toThrow(/there is no rule set portsmouth-scorecard@1\.0\.0/);
  });

  it('refuses an id or version that is not a name, before it reaches the file system', () => {
    expect(() => loadRuleSet('../../../package', '1.0.0')).toThrow(/is not a rule set id@version/);
    expect(() => loadRuleSet(ID, '1.0')).toThrow(/is not a rule set id@version/);
  });

  it('is handed out frozen, so no caller can change the shared copy', () => {
    const loaded: LoadedRuleSet = ruleSet();
    expect(Object.isFrozen(loaded.definition.rules[0]!.event)).toBe(true);
    expect(loadRuleSet(ID, '1.0.0')).toBe(loaded);
  });

  it('holds the same numbers in its thresholds block as in the hard rules and the delegation rules', () => {
    for (const { id, version } of listRuleSets()) {
      const { definition } = loadRuleSet(id, version);
      const t = definition.thresholds;
      const conditionsOf = (match: (params: Record<string, unknown>) => boolean) => leaves(ruleFor(definition, match).conditions);

      expect(conditionsOf((p) => p.flag === 'safety_escalation')).toEqual([{ fact: 'riskScore', operator: 'greaterThanInclusive', value: t.safetyEscalationRiskScore }]);
      expect(conditionsOf((p) => p.flag === 'value_justification_required')).toEqual([
        { fact: 'costPerQalyPence', operator: 'greaterThan', value: t.valueJustificationAbovePence },
      ]);
      expect(conditionsOf((p) => p.flag === 'value_noted')).toEqual([
        { fact: 'costPerQalyPence', operator: 'greaterThanInclusive', value: t.valueNotedFromPence },
        { fact: 'costPerQalyPence', operator: 'lessThanInclusive', value: t.valueJustificationAbovePence },
      ]);
      expect(conditionsOf((p) => p.route === 'assembly')).toEqual([{ fact: 'totalPence', operator: 'lessThan', value: t.delegation.financeConfirmationFromPence }]);
      expect(conditionsOf((p) => p.route === 'finance_confirmation')).toEqual([
        { fact: 'totalPence', operator: 'greaterThanInclusive', value: t.delegation.financeConfirmationFromPence },
        { fact: 'totalPence', operator: 'lessThan', value: t.delegation.boardFromPence },
      ]);
      expect(conditionsOf((p) => p.route === 'board')).toEqual([{ fact: 'totalPence', operator: 'greaterThanInclusive', value: t.delegation.boardFromPence }]);

      // The value-for-money tiers of health gain must break where the flags do.
      const qalyValues = definition.rules.flatMap((r) => leaves(r.conditions)).filter((c) => c.fact === 'costPerQalyPence' && c.value !== null);
      expect(new Set(qalyValues.map((c) => c.value))).toEqual(new Set([t.valueNotedFromPence, t.valueJustificationAbovePence]));
    }
  });

  it('lets each criterion reach exactly 5 points at most, one top tier per component', () => {
    for (const { id, version } of listRuleSets()) {
      const { definition } = loadRuleSet(id, version);
      for (const c of definition.criteria) {
        const best = new Map<string, number>();
        for (const r of definition.rules) {
          if (r.event.type !== 'score' || r.event.params.criterion !== c.id) continue;
          const { component, points, multiplier = 1 } = r.event.params;
          const most = (typeof points === 'number' ? points : 5) * multiplier;
          best.set(component, Math.max(best.get(component) ?? 0, most));
        }
        const total = [...best.values()].reduce((sum, p) => sum + Math.round(p * 100), 0) / 100;
        expect({ criterion: c.id, total }).toEqual({ criterion: c.id, total: 5 });
      }
    }
  });

  it.each([
    [
      'a rule naming a criterion the rule set lacks',
      (raw: ReturnType<typeof rawRuleSet>) => {
        (raw.rules[3]!.event as { params: { criterion: string } }).params.criterion = 'value_for_money';
      },
      'rules[3].event.params.criterion: names no criterion of this rule set: value_for_money',
    ],
    [
      'a misspelt key',
      (raw: ReturnType<typeof rawRuleSet>) => {
        const params = (raw.rules[5]!.event as { params: Record<string, unknown> }).params;
        params.multipler = 0.7;
      },
      'rules[5].event.params: has fields that are not recognised: multipler',
    ],
    [
      'a condition on a fact that scoring does not record',
      (raw: ReturnType<typeof rawRuleSet>) => {
        (raw.rules[0]!.conditions as { all: { fact: string }[] }).all[0]!.fact = 'evidence';
      },
      'rules[0].conditions.all[0].fact: must be one of:',
    ],
    [
      'a numeric comparison with text',
      (raw: ReturnType<typeof rawRuleSet>) => {
        (raw.rules[6]!.conditions as { all: { value: unknown }[] }).all[0]!.value = '£20,000';
      },
      'rules[6].conditions.all[0].value: must be a number for lessThan',
    ],
    [
      'bands out of order',
      (raw: ReturnType<typeof rawRuleSet>) => {
        (raw.bands as unknown[]).reverse();
      },
      'bands: must list the bands high, medium, low, not_support once each, in that order',
    ],
  ])('refuses %s, naming where it is', (_, spoil, message) => {
    const raw = rawRuleSet();
    spoil(raw);
    expect(() => parseRuleSet(raw, 'the test rule set')).toThrow(RuleSetError);
    expect(() => parseRuleSet(raw, 'the test rule set')).toThrow(`the test rule set is invalid: ${message}`);
  });
});

describe('guarding against a broken rule set at scoring time', () => {
  it('refuses to add up two tiers of one component whose ranges overlap', async () => {
    const raw = rawRuleSet();
    const from5000 = raw.rules.find((r) => r.name === 'health_gain.people_reached.from_5000')!;
    (from5000.conditions as { all: { value: number }[] }).all[0]!.value = 1000;
    await expect(scoreFacts(parseRuleSet(raw), facts())).rejects.toThrow(
      /rules health_gain\.people_reached\.from_1000 and health_gain\.people_reached\.from_5000 both scored health_gain\.people_reached; its tiers overlap/,
    );
  });

  it('refuses a result with no delegation route', async () => {
    const raw = rawRuleSet();
    const withoutBoard = parseRuleSet({ ...raw, rules: raw.rules.filter((r) => r.name !== 'delegation.board') });
    await expect(scoreFacts(withoutBoard, facts({ totalPence: 100_000_000 }))).rejects.toThrow(/exactly one delegation rule must fire, but none did/);
  });
});
