// The drizzle schema: read models that activities project from the workflows, and the decision
// trail. One schema and one set of migrations serve PostgreSQL and the embedded PGlite.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const pence = (name: string) => bigint(name, { mode: 'number' });
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const organisations = pgTable('organisations', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
});

export const bids = pgTable(
  'bids',
  {
    reference: text('reference').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    title: text('title').notNull(),
    leadOrganisation: text('lead_organisation').notNull(),
    partnerOrganisations: text('partner_organisations').array().notNull().default(sql`'{}'::text[]`),
    primaryAmbition: text('primary_ambition').notNull(),
    secondaryAmbitions: text('secondary_ambitions').array().notNull().default(sql`'{}'::text[]`),
    level: text('level').notNull(),
    places: text('places').array().notNull().default(sql`'{}'::text[]`),
    kind: text('kind').notNull(),
    totalPence: pence('total_pence').notNull(),
    recurrentPence: pence('recurrent_pence').notNull(),
    nonRecurrentPence: pence('non_recurrent_pence').notNull(),
    /** The bid as last submitted, validated. */
    submission: jsonb('submission').notNull(),
    contentHash: text('content_hash').notNull(),
    state: text('state').notNull(),
    band: text('band'),
    benefitScore: doublePrecision('benefit_score'),
    mustFund: boolean('must_fund').notNull().default(false),
    safetyEscalation: boolean('safety_escalation').notNull().default(false),
    /** What the workflow last reported: deadlines, what it waits for, assignments, flags. */
    status: jsonb('status').notNull().default(sql`'{}'::jsonb`),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: instant('submitted_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    /** Monotonic counter from the workflow, so a retried or late projection never goes back. */
    projectionVersion: integer('projection_version').notNull(),
  },
  (t) => [
    index('bids_state_idx').on(t.state),
    index('bids_lead_org_idx').on(t.leadOrganisation),
    index('bids_ambition_idx').on(t.primaryAmbition),
  ],
);

export const bidCosts = pgTable(
  'bid_costs',
  {
    reference: text('reference')
      .notNull()
      .references(() => bids.reference),
    financialYear: text('financial_year').notNull(),
    recurrentPence: pence('recurrent_pence').notNull(),
    nonRecurrentPence: pence('non_recurrent_pence').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reference, t.financialYear] }), index('bid_costs_year_idx').on(t.financialYear)],
);

/**
 * The decision trail: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), chained by
 * hash within each stream (a bid, a meeting, a funding round). `event_id` is the idempotency
 * key: a retried activity writes the same id and stores nothing new.
 */
export const decisionEvents = pgTable(
  'decision_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull(),
    streamType: text('stream_type').notNull(),
    streamId: text('stream_id').notNull(),
    seq: integer('seq').notNull(),
    occurredAt: instant('occurred_at').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role').notNull(),
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    payload: jsonb('payload').notNull(),
    ruleSetVersion: text('rule_set_version'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    recordedAt: instant('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('decision_events_event_id_uq').on(t.eventId),
    uniqueIndex('decision_events_stream_seq_uq').on(t.streamId, t.seq),
    index('decision_events_occurred_idx').on(t.occurredAt),
    index('decision_events_action_idx').on(t.action),
  ],
);

/** The last number handed out per reference prefix and year: NW-2026-0042. */
export const referenceCounters = pgTable(
  'reference_counters',
  {
    prefix: text('prefix').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);
