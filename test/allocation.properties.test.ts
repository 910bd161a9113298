// Allocation's promises, checked over random funding rounds: the envelopes hold, must-fund bids
// are funded, the greedy walk is right at every step, and nothing depends on input order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  type AllocationBid,
  type AllocationInput,
  type AllocationResult,
  type RankedBid,
  type SubEnvelope,
} from '../src/domain/allocation.js';
import { AMBITIONS, PLACES } from '../src/domain/vocabulary.js';

const ROUND_YEAR = '2026/27';
const YEARS = ['2025/26', '2026/27', '2027/28', '2028/29'];
const RUNS = { numRuns: 300 };
const pounds = (n: number) => n * 100;

// A few common amounts and scores make exact ties in benefit per pound likely, so the tie-break
// and order-independence properties have something to bite on.
const amountArb = (maxPounds: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(0, pounds(100_000), pounds(200_000)) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: pounds(maxPounds) }) },
  );

const bidArb: fc.Arbitrary<AllocationBid> = fc.record({
  reference: fc.integer({ min: 1, max: 9999 }).map((n) => `NW-2026-${String(n).padStart(4, '0')}`),
  title: fc.constant('A funding bid'),
  benefitScore: fc.oneof(fc.constantFrom(40, 60, 80), fc.integer({ min: 0, max: 10_000 }).map((hundredths) => hundredths / 100)),
  mustFund: fc.oneof({ arbitrary: fc.constant(false), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 }),
  primaryAmbition: fc.constantFrom(...AMBITIONS),
  places: fc.shuffledSubarray([...PLACES], { minLength: 1, maxLength: 3 }),
  costs: fc.uniqueArray(
    fc.record({ financialYear: fc.constantFrom(...YEARS), recurrentPence: amountArb(300_000), nonRecurrentPence: amountArb(200_000) }),
    { minLength: 1, maxLength: 3, selector: (line) => line.financialYear },
  ),
});

const SUB_ENVELOPE_KEYS = [
  ...AMBITIONS.map((key) => ({ dimension: 'ambition' as const, key })),
  ...PLACES.map((key) => ({ dimension: 'place' as const, key })),
];

const subEnvelopesArb: fc.Arbitrary<SubEnvelope[]> = fc
  .tuple(...SUB_ENVELOPE_KEYS.map(() => fc.option(fc.integer({ min: 0, max: pounds(1_500_000) }), { freq: 2 })))
  .map((amounts) =>
    SUB_ENVELOPE_KEYS.flatMap(({ dimension, key }, i) => {
      const envelopePence = amounts[i];
      return envelopePence == null ? [] : [{ id: `${dimension}-${key}`, dimension, key, label: key, envelopePence }];
    }),
  );

/** Up to 10% over the envelope now and then, as if an earlier round's must-fund bids overran. */
const commitmentArb = (envelopePence: number) =>
  fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Math.floor(envelopePence * 1.1) }));

const roundArb: fc.Arbitrary<AllocationInput> = fc
  .record({
    envelopePence: fc.integer({ min: 0, max: pounds(3_000_000) }),
    subEnvelopes: subEnvelopesArb,
    bids: fc.uniqueArray(bidArb, { maxLength: 30, selector: (bid) => bid.reference }),
  })
  .chain(({ envelopePence, subEnvelopes, bids }) =>
    fc
      .record({
        // Twins differ only in reference, so a tie that only the reference can break is common.
        twins: fc.subarray(bids, { maxLength: Math.min(3, bids.length) }),
        totalPence: commitmentArb(envelopePence),
        bySubEnvelope: fc
          .tuple(...subEnvelopes.map((sub) => fc.option(commitmentArb(sub.envelopePence))))
          .map((amounts) => Object.fromEntries(subEnvelopes.flatMap((sub, i) => (amounts[i] == null ? [] : [[sub.id, amounts[i]]])))),
      })
      .map(({ twins, totalPence, bySubEnvelope }) => ({
        financialYear: ROUND_YEAR,
        envelopePence,
        subEnvelopes,
        committed: { totalPence, bySubEnvelope },
        bids: [...bids, ...twins.map((bid) => ({ ...bid, reference: bid.reference.replace('NW-2026-', 'NW-2027-') }))],
      })),
  );

const permutationOf = <T>(items: readonly T[]) => fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

/** The same round with every list in it reordered: bids, sub-envelopes, and each bid's places and cost lines. */
const reorderedArb = (round: AllocationInput): fc.Arbitrary<AllocationInput> =>
  fc
    .record({
      bids: permutationOf(round.bids).chain((bids) =>
        fc.tuple(...bids.map((bid) => fc.record({ places: permutationOf(bid.places), costs: permutationOf(bid.costs) }).map((lists) => ({ ...bid, ...lists })))),
      ),
      subEnvelopes: permutationOf(round.subEnvelopes),
    })
    .map((lists) => ({ ...round, ...lists }));

// --- An independent reading of the rules, to check the result against. ---

function roundCost(round: AllocationInput, bid: AllocationBid): number {
  return bid.costs.filter((line) => line.financialYear === round.financialYear).reduce((sum, line) => sum + line.recurrentPence + line.nonRecurrentPence, 0);
}

function expectedDraws(round: AllocationInput, bid: AllocationBid): Record<string, number> {
  const cost = roundCost(round, bid);
  const draws: Record<string, number> = { overall: cost };
  const ambition = round.subEnvelopes.find((sub) => sub.dimension === 'ambition' && sub.key === bid.primaryAmbition);
  if (ambition) draws[ambition.id] = cost;
  const places = [...bid.places].sort();
  places.forEach((place, i) => {
    const sub = round.subEnvelopes.find((s) => s.dimension === 'place' && s.key === place);
    if (sub) draws[sub.id] = Math.floor(cost / places.length) + (i < cost % places.length ? 1 : 0);
  });
  return draws;
}

function moneyLeftAtStart(round: AllocationInput): Map<string, number> {
  return new Map([
    ['overall', round.envelopePence - round.committed.totalPence],
    ...round.subEnvelopes.map((sub): [string, number] => [sub.id, sub.envelopePence - (round.committed.bySubEnvelope[sub.id] ?? 0)]),
  ]);
}

const hundredthsOfAPoint = (entry: RankedBid) => BigInt(Math.round(entry.benefitScore * 100));

function fundedDrawsOn(result: AllocationResult, envelopeId: string, mustFund: boolean): number {
  return result.ranking
    .filter((r) => r.outcome === 'funded' && r.mustFund === mustFund)
    .reduce((sum, r) => sum + (r.draws[envelopeId] ?? 0), 0);
}

describe('allocation over random funding rounds', () => {
  it('never exceeds an envelope except by must-fund money, and reports exactly that as the overrun', () => {
    fc.assert(
      fc.property(roundArb, (round) => {
        const result = allocate(round);
        let anyOverrun = false;
        for (const [id, start] of moneyLeftAtStart(round)) {
          const mustFund = fundedDrawsOn(result, id, true);
          const others = fundedDrawsOn(result, id, false);
          expect(others).toBeLessThanOrEqual(Math.max(0, start - mustFund));
          if (mustFund <= start) expect(mustFund + others).toBeLessThanOrEqual(start);

          const overrun = Math.max(0, mustFund - Math.max(0, start));
          const reported = id === 'overall' ? result.mustFundOverrun?.overallPence : result.mustFundOverrun?.bySubEnvelope[id];
          expect(reported ?? 0).toBe(overrun);
          anyOverrun ||= overrun > 0;
        }
        expect(result.mustFundOverrun !== null).toBe(anyOverrun);
      }),
      RUNS,
    );
  });

  it('funds every must-fund bid, ranked ahead of all the others', () => {
    fc.assert(
      fc.property(roundArb, (round) => {
        const result = allocate(round);
        const mustFund = round.bids.filter((bid) => bid.mustFund).map((bid) => bid.reference);
        expect(result.ranking.slice(0, mustFund.length).map((r) => r.reference).sort()).toEqual(mustFund.sort());
        for (const reference of mustFund) expect(result.funded).toContain(reference);
      }),
      RUNS,
    );
  });

  it('funds each ranked bid exactly when it fits the money left at its turn, so no waitlisted bid would have fitted', () => {
    fc.assert(
      fc.property(roundArb, (round) => {
        const result = allocate(round);
        const bids = new Map(round.bids.map((bid) => [bid.reference, bid]));
        const left = moneyLeftAtStart(round);

        expect(result.ranking.map((r) => r.rank)).toEqual(round.bids.map((_, i) => i + 1));
        for (const entry of result.ranking) {
          const bid = bids.get(entry.reference);
          if (!bid) throw new Error(`${entry.reference} is not one of the round's bids`);
          const draws = expectedDraws(round, bid);
          expect(entry.draws).toEqual(draws);
          expect(entry.leftBefore).toEqual(Object.fromEntries(Object.keys(draws).map((id) => [id, left.get(id)])));

          const fits = Object.entries(draws).every(([id, pence]) => (left.get(id) ?? 0) >= pence);
          const rankable = entry.totalCostPence > 0;
          const expected = bid.mustFund || (rankable && fits) ? 'funded' : 'waitlisted';
          expect(entry.outcome).toBe(expected);
          if (entry.outcome === 'funded') for (const [id, pence] of Object.entries(draws)) left.set(id, (left.get(id) ?? 0) - pence);
        }

        expect(result.funded).toEqual(result.ranking.filter((r) => r.outcome === 'funded').map((r) => r.reference));
        expect(result.waitlisted).toEqual(result.ranking.filter((r) => r.outcome === 'waitlisted').map((r) => r.reference));
        const firstMiss = result.ranking.find((r) => !r.mustFund && r.totalCostPence > 0 && r.outcome === 'waitlisted');
        expect(result.cutLine?.reference).toBe(firstMiss?.reference);
      }),
      RUNS,
    );
  });

  it('ranks the bids that are not must-fund by benefit per pound of whole-life cost, highest first', () => {
    fc.assert(
      fc.property(roundArb, (round) => {
        const ranked = allocate(round).ranking.filter((r) => !r.mustFund);
        let above: RankedBid | undefined;
        for (const below of ranked) {
          // A bid with no whole-life cost cannot be ranked, so it goes after every bid that can.
          if (above && below.totalCostPence > 0) {
            expect(above.totalCostPence).toBeGreaterThan(0);
            const [a, b] = [hundredthsOfAPoint(above), hundredthsOfAPoint(below)];
            expect(a * BigInt(below.totalCostPence) >= b * BigInt(above.totalCostPence)).toBe(true);
          }
          above = below;
        }
      }),
      RUNS,
    );
  });

  it('gives the same result, byte for byte, whatever the order of the bids, sub-envelopes, places and cost lines', () => {
    fc.assert(
      fc.property(
        roundArb.chain((round) => fc.tuple(fc.constant(round), reorderedArb(round))),
        ([round, reordered]) => {
          expect(JSON.stringify(allocate(reordered))).toBe(JSON.stringify(allocate(round)));
        },
      ),
      RUNS,
    );
  });

  it('accounts for every penny: allocated plus left is the envelope less what was committed before', () => {
    fc.assert(
      fc.property(roundArb, (round) => {
        const result = allocate(round);
        const start = moneyLeftAtStart(round);
        expect(result.envelopes.map((e) => e.id).sort()).toEqual([...start.keys()].sort());
        for (const envelope of result.envelopes) {
          expect(envelope.envelopePence - envelope.committedBeforePence).toBe(start.get(envelope.id));
          expect(envelope.allocatedPence + envelope.leftPence).toBe(envelope.envelopePence - envelope.committedBeforePence);
          expect(envelope.allocatedPence).toBe(fundedDrawsOn(result, envelope.id, true) + fundedDrawsOn(result, envelope.id, false));
        }
      }),
      RUNS,
    );
  });

  it('leaves its input exactly as it was given', () => {
    fc.assert(
      fc.property(roundArb, (generated) => {
        // Cloned into plain objects first: fast-check builds some with a null prototype, which
        // toStrictEqual would count as a difference from any copy.
        const round = structuredClone(generated);
        const before = structuredClone(round);
        allocate(round);
        expect(round).toStrictEqual(before);
      }),
      RUNS,
    );
  });
});
