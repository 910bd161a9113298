// Request and response schemas of the API, built with @hono/zod-openapi's z so every one of
// them appears, described, in the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { REFERENCE_PATTERN } from '../domain/bid.js';
import { londonDay } from '../domain/calendar.js';
import { freeText } from '../domain/text.js';
import { AMBITIONS, PLACES, PROFESSIONS, ROLES } from '../domain/vocabulary.js';
import { BID_ACTIONS, BID_STATES, RECONSIDERATION_OUTCOMES, MEETING_ACTIONS, RATING_CRITERIA, REVIEW_STEPS, STEP_ASSESSMENTS } from '../shared.js';

export const referenceParam = z.object({
  reference: z
    .string()
    .regex(REFERENCE_PATTERN, 'must look like NW-2026-0042: 2 to 5 capital letters, a year, and 4 to 6 digits')
    .openapi({ param: { name: 'reference', in: 'path' }, example: 'NW-2026-0042' }),
});

export const meetingIdParam = z.object({
  meetingId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{2,60}$/, 'must be lower-case letters, digits and hyphens')
    .openapi({ param: { name: 'meetingId', in: 'path' }, example: 'ccpa-2026-12-08' }),
});

export const meetingItemParams = meetingIdParam.extend({
  itemId: z
    .string()
    .regex(/^item-\d{1,4}$/, 'must be an agenda item id such as item-3')
    .openapi({ param: { name: 'itemId', in: 'path' }, example: 'item-1' }),
});

const text = (max: number, what: string) => freeText(1, max, `${what} is required`);
/** Optional free text: storable, at most `max` characters as sent. */
const optionalText = (max: number) => freeText(0, max);

/** Integer pence, from the extended z (never .openapi() on a domain schema: it may predate the extension). */
export const penceField = (description: string) =>
  z
    .number()
    .int('must be a whole number of pence')
    .min(0, 'must not be negative')
    .max(Number.MAX_SAFE_INTEGER, 'is too large')
    .openapi({ description });

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
  pageSize: z.coerce.number().int().min(1).max(100).default(25).openapi({ example: 25 }),
});

export const bidListQuery = pageQuery.extend({
  state: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : undefined))
    .pipe(z.array(z.enum(BID_STATES)).optional())
    .openapi({ description: 'One state, or several separated by commas', example: 'HUB_REVIEW,AWAITING_ASSEMBLY' }),
  ambition: z.enum(AMBITIONS).optional(),
  place: z.enum(PLACES).optional(),
  organisation: z.string().regex(/^[A-Z0-9_]{2,20}$/).optional().openapi({ description: 'Lead or partner organisation code', example: 'NNUH' }),
  band: z.enum(['high', 'medium', 'low', 'not_support']).optional(),
  q: optionalText(100).optional().openapi({ description: 'Words in the title or reference' }),
});

export const moneySchema = z.object({ totalPence: z.number().int(), recurrentPence: z.number().int(), nonRecurrentPence: z.number().int() });

export const bidSummarySchema = z
  .object({
    reference: z.string(),
    title: z.string(),
    state: z.enum(BID_STATES),
    leadOrganisation: z.string(),
    partnerOrganisations: z.array(z.string()),
    primaryAmbition: z.string(),
    places: z.array(z.string()),
    level: z.string(),
    kind: z.string(),
    totals: moneySchema,
    band: z.string().nullable(),
    benefitScore: z.number().nullable(),
    mustFund: z.boolean(),
    safetyEscalation: z.boolean(),
    waitingFor: z.string().nullable(),
    submittedAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('BidSummary');

export const bidListSchema = z
  .object({ items: z.array(bidSummarySchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
  .openapi('BidList');

export const bidStatusSchema = z
  .object({
    reference: z.string(),
    state: z.enum(BID_STATES),
    waitingFor: z.string(),
    nextActions: z.record(z.string(), z.array(z.enum(BID_ACTIONS))).openapi({ description: 'What each role may do next, given the state' }),
  })
  .loose()
  .openapi('BidStatus', {
    description: 'Where the bid is: its review, score, Assembly decisions, deadlines and interests, as its workflow reports them',
  });

export const bidDetailSchema = z
  .object({
    bid: z.object({ reference: z.string(), title: z.string(), state: z.enum(BID_STATES), totals: moneySchema, submission: z.unknown() }).loose(),
    status: bidStatusSchema,
    allowedActions: z.array(z.enum(BID_ACTIONS)).openapi({ description: 'What you may do next on this bid' }),
  })
  .openapi('BidDetail');

export const receiptSchema = z
  .object({
    reference: z.string(),
    state: z.enum(BID_STATES),
    missing: z.array(z.object({ field: z.string(), message: z.string() })),
  })
  .openapi('SubmissionReceipt');

export const withdrawBody = z.object({ reason: text(1000, 'A reason') }).strict();
export const reconsiderationBody = z
  .object({
    reason: text(5000, 'The grounds for reconsideration').openapi({ description: 'Why the decision should be reconsidered' }),
    newInformation: text(10000, 'The new information').openapi({ description: 'What the Assembly did not have when it decided' }),
  })
  .strict();
export const reconsiderationReviewBody = z
  .object({
    outcome: z.enum(RECONSIDERATION_OUTCOMES).openapi({ description: 'return_to_assembly: the bid goes on the next agenda with its history; uphold: the decision stands' }),
    reason: text(5000, 'A reason'),
  })
  .strict();
export const interestBody = z.object({ nature: text(1000, 'The nature of the interest') }).strict();
export const assignBody = z
  .object({
    evaluatorId: z.string().min(1).max(100),
    replaces: z.string().min(1).max(100).optional().openapi({ description: 'The evaluator this one replaces' }),
  })
  .strict();
export const stepBody = z.object({ step: z.enum(REVIEW_STEPS), assessment: z.enum(STEP_ASSESSMENTS), comments: text(5000, 'Comments') }).strict();
export const ratingBody = z
  .object({
    criterion: z.enum(RATING_CRITERIA),
    rating: z
      .number()
      .int('must be a whole number from 0 to 5')
      .min(0, 'must be 0 to 5')
      .max(5, 'must be 0 to 5')
      .nullable()
      .openapi({ description: '0 to 5, or null for not applicable' }),
    rationale: text(5000, 'A rationale'),
  })
  .strict();
export const completeBody = z.object({ recommendation: z.enum(['ready', 'not_supported']), comments: optionalText(5000).default('') }).strict();
export const revisionsBody = z.object({ comments: text(5000, 'Comments for the programme team') }).strict();
const moderatedRating = z.number().min(0, 'must be 0 to 5').max(5, 'must be 0 to 5').multipleOf(0.01).nullable();
export const moderateBody = z
  .object({
    ratings: z.object({ evidence_quality: moderatedRating, deliverability: moderatedRating, quality_and_safety: moderatedRating }).strict(),
    decision: z.enum(['ready', 'not_supported', 'revisions']),
    comments: text(5000, 'Comments'),
  })
  .strict();
/** A day of the calendar in England, YYYY-MM-DD, today or later. */
// One check giving one issue: an aborting check inside a union would hide the field behind the union's own message.
export const dueDay = z.string({ error: 'must be a date, YYYY-MM-DD' }).superRefine((d, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) ctx.addIssue({ code: 'invalid_format', format: 'date', input: d, message: 'must be a date, YYYY-MM-DD' });
  else if (Number.isNaN(Date.parse(`${d}T12:00:00Z`)) || !new Date(`${d}T12:00:00Z`).toISOString().startsWith(d)) ctx.addIssue({ code: 'custom', input: d, message: 'is not a day of the calendar' });
  else if (d < londonDay(new Date())) ctx.addIssue({ code: 'custom', input: d, message: 'must not be in the past: today (in England) or later' });
});

/** A condition: its words, as ever, or its words and the day by which it is to be met. */
const conditionItem = z.union(
  [
    text(1000, 'A condition'),
    z
      .object({ text: text(1000, 'A condition'), dueBy: dueDay.optional().openapi({ description: 'Required: the day it is to be met by, YYYY-MM-DD (England); not in the past', example: '2027-03-31' }) })
      .strict()
      // Required, but checked here so that its absence is named as the field, not as the union's.
      .superRefine((c, ctx) => {
        if (c.dueBy === undefined) ctx.addIssue({ code: 'custom', path: ['dueBy'], message: 'is required with a condition given as an object: the day it is due, YYYY-MM-DD' });
      }),
  ],
  { error: 'must be a condition in words, or { "text": ..., "dueBy": "YYYY-MM-DD" }' },
);
const conditionsField = z
  .array(conditionItem)
  .max(20)
  .default([])
  .openapi({ description: 'Each condition in words, or as { text, dueBy } with the day it is to be met by: the programme team and the hub are reminded before it and told on the day' });

/** The conditions as the workflows take them: their words, and their due days in the same order (only when one has a day). */
export function splitConditions(items: z.infer<typeof conditionsField>): { conditions: string[]; conditionsDueBy?: (string | null)[] } {
  const conditions = items.map((c) => (typeof c === 'string' ? c : c.text));
  const dueBy = items.map((c) => (typeof c === 'string' ? null : (c.dueBy ?? null)));
  return dueBy.some(Boolean) ? { conditions, conditionsDueBy: dueBy } : { conditions };
}

const conditionId = z.string().regex(/^c\d{1,2}$/, 'must be a condition of the decision, c1, c2, ...').openapi({ example: 'c1' });

export const conditionMetBody = z
  .object({
    conditionId,
    evidence: text(5000, 'The evidence that the condition is met'),
  })
  .strict();

export const conditionWaiverBody = z
  .object({
    conditionId,
    reason: text(5000, 'Why the condition is waived'),
  })
  .strict();

export const chairsActionBody = z
  .object({
    outcome: z.enum(['supported', 'supported_with_conditions', 'not_supported']),
    conditions: conditionsField,
    reason: text(5000, 'A reason'),
  })
  .strict();
export const boardDecisionBody = z
  .object({ approved: z.boolean(), minuteReference: text(100, "The Board minute's reference"), reason: optionalText(5000).default('') })
  .strict();
export const rescoreBody = z
  .object({
    ruleSet: z.object({ id: z.string().min(1), version: z.string().min(1) }).optional().openapi({ description: 'Omit for the active rule set' }),
    reason: text(2000, 'A reason'),
  })
  .strict();

export const queueItemSchema = bidSummarySchema
  .extend({
    why: z.enum(['assigned', 'open_place', 'moderation']),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    cycle: z.number().int().nullable(),
  })
  .openapi('ReviewQueueItem');

export const meetingCreateBody = z
  .object({
    meetingId: meetingIdParam.shape.meetingId.optional().openapi({ description: 'Defaults to ccpa-<date>' }),
    title: text(200, 'A title').optional(),
    scheduledFor: z.iso.datetime({ offset: true, message: 'must be a date and time, e.g. 2026-12-08T14:00:00Z' }),
  })
  .strict();
export const attendanceBody = z.object({ present: z.array(z.string().min(1).max(100)).max(100) }).strict();
export const agendaOrderBody = z
  .object({
    order: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(200)
      .openapi({ description: "Every item id of the agenda once, in the order to take them (e.g. the forecast's proposedOrder, as item ids)" }),
  })
  .strict();
export const voteBody = z.object({ vote: z.enum(['support', 'not_support', 'abstain']) }).strict();
export const decisionBody = z
  .object({
    outcome: z.enum(['supported', 'supported_with_conditions', 'deferred', 'not_supported', 'ratified', 'not_ratified']),
    conditions: conditionsField,
    reason: optionalText(5000).default(''),
  })
  .strict();
export const cancelBody = z.object({ reason: text(1000, 'A reason') }).strict();

export const meetingStatusSchema = z
  .object({
    meetingId: z.string(),
    title: z.string(),
    state: z.enum(['SCHEDULED', 'AGENDA_CLOSED', 'OPEN', 'CLOSED', 'CANCELLED']),
    scheduledFor: z.string(),
    agendaClosesAt: z.string(),
    items: z.array(z.object({ itemId: z.string(), reference: z.string(), purpose: z.string() }).loose()),
  })
  .loose()
  .openapi('Meeting', { description: 'A meeting: agenda items with interests, attendance, quorum per item, votes and decisions' });
export const meetingDetailSchema = z
  .object({ meeting: meetingStatusSchema, allowedActions: z.array(z.enum(MEETING_ACTIONS)) })
  .openapi('MeetingDetail');
export const meetingListSchema = z
  .object({
    items: z.array(z.object({ meetingId: z.string(), title: z.string(), state: z.string(), scheduledFor: z.string(), agendaClosesAt: z.string(), items: z.number().int() })),
  })
  .openapi('MeetingList');

export const trailEventSchema = z
  .object({
    id: z.number().int(),
    streamType: z.string(),
    streamId: z.string(),
    seq: z.number().int(),
    eventId: z.string(),
    occurredAt: z.string(),
    actorId: z.string(),
    actorRole: z.string(),
    action: z.string(),
    fromState: z.string().nullable(),
    toState: z.string().nullable(),
    payload: z.unknown(),
    ruleSetVersion: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('TrailEvent');

export const userSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    organisation: z.string(),
    roles: z.array(z.enum(ROLES)),
    profession: z.enum(PROFESSIONS).nullable(),
    active: z.boolean(),
  })
  .openapi('User');
export const userCreateBody = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,60}$/, 'must be lower-case letters, digits, dots, hyphens or underscores'),
    name: text(200, 'A name'),
    email: z.email('must be an e-mail address'),
    organisation: z.string().regex(/^[A-Z0-9_]{2,20}$/, 'must be an organisation code such as NNUH'),
    roles: z.array(z.enum(ROLES)).min(1, 'give at least one role'),
    profession: z.enum(PROFESSIONS).nullable().default(null),
  })
  .strict()
  .superRefine((u, ctx) => {
    const member = u.roles.includes('assembly_member') || u.roles.includes('assembly_chair');
    if (member && !u.profession) ctx.addIssue({ code: 'custom', path: ['profession'], message: 'an Assembly member needs a profession (quorum counts professions)' });
  });
export const userUpdateBody = z
  .object({
    name: text(200, 'A name').optional(),
    roles: z.array(z.enum(ROLES)).min(1, 'give at least one role').optional(),
    profession: z.enum(PROFESSIONS).nullable().optional(),
    organisation: z.string().regex(/^[A-Z0-9_]{2,20}$/).optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'name at least one of name, roles, profession, organisation, active to change', path: [] });
export const tokenCreateBody = z
  .object({ label: text(100, 'A label'), expiresAt: z.iso.datetime({ offset: true }).optional() })
  .strict();
export const userIdParam = z.object({ userId: z.string().min(1).max(100).openapi({ param: { name: 'userId', in: 'path' }, example: 'priya.shah' }) });
export const tokenIdParam = z.object({ tokenId: z.string().regex(/^[a-z0-9]{10}$/).openapi({ param: { name: 'tokenId', in: 'path' } }) });
