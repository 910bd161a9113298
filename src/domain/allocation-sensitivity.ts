// "Sensitivity": how often each bid of a funding round is funded when the rule set's criterion
// weights vary within ±n%. A seeded Monte Carlo: K samples, each drawing one multiplier per
// criterion from a mulberry32 generator started at the recorded seed, rescoring every bid from its
// recorded criterion scores under the varied weights, and allocating again (allocation.ts). Pure
// and deterministic: the same input, spread, samples and seed give the same output, byte for byte.
//
// Exactness. No float decides anything. A multiplier is an integer number of millionths,
// 1,000,000 ± at most the spread, drawn from a 32-bit integer u as floor(u × (2S + 1) / 2^32) − S
// (S the spread in millionths): the product stays below 2^53 and the division is by a power of
// two, so it is exact. A varied weight is the recorded weight × its multiplier, an integer. The
// benefit score is then recombined as src/rules/engine.ts does, in integer hundredths:
// Σ(weight × score in hundredths) × 20 / Σweight over the applicable criteria, rounded half up —
// with every weight a million times larger at the nominal multipliers, which changes nothing, as
// the ratio and so the rounding are the same. The classification compares counts in integers.
import { allocate, AllocationInputError, type AllocationBid, type AllocationInput } from './allocation.js';
import { compareCodeUnits, scoreHundredths } from './allocation-model.js';

/** One criterion of a bid's recorded score, as the rules engine's result records it. */
export interface RecordedCriterion {
  readonly id: string;
  /** The rule set's weight: a positive whole number. */
  readonly weight: number;
  readonly applicable: boolean;
  /** 0 to 5, to two decimal places; null when not applicable. */
  readonly score: number | null;
}

export interface SensitivityBid extends AllocationBid {
  readonly criteria: readonly RecordedCriterion[];
}

export type SensitivityInput = Omit<AllocationInput, 'bids'> & { readonly bids: readonly SensitivityBid[] };

/**
 * Weight by criterion id, as positive whole numbers; only their ratios matter. The sampler passes
 * each criterion's recorded weight × its multiplier in millionths.
 */
export type CriterionWeights = ReadonlyMap<string, number>;

/** A bid's benefit score, 0 to 100 to two decimal places, under the given weights. */
export type Rescore = (bid: SensitivityBid, weights: CriterionWeights) => number;

export type Robustness = 'robust-funded' | 'robust-waitlisted' | 'marginal';

export interface SensitivityOptions {
  /** n in ±n%: from 0 to under 100, to at most four decimal places. */
  readonly spreadPercent: number;
  /** K: how many samples, 1 to 1,000,000. */
  readonly samples: number;
  /** The generator's seed, a 32-bit unsigned integer; recorded in the result. */
  readonly seed: number;
  /** Funded (or waitlisted) in at least this percentage of samples is robust. Default 95; over 50, at most 100. */
  readonly robustPercent?: number;
  /** How to rescore a bid; by default rescoreFromCriteria, the rules engine's recombination. */
  readonly rescore?: Rescore;
}

export interface BidSensitivity {
  readonly reference: string;
  /** What the round's allocation, with the recorded scores, does with it. */
  readonly nominalOutcome: 'funded' | 'waitlisted';
  readonly mustFund: boolean;
  readonly fundedCount: number;
  /** fundedCount / samples, for people to read; the classification compares the counts. */
  readonly fundedShare: number;
  readonly classification: Robustness;
}

export interface SensitivityResult {
  readonly financialYear: string;
  readonly prng: 'mulberry32';
  readonly seed: number;
  readonly samples: number;
  readonly spreadPercent: number;
  readonly robustPercent: number;
  /** The criteria varied, in the order each sample draws their multipliers. */
  readonly criteria: readonly string[];
  /** In the nominal allocation's rank order. */
  readonly bids: readonly BidSensitivity[];
}

export class SensitivityInputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'SensitivityInputError';
  }
}

/** mulberry32 (Tommy Ettinger's 32-bit generator): the next unsigned 32-bit integer each call. */
export function mulberry32Uint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The same generator as floats in [0, 1), for benchmarks and test data; never to decide an outcome. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32Uint32(seed);
  return () => next() / 4_294_967_296;
}

const MILLION = 1_000_000;
const TWO_TO_32 = 4_294_967_296;

/**
 * The rules engine's recombination (src/rules/engine.ts, weigh): over the applicable criteria,
 * Σ(weight × score in hundredths) × 20 / Σweight hundredths of a point, rounded half up.
 */
export function rescoreFromCriteria(criteria: readonly RecordedCriterion[], weights: CriterionWeights): number {
  let weighted = 0n;
  let total = 0n;
  for (const c of criteria) {
    if (!c.applicable) continue;
    const weight = weights.get(c.id);
    if (weight === undefined || !Number.isSafeInteger(weight) || weight < 0) throw new RangeError(`criterion ${c.id} has no whole-number weight to rescore with`);
    if (c.score === null) throw new RangeError(`criterion ${c.id} is applicable but has no score`);
    weighted += BigInt(weight) * BigInt(scoreHundredths(c.score));
    total += BigInt(weight);
  }
  if (total === 0n) throw new RangeError('no applicable criterion has any weight, so there is no benefit score');
  return Number((2n * weighted * 20n + total) / (2n * total)) / 100;
}

/** Each criterion's recorded weight × its multiplier in millionths. */
export function weightsFor(bid: SensitivityBid, multipliers: ReadonlyMap<string, number>): CriterionWeights {
  return new Map(bid.criteria.map((c) => [c.id, c.weight * (multipliers.get(c.id) ?? MILLION)]));
}

export function sensitivity(input: SensitivityInput, options: SensitivityOptions): SensitivityResult {
  const { spreadPercent, samples, seed } = options;
  const robustPercent = options.robustPercent ?? 95;
  const spread = Math.round(spreadPercent * 10_000);
  if (typeof spreadPercent !== 'number' || !(spreadPercent >= 0 && spreadPercent < 100) || Math.abs(spreadPercent * 10_000 - spread) > 1e-6) {
    throw new SensitivityInputError('spreadPercent', 'must be from 0 to under 100, to at most four decimal places');
  }
  if (!Number.isInteger(samples) || samples < 1 || samples > 1_000_000) throw new SensitivityInputError('samples', 'must be a whole number from 1 to 1,000,000');
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new SensitivityInputError('seed', 'must be a whole number from 0 to 4294967295');
  if (!Number.isInteger(robustPercent) || robustPercent <= 50 || robustPercent > 100) throw new SensitivityInputError('robustPercent', 'must be a whole number over 50 and at most 100');
  const rescore: Rescore = options.rescore ?? ((bid, weights) => rescoreFromCriteria(bid.criteria, weights));

  input.bids.forEach((bid, i) => {
    bid.criteria.forEach((c, j) => {
      if (!Number.isSafeInteger(c.weight) || c.weight <= 0) throw new SensitivityInputError(`bids[${i}].criteria[${j}].weight`, 'must be a positive whole number');
    });
  });

  const nominal = allocate(input);
  const criteria = [...new Set(input.bids.flatMap((bid) => bid.criteria.map((c) => c.id)))].sort(compareCodeUnits);
  // The recorded scores must be what these criteria give at the recorded weights, or the samples
  // would measure a different scoring from the one the round was allocated on.
  const nominalMultipliers = new Map(criteria.map((id) => [id, MILLION]));
  input.bids.forEach((bid, i) => {
    const again = rescore(bid, weightsFor(bid, nominalMultipliers));
    if (scoreHundredths(again) !== scoreHundredths(bid.benefitScore)) {
      throw new SensitivityInputError(`bids[${i}].criteria`, `give a benefit score of ${again} at their recorded weights, not the recorded ${bid.benefitScore}`);
    }
  });

  const next = mulberry32Uint32(seed);
  const funded = new Map(input.bids.map((bid) => [bid.reference, 0]));
  for (let k = 0; k < samples; k++) {
    const multipliers = new Map(criteria.map((id) => [id, MILLION + Math.floor((next() * (2 * spread + 1)) / TWO_TO_32) - spread]));
    const bids = input.bids.map((bid): AllocationBid => ({ ...bid, benefitScore: rescore(bid, weightsFor(bid, multipliers)) }));
    let result;
    try {
      result = allocate({ ...input, bids });
    } catch (error) {
      if (error instanceof AllocationInputError) throw new SensitivityInputError('rescore', `gave a score allocation refuses in sample ${k + 1}: ${error.message}`);
      throw error;
    }
    for (const reference of result.funded) funded.set(reference, (funded.get(reference) ?? 0) + 1);
  }

  return {
    financialYear: input.financialYear,
    prng: 'mulberry32',
    seed,
    samples,
    spreadPercent,
    robustPercent,
    criteria,
    bids: nominal.ranking.map((entry) => {
      const fundedCount = funded.get(entry.reference) ?? 0;
      const classification: Robustness =
        fundedCount * 100 >= robustPercent * samples
          ? 'robust-funded'
          : (samples - fundedCount) * 100 >= robustPercent * samples
            ? 'robust-waitlisted'
            : 'marginal';
      return { reference: entry.reference, nominalOutcome: entry.outcome, mustFund: entry.mustFund, fundedCount, fundedShare: fundedCount / samples, classification };
    }),
  };
}
