// How long the allocation analyses take on a large funding round: what it would take for every
// waitlisted bid, the exact optimum by HiGHS, and a sensitivity run. The same pseudo-random round
// every time (mulberry32, seed below). Measures speed only.
// Run: npx tsx scripts/bench-allocation-analytics.ts [bids, default 1000] [sensitivity samples, default 200]
import { performance } from 'node:perf_hooks';
import { allocate, type AllocationInput, type SubEnvelope } from '../src/domain/allocation.js';
import { whatItWouldTake } from '../src/domain/allocation-explain.js';
import { bestTheMoneyCouldBuy, loadHighs } from '../src/domain/allocation-optimum.js';
import { mulberry32, sensitivity, type SensitivityBid } from '../src/domain/allocation-sensitivity.js';
import { AMBITIONS, PLACES } from '../src/domain/vocabulary.js';

const BIDS = Number(process.argv[2] ?? 1_000);
const SAMPLES = Number(process.argv[3] ?? 200);
const SEED = 20_260_401;
const YEAR = '2026/27';
const YEARS = ['2025/26', '2026/27', '2027/28'];
const CRITERIA = [
  ['health_gain', 20],
  ['inequalities', 20],
  ['strategic_fit', 15],
  ['need', 10],
  ['evidence', 10],
  ['quality_safety', 10],
  ['deliverability', 10],
  ['productivity', 5],
] as const;

function buildRound(random: () => number): AllocationInput & { bids: SensitivityBid[] } {
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[between(0, items.length - 1)] as T;
  let asked = 0;
  const bids: SensitivityBid[] = Array.from({ length: BIDS }, (_, i) => {
    const firstYear = random() < 0.8 ? 1 : pick([0, 2]);
    const years = YEARS.slice(firstYear, firstYear + between(1, 3));
    const places = [...new Set(Array.from({ length: between(1, 2) }, () => pick(PLACES)))];
    const criteria = CRITERIA.map(([id, weight]) => {
      const applicable = random() < 0.9;
      return { id, weight, applicable, score: applicable ? between(0, 500) / 100 : null };
    });
    if (!criteria.some((c) => c.applicable)) criteria[0] = { id: 'health_gain', weight: 20, applicable: true, score: 2.5 };
    const costs = years.map((financialYear) => ({
      financialYear,
      recurrentPence: between(10_000, 1_500_000) * 100,
      nonRecurrentPence: random() < 0.5 ? 0 : between(0, 500_000) * 100 + between(0, 99),
    }));
    asked += costs.filter((c) => c.financialYear === YEAR).reduce((s, c) => s + c.recurrentPence + c.nonRecurrentPence, 0);
    const bid = {
      reference: `NW-2026-${String(i + 1).padStart(5, '0')}`,
      title: `Benchmark bid ${i + 1}`,
      benefitScore: 0,
      mustFund: random() < 0.01,
      primaryAmbition: pick(AMBITIONS),
      places,
      costs,
      criteria,
    };
    return { ...bid, benefitScore: nominalScore(bid) };
  });
  const subEnvelopes: SubEnvelope[] = [
    ...AMBITIONS.map((key) => ({ id: `ambition-${key}`, dimension: 'ambition' as const, key, label: key, envelopePence: Math.floor((asked / 16) * (0.5 + random())) })),
    ...PLACES.map((key) => ({ id: `place-${key}`, dimension: 'place' as const, key, label: key, envelopePence: Math.floor((asked / 10) * (0.5 + random())) })),
  ];
  return { financialYear: YEAR, envelopePence: Math.floor(asked / 3), subEnvelopes, committed: { totalPence: 0, bySubEnvelope: {} }, bids };
}

function nominalScore(bid: Pick<SensitivityBid, 'criteria'>): number {
  let weighted = 0;
  let weights = 0;
  for (const c of bid.criteria) {
    if (!c.applicable || c.score === null) continue;
    weighted += c.weight * Math.round(c.score * 100);
    weights += c.weight;
  }
  return Math.floor((2 * weighted * 20 + weights) / (2 * weights)) / 100;
}

const time = <T>(what: string, run: () => T): T => {
  const started = performance.now();
  const value = run();
  console.log(`  ${what}: ${(performance.now() - started).toFixed(0)} ms`);
  return value;
};

const round = buildRound(mulberry32(SEED));
console.log(`Allocation analyses, ${BIDS.toLocaleString('en-GB')} bids over ${round.subEnvelopes.length} sub-envelopes (${YEAR}), Node ${process.version}`);
const result = time('allocate', () => allocate(round));
console.log(`  (funded ${result.funded.length}, waitlisted ${result.waitlisted.length})`);
time(`what it would take, for all ${result.waitlisted.length} waitlisted bids, searches only`, () => whatItWouldTake(round, { verify: false }));
const explained = time(`what it would take, for all ${result.waitlisted.length} waitlisted bids, each answer verified by allocate()`, () => whatItWouldTake(round));
const undetermined = explained.bids.filter((b) => [b.envelope.overall, ...b.envelope.subEnvelopes, b.envelope.together].some((c) => c?.kind === 'undetermined')).length;
console.log(`  (envelope searches undetermined for ${undetermined} bids)`);
const highs = await time('load HiGHS', () => loadHighs());
const optimum = time('optimum (two HiGHS solves, verified)', () => bestTheMoneyCouldBuy(round, highs, { timeLimitSeconds: 300 }));
console.log(`  (${optimum.sentence})`);
time(`sensitivity, ${SAMPLES} samples at ±10%`, () => sensitivity(round, { spreadPercent: 10, samples: SAMPLES, seed: SEED }));
