// A funding bid as a programme team submits it. The schema refuses malformed input (HTTP 400);
// whether a well-formed bid is complete enough to review is intake's question (RETURNED).
import { z } from 'zod';
import './zod-messages.js';
import { freeText } from './text.js';
import { AMBITIONS, CORE20PLUS5_AREAS, EVIDENCE_LEVELS, BID_KINDS, LEVELS, PLACES, STATUTORY_MANDATES } from './vocabulary.js';

export const REFERENCE_PATTERN = /^[A-Z]{2,5}-\d{4}-\d{4,6}$/;
export const referenceSchema = z
  .string()
  .regex(REFERENCE_PATTERN, 'must look like NW-2026-0042: 2 to 5 capital letters, a year, and 4 to 6 digits');

/** Integer pence, never a float. */
export const penceSchema = z
  .number()
  .int('must be a whole number of pence')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

export const financialYearSchema = z
  .string()
  .regex(/^\d{4}\/\d{2}$/, 'must be a financial year such as 2026/27')
  .refine((fy) => (Number(fy.slice(0, 4)) + 1) % 100 === Number(fy.slice(5)), 'must name two consecutive years, such as 2026/27');

export const costLineSchema = z.object({
  financialYear: financialYearSchema,
  recurrentPence: penceSchema,
  nonRecurrentPence: penceSchema,
});

const text = (min: number, max: number) => freeText(min, max);

export const evaluationPlanSchema = z.object({
  outcomeMeasures: z.array(text(2, 500)).max(20),
  baselineData: text(0, 2000),
  method: text(0, 2000),
});

export const bidSubmissionSchema = z
  .object({
    reference: referenceSchema.optional(),
    title: text(5, 200),
    summary: text(20, 5000),
    leadOrganisation: z.string().regex(/^[A-Z0-9_]{2,20}$/, 'must be an organisation code such as NNUH'),
    partnerOrganisations: z.array(z.string().regex(/^[A-Z0-9_]{2,20}$/, 'must be an organisation code')).max(20).default([]),
    primaryAmbition: z.enum(AMBITIONS),
    secondaryAmbitions: z.array(z.enum(AMBITIONS)).max(7).default([]),
    level: z.enum(LEVELS),
    places: z.array(z.enum(PLACES)).min(1, 'must name at least one place').max(PLACES.length),
    kind: z.enum(BID_KINDS),
    costs: z.array(costLineSchema).max(10).default([]),
    peopleReachedPerYear: z.number().int().min(0).max(10_000_000),
    core20Percent: z.number().min(0).max(100),
    plusGroups: z.array(text(2, 100)).max(20).default([]),
    core20plus5Areas: z.array(z.enum(CORE20PLUS5_AREAS)).max(CORE20PLUS5_AREAS.length).default([]),
    evidenceLevel: z.enum(EVIDENCE_LEVELS),
    costPerQalyPence: penceSchema.nullable().default(null),
    statutoryMandate: z
      .object({ type: z.enum(STATUTORY_MANDATES), reference: text(0, 300).optional() })
      .default({ type: 'none' }),
    riskOfNotFunding: z.object({
      likelihood: z.number().int().min(1).max(5),
      impact: z.number().int().min(1).max(5),
    }),
    evaluationPlan: evaluationPlanSchema.nullable().default(null),
    workforceWte: z.number().min(0).max(10_000),
    startDate: z.iso.date('must be a date, YYYY-MM-DD'),
  })
  .strict()
  .superRefine((bid, ctx) => {
    if (bid.secondaryAmbitions.includes(bid.primaryAmbition)) {
      ctx.addIssue({ code: 'custom', path: ['secondaryAmbitions'], message: 'must not repeat the primary ambition' });
    }
    if (bid.partnerOrganisations.includes(bid.leadOrganisation)) {
      ctx.addIssue({ code: 'custom', path: ['partnerOrganisations'], message: 'must not repeat the lead organisation' });
    }
    const years = bid.costs.map((c) => c.financialYear);
    if (new Set(years).size !== years.length) {
      ctx.addIssue({ code: 'custom', path: ['costs'], message: 'must list each financial year once' });
    }
  });

export type BidSubmission = z.infer<typeof bidSubmissionSchema>;
/** A submission once it has a reference. */
export type Bid = BidSubmission & { reference: string };

export interface CostTotals {
  totalPence: number;
  recurrentPence: number;
  nonRecurrentPence: number;
}

export function costTotals(bid: Pick<BidSubmission, 'costs'>): CostTotals {
  let recurrentPence = 0;
  let nonRecurrentPence = 0;
  for (const line of bid.costs) {
    recurrentPence += line.recurrentPence;
    nonRecurrentPence += line.nonRecurrentPence;
  }
  return { totalPence: recurrentPence + nonRecurrentPence, recurrentPence, nonRecurrentPence };
}
