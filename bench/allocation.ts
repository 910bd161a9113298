// How long allocation takes on a large funding round: 10,000 bids over 50 sub-envelopes, the
// same pseudo-random round every time. Measures speed only. Run: npm run bench:allocation
import { performance } from 'node:perf_hooks';
import { allocate, type AllocationBid, type AllocationInput, type SubEnvelope } from '../src/domain/allocation.js';
import { AMBITIONS, PLACES } from '../src/domain/vocabulary.js';

const BIDS = 10_000;
const NEIGHBOURHOODS = 37; // with the 8 ambitions and 5 places, 50 sub-envelopes
const WARM_UP_RUNS = 3;
const MEASURED_RUNS = 15;
const YEAR = '2026/27';
const YEARS = ['2025/26', '2026/27', '2027/28'];

/** mulberry32: a small seeded generator, so every run of the benchmark allocates the same round. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function buildRound(random: () => number): AllocationInput {
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[between(0, items.length - 1)] as T;
  const neighbourhoods = Array.from({ length: NEIGHBOURHOODS }, (_, i) => `neighbourhood_${String(i + 1).padStart(2, '0')}`);

  const bids: AllocationBid[] = Array.from({ length: BIDS }, (_, i) => {
    // Most bids start in the round's year; some started last year, some start next.
    const firstYear = random() < 0.8 ? 1 : pick([0, 2]);
    const years = YEARS.slice(firstYear, firstYear + between(1, 3));
    const places = [...new Set([pick(PLACES), ...Array.from({ length: between(0, 2) }, () => pick(neighbourhoods))])];
    return {
      reference: `NW-2026-${String(i + 1).padStart(5, '0')}`,
      title: `Benchmark bid ${i + 1}`,
      benefitScore: between(2_000, 9_500) / 100,
      mustFund: random() < 0.01,
      primaryAmbition: pick(AMBITIONS),
      places,
      costs: years.map((financialYear) => ({
        financialYear,
        recurrentPence: between(10_000, 1_500_000) * 100,
        nonRecurrentPence: random() < 0.5 ? 0 : between(0, 500_000) * 100 + between(0, 99),
      })),
    };
  });

  const subEnvelopes: SubEnvelope[] = [
    ...AMBITIONS.map((key) => ({ id: `ambition-${key}`, dimension: 'ambition' as const, key, label: key, envelopePence: between(50, 400) * 100_000_000 })),
    ...PLACES.map((key) => ({ id: `place-${key}`, dimension: 'place' as const, key, label: key, envelopePence: between(100, 600) * 100_000_000 })),
    ...neighbourhoods.map((key) => ({ id: `place-${key}`, dimension: 'place' as const, key, label: key, envelopePence: between(5, 40) * 100_000_000 })),
  ];

  return {
    financialYear: YEAR,
    envelopePence: 2_500 * 100_000_000, // £2.5bn: about a third of the £7.5bn asked for this year
    subEnvelopes,
    committed: {
      totalPence: 200 * 100_000_000,
      bySubEnvelope: Object.fromEntries(subEnvelopes.filter(() => random() < 0.3).map((sub) => [sub.id, Math.floor(sub.envelopePence / 10)])),
    },
    bids,
  };
}

const round = buildRound(seeded(20_260_401));
let result = allocate(round);
for (let i = 1; i < WARM_UP_RUNS; i++) result = allocate(round);

const timesMs: number[] = [];
for (let i = 0; i < MEASURED_RUNS; i++) {
  const started = performance.now();
  result = allocate(round);
  timesMs.push(performance.now() - started);
}
timesMs.sort((a, b) => a - b);
const median = timesMs[Math.floor(timesMs.length / 2)] ?? NaN;
const fastest = timesMs[0] ?? NaN;

const count = (n: number) => n.toLocaleString('en-GB');
console.log(`Allocation of ${count(round.bids.length)} bids over ${round.subEnvelopes.length} sub-envelopes (${YEAR}), Node ${process.version}`);
console.log(`  funded ${count(result.funded.length)}, waitlisted ${count(result.waitlisted.length)}, cut line at rank ${result.cutLine?.rank ?? 'none'}`);
console.log(`  over ${MEASURED_RUNS} runs: median ${median.toFixed(1)} ms, min ${fastest.toFixed(1)} ms per run`);
