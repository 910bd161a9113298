// Reusing json-rules-engine engines between bids: built once per rule set, never shared by two
// runs at once, and giving the same bytes as an engine built for the one bid.
import fc from 'fast-check';
import type * as jsonRulesEngine from 'json-rules-engine';
import { Engine } from 'json-rules-engine';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalScore, deriveFacts, loadRuleSet, parseRuleSet, scoreFacts, type LoadedRuleSet, type ScoringFacts } from '../src/rules/engine.js';

/** These are json-rules-engine's engines, as every re-derivation runs them (scoring's compiled evaluator: rules.compiled.test.ts). */
const score = (ruleSet: LoadedRuleSet, facts: ScoringFacts) => scoreFacts(ruleSet, facts, { evaluator: 'json-rules-engine' });
import { validBid } from './helpers/fixtures.js';

// Counts the engines the scoring builds, and can make a run throw, without changing what they do.
const built = vi.hoisted(() => ({ count: 0, failNextRun: false }));
vi.mock('json-rules-engine', async (importOriginal) => {
  const original = await importOriginal<typeof jsonRulesEngine>();
  class CountedEngine extends original.Engine {
    constructor(...args: ConstructorParameters<typeof original.Engine>) {
      super(...args);
      built.count += 1;
    }
    override run(...args: Parameters<InstanceType<typeof original.Engine>['run']>) {
      if (built.failNextRun) {
        built.failNextRun = false;
        return Promise.reject(new Error('the engine failed'));
      }
      return super.run(...args);
    }
  }
  return { ...original, Engine: CountedEngine };
});

const ID = 'nw-clinical-prioritisation';
const SCORED_ON = '2026-11-02';
const ruleSet = loadRuleSet(ID, '1.0.0');
const bid = { ...validBid(), reference: 'NW-2026-0042' };

/** Facts that differ bid to bid, so a run reading another run's facts would show. */
const factsArb: fc.Arbitrary<ScoringFacts> = fc
  .record({
    peopleReachedPerYear: fc.integer({ min: 0, max: 20_000 }),
    core20Percent: fc.integer({ min: 0, max: 100 }),
    likelihood: fc.integer({ min: 1, max: 5 }),
    impact: fc.integer({ min: 1, max: 5 }),
    recurrentPence: fc.integer({ min: 1, max: 150_000_000 }),
    rating: fc.option(fc.integer({ min: 0, max: 5 })),
  })
  .map((x) =>
    deriveFacts(
      {
        ...bid,
        peopleReachedPerYear: x.peopleReachedPerYear,
        core20Percent: x.core20Percent,
        riskOfNotFunding: { likelihood: x.likelihood, impact: x.impact },
        costs: [{ financialYear: '2026/27', recurrentPence: x.recurrentPence, nonRecurrentPence: 0 }],
      },
      { evidenceQuality: x.rating, deliverability: 3, qualityAndSafety: x.rating },
      SCORED_ON,
    ),
  );

/** The bytes of scoring the facts alone, one at a time. */
async function alone(facts: ScoringFacts[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of facts) out.push(canonicalScore(await score(ruleSet, f)));
  return out;
}

const microtasks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

beforeEach(() => {
  built.failNextRun = false;
});

describe('why each run takes an engine of its own', () => {
  // json-rules-engine 7 keeps a status on the engine that every run shares. When a run finishes
  // after a later run has started but before that one evaluates its rules, the later run skips
  // every rule and reports nothing fired. If this starts failing, json-rules-engine has made a
  // shared engine safe, and the scoring could share one.
  it('a shared engine loses a run whose start overlaps the end of another', async () => {
    const rules = Array.from({ length: 5 }, (_, i) => ({ name: `r${i}`, conditions: { all: [{ fact: 'x', operator: 'equal', value: 1 }] }, event: { type: 't' } }));
    const shared = new Engine(rules);
    const lost: number[] = [];
    for (let gap = 0; gap < 60; gap++) {
      const first = shared.run({ x: 1 });
      await microtasks(gap);
      const [a, b] = await Promise.all([first, shared.run({ x: 1 })]);
      if (a.results.length + b.results.length !== 10) lost.push(gap);
    }
    expect(lost.length).toBeGreaterThan(0);
  });
});

describe('scoring with engines built once', () => {
  it('gives the same bytes when runs overlap at every offset as when each runs alone', async () => {
    const [first, second] = fc.sample(factsArb, { seed: 7, numRuns: 2 }) as [ScoringFacts, ScoringFacts];
    const expected = await alone([first, second]);
    for (let gap = 0; gap < 80; gap++) {
      const a = score(ruleSet, first);
      await microtasks(gap);
      const results = await Promise.all([a, score(ruleSet, second)]);
      expect(results.map(canonicalScore)).toEqual(expected);
    }
  });

  it('gives the same bytes for many bids scored at once as for each scored alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(factsArb, { minLength: 2, maxLength: 30 }), async (facts) => {
        const together = await Promise.all(facts.map((f) => score(ruleSet, f)));
        expect(together.map(canonicalScore)).toEqual(await alone(facts));
      }),
      { numRuns: 40 },
    );
  });

  it('builds an engine once for a rule set and reuses it for bid after bid', async () => {
    const fresh = parseRuleSet(JSON.parse(JSON.stringify(ruleSet.definition)));
    const before = built.count;
    for (const f of fc.sample(factsArb, { seed: 3, numRuns: 25 })) await score(fresh, f);
    expect(built.count - before).toBe(1);
  });

  it('builds one engine for each run in flight at once, and keeps them for the next bids', async () => {
    const fresh = parseRuleSet(JSON.parse(JSON.stringify(ruleSet.definition)));
    const facts = fc.sample(factsArb, { seed: 5, numRuns: 6 });
    const before = built.count;
    await Promise.all(facts.map((f) => score(fresh, f)));
    expect(built.count - before).toBe(6);
    await Promise.all(facts.map((f) => score(fresh, f)));
    expect(built.count - before).toBe(6);
  });

  it('never reuses an engine across rule sets, even versions with the same rules', async () => {
    const draft = loadRuleSet(ID, '1.1.0');
    const facts = deriveFacts(bid, { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 }, SCORED_ON);
    const [a, b] = [await score(ruleSet, facts), await score(draft, facts)];
    expect(a.ruleSet.version).toBe('1.0.0');
    expect(b.ruleSet.version).toBe('1.1.0');
    // 1.1.0 weighs inequalities at 25 and deliverability at 5: the same rules, another score.
    expect(b.criteria.find((c) => c.id === 'health_inequalities')!.weight).toBe(25);
    expect(a.benefitScore).not.toBe(b.benefitScore);
  });

  it('does not keep an engine for a definition that is not frozen, which could change under it', async () => {
    const loose = { identity: ruleSet.identity, definition: structuredClone(ruleSet.definition) };
    const facts = deriveFacts(bid, { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 }, SCORED_ON);
    const before = built.count;
    const first = await score(loose, facts);
    // A rule's points changed in place: a kept engine would still give the old ones.
    const rule = loose.definition.rules.find((r) => r.name === 'health_gain.evidence_level.nice_guidance')!;
    (rule.event.params as { points: number }).points = 1;
    const second = await score(loose, facts);
    expect(built.count - before).toBe(2);
    expect(second.criteria[0]!.score).toBe(first.criteria[0]!.score! - 1.5);
  });

  it('drops an engine whose run failed, and scores the next bid with a new one', async () => {
    const fresh = parseRuleSet(JSON.parse(JSON.stringify(ruleSet.definition)));
    const facts = deriveFacts(bid, { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 }, SCORED_ON);
    const expected = canonicalScore(await score(fresh, facts));
    const before = built.count;
    built.failNextRun = true;
    await expect(score(fresh, facts)).rejects.toThrow('the engine failed');
    expect(canonicalScore(await score(fresh, facts))).toBe(expected);
    expect(built.count - before).toBe(1);
  });
});

describe('facts validated once', () => {
  it('hands out derived facts frozen, so the facts checked are the facts scored and recorded', async () => {
    const facts = deriveFacts(bid, { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 }, SCORED_ON);
    expect(Object.isFrozen(facts)).toBe(true);
    expect(() => {
      (facts as { core20Percent: number }).core20Percent = 101;
    }).toThrow(TypeError);
    expect((await score(ruleSet, facts)).facts).toBe(facts);
  });

  it('still validates a copy, however it was made', async () => {
    const facts = deriveFacts(bid, { evidenceQuality: 4, deliverability: 3.5, qualityAndSafety: 4 }, SCORED_ON);
    await expect(score(ruleSet, { ...facts, core20Percent: 101 })).rejects.toThrow(/scoring facts are invalid: core20Percent/);
    await expect(score(ruleSet, JSON.parse(JSON.stringify({ ...facts, riskScore: 0 })) as ScoringFacts)).rejects.toThrow(/riskScore/);
  });
});
