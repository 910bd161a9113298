// The facts a rule set reads, derived from a bid and the hub's ratings. They are recorded with
// every score, so the score can be reproduced from them alone, long after the bid has changed.
import { z } from 'zod';
import { costTotals, type Bid } from '../domain/bid.js';
import { AMBITIONS, BID_KINDS, EVIDENCE_LEVELS, LEVELS, STATUTORY_MANDATES, type Ambition } from '../domain/vocabulary.js';
import { divideRoundingHalfUp } from './fixed-point.js';

/** The evaluation hub's three ratings, 0 to 5; null where the hub judged the criterion not applicable. */
export interface HubRatings {
  /** May be fractional: the mean of two evaluators (3.5) or a moderated value, to two decimal places. */
  evidenceQuality: number | null;
  deliverability: number | null;
  qualityAndSafety: number | null;
}

/**
 * Everything the rules read, as plain JSON. Derived numbers are recorded rather than
 * recomputed, so scoring never needs the bid, the date or this module's arithmetic again.
 */
export interface ScoringFacts {
  /** The day the bid was scored, YYYY-MM-DD: the reference point for daysToStart. */
  scoredOn: string;
  startDate: string;
  /** Calendar days from scoredOn to startDate; negative when the start date has passed. */
  daysToStart: number;

  primaryAmbition: Ambition;
  secondaryAmbitionCount: number;
  level: (typeof LEVELS)[number];
  kind: (typeof BID_KINDS)[number];

  evidenceLevel: (typeof EVIDENCE_LEVELS)[number];
  /** Pence per QALY; null when the bid does not know it. */
  costPerQalyPence: number | null;
  peopleReachedPerYear: number;
  /** Share of the people reached who live in the most deprived 20% of the country, 0 to 100. */
  core20Percent: number;
  plusGroupCount: number;
  core20plus5AreaCount: number;

  statutoryMandateType: (typeof STATUTORY_MANDATES)[number];
  riskLikelihood: number;
  riskImpact: number;
  /** Likelihood × impact, 1 to 25. */
  riskScore: number;

  evaluationOutcomeMeasureCount: number;
  evaluationHasBaseline: boolean;
  evaluationHasMethod: boolean;

  workforceWte: number;

  /** Number of financial years the costs cover. */
  costYears: number;
  recurrentPence: number;
  nonRecurrentPence: number;
  /** Recurrent and non-recurrent, over all years: what the scheme of delegation routes by. */
  totalPence: number;
  /** totalPence / costYears, to the nearest penny. */
  averageAnnualCostPence: number;
  /** totalPence / (costYears × peopleReachedPerYear), to the nearest penny; null when nobody is reached. */
  costPerPersonPerYearPence: number | null;

  evidenceQualityRating: number | null;
  deliverabilityRating: number | null;
  qualityAndSafetyRating: number | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const count = z.number().int().min(0);
const pence = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const hubRating = z
  .number()
  .min(0)
  .max(5)
  .refine((r) => Math.round(r * 100) / 100 === r, 'must have at most two decimal places')
  .nullable();

/** Refuses facts that a rule set could misread: stored facts come back from the database as JSON. */
export const scoringFactsSchema = z.strictObject({
  scoredOn: z.iso.date(),
  startDate: z.iso.date(),
  daysToStart: z.number().int(),
  primaryAmbition: z.enum(AMBITIONS),
  secondaryAmbitionCount: count,
  level: z.enum(LEVELS),
  kind: z.enum(BID_KINDS),
  evidenceLevel: z.enum(EVIDENCE_LEVELS),
  costPerQalyPence: pence.nullable(),
  peopleReachedPerYear: count,
  core20Percent: z.number().min(0).max(100),
  plusGroupCount: count,
  core20plus5AreaCount: count,
  statutoryMandateType: z.enum(STATUTORY_MANDATES),
  riskLikelihood: z.number().int().min(1).max(5),
  riskImpact: z.number().int().min(1).max(5),
  riskScore: z.number().int().min(1).max(25),
  evaluationOutcomeMeasureCount: count,
  evaluationHasBaseline: z.boolean(),
  evaluationHasMethod: z.boolean(),
  workforceWte: z.number().min(0),
  costYears: count,
  recurrentPence: pence,
  nonRecurrentPence: pence,
  totalPence: pence,
  averageAnnualCostPence: pence,
  costPerPersonPerYearPence: pence.nullable(),
  evidenceQualityRating: hubRating,
  deliverabilityRating: hubRating,
  qualityAndSafetyRating: hubRating,
}) satisfies z.ZodType<ScoringFacts>;

export type FactName = keyof ScoringFacts;
export const FACT_NAMES = Object.keys(scoringFactsSchema.shape) as FactName[];
/** The facts a score event may take its points from: the hub's ratings. */
export const RATING_FACTS = ['evidenceQualityRating', 'deliverabilityRating', 'qualityAndSafetyRating'] as const;

/**
 * Facts this module has validated. Each is frozen and holds only scalars, so it cannot have
 * changed since: validating it again (the scoring of facts just derived) would find the same.
 */
const validated = new WeakSet<object>();

/** The facts, validated; frozen, so what was checked is what the rules read and the score records. */
export function parseFacts(facts: unknown): ScoringFacts {
  if (typeof facts === 'object' && facts !== null && validated.has(facts)) return facts as ScoringFacts;
  const parsed = scoringFactsSchema.safeParse(facts);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(facts)'}: ${i.message}`);
    throw new TypeError(`scoring facts are invalid: ${problems.join('; ')}`);
  }
  const checked = Object.freeze(parsed.data);
  validated.add(checked);
  return checked;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date, refusing dates that do not exist (2026-02-30). */
function dayNumber(date: string, what: string): number {
  const ms = ISO_DATE.test(date) ? Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`${what} must be a date written YYYY-MM-DD, not "${date}"`);
  }
  return ms / 86_400_000;
}

/**
 * The facts for scoring this bid with these ratings on this day. A pure function: the same
 * arguments always give the same facts, so the caller supplies the date rather than the clock.
 */
export function deriveFacts(bid: Bid, ratings: HubRatings, scoredOn: string): ScoringFacts {
  if (bid.costs.length === 0) {
    throw new RangeError(`bid ${bid.reference} has no costs, so it cannot be scored: intake should have returned it`);
  }
  const { totalPence, recurrentPence, nonRecurrentPence } = costTotals(bid);
  const costYears = bid.costs.length;
  const plan = bid.evaluationPlan;

  return parseFacts({
    scoredOn,
    startDate: bid.startDate,
    daysToStart: dayNumber(bid.startDate, 'the start date') - dayNumber(scoredOn, 'the scoring date'),
    primaryAmbition: bid.primaryAmbition,
    secondaryAmbitionCount: bid.secondaryAmbitions.length,
    level: bid.level,
    kind: bid.kind,
    evidenceLevel: bid.evidenceLevel,
    costPerQalyPence: bid.costPerQalyPence,
    peopleReachedPerYear: bid.peopleReachedPerYear,
    core20Percent: bid.core20Percent,
    plusGroupCount: bid.plusGroups.length,
    core20plus5AreaCount: bid.core20plus5Areas.length,
    statutoryMandateType: bid.statutoryMandate.type,
    riskLikelihood: bid.riskOfNotFunding.likelihood,
    riskImpact: bid.riskOfNotFunding.impact,
    riskScore: bid.riskOfNotFunding.likelihood * bid.riskOfNotFunding.impact,
    evaluationOutcomeMeasureCount: plan?.outcomeMeasures.length ?? 0,
    evaluationHasBaseline: (plan?.baselineData.trim() ?? '') !== '',
    evaluationHasMethod: (plan?.method.trim() ?? '') !== '',
    workforceWte: bid.workforceWte,
    costYears,
    recurrentPence,
    nonRecurrentPence,
    totalPence,
    averageAnnualCostPence: divideRoundingHalfUp(totalPence, costYears),
    // From the total rather than the rounded annual cost, so the pence are rounded once.
    costPerPersonPerYearPence:
      bid.peopleReachedPerYear === 0 ? null : divideRoundingHalfUp(totalPence, costYears * bid.peopleReachedPerYear),
    evidenceQualityRating: ratings.evidenceQuality,
    deliverabilityRating: ratings.deliverability,
    qualityAndSafetyRating: ratings.qualityAndSafety,
  } satisfies ScoringFacts);
}
