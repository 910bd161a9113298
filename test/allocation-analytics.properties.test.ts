// The allocation analyses' promises over random small funding rounds, checked against allocate()
// itself and against brute force: what it would take is exact and the least there is; the optimum
// is the best of every set that fits and never below the greedy result; an override never breaks
// an envelope; sensitivity replays from its seed.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, type AllocationBid, type AllocationInput, type AllocationResult, type SubEnvelope } from '../src/domain/allocation.js';
import { raiseEnvelopes, raiseScore, reduceRoundCost, whatItWouldTake } from '../src/domain/allocation-explain.js';
import { bestTheMoneyCouldBuy, loadHighs } from '../src/domain/allocation-optimum.js';
import { applyOverrides, OverrideError, OverrideRefusedError, type Override } from '../src/domain/allocation-overrides.js';
import { rescoreFromCriteria, sensitivity, type SensitivityBid } from '../src/domain/allocation-sensitivity.js';

const YEAR = '2026/27';
const PLACES = ['norwich', 'north_norfolk', 'west_norfolk'];

// Small money, so brute force over every smaller change is cheap; common amounts make ties.
const costArb = fc.oneof(fc.constantFrom(100, 150, 200), fc.integer({ min: 1, max: 200 }));

const bidArb = (reference: string): fc.Arbitrary<AllocationBid> =>
  fc
    .record({
      cost: costArb,
      later: fc.option(fc.integer({ min: 1, max: 200 }), { freq: 3 }),
      score: fc.oneof(fc.constantFrom(4000, 6000, 8000), fc.integer({ min: 0, max: 10_000 })),
      mustFund: fc.oneof({ arbitrary: fc.constant(false), weight: 10 }, { arbitrary: fc.constant(true), weight: 1 }),
      ambition: fc.constantFrom('mental_health', 'primary_care'),
      places: fc.shuffledSubarray(PLACES, { minLength: 1, maxLength: 3 }),
    })
    .map(({ cost, later, score, mustFund, ambition, places }) => ({
      reference,
      title: reference,
      benefitScore: score / 100,
      mustFund,
      primaryAmbition: ambition,
      places,
      costs: [
        { financialYear: YEAR, recurrentPence: cost - Math.floor(cost / 3), nonRecurrentPence: Math.floor(cost / 3) },
        ...(later === null ? [] : [{ financialYear: '2027/28', recurrentPence: later, nonRecurrentPence: 0 }]),
      ],
    }));

const roundArb = (maxBids: number): fc.Arbitrary<AllocationInput> =>
  fc
    .record({
      count: fc.integer({ min: 1, max: maxBids }),
      envelopePence: fc.integer({ min: 0, max: 700 }),
      mentalHealth: fc.option(fc.integer({ min: 0, max: 400 }), { freq: 2 }),
      norwich: fc.option(fc.integer({ min: 0, max: 200 }), { freq: 2 }),
    })
    .chain(({ count, envelopePence, mentalHealth, norwich }) =>
      fc.tuple(...Array.from({ length: count }, (_, i) => bidArb(`NW-2026-${String(i + 1).padStart(4, '0')}`))).map((bids) => {
        const subEnvelopes: SubEnvelope[] = [
          ...(mentalHealth === null ? [] : [{ id: 'amb-mh', dimension: 'ambition' as const, key: 'mental_health', label: 'Mental health', envelopePence: mentalHealth }]),
          ...(norwich === null ? [] : [{ id: 'place-norwich', dimension: 'place' as const, key: 'norwich', label: 'Norwich', envelopePence: norwich }]),
        ];
        return { financialYear: YEAR, envelopePence, subEnvelopes, committed: { totalPence: 0, bySubEnvelope: {} }, bids };
      }),
    );

const fundedIn = (input: AllocationInput, reference: string) => allocate(input).funded.includes(reference);

function bidIn(input: AllocationInput, reference: string): AllocationBid {
  const bid = input.bids.find((b) => b.reference === reference);
  if (!bid) throw new Error(`no ${reference}`);
  return bid;
}

const replaced = (input: AllocationInput, bid: AllocationBid): AllocationInput => ({ ...input, bids: input.bids.map((b) => (b.reference === bid.reference ? bid : b)) });

// --- An independent reading of what fits, for the optimum and the overrides. ---

function drawsOf(input: AllocationInput, bid: AllocationBid): Record<string, number> {
  const cost = bid.costs.filter((l) => l.financialYear === input.financialYear).reduce((s, l) => s + l.recurrentPence + l.nonRecurrentPence, 0);
  const draws: Record<string, number> = { overall: cost };
  const ambition = input.subEnvelopes.find((s) => s.dimension === 'ambition' && s.key === bid.primaryAmbition);
  if (ambition) draws[ambition.id] = cost;
  const places = [...bid.places].sort();
  places.forEach((place, i) => {
    const sub = input.subEnvelopes.find((s) => s.dimension === 'place' && s.key === place);
    if (sub) draws[sub.id] = Math.floor(cost / places.length) + (i < cost % places.length ? 1 : 0);
  });
  return draws;
}

function money(input: AllocationInput): Map<string, number> {
  return new Map([['overall', input.envelopePence - input.committed.totalPence], ...input.subEnvelopes.map((s): [string, number] => [s.id, s.envelopePence - (input.committed.bySubEnvelope[s.id] ?? 0)])]);
}

/** Spent on each envelope by a set of bids. */
function spentBy(input: AllocationInput, bids: readonly AllocationBid[]): Map<string, number> {
  const spent = new Map([...money(input).keys()].map((id) => [id, 0]));
  for (const bid of bids) for (const [id, pence] of Object.entries(drawsOf(input, bid))) spent.set(id, (spent.get(id) ?? 0) + pence);
  return spent;
}

/** Allocation's feasibility: must-fund in; others only on envelopes the must-fund bids left room in, and never past them. */
function feasible(input: AllocationInput, chosen: readonly AllocationBid[]): boolean {
  const mustFund = input.bids.filter((b) => b.mustFund);
  const mustSpent = spentBy(input, mustFund);
  const left = money(input);
  const others = chosen.filter((b) => !b.mustFund);
  if (others.some((b) => b.costs.reduce((s, l) => s + l.recurrentPence + l.nonRecurrentPence, 0) === 0)) return false;
  if (others.some((b) => Object.keys(drawsOf(input, b)).some((id) => (mustSpent.get(id) ?? 0) > (left.get(id) ?? 0)))) return false;
  const spent = spentBy(input, [...mustFund, ...others]);
  return [...spent].every(([id, pence]) => pence <= Math.max(left.get(id) ?? 0, mustSpent.get(id) ?? 0));
}

const benefitOf = (bids: readonly AllocationBid[]) => bids.reduce((s, b) => s + Math.round(b.benefitScore * 100), 0);

describe('what it would take, over random rounds', () => {
  it('is exact — the change funds the bid, one unit less does not — and no smaller change would', () => {
    // Which answers the random rounds produced, so the property is known to bite on each kind.
    const seen = new Map<string, number>();
    const saw = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
    fc.assert(
      fc.property(roundArb(6), (input) => {
        for (const explained of whatItWouldTake(input).bids) {
          const reference = explained.reference;
          const bid = bidIn(input, reference);
          const roundCost = explained.roundCostPence;
          const total = explained.totalCostPence;

          // (a) Cost: every smaller reduction fails, the one found works.
          const cutFunds = (x: number) => fundedIn(replaced(input, reduceRoundCost(bid, YEAR, x)), reference);
          const mostCut = Math.min(roundCost, total - 1);
          saw(`cost ${explained.cost.kind}`);
          saw(`overall ${explained.envelope.overall.kind}`);
          for (const sub of explained.envelope.subEnvelopes) saw(`sub-envelope ${sub.kind}`);
          saw(`score ${explained.score.kind}`);
          if (explained.cost.kind === 'change') {
            const x = explained.cost.reductionPence;
            expect(cutFunds(x)).toBe(true);
            for (let less = 0; less < x; less++) expect(cutFunds(less)).toBe(false);
          } else {
            for (let x = 0; x <= mostCut; x++) expect(cutFunds(x)).toBe(false);
          }

          // (b) Envelopes: the same, for each set of envelopes, over every smaller increase.
          const bound = input.bids.reduce((s, b) => s + (drawsOf(input, b).overall ?? 0), 0) + 1;
          for (const change of [explained.envelope.overall, ...explained.envelope.subEnvelopes, ...(explained.envelope.together ? [explained.envelope.together] : [])]) {
            const ids = change.envelopeIds ?? [];
            const raiseFunds = (y: number) => fundedIn(raiseEnvelopes(input, ids, y), reference);
            if (change.kind === 'change') {
              expect(raiseFunds(change.increasePence)).toBe(true);
              for (let less = 0; less < change.increasePence; less++) expect(raiseFunds(less)).toBe(false);
            } else {
              expect(change.kind).toBe('impossible');
              for (let y = 0; y <= bound; y++) expect(raiseFunds(y)).toBe(false);
            }
          }

          // (c) Score: the one found works and a hundredth less does not; every smaller rise fails (sampled).
          const s = Math.round(bid.benefitScore * 100);
          const scoreFunds = (z: number) => fundedIn(replaced(input, raiseScore(bid, z)), reference);
          if (explained.score.kind === 'change') {
            const z = explained.score.increaseHundredths;
            expect(z).toBeLessThanOrEqual(10_000 - s);
            expect(scoreFunds(z)).toBe(true);
            for (let less = z - 1; less >= 0; less -= Math.max(1, Math.floor(z / 40))) expect(scoreFunds(less)).toBe(false);
            expect(scoreFunds(z - 1)).toBe(false);
          } else {
            for (let z = 10_000 - s; z >= 0; z -= Math.max(1, Math.floor((10_000 - s) / 40))) expect(scoreFunds(z)).toBe(false);
          }
        }
      }),
      { numRuns: 120 },
    );
    for (const what of ['cost change', 'cost impossible', 'overall change', 'overall impossible', 'sub-envelope change', 'sub-envelope impossible', 'score change', 'score impossible']) {
      expect(seen.get(what) ?? 0, what).toBeGreaterThan(0);
    }
  });
});

describe('the optimum, over random rounds', () => {
  let highs: Awaited<ReturnType<typeof loadHighs>>;
  beforeAll(async () => {
    highs = await loadHighs();
  });

  it('is the best of every set of bids that fits, never below the greedy result, and never exceeds an envelope', () => {
    fc.assert(
      fc.property(roundArb(8), (input) => {
        const optimum = bestTheMoneyCouldBuy(input, highs);
        const greedy = allocate(input);
        const chosen = optimum.optimum.funded.map((reference) => bidIn(input, reference));

        expect(feasible(input, chosen)).toBe(true);
        for (const bid of input.bids.filter((b) => b.mustFund)) expect(optimum.optimum.funded).toContain(bid.reference);
        expect(optimum.optimum.benefitHundredths).toBe(benefitOf(chosen));
        expect(optimum.greedy.benefitHundredths).toBe(benefitOf(greedy.funded.map((r) => bidIn(input, r))));
        expect(optimum.optimum.benefitHundredths).toBeGreaterThanOrEqual(optimum.greedy.benefitHundredths);
        expect(optimum.givenUpHundredths).toBe(optimum.optimum.benefitHundredths - optimum.greedy.benefitHundredths);

        // Brute force: every subset of the bids that are not must-fund.
        const mustFund = input.bids.filter((b) => b.mustFund);
        const others = input.bids.filter((b) => !b.mustFund);
        let best = -1;
        for (let mask = 0; mask < 1 << others.length; mask++) {
          const set = [...mustFund, ...others.filter((_, i) => mask & (1 << i))];
          if (feasible(input, set)) best = Math.max(best, benefitOf(set));
        }
        expect(optimum.optimum.benefitHundredths).toBe(best);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same answer whatever the order of the bids', () => {
    fc.assert(
      fc.property(
        roundArb(8).chain((input) => fc.tuple(fc.constant(input), fc.shuffledSubarray(input.bids as AllocationBid[], { minLength: input.bids.length, maxLength: input.bids.length }))),
        ([input, shuffled]) => {
          expect(JSON.stringify(bestTheMoneyCouldBuy({ ...input, bids: shuffled }, highs))).toBe(JSON.stringify(bestTheMoneyCouldBuy(input, highs)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('overrides, over random rounds', () => {
  const overridesArb = (result: AllocationResult): fc.Arbitrary<Override[]> =>
    fc
      .uniqueArray(fc.constantFrom(...result.ranking.map((r) => r.reference)), { maxLength: result.ranking.length })
      .chain((references) =>
        fc.tuple(
          ...references.map((reference) =>
            fc.constantFrom<Override['direction']>('fund', 'waitlist').map((direction): Override => ({ reference, direction, reason: 'Committee decision', by: 'finance.lead' })),
          ),
        ),
      );

  it('never breaks an envelope: it applies the overrides within the money, or refuses naming the envelope and the true shortfall', () => {
    fc.assert(
      fc.property(
        roundArb(7).chain((input) => {
          const result = allocate(input);
          return fc.tuple(fc.constant(input), fc.constant(result), overridesArb(result));
        }),
        ([input, result, overrides]) => {
          const outcome = new Map(result.ranking.map((r) => [r.reference, r.outcome]));
          for (const o of overrides) outcome.set(o.reference, o.direction === 'fund' ? 'funded' : 'waitlisted');
          const after = input.bids.filter((b) => outcome.get(b.reference) === 'funded');
          const mustSpent = spentBy(input, input.bids.filter((b) => b.mustFund));
          const spent = spentBy(input, after);
          const over = [...spent].map(([id, pence]): [string, number] => [id, pence - Math.max(money(input).get(id) ?? 0, mustSpent.get(id) ?? 0)]).filter(([, by]) => by > 0);

          let applied;
          try {
            applied = applyOverrides(result, overrides);
          } catch (error) {
            if (error instanceof OverrideError) {
              expect(error.problem).toBe('must-fund');
              expect(overrides.some((o) => o.direction === 'waitlist' && bidIn(input, o.reference).mustFund)).toBe(true);
              return;
            }
            expect(error).toBeInstanceOf(OverrideRefusedError);
            const refusal = error as OverrideRefusedError;
            expect(over.length).toBeGreaterThan(0);
            expect([refusal.envelopeId, refusal.shortfallPence]).toEqual(over[0]);
            return;
          }
          expect(overrides.some((o) => o.direction === 'waitlist' && bidIn(input, o.reference).mustFund)).toBe(false);
          expect(over).toEqual([]);
          expect(applied.funded).toEqual(result.ranking.filter((r) => outcome.get(r.reference) === 'funded').map((r) => r.reference));
          for (const e of applied.envelopes) expect(e.allocatedPence).toBe(spent.get(e.id));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('sensitivity, over random rounds', () => {
  const criteriaArb = fc.tuple(
    ...['deliverability', 'health_gain', 'inequalities'].map((id) =>
      fc.record({
        id: fc.constant(id),
        weight: fc.constantFrom(5, 10, 20),
        applicable: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
        score: fc.integer({ min: 0, max: 500 }).map((h) => h / 100),
      }),
    ),
  );

  const scoredRoundArb = roundArb(6).chain((input) =>
    fc.tuple(...input.bids.map(() => criteriaArb)).map((criteriaPerBid) => {
      const bids: SensitivityBid[] = input.bids.map((bid, i) => {
        const raw = criteriaPerBid[i] ?? [];
        const criteria = raw.map((c, j) => ({ ...c, applicable: c.applicable || j === 0, score: c.applicable || j === 0 ? c.score : null }));
        const benefitScore = rescoreFromCriteria(criteria, new Map(criteria.map((c) => [c.id, c.weight])));
        return { ...bid, criteria, benefitScore };
      });
      return { ...input, bids };
    }),
  );

  it('gives the same output from the same seed, counts within the samples, and must-fund bids funded in every one', () => {
    fc.assert(
      fc.property(scoredRoundArb, fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 50 }), (input, seed, spreadPercent) => {
        const options = { spreadPercent, samples: 25, seed };
        const first = sensitivity(input, options);
        expect(JSON.stringify(sensitivity(structuredClone(input), options))).toBe(JSON.stringify(first));
        expect(first.seed).toBe(seed);
        for (const b of first.bids) {
          expect(b.fundedCount).toBeGreaterThanOrEqual(0);
          expect(b.fundedCount).toBeLessThanOrEqual(25);
          if (b.mustFund) expect(b.fundedCount).toBe(25);
          if (spreadPercent === 0) expect(b.fundedCount).toBe(b.nominalOutcome === 'funded' ? 25 : 0);
        }
      }),
      { numRuns: 80 },
    );
  });
});
