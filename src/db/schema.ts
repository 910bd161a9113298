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
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { BidState, MeetingState } from '../shared.js';

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
    state: text('state').$type<BidState>().notNull(),
    band: text('band'),
    benefitScore: doublePrecision('benefit_score'),
    mustFund: boolean('must_fund').notNull().default(false),
    safetyEscalation: boolean('safety_escalation').notNull().default(false),
    /** What a first-version workflow last reported (deadlines, assignments, flags); empty for later ones. */
    status: jsonb('status').notNull().default(sql`'{}'::jsonb`),
    /** The bid workflow's model as its last commit left it (src/model/bid.ts); null for first-version bids. */
    model: jsonb('model'),
    /** What the bid waits for, in plain words: lists show it without opening the model. */
    waitingFor: text('waiting_for'),
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

/**
 * Each stream's head, sealed with the trail key (HMAC-SHA-256 over stream type, id, sequence and
 * hash), so a deleted tail or a recomputed chain shows without the key to re-seal it.
 */
export const trailHeads = pgTable('trail_heads', {
  streamId: text('stream_id').primaryKey(),
  streamType: text('stream_type').notNull(),
  seq: integer('seq').notNull(),
  hash: text('hash').notNull(),
  seal: text('seal').notNull(),
  sealedAt: instant('sealed_at').notNull(),
});

/**
 * One sealed checkpoint over the set of every stream head: how many streams, how many events,
 * and the sum of the heads' seals, so a stream deleted with its head shows.
 */
export const trailCheckpoint = pgTable('trail_checkpoint', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
  streams: integer('streams').notNull(),
  events: bigint('events', { mode: 'number' }).notNull(),
  digest: text('digest').notNull(),
  seal: text('seal').notNull(),
  sealedAt: instant('sealed_at').notNull(),
});

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

/** People who use the service, with their roles, organisation and (Assembly) profession. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    organisation: text('organisation')
      .notNull()
      .references(() => organisations.code),
    roles: text('roles').array().notNull(),
    profession: text('profession'),
    active: boolean('active').notNull().default(true),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email)],
);

/**
 * The register of interests: each person's standing interests, declared once and applied to
 * review assignment, votes and quorum while current (from its first day to its last, if any).
 * Withdrawn rows stay, so the published register can be read as it stood on any day.
 */
export const registeredInterests = pgTable(
  'registered_interests',
  {
    id: text('id').primaryKey(),
    personId: text('person_id')
      .notNull()
      .references(() => users.id),
    /** A known organisation (conflicts the person out of its bids), or null for another body named in `body`. */
    organisation: text('organisation').references(() => organisations.code),
    body: text('body').notNull(),
    kind: text('kind').notNull(),
    description: text('description').notNull(),
    fromDate: text('from_date').notNull(),
    toDate: text('to_date'),
    declaredAt: instant('declared_at').notNull(),
    declaredBy: text('declared_by').notNull(),
    withdrawnAt: instant('withdrawn_at'),
    withdrawnBy: text('withdrawn_by'),
    withdrawnReason: text('withdrawn_reason'),
  },
  (t) => [index('registered_interests_person_idx').on(t.personId), index('registered_interests_organisation_idx').on(t.organisation)],
);

/** Members' replies before a meeting: attending, apologies or maybe; one per member, the latest kept. */
export const meetingAttendanceReplies = pgTable(
  'meeting_attendance_replies',
  {
    meetingId: text('meeting_id').notNull(),
    personId: text('person_id')
      .notNull()
      .references(() => users.id),
    reply: text('reply').$type<'attending' | 'apologies' | 'maybe'>().notNull(),
    note: text('note'),
    repliedAt: instant('replied_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.personId] })],
);

/** Who reviews which bid in which review cycle: the evaluators' queues and their load. */
export const reviewAssignments = pgTable(
  'review_assignments',
  {
    reference: text('reference').notNull(),
    cycle: integer('cycle').notNull(),
    evaluatorId: text('evaluator_id').notNull(),
    active: boolean('active').notNull().default(true),
    assignedBy: text('assigned_by').notNull(),
    assignedAt: instant('assigned_at').notNull(),
    completedAt: instant('completed_at'),
    dueAt: instant('due_at'),
  },
  (t) => [primaryKey({ columns: [t.reference, t.cycle, t.evaluatorId] }), index('review_assignments_evaluator_idx').on(t.evaluatorId, t.active)],
);

/** Every score a bid received: the exact facts, the result and the rule set that produced it. */
export const scores = pgTable(
  'scores',
  {
    eventId: text('event_id').primaryKey(),
    reference: text('reference').notNull(),
    ruleSetId: text('rule_set_id').notNull(),
    ruleSetVersion: text('rule_set_version').notNull(),
    ruleSetHash: text('rule_set_hash').notNull(),
    facts: jsonb('facts').notNull(),
    result: jsonb('result').notNull(),
    /** The canonical JSON of the result, byte for byte as the engine produced it. */
    canonical: text('canonical').notNull(),
    benefitScore: doublePrecision('benefit_score').notNull(),
    band: text('band').notNull(),
    scoredAt: instant('scored_at').notNull(),
  },
  (t) => [index('scores_reference_idx').on(t.reference)],
);

/** Assembly meetings as their workflows last reported them. */
export const meetings = pgTable('meetings', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  scheduledFor: instant('scheduled_for').notNull(),
  agendaClosesAt: instant('agenda_closes_at').notNull(),
  state: text('state').$type<MeetingState>().notNull(),
  /** What a first-version meeting workflow last reported; empty for later ones. */
  status: jsonb('status').notNull().default(sql`'{}'::jsonb`),
  /** The meeting workflow's model as its last commit left it (src/model/meeting.ts). */
  model: jsonb('model'),
  items: integer('items').notNull().default(0),
  updatedAt: instant('updated_at').notNull(),
  projectionVersion: integer('projection_version').notNull(),
});

/** Reminders and escalations, kept as an outbox that an e-mail sender can drain later. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    recipientIds: text('recipient_ids').array().notNull(),
    recipientRoles: text('recipient_roles').array().notNull(),
    /** With recipient roles: only those of this organisation (e.g. the bid's programme team). */
    recipientOrganisation: text('recipient_organisation'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    reference: text('reference'),
    meetingId: text('meeting_id'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [index('notifications_reference_idx').on(t.reference)],
);

/**
 * Each notice's delivery to one person by e-mail: the idempotency key is (notice, person), so a
 * retried delivery activity sends at most once after it has recorded one as sent.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    noticeId: text('notice_id')
      .notNull()
      .references(() => notifications.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** sent, failed (every attempt failed), or skipped (the person turned this kind of e-mail off). */
    status: text('status').$type<'sent' | 'failed' | 'skipped'>().notNull(),
    email: text('email').notNull(),
    transport: text('transport').notNull(),
    /** The transport's id for the message (SMTP Message-ID, GOV.UK Notify notification id). */
    messageId: text('message_id'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(1),
    at: instant('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.noticeId, t.userId] }), index('notification_deliveries_user_idx').on(t.userId)],
);

/** A person's choice per kind of notice (reminder, escalation, ...): whether it comes by e-mail too. Absent means yes. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    category: text('category').notNull(),
    email: boolean('email').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.category] })],
);

/** When each person last opened their notifications: newer ones count as unread in the header. */
export const notificationsSeen = pgTable('notifications_seen', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  seenAt: instant('seen_at').notNull(),
});

/** A person's account at the single sign-on provider: matched by e-mail the first time, by subject after. */
export const userIdentities = pgTable(
  'user_identities',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    email: text('email'),
    createdAt: instant('created_at').notNull().defaultNow(),
    lastSignInAt: instant('last_sign_in_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), index('user_identities_user_idx').on(t.userId)],
);

/**
 * Decision letters to a bid's programme team, made from the trail when the Assembly or the Board
 * decides or an allocation is confirmed; their SHA-256 is on the bid's trail (letter.issued).
 */
export const decisionLetters = pgTable(
  'decision_letters',
  {
    id: text('id').primaryKey(),
    reference: text('reference').notNull(),
    /** assembly, board or allocation. */
    kind: text('kind').notNull(),
    /** The trail event the letter reports. */
    eventId: text('event_id').notNull(),
    /** The notice that sends it. */
    noticeId: text('notice_id'),
    title: text('title').notNull(),
    sha256: text('sha256').notNull(),
    pdfBase64: text('pdf_base64').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('decision_letters_reference_idx').on(t.reference), uniqueIndex('decision_letters_notice_uq').on(t.noticeId)],
);

/** Which rule set version scores new bids: the latest activation wins; none means the newest file. */
export const ruleSetActivations = pgTable('rule_set_activations', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ruleSetId: text('rule_set_id').notNull(),
  version: text('version').notNull(),
  hash: text('hash').notNull(),
  activatedBy: text('activated_by').notNull(),
  activatedAt: instant('activated_at').notNull().defaultNow(),
  reason: text('reason').notNull(),
});

/** Bearer tokens, stored only as their SHA-256: a leaked table does not leak a token. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    label: text('label').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at'),
    revokedAt: instant('revoked_at'),
    lastUsedAt: instant('last_used_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

/** Idempotency-Key of a submission: a retried request gets the first answer, not a second bid. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    reference: text('reference').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

/** Funding rounds as their workflows last reported them. */
export const fundingRounds = pgTable('funding_rounds', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  financialYear: text('financial_year').notNull(),
  envelopePence: pence('envelope_pence').notNull(),
  subEnvelopes: jsonb('sub_envelopes').notNull(),
  opensAt: instant('opens_at').notNull(),
  closesAt: instant('closes_at').notNull(),
  state: text('state').notNull(),
  /** What a first-version round workflow last reported; empty for later ones. */
  status: jsonb('status').notNull().default(sql`'{}'::jsonb`),
  /** The round workflow's model as its last commit left it (src/model/round.ts). */
  model: jsonb('model'),
  updatedAt: instant('updated_at').notNull(),
  projectionVersion: integer('projection_version').notNull(),
});

/**
 * Every allocation a round ran: the exact inputs (bids, scores, costs, commitments) and the
 * result with each bid's reason, so anyone can see years later why each pound went where.
 */
export const roundAllocations = pgTable(
  'round_allocations',
  {
    roundId: text('round_id').notNull(),
    version: integer('version').notNull(),
    input: jsonb('input').notNull(),
    result: jsonb('result').notNull(),
    runBy: text('run_by').notNull(),
    reason: text('reason').notNull(),
    runAt: instant('run_at').notNull(),
    confirmedBy: text('confirmed_by'),
    confirmedAt: instant('confirmed_at'),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.version] })],
);

/** A bid being written in the web form, a step at a time: kept until it is submitted. */
export const bidDrafts = pgTable(
  'bid_drafts',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [index('bid_drafts_user_idx').on(t.userId)],
);

/**
 * An evaluator's review of a bid as typed in the web form and not yet submitted: every field as
 * sent, valid or not, so a partial save or a reload loses nothing. Gone once the review is completed.
 */
export const reviewDrafts = pgTable(
  'review_drafts',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    reference: text('reference').notNull(),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.reference] })],
);

/**
 * Web sessions: the cookie names one of these (signed), so signing out ends it here and a copied
 * cookie stops working; revoking the token or deactivating the person ends it too.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    tokenId: text('token_id')
      .notNull()
      .references(() => apiTokens.id),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
    endedAt: instant('ended_at'),
  },
  (t) => [index('web_sessions_user_idx').on(t.userId)],
);

/**
 * A bid's workflow model, or what a first-version workflow reported: both keep the assembly,
 * allocation, score, review and interests at the same paths, so queries read either.
 */
export const bidDocument = sql`coalesce(${bids.model}, ${bids.status})`;

/** The bid's attributes finance filters on, as both search tables keep them (each its own columns). */
const bidSearchColumns = () => ({
  state: text('state').notNull(),
  financialYears: text('financial_years').array().notNull(),
  ambitions: text('ambitions').array().notNull(),
  places: text('places').array().notNull(),
  organisations: text('organisations').array().notNull(),
  totalPence: pence('total_pence').notNull(),
});

/**
 * A GIN index on each array attribute. No pending list: a query never scans megabytes of
 * not-yet-merged entries (gin_pending_list_limit).
 */
const arrayIndexes = (table: string, t: { financialYears: AnyPgColumn; ambitions: AnyPgColumn; places: AnyPgColumn; organisations: AnyPgColumn }) => [
  index(`${table}_years_gin`).using('gin', t.financialYears).with({ fastupdate: false }),
  index(`${table}_ambitions_gin`).using('gin', t.ambitions).with({ fastupdate: false }),
  index(`${table}_places_gin`).using('gin', t.places).with({ fastupdate: false }),
  index(`${table}_organisations_gin`).using('gin', t.organisations).with({ fastupdate: false }),
];

/**
 * Finance's search over the bid trail: each bid event beside the attributes finance filters on
 * (the bid's years, ambitions, places, organisations, amount and state now), kept by triggers
 * (migration 0009) as events arrive and bids change. Derived, so it may change; the trail
 * itself never does.
 */
export const trailSearch = pgTable(
  'trail_search',
  {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    streamId: text('stream_id').notNull(),
    occurredAt: instant('occurred_at').notNull(),
    action: text('action').notNull(),
    ...bidSearchColumns(),
  },
  (t) => [
    index('trail_search_stream_idx').on(t.streamId, t.id),
    index('trail_search_state_idx').on(t.state, t.id),
    index('trail_search_action_idx').on(t.action.op('text_pattern_ops'), t.id),
    index('trail_search_total_idx').on(t.totalPence),
    // Events between two times are paged in time order on this index (services/trail.ts).
    index('trail_search_occurred_idx').on(t.occurredAt, t.id),
    ...arrayIndexes('trail_search', t),
  ],
);

/**
 * The same attributes once per bid, kept by the same trigger as trail_search (migration 0016):
 * a search with several of them finds its few bids here first (a few hundred narrow rows through
 * these indexes, ~1 ms at 25,000 bids, where the bids table's wide rows took ~7 ms), then reads
 * only their events.
 */
export const trailSearchBids = pgTable(
  'trail_search_bids',
  {
    reference: text('reference').primaryKey(),
    ...bidSearchColumns(),
  },
  (t) => [
    index('trail_search_bids_state_idx').on(t.state),
    index('trail_search_bids_total_idx').on(t.totalPence),
    ...arrayIndexes('trail_search_bids', t),
  ],
);
