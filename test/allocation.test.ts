// Allocation within a funding round, by worked examples whose every figure was worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  allocate,
  AllocationInputError,
  formatPence,
  type AllocationBid,
  type AllocationCostLine,
  type AllocationInput,
  type SubEnvelope,
} from '../src/domain/allocation.js';

const YEAR = '2026/27';
const pounds = (n: number) => n * 100;

interface BidSpec {
  /** Pence in the round's year, as one recurrent line. */
  cost?: number;
  costs?: AllocationCostLine[];
  score: number;
  mustFund?: boolean;
  ambition?: string;
  places?: string[];
}

function bid(reference: string, spec: BidSpec): AllocationBid {
  return {
    reference,
    title: `Bid ${reference}`,
    benefitScore: spec.score,
    mustFund: spec.mustFund ?? false,
    primaryAmbition: spec.ambition ?? 'primary_care',
    places: spec.places ?? ['norwich'],
    costs: spec.costs ?? [{ financialYear: YEAR, recurrentPence: spec.cost ?? 0, nonRecurrentPence: 0 }],
  };
}

function round(envelopePence: number, bids: AllocationBid[], more: Partial<AllocationInput> = {}): AllocationInput {
  return { financialYear: YEAR, envelopePence, subEnvelopes: [], committed: { totalPence: 0, bySubEnvelope: {} }, bids, ...more };
}

const subEnvelope = (id: string, dimension: SubEnvelope['dimension'], key: string, label: string, envelopePence: number): SubEnvelope => ({
  id,
  dimension,
  key,
  label,
  envelopePence,
});

describe('allocating a funding round', () => {
  it('funds the worked example by benefit per pound and waitlists the £800,000 bid at the cut line', () => {
    // Benefit per pound of whole-life cost, worked by hand:
    //   NW-2026-0001  80 points / £800,000 = 0.10 per £1k = 100 per £1m
    //   NW-2026-0002  75 points / £300,000 = 0.25 per £1k = 250 per £1m
    //   NW-2026-0003  60 points / £200,000 = 0.30 per £1k = 300 per £1m
    // So the order is £200k, £300k, £800k. From £1,000,000: £200k leaves £800k, £300k leaves
    // £500k, and the £800k bid does not fit in the £500k left.
    const result = allocate(
      round(pounds(1_000_000), [
        bid('NW-2026-0001', { cost: pounds(800_000), score: 80 }),
        bid('NW-2026-0002', { cost: pounds(300_000), score: 75 }),
        bid('NW-2026-0003', { cost: pounds(200_000), score: 60 }),
      ]),
    );

    expect(result.ranking.map((r) => [r.rank, r.reference, r.benefitPerPoundText, r.outcome, r.reason])).toEqual([
      [1, 'NW-2026-0003', '300.00 points per £1m of whole-life cost', 'funded', 'Funded: ranked 1st by benefit per pound; £200,000 needed, £1,000,000 left'],
      [2, 'NW-2026-0002', '250.00 points per £1m of whole-life cost', 'funded', 'Funded: ranked 2nd by benefit per pound; £300,000 needed, £800,000 left'],
      [3, 'NW-2026-0001', '100.00 points per £1m of whole-life cost', 'waitlisted', 'Waitlisted: needs £800,000; £500,000 left in the envelope'],
    ]);
    expect(result.funded).toEqual(['NW-2026-0003', 'NW-2026-0002']);
    expect(result.waitlisted).toEqual(['NW-2026-0001']);
    expect(result.cutLine).toEqual({ rank: 3, reference: 'NW-2026-0001', envelopeId: 'overall', leftPence: pounds(500_000) });
    expect(result.envelopes).toEqual([
      { id: 'overall', label: 'Overall envelope', envelopePence: pounds(1_000_000), committedBeforePence: 0, allocatedPence: pounds(500_000), leftPence: pounds(500_000) },
    ]);
    expect(result.mustFundOverrun).toBeNull();
  });

  it('funds must-fund bids first, even past the envelope, and reports how far they overran', () => {
    // NW-2026-0013 has the best benefit per pound (900 per £1m) but is not must-fund, so it waits
    // behind both must-fund bids; the second of those no longer fits and takes the envelope
    // £100,000 over.
    const result = allocate(
      round(pounds(500_000), [
        bid('NW-2026-0013', { cost: pounds(100_000), score: 90 }),
        bid('NW-2026-0012', { cost: pounds(300_000), score: 30, mustFund: true }),
        bid('NW-2026-0011', { cost: pounds(300_000), score: 50, mustFund: true }),
      ]),
    );

    expect(result.ranking.map((r) => [r.rank, r.reference, r.mustFund, r.outcome, r.reason])).toEqual([
      [1, 'NW-2026-0011', true, 'funded', 'Funded: must-fund (statutory mandate)'],
      [2, 'NW-2026-0012', true, 'funded', 'Funded: must-fund (statutory mandate), beyond the money left: needs £300,000; £200,000 left in the envelope'],
      [3, 'NW-2026-0013', false, 'waitlisted', 'Waitlisted: needs £100,000; the envelope is already £100,000 over'],
    ]);
    expect(result.mustFundOverrun).toEqual({ overallPence: pounds(100_000), bySubEnvelope: {} });
    expect(result.envelopes[0]).toMatchObject({ allocatedPence: pounds(600_000), leftPence: -pounds(100_000) });
    expect(result.cutLine).toEqual({ rank: 3, reference: 'NW-2026-0013', envelopeId: 'overall', leftPence: -pounds(100_000) });
  });

  it('reports a must-fund overrun of a sub-envelope while the overall envelope still has money', () => {
    const result = allocate(
      round(pounds(1_000_000), [bid('NW-2026-0021', { cost: pounds(250_000), score: 70, mustFund: true, ambition: 'mental_health' })], {
        subEnvelopes: [subEnvelope('amb-mental-health', 'ambition', 'mental_health', 'Mental health', pounds(200_000))],
      }),
    );

    expect(result.funded).toEqual(['NW-2026-0021']);
    expect(result.ranking[0]?.reason).toBe(
      'Funded: must-fund (statutory mandate), beyond the money left: needs £250,000; £200,000 left in the Mental health sub-envelope',
    );
    expect(result.mustFundOverrun).toEqual({ overallPence: 0, bySubEnvelope: { 'amb-mental-health': pounds(50_000) } });
  });

  it('still funds a smaller bid ranked below one that did not fit', () => {
    // 90/£700k = 128.57, 60/£600k = 100, 20/£250k = 80 points per £1m.
    const result = allocate(
      round(pounds(1_000_000), [
        bid('NW-2026-0031', { cost: pounds(700_000), score: 90 }),
        bid('NW-2026-0032', { cost: pounds(600_000), score: 60 }),
        bid('NW-2026-0033', { cost: pounds(250_000), score: 20 }),
      ]),
    );

    expect(result.funded).toEqual(['NW-2026-0031', 'NW-2026-0033']);
    expect(result.waitlisted).toEqual(['NW-2026-0032']);
    expect(result.ranking.map((r) => r.reason)).toEqual([
      'Funded: ranked 1st by benefit per pound; £700,000 needed, £1,000,000 left',
      'Waitlisted: needs £600,000; £300,000 left in the envelope',
      'Funded: ranked 3rd by benefit per pound; £250,000 needed, £300,000 left',
    ]);
    expect(result.ranking[0]?.benefitPerPoundText).toBe('128.57 points per £1m of whole-life cost');
    expect(result.cutLine).toEqual({ rank: 2, reference: 'NW-2026-0032', envelopeId: 'overall', leftPence: pounds(300_000) });
    expect(result.envelopes[0]?.leftPence).toBe(pounds(50_000));
  });

  it('waitlists a bid whose ambition sub-envelope has run out while the overall envelope has money', () => {
    // 90/£200k = 450, 80/£200k = 400, 70/£250k = 280 points per £1m.
    const result = allocate(
      round(
        pounds(1_000_000),
        [
          bid('NW-2026-0041', { cost: pounds(200_000), score: 90, ambition: 'mental_health' }),
          bid('NW-2026-0042', { cost: pounds(200_000), score: 80, ambition: 'mental_health' }),
          bid('NW-2026-0043', { cost: pounds(250_000), score: 70, ambition: 'elective_recovery' }),
        ],
        { subEnvelopes: [subEnvelope('amb-mental-health', 'ambition', 'mental_health', 'Mental health', pounds(300_000))] },
      ),
    );

    expect(result.ranking.map((r) => [r.reference, r.outcome, r.reason, r.draws, r.leftBefore])).toEqual([
      [
        'NW-2026-0041',
        'funded',
        'Funded: ranked 1st by benefit per pound; £200,000 needed, £1,000,000 left',
        { overall: pounds(200_000), 'amb-mental-health': pounds(200_000) },
        { overall: pounds(1_000_000), 'amb-mental-health': pounds(300_000) },
      ],
      [
        'NW-2026-0042',
        'waitlisted',
        'Waitlisted: needs £200,000; £100,000 left in the Mental health sub-envelope',
        { overall: pounds(200_000), 'amb-mental-health': pounds(200_000) },
        { overall: pounds(800_000), 'amb-mental-health': pounds(100_000) },
      ],
      [
        'NW-2026-0043',
        'funded',
        'Funded: ranked 3rd by benefit per pound; £250,000 needed, £800,000 left',
        { overall: pounds(250_000) },
        { overall: pounds(800_000) },
      ],
    ]);
    expect(result.cutLine).toEqual({ rank: 2, reference: 'NW-2026-0042', envelopeId: 'amb-mental-health', leftPence: pounds(100_000) });
    expect(result.envelopes.map((e) => [e.id, e.allocatedPence, e.leftPence])).toEqual([
      ['overall', pounds(450_000), pounds(550_000)],
      ['amb-mental-health', pounds(200_000), pounds(100_000)],
    ]);
  });

  it('splits a bid over its places in sorted order, the odd penny to the first, and draws on place sub-envelopes only', () => {
    // NW-2026-0051 asks for £100,000.01 across Norwich and North Norfolk. Sorted, north_norfolk
    // comes before norwich ("nort" < "norw"), so it takes the odd penny: 5,000,001 and 5,000,000
    // pence. That leaves Norwich exactly £0 and North Norfolk £9,999.99. West Norfolk has no
    // sub-envelope, so NW-2026-0053 draws on the overall envelope alone.
    // Points per £1m: 90/£100,000.01 = 899.99; 0.5/£1,000 = 500; 8/£20,000 = 400; 6/£20,000.01 = 300.
    const result = allocate(
      round(
        pounds(1_000_000),
        [
          bid('NW-2026-0051', { cost: 10_000_001, score: 90, places: ['norwich', 'north_norfolk'] }),
          bid('NW-2026-0052', { cost: pounds(1_000), score: 0.5, places: ['norwich'] }),
          bid('NW-2026-0053', { cost: pounds(20_000), score: 8, places: ['west_norfolk'] }),
          bid('NW-2026-0054', { cost: 2_000_001, score: 6, places: ['norwich', 'north_norfolk'] }),
        ],
        {
          subEnvelopes: [
            subEnvelope('place-norwich', 'place', 'norwich', 'Norwich', pounds(50_000)),
            subEnvelope('place-north-norfolk', 'place', 'north_norfolk', 'North Norfolk', pounds(60_000)),
          ],
        },
      ),
    );

    expect(result.ranking.map((r) => [r.reference, r.outcome, r.draws])).toEqual([
      ['NW-2026-0051', 'funded', { overall: 10_000_001, 'place-north-norfolk': 5_000_001, 'place-norwich': 5_000_000 }],
      ['NW-2026-0052', 'waitlisted', { overall: pounds(1_000), 'place-norwich': pounds(1_000) }],
      ['NW-2026-0053', 'funded', { overall: pounds(20_000) }],
      ['NW-2026-0054', 'waitlisted', { overall: 2_000_001, 'place-north-norfolk': 1_000_001, 'place-norwich': 1_000_000 }],
    ]);
    expect(result.ranking[1]?.reason).toBe('Waitlisted: needs £1,000; £0 left in the Norwich sub-envelope');
    expect(result.ranking[3]?.reason).toBe(
      'Waitlisted: needs £10,000.01 (its share across 2 places); £9,999.99 left in the North Norfolk sub-envelope; ' +
        'and needs £10,000 (its share across 2 places); £0 left in the Norwich sub-envelope',
    );
    expect(result.envelopes.map((e) => [e.id, e.allocatedPence, e.leftPence])).toEqual([
      ['overall', 12_000_001, 87_999_999],
      ['place-north-norfolk', 5_000_001, 999_999],
      ['place-norwich', 5_000_000, 0],
    ]);
  });

  it('counts what earlier rounds committed this year against the overall envelope and each sub-envelope', () => {
    // Left at the start: £1,000,000 − £700,000 = £300,000 overall; £250,000 − £100,000 = £150,000
    // for primary care. Points per £1m: 42/£140k = 300, 5/£20k = 250, 30/£150k = 200, 5/£50k = 100.
    const result = allocate(
      round(
        pounds(1_000_000),
        [
          bid('NW-2026-0061', { cost: pounds(140_000), score: 42, ambition: 'primary_care' }),
          bid('NW-2026-0062', { cost: pounds(20_000), score: 5, ambition: 'primary_care' }),
          bid('NW-2026-0063', { cost: pounds(150_000), score: 30, ambition: 'elective_recovery' }),
          bid('NW-2026-0064', { cost: pounds(50_000), score: 5, ambition: 'elective_recovery' }),
        ],
        {
          subEnvelopes: [subEnvelope('amb-primary-care', 'ambition', 'primary_care', 'Primary care', pounds(250_000))],
          committed: { totalPence: pounds(700_000), bySubEnvelope: { 'amb-primary-care': pounds(100_000) } },
        },
      ),
    );

    expect(result.ranking.map((r) => r.reason)).toEqual([
      'Funded: ranked 1st by benefit per pound; £140,000 needed, £300,000 left',
      'Waitlisted: needs £20,000; £10,000 left in the Primary care sub-envelope',
      'Funded: ranked 3rd by benefit per pound; £150,000 needed, £160,000 left',
      'Waitlisted: needs £50,000; £10,000 left in the envelope',
    ]);
    expect(result.envelopes).toEqual([
      { id: 'overall', label: 'Overall envelope', envelopePence: pounds(1_000_000), committedBeforePence: pounds(700_000), allocatedPence: pounds(290_000), leftPence: pounds(10_000) },
      { id: 'amb-primary-care', label: 'Primary care', envelopePence: pounds(250_000), committedBeforePence: pounds(100_000), allocatedPence: pounds(140_000), leftPence: pounds(10_000) },
    ]);
  });

  it("ranks by whole-life cost but draws only this year's cost from the envelope", () => {
    // NW-2026-0071 costs £100,000 a year for three years: 60/£300,000 = 200 per £1m, although
    // this year it needs only £100,000. NW-2026-0072: 50/£200,000 = 250 per £1m, so it goes first.
    // NW-2026-0073 costs nothing until next year (90/£500,000 = 180 per £1m), so it needs £0 now.
    const threeYears = ['2026/27', '2027/28', '2028/29'].map((financialYear) => ({ financialYear, recurrentPence: pounds(100_000), nonRecurrentPence: 0 }));
    const result = allocate(
      round(pounds(250_000), [
        bid('NW-2026-0071', { costs: threeYears, score: 60 }),
        bid('NW-2026-0072', { cost: pounds(200_000), score: 50 }),
        bid('NW-2026-0073', { costs: [{ financialYear: '2027/28', recurrentPence: 0, nonRecurrentPence: pounds(500_000) }], score: 90 }),
      ]),
    );

    expect(result.ranking.map((r) => [r.reference, r.roundCostPence, r.totalCostPence, r.outcome, r.reason])).toEqual([
      ['NW-2026-0072', pounds(200_000), pounds(200_000), 'funded', 'Funded: ranked 1st by benefit per pound; £200,000 needed, £250,000 left'],
      ['NW-2026-0071', pounds(100_000), pounds(300_000), 'waitlisted', 'Waitlisted: needs £100,000; £50,000 left in the envelope'],
      ['NW-2026-0073', 0, pounds(500_000), 'funded', 'Funded: ranked 3rd by benefit per pound; £0 needed, £50,000 left'],
    ]);
  });

  it('breaks exact ties in benefit per pound by higher score, then lower cost, then reference', () => {
    // 20.1/£100,000 and 60.3/£300,000 are both exactly 201 per £1m, though dividing floats
    // makes the first look larger per penny (2.0100000000000002e-6 against 2.01e-6); the higher score wins.
    // Scoring 0, NW-2026-0003 and NW-2026-0004 are both worth 0 per pound: the cheaper goes first.
    // NW-2026-0009 and NW-2026-0010 are identical but for the reference.
    const result = allocate(
      round(pounds(10_000_000), [
        bid('NW-2026-0010', { cost: pounds(250_000), score: 50 }),
        bid('NW-2026-0003', { cost: pounds(50_000), score: 0 }),
        bid('NW-2026-0001', { cost: pounds(100_000), score: 20.1 }),
        bid('NW-2026-0004', { cost: pounds(20_000), score: 0 }),
        bid('NW-2026-0009', { cost: pounds(250_000), score: 50 }),
        bid('NW-2026-0002', { cost: pounds(300_000), score: 60.3 }),
      ]),
    );

    expect(result.ranking.map((r) => r.reference)).toEqual(['NW-2026-0002', 'NW-2026-0001', 'NW-2026-0009', 'NW-2026-0010', 'NW-2026-0004', 'NW-2026-0003']);
    expect(result.ranking.slice(0, 2).map((r) => r.benefitPerPoundText)).toEqual([
      '201.00 points per £1m of whole-life cost',
      '201.00 points per £1m of whole-life cost',
    ]);
  });

  it('finds no commitment for a sub-envelope whose id is also the name of a property every object has', () => {
    const result = allocate(
      round(pounds(1_000_000), [bid('NW-2026-0091', { cost: pounds(100_000), score: 50 })], {
        subEnvelopes: [subEnvelope('constructor', 'place', 'norwich', 'Norwich', pounds(200_000))],
      }),
    );

    expect(result.envelopes[1]).toEqual({
      id: 'constructor',
      label: 'Norwich',
      envelopePence: pounds(200_000),
      committedBeforePence: 0,
      allocatedPence: pounds(100_000),
      leftPence: pounds(100_000),
    });
  });

  it('waitlists a bid with no whole-life cost, as it cannot be ranked, without drawing the cut line', () => {
    const result = allocate(
      round(pounds(1_000_000), [bid('NW-2026-0081', { costs: [], score: 95 }), bid('NW-2026-0082', { cost: pounds(100_000), score: 10 })]),
    );

    expect(result.ranking.map((r) => [r.rank, r.reference, r.outcome, r.benefitPerPoundText, r.reason])).toEqual([
      [1, 'NW-2026-0082', 'funded', '100.00 points per £1m of whole-life cost', 'Funded: ranked 1st by benefit per pound; £100,000 needed, £1,000,000 left'],
      [2, 'NW-2026-0081', 'waitlisted', 'cannot be ranked: no whole-life cost', 'Waitlisted: cannot be ranked, as its whole-life cost is £0'],
    ]);
    expect(result.cutLine).toBeNull();
  });
});

describe('money in reasons', () => {
  it('shows pounds with thousands separators, and pence only when there are some', () => {
    expect([0, 1, 99_999, 100_000_000, 123_456_789_01, -5_000].map(formatPence)).toEqual([
      '£0',
      '£0.01',
      '£999.99',
      '£1,000,000',
      '£123,456,789.01',
      '-£50',
    ]);
  });
});

describe('refusing input it cannot allocate', () => {
  const valid = round(
    pounds(1_000_000),
    [bid('NW-2026-0001', { cost: pounds(100_000), score: 60 }), bid('NW-2026-0002', { cost: pounds(200_000), score: 70, ambition: 'mental_health' })],
    {
      subEnvelopes: [subEnvelope('amb-mental-health', 'ambition', 'mental_health', 'Mental health', pounds(300_000))],
      committed: { totalPence: pounds(100_000), bySubEnvelope: { 'amb-mental-health': pounds(50_000) } },
    },
  );
  const [first, second] = valid.bids as [AllocationBid, AllocationBid];
  const withSecondBid = (change: Partial<AllocationBid>): AllocationInput => ({ ...valid, bids: [first, { ...second, ...change }] });
  const mentalHealth = valid.subEnvelopes[0] as SubEnvelope;

  it('allocates the valid round these cases start from', () => {
    expect(allocate(valid).funded).toEqual(['NW-2026-0001', 'NW-2026-0002']);
  });

  it.each<[string, AllocationInput, string, string]>([
    ['a negative envelope', { ...valid, envelopePence: -1 }, 'envelopePence', 'envelopePence must not be negative'],
    ['a fraction of a penny', { ...valid, envelopePence: 100.5 }, 'envelopePence', 'envelopePence must be a whole number of pence'],
    [
      'a negative cost',
      withSecondBid({ costs: [{ financialYear: YEAR, recurrentPence: -5, nonRecurrentPence: 0 }] }),
      'bids[1].costs[0].recurrentPence',
      'bids[1].costs[0].recurrentPence must not be negative',
    ],
    [
      'a negative commitment',
      { ...valid, committed: { totalPence: -1, bySubEnvelope: {} } },
      'committed.totalPence',
      'committed.totalPence must not be negative',
    ],
    [
      'a commitment against a sub-envelope the round does not have',
      { ...valid, committed: { totalPence: 0, bySubEnvelope: { 'place-norwich': 1 } } },
      'committed.bySubEnvelope.place-norwich',
      'committed.bySubEnvelope.place-norwich names no sub-envelope of this round',
    ],
    [
      'a duplicate reference',
      withSecondBid({ reference: 'NW-2026-0001' }),
      'bids[1].reference',
      'bids[1].reference must be unique: NW-2026-0001 is also bids[0].reference',
    ],
    [
      'two sub-envelopes for the same ambition',
      { ...valid, subEnvelopes: [mentalHealth, { ...mentalHealth, id: 'amb-mental-health-2' }] },
      'subEnvelopes[1].key',
      'subEnvelopes[1].key must be unique within its dimension: subEnvelopes[0] is also the ambition sub-envelope for mental_health',
    ],
    [
      'two sub-envelopes with the same id',
      { ...valid, subEnvelopes: [mentalHealth, { ...mentalHealth, key: 'later_life' }] },
      'subEnvelopes[1].id',
      'subEnvelopes[1].id must be unique: amb-mental-health is also subEnvelopes[0].id',
    ],
    [
      'a sub-envelope called overall',
      { ...valid, subEnvelopes: [{ ...mentalHealth, id: 'overall' }], committed: { totalPence: 0, bySubEnvelope: {} } },
      'subEnvelopes[0].id',
      'subEnvelopes[0].id must not be "overall", which names the whole envelope',
    ],
    ['a malformed financial year', { ...valid, financialYear: '2026-27' }, 'financialYear', 'financialYear must be a financial year such as 2026/27'],
    ['a financial year that skips a year', { ...valid, financialYear: '2026/28' }, 'financialYear', 'financialYear must name two consecutive years, such as 2026/27'],
    [
      'a malformed financial year in a cost line',
      withSecondBid({ costs: [{ financialYear: '26/27', recurrentPence: 1, nonRecurrentPence: 0 }] }),
      'bids[1].costs[0].financialYear',
      'bids[1].costs[0].financialYear must be a financial year such as 2026/27',
    ],
    [
      'a financial year listed twice in one bid',
      withSecondBid({
        costs: [
          { financialYear: YEAR, recurrentPence: 1, nonRecurrentPence: 0 },
          { financialYear: YEAR, recurrentPence: 2, nonRecurrentPence: 0 },
        ],
      }),
      'bids[1].costs[1].financialYear',
      'bids[1].costs[1].financialYear must not repeat 2026/27: list each financial year once',
    ],
    ['a benefit score over 100', withSecondBid({ benefitScore: 100.5 }), 'bids[1].benefitScore', 'bids[1].benefitScore must be a number from 0 to 100'],
    [
      'a benefit score finer than hundredths',
      withSecondBid({ benefitScore: 80.125 }),
      'bids[1].benefitScore',
      'bids[1].benefitScore must have at most two decimal places',
    ],
    ['a bid in no place', withSecondBid({ places: [] }), 'bids[1].places', 'bids[1].places must name at least one place'],
    [
      'more money than whole pence can count exactly',
      { ...valid, envelopePence: Number.MAX_SAFE_INTEGER },
      'bids',
      'bids ask for more money in total than can be counted exactly in pence',
    ],
    ['a place named twice', withSecondBid({ places: ['norwich', 'norwich'] }), 'bids[1].places[1]', 'bids[1].places[1] must not repeat norwich'],
  ])('refuses %s, naming the field', (_case, input, field, message) => {
    let refusal: unknown;
    try {
      allocate(input);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AllocationInputError);
    expect(refusal).toMatchObject({ field, message });
  });
});
