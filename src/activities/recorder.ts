// The one write path of every workflow: a commit appends the step's trail events (chained by
// hash per stream, each stream's new head sealed with the trail key), applies what changed to the
// read model, and stores its notices — in one statement — then moves the sealed checkpoint on, in
// the same transaction, under the trail's lock (so the checkpoint sees every head in one order). The unique (stream, seq) index keeps a chain from forking: a
// commit computed from a stale head collides, re-reads the head and tries again. A retried
// commit writes nothing twice: event and notice ids are the idempotency keys, and the read
// model only moves from the version before this commit to this one.
import { ApplicationFailure } from '@temporalio/common';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Db } from '../db/client.js';
import { costTotals, type Bid } from '../domain/bid.js';
import { GENESIS_HASH, eventHash, normalisePayload, type StreamType, type TrailEventInput } from '../domain/trail.js';
import { sealHead } from '../domain/seal.js';
import { moveCheckpoint, TRAIL_LOCK } from './trail.js';
import type { Change, Json } from '../model/changes.js';
import type { NotificationInput, Notifier } from './lifecycle.js';
import { trailAppends } from '../runtime/metrics.js';

export interface AssignmentsProjection {
  cycle: number;
  /** Whether the cycle still takes review work (reviewing, not moderating or concluded). */
  open: boolean;
  dueAt: string | null;
  reviews: { evaluatorId: string; assignedBy: string; assignedAt: string; completedAt: string | null }[];
}

/** Projections besides the model that some steps carry. */
export interface CommitExtras {
  /** The bid's content, at submission and resubmission: its columns and cost lines. */
  bid?: { bid: Bid; contentHash: string; submittedBy: string; submittedAt: string; workflowId: string };
  /** The current review cycle's evaluators, when they change, for queues and load counts. */
  assignments?: AssignmentsProjection;
  /** Finance's confirmation of a round's allocation run. */
  confirmAllocation?: { version: number; by: string; at: string };
}

export interface CommitInput {
  streamType: StreamType;
  streamId: string;
  /** The read model's version after this commit. */
  version: number;
  /** The whole model: a stream's first commit, or a resync. */
  model?: Json;
  /** Otherwise what changed since `version - 1`. */
  changes?: Change[];
  /** The read model's columns: all of them with a whole model, else those that changed. */
  summary: Record<string, unknown>;
  events: TrailEventInput[];
  /** Events (by index) that also belong on another stream: an agenda item's on its bid's trail, id suffixed `:<stream>`. */
  alsoOn: { streamType: 'bid'; streamId: string; of: number }[];
  notices: NotificationInput[];
  extras?: CommitExtras;
  updatedAt: string;
}

export interface CommitResult {
  /** Events stored by this call (0 when a retry found them stored). */
  stored: number;
  /** The read model was not at `version - 1`: send the whole model. */
  resync?: boolean;
}

interface Head {
  seq: number;
  hash: string;
}

/** The last event of each stream this process wrote or read, so a commit needs no read first. */
class Heads {
  private readonly known = new Map<string, Head>();
  constructor(private readonly max = 50_000) {}

  async of(db: Db, streams: string[]): Promise<Map<string, Head>> {
    const missing = streams.filter((s) => !this.known.has(s));
    if (missing.length) {
      const rows = rowsOf<{ stream_id: string; seq: number; hash: string }>(
        await db.execute(sql`select distinct on (stream_id) stream_id, seq, hash from decision_events
          where stream_id in (${sql.join(missing.map((s) => sql`${s}`), sql`, `)}) order by stream_id, seq desc`),
      );
      for (const s of missing) this.set(s, { seq: 0, hash: GENESIS_HASH });
      for (const r of rows) this.set(r.stream_id, { seq: Number(r.seq), hash: r.hash });
    }
    return new Map(streams.map((s) => [s, this.known.get(s)!]));
  }

  set(stream: string, head: Head): void {
    this.known.delete(stream);
    this.known.set(stream, head);
    if (this.known.size > this.max) this.known.delete(this.known.keys().next().value!);
  }

  forget(streams: string[]): void {
    for (const s of streams) this.known.delete(s);
  }
}

type EventRow = Record<string, unknown> & { stream_id: string; seq: number; hash: string; seal: string };

/** Gives each event its sequence number, previous hash and hash, from the heads of its stream. */
function chain(input: CommitInput, heads: Map<string, Head>, key: string): EventRow[] {
  const rows: EventRow[] = [];
  const next = new Map(heads);
  const add = (streamType: StreamType, streamId: string, e: TrailEventInput) => {
    const head = next.get(streamId)!;
    const fields = {
      eventId: e.eventId,
      streamType,
      streamId,
      seq: head.seq + 1,
      occurredAt: new Date(e.occurredAt).toISOString(),
      actorId: e.actorId,
      actorRole: e.actorRole,
      action: e.action,
      fromState: e.fromState ?? null,
      toState: e.toState ?? null,
      payload: normalisePayload(e.payload),
      ruleSetVersion: e.ruleSetVersion ?? null,
      prevHash: head.hash,
    };
    const hash = eventHash(fields);
    next.set(streamId, { seq: fields.seq, hash });
    rows.push({
      event_id: fields.eventId,
      stream_type: streamType,
      stream_id: streamId,
      seq: fields.seq,
      occurred_at: fields.occurredAt,
      actor_id: fields.actorId,
      actor_role: fields.actorRole,
      action: fields.action,
      from_state: fields.fromState,
      to_state: fields.toState,
      payload: fields.payload,
      rule_set_version: fields.ruleSetVersion,
      prev_hash: fields.prevHash,
      hash,
      // The stream's head seal should this event end up its last.
      seal: sealHead(key, { streamType, streamId, seq: fields.seq, hash }),
    });
  };
  // Events in the order the workflow made them; an item's event goes on its bid's trail beside it.
  input.events.forEach((e, i) => {
    add(input.streamType, input.streamId, e);
    for (const other of input.alsoOn.filter((o) => o.of === i)) add(other.streamType, other.streamId, { ...e, eventId: `${e.eventId}:${other.streamId}` });
  });
  return rows;
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

const TABLE = { bid: sql.raw('bids'), meeting: sql.raw('meetings'), round: sql.raw('funding_rounds') } as const;
const KEY = { bid: sql.raw('reference'), meeting: sql.raw('id'), round: sql.raw('id') } as const;

/** Read-model columns by stream type, as the workflow's summary names them. */
const COLUMNS: Record<StreamType, Record<string, string>> = {
  bid: { state: 'state', waitingFor: 'waiting_for', band: 'band', benefitScore: 'benefit_score', mustFund: 'must_fund', safetyEscalation: 'safety_escalation' },
  meeting: { title: 'title', state: 'state', scheduledFor: 'scheduled_for', agendaClosesAt: 'agenda_closes_at', items: 'items' },
  round: { title: 'title', financialYear: 'financial_year', envelopePence: 'envelope_pence', subEnvelopes: 'sub_envelopes', opensAt: 'opens_at', closesAt: 'closes_at', state: 'state' },
};

/** The bid's content columns, at submission and resubmission. */
function bidContent(extras: NonNullable<CommitExtras['bid']>): Record<string, unknown> {
  const { bid } = extras;
  const totals = costTotals(bid);
  return {
    title: bid.title,
    lead_organisation: bid.leadOrganisation,
    partner_organisations: bid.partnerOrganisations,
    primary_ambition: bid.primaryAmbition,
    secondary_ambitions: bid.secondaryAmbitions,
    level: bid.level,
    places: bid.places,
    kind: bid.kind,
    total_pence: totals.totalPence,
    recurrent_pence: totals.recurrentPence,
    non_recurrent_pence: totals.nonRecurrentPence,
    submission: bid,
    content_hash: extras.contentHash,
  };
}

function projection(input: CommitInput): SQL {
  const table = TABLE[input.streamType];
  const key = KEY[input.streamType];
  const row: Record<string, unknown> = { updated_at: input.updatedAt, projection_version: input.version };
  for (const [field, column] of Object.entries(COLUMNS[input.streamType])) {
    if (field in input.summary) row[column] = input.summary[field] ?? null;
  }
  if (input.extras?.bid) Object.assign(row, bidContent(input.extras.bid));
  const settable = Object.keys(row);

  if (input.model !== undefined) {
    const first: Record<string, unknown> = { ...row, [input.streamType === 'bid' ? 'reference' : 'id']: input.streamId, model: input.model };
    if (input.streamType === 'bid') Object.assign(first, { workflow_id: input.extras?.bid?.workflowId, submitted_by: input.extras?.bid?.submittedBy, submitted_at: input.extras?.bid?.submittedAt });
    const all = Object.keys(first);
    const allCols = sql.raw(all.join(', '));
    const updates = sql.raw([...settable, 'model'].map((c) => `${c} = excluded.${c}`).join(', '));
    return sql`insert into ${table} (${allCols}) select ${allCols} from jsonb_populate_record(null::${table}, ${json(first)})
      on conflict (${key}) do update set ${updates} where ${table}.projection_version < excluded.projection_version
      returning 1`;
  }
  const sets = sql.raw(settable.map((c) => `${c} = r.${c}`).join(', '));
  return sql`update ${table} t set model = cp_apply_changes(t.model, ${json(input.changes ?? [])}), ${sets}
    from jsonb_populate_record(null::${table}, ${json(row)}) r
    where t.${key} = ${input.streamId} and t.projection_version = ${input.version - 1}
    returning 1`;
}

function sideProjections(input: CommitInput): SQL[] {
  const out: SQL[] = [];
  const { extras } = input;
  if (extras?.bid) {
    const costs = extras.bid.bid.costs.map((c) => ({ financial_year: c.financialYear, recurrent_pence: c.recurrentPence, non_recurrent_pence: c.nonRecurrentPence }));
    out.push(sql`costs_gone as (delete from bid_costs where reference = ${input.streamId}
      and not (financial_year = any (array(select jsonb_array_elements(${json(costs)}) ->> 'financial_year'))))`);
    out.push(sql`costs_kept as (insert into bid_costs (reference, financial_year, recurrent_pence, non_recurrent_pence)
      select ${input.streamId}, financial_year, recurrent_pence, non_recurrent_pence
      from jsonb_to_recordset(${json(costs)}) as x(financial_year text, recurrent_pence bigint, non_recurrent_pence bigint)
      on conflict (reference, financial_year) do update set recurrent_pence = excluded.recurrent_pence, non_recurrent_pence = excluded.non_recurrent_pence)`);
  }
  if (extras?.assignments) {
    const a = extras.assignments;
    const rows = a.reviews.map((r) => ({
      evaluator_id: r.evaluatorId,
      active: a.open && r.completedAt === null,
      assigned_by: r.assignedBy,
      assigned_at: r.assignedAt,
      completed_at: r.completedAt,
      due_at: a.dueAt,
    }));
    // Earlier cycles, and evaluators taken off this one, no longer count towards anyone's load.
    out.push(sql`assignments_off as (update review_assignments set active = false where reference = ${input.streamId}
      and (cycle <> ${a.cycle} or not (evaluator_id = any (array(select jsonb_array_elements(${json(rows)}) ->> 'evaluator_id')))))`);
    out.push(sql`assignments_on as (insert into review_assignments (reference, cycle, evaluator_id, active, assigned_by, assigned_at, completed_at, due_at)
      select ${input.streamId}, ${a.cycle}, evaluator_id, active, assigned_by, assigned_at, completed_at, due_at
      from jsonb_to_recordset(${json(rows)}) as x(evaluator_id text, active boolean, assigned_by text, assigned_at timestamptz, completed_at timestamptz, due_at timestamptz)
      on conflict (reference, cycle, evaluator_id) do update set active = excluded.active, assigned_by = excluded.assigned_by,
        assigned_at = excluded.assigned_at, completed_at = excluded.completed_at, due_at = excluded.due_at)`);
  }
  if (extras?.confirmAllocation) {
    const c = extras.confirmAllocation;
    out.push(sql`confirmation as (update round_allocations set confirmed_by = ${c.by}, confirmed_at = ${c.at}::timestamptz
      where round_id = ${input.streamId} and version = ${c.version} and confirmed_by is null)`);
  }
  return out;
}

function statement(input: CommitInput, rows: EventRow[]): SQL {
  const notices = input.notices.map((n) => ({
    id: n.id,
    kind: n.kind,
    recipient_ids: n.recipientIds,
    recipient_roles: n.recipientRoles,
    recipient_organisation: n.recipientOrganisation,
    subject: n.subject,
    body: n.body,
    reference: n.reference,
    meeting_id: n.meetingId,
    created_at: n.createdAt,
  }));
  const ctes: SQL[] = [
    sql`ev as (insert into decision_events (event_id, stream_type, stream_id, seq, occurred_at, actor_id, actor_role, action, from_state, to_state, payload, rule_set_version, prev_hash, hash)
      select event_id, stream_type, stream_id, seq, occurred_at, actor_id, actor_role, action, from_state, to_state, payload, rule_set_version, prev_hash, hash
      from jsonb_to_recordset(${json(rows)}) as x(event_id text, stream_type text, stream_id text, seq integer, occurred_at timestamptz, actor_id text, actor_role text,
        action text, from_state text, to_state text, payload jsonb, rule_set_version text, prev_hash text, hash text)
      on conflict (event_id) do nothing
      returning stream_type, stream_id, seq, hash)`,
    // Each stream's head before this statement (every CTE sees the same snapshot), and after it:
    // the last event it stored, with that event's seal.
    sql`old_heads as (select stream_id, seal from trail_heads where stream_id in (select stream_id from ev))`,
    sql`new_heads as (insert into trail_heads (stream_id, stream_type, seq, hash, seal, sealed_at)
      select distinct on (ev.stream_id) ev.stream_id, ev.stream_type, ev.seq, ev.hash, x.seal, now()
      from ev join jsonb_to_recordset(${json(rows.map((r) => ({ stream_id: r.stream_id, seq: r.seq, seal: r.seal })))}) as x(stream_id text, seq integer, seal text)
        on x.stream_id = ev.stream_id and x.seq = ev.seq
      order by ev.stream_id, ev.seq desc
      on conflict (stream_id) do update set seq = excluded.seq, hash = excluded.hash, seal = excluded.seal, sealed_at = excluded.sealed_at
      returning stream_id, seal)`,
    sql`proj as (${projection(input)})`,
    sql`note as (insert into notifications (id, kind, recipient_ids, recipient_roles, recipient_organisation, subject, body, reference, meeting_id, created_at)
      select id, kind, recipient_ids, recipient_roles, recipient_organisation, subject, body, reference, meeting_id, created_at
      from jsonb_populate_recordset(null::notifications, ${json(notices)})
      on conflict (id) do nothing
      returning id)`,
    ...sideProjections(input),
  ];
  const table = TABLE[input.streamType];
  const key = KEY[input.streamType];
  return sql`with ${sql.join(ctes, sql`, `)}
    select (select count(*)::int from ev) as stored,
      (select count(*)::int from proj) as projected,
      (select projection_version from ${table} where ${key} = ${input.streamId}) as before,
      coalesce((select json_agg(id) from note), '[]'::json) as noticed,
      coalesce((select json_agg(json_build_object('removed', o.seal, 'added', n.seal)) from new_heads n left join old_heads o using (stream_id)), '[]'::json) as moved`;
}

/** The PostgreSQL error under whatever wraps it (drizzle wraps the driver's in `cause`). */
function pgError(error: unknown): { code?: string; constraint_name?: string; constraint?: string; message: string } | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth += 1) {
    if (typeof e.code === 'string') return e as never;
  }
  return undefined;
}
const pgCode = (error: unknown): string | undefined => pgError(error)?.code;
const constraintOf = (error: unknown): string => {
  const e = pgError(error);
  return e?.constraint_name ?? e?.constraint ?? '';
};

/**
 * A commit the database can never store (text it refuses, a value out of range) fails for good,
 * so the workflow keeps its model and says why; anything else (a connection lost) is retried.
 */
function classify(error: unknown): unknown {
  const code = pgCode(error);
  if (code && (code.startsWith('22') || code === '23502' || code === '23514')) {
    return ApplicationFailure.create({
      type: 'Unstorable',
      message: `The database cannot store this: ${pgError(error)?.message ?? (error as Error).message}`,
      nonRetryable: true,
      details: [{ sqlstate: code }],
    });
  }
  return error;
}

export function createRecorderActivities({ db, config, notifier }: { db: Db; config: { TRAIL_SEAL_KEY?: string }; notifier?: Notifier }) {
  const heads = new Heads();
  const key = config.TRAIL_SEAL_KEY;
  return {
    async commit(input: CommitInput): Promise<CommitResult> {
      const streams = [...new Set([input.streamId, ...input.alsoOn.map((o) => o.streamId)])];
      for (let attempt = 1; ; attempt += 1) {
        if (!key) throw new Error('TRAIL_SEAL_KEY is not configured: the trail cannot be sealed, so nothing is committed');
        const rows = chain(input, await heads.of(db, streams), key);
        let result: { stored: number; projected: number; before: number | null; noticed: string[]; moved: { removed: string | null; added: string }[] };
        try {
          result = await db.transaction(async (tx) => {
            await tx.execute(sql`select pg_advisory_xact_lock(${TRAIL_LOCK})`);
            const r = rowsOf<typeof result>(await tx.execute(statement(input, rows)))[0]!;
            if (r.stored > 0) await moveCheckpoint(tx, key, r.moved, r.stored);
            return r;
          });
        } catch (error) {
          // Another writer moved a stream's head since this process last saw it: read it again.
          if (pgCode(error) === '23505' && constraintOf(error).includes('stream_seq') && attempt < 8) {
            heads.forget(streams);
            continue;
          }
          throw classify(error);
        }
        if (result.stored > 0) trailAppends.inc({ stream_type: input.streamType }, result.stored);
        if (result.stored === rows.length) {
          for (const r of rows) heads.set(r.stream_id, { seq: r.seq, hash: r.hash });
        } else {
          // Some were stored by an earlier attempt, perhaps from other heads: read them next time.
          heads.forget(streams);
        }
        if (notifier) {
          for (const n of input.notices.filter((x) => notifier.idempotent || result.noticed.includes(x.id))) await notifier.send(n);
        }
        const before = result.before === null ? null : Number(result.before);
        const applied = result.projected > 0 || (before !== null && before >= input.version);
        return { stored: result.stored, ...(!applied && { resync: true }) };
      }
    },
  };
}
