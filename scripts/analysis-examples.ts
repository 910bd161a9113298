// The OpenAPI document's examples of a round explained (src/api/examples/round-*.json): the
// README's worked round (three bids, £1,000,000) run through the real analyses, so they are true.
// `tsx scripts/analysis-examples.ts` writes them; test/analysis.examples.test.ts fails if they drift.
import { writeFileSync } from 'node:fs';
import type { AllocationInput } from '../src/domain/allocation.js';
import { whatItWouldTake } from '../src/domain/allocation-explain.js';
import { findOptimum } from '../src/domain/allocation-optimum.js';
import { sensitivity, type SensitivityBid } from '../src/domain/allocation-sensitivity.js';

const pounds = (n: number) => n * 100;
const basis = { roundId: '2026-27-main', version: 1, runAt: '2027-01-31T17:00:00.000Z' };

/** Two criteria weighted 10 and 20: the scores are what the engine's recombination gives. */
const bid = (reference: string, cost: number, a: number, b: number): SensitivityBid => ({
  reference,
  title: `Example bid ${reference}`,
  benefitScore: Math.round(((10 * a + 20 * b) * 20) / 30 * 100) / 100,
  mustFund: false,
  primaryAmbition: 'primary_care',
  places: ['norwich'],
  costs: [{ financialYear: '2026/27', recurrentPence: 0, nonRecurrentPence: pounds(cost) }],
  criteria: [
    { id: 'health_inequalities', weight: 10, applicable: true, score: a },
    { id: 'clinical_outcomes', weight: 20, applicable: true, score: b },
  ],
});

export const EXAMPLE_ROUND: Omit<AllocationInput, 'bids'> & { bids: SensitivityBid[] } = {
  financialYear: '2026/27',
  envelopePence: pounds(1_000_000),
  subEnvelopes: [],
  committed: { totalPence: 0, bySubEnvelope: {} },
  bids: [bid('NW-2026-0101', 800_000, 3, 4.5), bid('NW-2026-0102', 300_000, 4.5, 3), bid('NW-2026-0103', 200_000, 4.5, 4.5)],
};

export async function buildAnalysisExamples() {
  const { bids, ...rest } = EXAMPLE_ROUND;
  const plain = { ...rest, bids: bids.map(({ criteria: _c, ...b }) => b) };
  return {
    whatItWouldTake: { basis, ...whatItWouldTake(plain) },
    optimum: { basis, ...(await findOptimum(plain)) },
    sensitivity: { basis, ...sensitivity(EXAMPLE_ROUND, { spreadPercent: 10, samples: 1000, seed: 20260131 }) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildAnalysisExamples();
  for (const [name, value] of Object.entries({ 'round-what-it-would-take': built.whatItWouldTake, 'round-optimum': built.optimum, 'round-sensitivity': built.sensitivity })) {
    writeFileSync(new URL(`../src/api/examples/${name}.json`, import.meta.url), `${JSON.stringify(value, null, 2)}\n`);
  }
}
