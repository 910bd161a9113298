// The decision trail for finance: one bid's events, the whole trail filtered by the bid's
// financial year, ambition, place, organisation, state and amount (through trail_search, the
// events beside the attributes they are filtered on, each with its index); a CSV export that
// PostgreSQL streams itself (COPY ... TO STDOUT, constant memory at any size); chain
// verification against the keyed seals (each stream's head, the checkpoint over all heads); money
// totals per year.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ApiError } from '../api/errors.js';
import { rowsOf, type Db } from '../db/client.js';
import { bidCosts, bids, decisionEvents, trailCheckpoint, trailHeads, trailSearch as t, trailSearchBids } from '../db/schema.js';
import { readStream, toStoredEvent } from '../activities/trail.js';
import { digestOf, sealCheckpoint, sealHead, sealsEqual } from '../domain/seal.js';
import { verifyChain, type ChainBreak, type ChainVerdict, type StoredEvent } from '../domain/trail.js';
import { conditionsWithDueDays, outcomeInWords, payloadInWords, poundsDecimal, roleInWords, stateInWords } from '../domain/trail-words.js';
import { actionLabel, AMBITION_LABELS, DECISION_ACTIONS, PLACE_LABELS, type Ambition, type Place } from '../domain/vocabulary.js';
import type { Actor } from '../shared.js';

export interface TrailFilters {
  financialYear?: string;
  ambition?: string;
  place?: string;
  organisation?: string;
  state?: string;
  minPence?: number;
  maxPence?: number;
  action?: string;
  /** Exactly these actions (the words filter, as vocabulary.ts reads it); an empty list matches none. */
  actions?: string[];
  reference?: string;
  from?: string;
  to?: string;
}

export function needFinance(user: Actor): void {
  if (!user.roles.includes('finance') && !user.roles.includes('admin')) {
    throw new ApiError(403, 'forbidden', 'Only ICB finance and the admin query the whole decision trail', { rule: 'role' });
  }
}

const contains = (column: AnyPgColumn, value: string) => sql`${column} @> array[${value}]::text[]`;

/**
 * The filters on the bid's own attributes, on either search table: each event's row
 * (trail_search) or each bid's (trail_search_bids), whose columns are the same.
 */
function bidConditions(c: typeof t | typeof trailSearchBids, f: TrailFilters): SQL[] {
  const out: SQL[] = [];
  if (f.financialYear) out.push(contains(c.financialYears, f.financialYear));
  if (f.ambition) out.push(contains(c.ambitions, f.ambition));
  if (f.place) out.push(contains(c.places, f.place));
  if (f.organisation) out.push(contains(c.organisations, f.organisation));
  if (f.state) out.push(eq(c.state, f.state));
  if (f.minPence !== undefined) out.push(gte(c.totalPence, f.minPence));
  if (f.maxPence !== undefined) out.push(lte(c.totalPence, f.maxPence));
  return out;
}

/** The filters on the event itself: what happened, to which bid, and when. */
function eventConditions(f: TrailFilters): SQL[] {
  const out: SQL[] = [];
  if (f.action) out.push(sql`${t.action} like ${`${f.action.replace(/[%_\\]/g, '\\$&')}%`}`);
  if (f.actions) out.push(sql.raw(actionsCondition('trail_search.action', f.actions)));
  if (f.reference) out.push(eq(t.streamId, f.reference));
  if (f.from) out.push(gte(t.occurredAt, new Date(f.from)));
  if (f.to) out.push(lte(t.occurredAt, new Date(f.to)));
  return out;
}

/** Actions are the vocabulary's codes, checked before they get here; one is an equality on the action index. */
function actionsCondition(column: string, actions: string[]): string {
  const codes = actions.filter((a) => /^[a-z0-9_.]{1,60}$/.test(a));
  if (codes.length === 0) return 'false';
  if (codes.length === 1) return `${column} = '${codes[0]}'`;
  return `${column} = any('{${codes.join(',')}}'::text[])`;
}

const bidColumns = {
  title: bids.title,
  leadOrganisation: bids.leadOrganisation,
  primaryAmbition: bids.primaryAmbition,
  places: bids.places,
  totalPence: bids.totalPence,
  bidState: bids.state,
};

/** How many matching bids are few enough to find their events by bid rather than by scanning events. */
const FEW_BIDS = 200;

/**
 * With four or more of the bid's own attributes asked for, the bids that match, when they are few:
 * found on their own search rows (trail_search_bids, one narrow row a bid, an index for each
 * attribute), then their events are read by bid (trail_search_stream_idx), where intersecting each
 * filter's index over every event would read hundreds of thousands of entries to find a few
 * hundred. Null when the search should scan events.
 */
async function fewMatchingBids(db: Db, f: TrailFilters): Promise<string[] | null> {
  const on = bidConditions(trailSearchBids, f);
  if (on.length < 4 || f.reference) return null;
  const rows = await db.select({ reference: trailSearchBids.reference }).from(trailSearchBids).where(and(...on)).limit(FEW_BIDS + 1);
  return rows.length > FEW_BIDS ? null : rows.map((r) => r.reference);
}

/** Oldest first (the API's default, and the CSV's) or newest first (the trail page opens on the latest). */
export type TrailOrder = 'oldest' | 'newest';

/**
 * One page: the search index finds the page's event ids first (on its own, so PostgreSQL plans
 * the filter and the limit without the joins), then each event and its bid is read by key. With
 * no time bounds the page is in event order (id); between times it is in time order, on the
 * (occurred_at, id) index, because an id-order scan of a narrow time window reads every event
 * before it. The cursor is the last event's id either way. Newest first walks the same indexes
 * backwards, so it costs what oldest first costs.
 */
async function page(db: Db, filters: TrailFilters, after: number, limit: number, order: TrailOrder = 'oldest') {
  // Planned for these values every time. The driver prepares each query once per connection, and
  // after five runs PostgreSQL may switch to a generic plan, which cannot see how common a value
  // is: for two or three array filters it intersects every GIN index over the million events
  // (~180 ms) where a plan for the values walks the id index and stops at a page (~2 ms).
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return pageOf(tx, filters, after, limit, order);
  }, { accessMode: 'read only' });
}

async function pageOf(db: Db, filters: TrailFilters, after: number, limit: number, order: TrailOrder) {
  const byTime = Boolean(filters.from || filters.to);
  const newest = order === 'newest';
  const sort = newest ? desc : asc;
  // Bids found first carry the bid's attributes already (their rows and their events' rows are
  // kept by one trigger), so their events are filtered only on the event's own: asked again on
  // the events, PostgreSQL may intersect the stream index with an attribute's whole GIN index.
  const streams = await fewMatchingBids(db, filters);
  const conditions = (f: TrailFilters) =>
    streams ? [...eventConditions(f), sql`${t.streamId} = any(${`{${streams.join(',')}}`}::text[])`] : [...bidConditions(t, f), ...eventConditions(f)];
  let where = conditions(filters);
  if (after > 0 && !byTime) where.push(newest ? lt(t.id, after) : gt(t.id, after));
  if (after > 0 && byTime) {
    // The scan starts at whichever is nearer, the cursor or the window's edge (`from` oldest
    // first, `to` newest first): given both, PostgreSQL cannot tell which bound is tighter and may
    // start at the farther one, reading every entry between.
    const [last] = await db.select({ at: t.occurredAt }).from(t).where(eq(t.id, after)).limit(1);
    const lastAt = (last?.at ?? new Date(newest ? 8.64e15 : 0)).toISOString();
    const resume = newest
      ? sql`(${t.occurredAt}, ${t.id}) < (${lastAt}::timestamptz, ${after}::bigint)`
      : sql`(${t.occurredAt}, ${t.id}) > (${lastAt}::timestamptz, ${after}::bigint)`;
    const edge = newest ? filters.to : filters.from;
    const inside = (at: Date) => (newest ? at <= new Date(edge!) : at >= new Date(edge!));
    if (!edge || (last && inside(last.at))) where = conditions({ ...filters, ...(newest ? { to: undefined } : { from: undefined }) });
    if (!edge || !last || inside(last.at)) where.push(resume);
  }
  const found = db
    .select({ id: t.id, streamId: t.streamId, occurredAt: t.occurredAt })
    .from(t)
    .where(and(...where))
    .orderBy(...(byTime ? [sort(t.occurredAt), sort(t.id)] : [sort(t.id)]))
    .limit(limit)
    .as('found');
  const rows = await db
    .select({ event: decisionEvents, bid: bidColumns })
    .from(found)
    .innerJoin(decisionEvents, eq(decisionEvents.id, found.id))
    .innerJoin(bids, eq(bids.reference, found.streamId))
    .orderBy(...(byTime ? [sort(found.occurredAt), sort(found.id)] : [sort(found.id)]));
  return rows.map(({ event, bid }) => ({ id: event.id, ...toStoredEvent(event), bid }));
}

export type TrailRow = Awaited<ReturnType<typeof pageOf>>[number];

export async function searchTrail(db: Db, filters: TrailFilters, cursor = 0, limit = 100, order: TrailOrder = 'oldest'): Promise<{ items: TrailRow[]; nextCursor: number | null }> {
  const items = await page(db, filters, cursor, limit + 1, order);
  const more = items.length > limit;
  if (more) items.pop();
  return { items, nextCursor: more ? items.at(-1)!.id : null };
}

export async function bidTrail(db: Db, reference: string) {
  const rows = await db.select().from(decisionEvents).where(eq(decisionEvents.streamId, reference)).orderBy(asc(decisionEvents.seq));
  return rows.map((row) => ({ id: row.id, ...toStoredEvent(row) }));
}

export const CSV_COLUMNS = [
  'event_id',
  'bid_reference',
  'seq',
  'occurred_at',
  'actor_id',
  'actor_role',
  'action',
  'from_state',
  'to_state',
  'rule_set_version',
  'bid_title',
  'lead_organisation',
  'primary_ambition',
  'places',
  'bid_total_pence',
  'bid_state_now',
  'payload_json',
  'prev_hash',
  'hash',
];

function csvLines(rows: TrailRow[]): string {
  // escape_formulas: a cell that begins = + - @ cannot run as a formula when opened in Excel.
  return stringify(
    rows.map((r) => [
      r.eventId,
      r.streamId,
      r.seq,
      r.occurredAt,
      r.actorId,
      r.actorRole,
      r.action,
      r.fromState ?? '',
      r.toState ?? '',
      r.ruleSetVersion ?? '',
      r.bid.title,
      r.bid.leadOrganisation,
      r.bid.primaryAmbition,
      r.bid.places.join(';'),
      r.bid.totalPence,
      r.bid.bidState,
      JSON.stringify(r.payload),
      r.prevHash,
      r.hash,
    ]),
    { escape_formulas: true },
  );
}

/** A value as an SQL literal: COPY takes no parameters. Filters are validated before they get here. */
const literal = (value: string | number | Date) =>
  typeof value === 'number' ? String(Math.trunc(value)) : `'${(value instanceof Date ? value.toISOString() : value).replace(/'/g, "''")}'`;

/** The filters as SQL text for COPY, on trail_search t. */
function copyConditions(f: TrailFilters): string[] {
  const out: string[] = [];
  const has = (column: string, value: string) => `t.${column} @> array[${literal(value)}]::text[]`;
  if (f.financialYear) out.push(has('financial_years', f.financialYear));
  if (f.ambition) out.push(has('ambitions', f.ambition));
  if (f.place) out.push(has('places', f.place));
  if (f.organisation) out.push(has('organisations', f.organisation));
  if (f.state) out.push(`t.state = ${literal(f.state)}`);
  if (f.minPence !== undefined) out.push(`t.total_pence >= ${literal(f.minPence)}`);
  if (f.maxPence !== undefined) out.push(`t.total_pence <= ${literal(f.maxPence)}`);
  if (f.action) out.push(`t.action like ${literal(`${f.action.replace(/[%_\\]/g, '\\$&')}%`)}`);
  if (f.actions) out.push(actionsCondition('t.action', f.actions));
  if (f.reference) out.push(`t.stream_id = ${literal(f.reference)}`);
  if (f.from) out.push(`t.occurred_at >= ${literal(new Date(f.from))}`);
  if (f.to) out.push(`t.occurred_at <= ${literal(new Date(f.to))}`);
  return out;
}

/**
 * A cell that begins = + - @ tab or return cannot run as a formula when opened in a spreadsheet.
 * Tested on its first character's code, not by a pattern: the same test, in less of PostgreSQL's
 * time (the pattern cost ~0.4 s a million rows).
 */
const FORMULA_STARTS = [...'=+-@\t\r'].map((c) => c.charCodeAt(0)).join(',');
const cell = (expression: string) => `case when ascii(${expression}) in (${FORMULA_STARTS}) then '''' || ${expression} else ${expression} end`;

/**
 * The raw CSV's columns. Only those a person's words or an administered name can reach are
 * guarded against formulas (the bid's title, the actor's id, the organisation's code); the rest
 * are the service's own: ids it makes (event, reference, rule set), and codes from its closed
 * vocabularies (role, action, states, ambition, places), none of which begins with = + - @. The
 * guard on every cell cost PostgreSQL 60% more time for a million rows (11.8 s against 7.5 s).
 */
function copyQuery(filters: TrailFilters): string {
  const where = copyConditions(filters);
  const columns = [
    'e.event_id',
    'e.stream_id',
    'e.seq',
    `to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    cell('e.actor_id'),
    'e.actor_role',
    'e.action',
    `coalesce(e.from_state, '')`,
    `coalesce(e.to_state, '')`,
    `coalesce(e.rule_set_version, '')`,
    cell('b.title'),
    cell('b.lead_organisation'),
    'b.primary_ambition',
    `array_to_string(b.places, ';')`,
    'b.total_pence',
    'b.state',
    'e.payload::text',
    'e.prev_hash',
    'e.hash',
  ];
  return `copy (select ${columns.map((c, i) => `${c} as ${CSV_COLUMNS[i]}`).join(', ')}
    from trail_search t join decision_events e on e.id = t.id join bids b on b.reference = t.stream_id
    ${where.length ? `where ${where.join(' and ')}` : ''} order by t.id) to stdout with (format csv, header true)`;
}

/**
 * The filtered trail as CSV. On PostgreSQL the database writes it (COPY ... TO STDOUT) and it
 * streams straight out with backpressure; on the embedded PGlite, a batch at a time.
 */
export function exportTrailCsv(db: Db, filters: TrailFilters, batchSize = 1000): ReadableStream<Uint8Array> {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (typeof client === 'function' && 'unsafe' in client) {
    const copy = (client as Sql).unsafe(copyQuery(filters));
    return Readable.toWeb(Readable.from(copyStream(copy))) as ReadableStream<Uint8Array>;
  }
  return pagedCsv(stringify([CSV_COLUMNS]), (after) => page(db, filters, after, batchSize), csvLines);
}

// ---------------------------------------------------------------------------------------------
// The finance CSV: one row per decision, in pounds and words beside the codes.

export const FINANCE_CSV_COLUMNS = [
  'decided_at',
  'bid_reference',
  'bid_title',
  'decision',
  'action',
  'outcome',
  'outcome_label',
  'conditions',
  'reason',
  'decided_by',
  'decided_by_id',
  'decided_by_role',
  'decided_by_role_label',
  'state_after',
  'state_after_label',
  'lead_organisation',
  'lead_organisation_name',
  'primary_ambition',
  'primary_ambition_label',
  'places',
  'places_labels',
  'bid_total_pence',
  'bid_total_pounds',
  'round_id',
  'round_title',
  'round_financial_year',
  'round_year_pence',
  'round_year_pounds',
  'allocation_rank',
  'meeting_id',
  'board_minute',
  'bid_state_now',
  'bid_state_now_label',
  'details',
  'event_id',
] as const;

interface DecisionRow {
  id: string | number;
  event_id: string;
  reference: string;
  occurred_at: string | Date;
  actor_id: string;
  actor_role: string;
  actor_name: string | null;
  action: string;
  to_state: string | null;
  payload: unknown;
  title: string;
  lead_organisation: string;
  lead_organisation_name: string | null;
  primary_ambition: string;
  places: string[] | string;
  total_pence: string | number;
  bid_state: string;
  round_id: string | null;
  round_title: string | null;
  round_year: string | null;
  round_year_pence: string | number | null;
}

/** The bid's decisions, and the round's overrides named to a bid, as rows shaped like trail_search's. */
const DECISIONS_SQL = `(
    select s.* from trail_search s where ${actionsCondition('s.action', DECISION_ACTIONS.filter((a) => a !== 'allocation.overridden'))}
    union all
    select (trail_search_row(re.id, rb.reference, re.occurred_at, re.action, rb)).*
      from decision_events re join bids rb on rb.reference = re.payload ->> 'reference'
      where re.action = 'allocation.overridden' and re.stream_type = 'round'
  ) t`;

function decisionQuery(filters: TrailFilters, after: number, limit: number): string {
  const where = [...copyConditions(filters), `t.id > ${literal(after)}`];
  return `select t.id, e.event_id, t.stream_id as reference, e.occurred_at, e.actor_id, e.actor_role, u.name as actor_name, e.action, e.to_state, e.payload,
      b.title, b.lead_organisation, o.name as lead_organisation_name, b.primary_ambition, b.places, b.total_pence, b.state as bid_state,
      r.id as round_id, r.title as round_title, r.financial_year as round_year,
      (select sum(c.recurrent_pence + c.non_recurrent_pence) from bid_costs c where c.reference = b.reference and c.financial_year = r.financial_year) as round_year_pence
    from ${DECISIONS_SQL}
    join decision_events e on e.id = t.id
    join bids b on b.reference = t.stream_id
    left join organisations o on o.code = b.lead_organisation
    left join users u on u.id = e.actor_id
    left join funding_rounds r on r.id = (case when e.stream_type = 'round' then e.stream_id else e.payload ->> 'roundId' end)
    where ${where.join(' and ')}
    order by t.id limit ${literal(limit)}`;
}

const textOf = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
/** PostgreSQL's text array as the driver gives it: an array, or its literal ("{a,b}") from a raw query. */
const arrayOf = (value: string[] | string): string[] => (Array.isArray(value) ? value : value.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((v) => v.replace(/^"|"$/g, '')));

function outcomeOf(action: string, payload: Record<string, unknown>): string {
  if (action === 'board.decision_recorded') return payload.approved ? 'approved' : 'not_approved';
  if (action === 'assembly.chairs_action_ratified') return 'ratified';
  if (action === 'assembly.chairs_action_not_ratified') return 'not_ratified';
  return textOf(payload.outcome);
}

function decisionLine(row: DecisionRow): (string | number)[] {
  const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : (row.payload ?? {})) as Record<string, unknown>;
  const outcome = outcomeOf(row.action, payload);
  const places = arrayOf(row.places);
  const total = Number(row.total_pence);
  const roundYear = row.round_year_pence === null ? null : Number(row.round_year_pence);
  return [
    new Date(row.occurred_at).toISOString(),
    row.reference,
    row.title,
    actionLabel(row.action),
    row.action,
    outcome,
    outcome ? outcomeInWords(outcome) : '',
    conditionsWithDueDays(payload.conditions, payload.conditionsDueBy).join('; '),
    textOf(payload.reason),
    row.actor_id === 'system' ? roleInWords('system') : (row.actor_name ?? row.actor_id),
    row.actor_id,
    row.actor_role,
    roleInWords(row.actor_role),
    row.to_state ?? '',
    stateInWords(row.to_state),
    row.lead_organisation,
    row.lead_organisation_name ?? '',
    row.primary_ambition,
    AMBITION_LABELS[row.primary_ambition as Ambition] ?? row.primary_ambition,
    places.join(';'),
    places.map((p) => PLACE_LABELS[p as Place] ?? p).join('; '),
    total,
    poundsDecimal(total),
    row.round_id ?? '',
    row.round_title ?? '',
    row.round_year ?? '',
    roundYear ?? '',
    roundYear === null ? '' : poundsDecimal(roundYear),
    textOf(payload.rank),
    textOf(payload.meetingId),
    textOf(payload.minuteReference),
    row.bid_state,
    stateInWords(row.bid_state),
    payloadInWords(payload),
    row.event_id,
  ];
}

/** One batch of the finance CSV's rows after an event id: for its tests and its stream. */
export async function decisionRows(db: Db, filters: TrailFilters, after = 0, limit = 500): Promise<{ id: number; line: (string | number)[] }[]> {
  const rows = rowsOf<DecisionRow>(await db.execute(sql.raw(decisionQuery(filters, after, limit))));
  return rows.map((row) => ({ id: Number(row.id), line: decisionLine(row) }));
}

/**
 * The filtered trail's decisions as CSV, one row each (DECISION_ACTIONS), oldest first: labels
 * beside the codes and pounds beside the pence, for finance's spreadsheets. Streamed a batch at
 * a time in event order (keyset on the event id), so it runs in constant memory at any size.
 */
export function exportFinanceCsv(db: Db, filters: TrailFilters, batchSize = 500): ReadableStream<Uint8Array> {
  // escape_formulas: a cell that begins = + - @ cannot run as a formula when opened in Excel.
  return pagedCsv(stringify([FINANCE_CSV_COLUMNS]), (after) => decisionRows(db, filters, after, batchSize), (rows) =>
    stringify(rows.map((r) => r.line), { escape_formulas: true }),
  );
}

/** A CSV streamed page by page: the header, then each page of rows after the last id sent, until one is empty. */
function pagedCsv<Row extends { id: number }>(header: string, pageAfter: (after: number) => Promise<Row[]>, lines: (rows: Row[]) => string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(header));
        return;
      }
      const rows = await pageAfter(after);
      if (rows.length === 0) {
        controller.close();
        return;
      }
      after = rows.at(-1)!.id;
      controller.enqueue(encoder.encode(lines(rows)));
    },
  });
}

/** COPY's chunks, as they come; the connection goes back to the pool when it ends or the reader stops. */
/** How much of the COPY output goes out at once: PostgreSQL sends a message a row. */
const COPY_BATCH_BYTES = 64 * 1024;

/**
 * The COPY output in batches of about 64 KB: PostgreSQL sends each row as its own message, and a
 * million one-row chunks through the web stream and the response cost more than the rows do.
 */
async function* copyStream(query: ReturnType<Sql['unsafe']>): AsyncGenerator<Buffer> {
  const stream = await query.readable();
  try {
    let batch: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of stream) {
      batch.push(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      if (bytes >= COPY_BATCH_BYTES) {
        yield Buffer.concat(batch, bytes);
        batch = [];
        bytes = 0;
      }
    }
    if (bytes > 0) yield Buffer.concat(batch, bytes);
  } finally {
    stream.destroy();
  }
}

/**
 * Every kind of break verification names: in a chain (event_changed, event_deleted, link_broken),
 * between a chain and its sealed head (last_event_deleted, chain_recomputed, unsealed_events,
 * stream_unsealed, seal_invalid), and between the heads and the checkpoint (stream_deleted,
 * heads_changed, checkpoint_missing, checkpoint_invalid); seal_key_missing when no key was given.
 */
export type TrailBreakKind =
  | ChainBreak
  | 'last_event_deleted'
  | 'chain_recomputed'
  | 'unsealed_events'
  | 'stream_unsealed'
  | 'seal_invalid'
  | 'stream_deleted'
  | 'heads_changed'
  | 'checkpoint_missing'
  | 'checkpoint_invalid'
  | 'seal_key_missing';

export interface TrailBreak {
  kind: TrailBreakKind;
  /** The stream, when the break is in one (null for the checkpoint's own breaks). */
  streamId: string | null;
  streamType: string | null;
  seq: number | null;
  eventId: string | null;
  reason: string;
}

export interface TrailCheckpointRecord {
  version: number;
  streams: number;
  events: number;
  digest: string;
  seal: string;
  sealedAt: string;
}

export interface TrailVerification {
  valid: boolean;
  streams: number;
  events: number;
  /** Whether the seals were checked (a key was given). */
  sealsChecked: boolean;
  /** The sealed checkpoint as stored (null on an empty trail or for one stream's verification): export it to compare later. */
  checkpoint: TrailCheckpointRecord | null;
  /** The first break found, in stream order; null when every chain and seal holds. */
  firstBroken: TrailBreak | null;
  broken: TrailBreak[];
}

type HeadRow = typeof trailHeads.$inferSelect;

/** A stream's chain against its sealed head: the breaks a key-less writer cannot hide. */
function headBreaks(key: string, streamType: string, streamId: string, events: StoredEvent[], head: HeadRow | undefined): TrailBreak[] {
  const at = (seq: number | null, eventId: string | null, kind: TrailBreakKind, reason: string): TrailBreak => ({ kind, streamId, streamType, seq, eventId, reason });
  const last = events.at(-1);
  if (!head) return [at(last?.seq ?? null, null, 'stream_unsealed', 'the stream has no sealed head: its events were written around the service, or its seal was removed')];
  if (head.streamType !== streamType || !sealsEqual(sealHead(key, head), head.seal)) {
    return [at(head.seq, null, 'seal_invalid', "the head's seal does not match its stream, sequence and hash: the head was rewritten without the key")];
  }
  const lastSeq = last?.seq ?? 0;
  if (lastSeq < head.seq) {
    return [at(head.seq, null, 'last_event_deleted', `the seal names event ${head.seq} as the stream's last, but it ends at ${lastSeq}: ${head.seq - lastSeq} event(s) removed from its end`)];
  }
  const sealed = events.find((e) => e.seq === head.seq);
  if (sealed && sealed.hash !== head.hash) {
    return [at(head.seq, sealed.eventId, 'chain_recomputed', `event ${head.seq}'s hash is not the one sealed: the chain was rewritten and its hashes recomputed by someone without the key`)];
  }
  if (lastSeq > head.seq) {
    return [at(head.seq + 1, events.find((e) => e.seq === head.seq + 1)?.eventId ?? null, 'unsealed_events', `events ${head.seq + 1} to ${lastSeq} come after the sealed head: they were added around the service`)];
  }
  return [];
}

const checkpointRecord = (row: typeof trailCheckpoint.$inferSelect): TrailCheckpointRecord => ({
  version: row.version,
  streams: row.streams,
  events: row.events,
  digest: row.digest,
  seal: row.seal,
  sealedAt: row.sealedAt.toISOString(),
});

/** The streams the read models know whose trail is gone with its head, to name a deleted stream. */
async function streamsWithoutHeads(db: Db): Promise<{ streamId: string; streamType: string }[]> {
  const rows = rowsOf<{ stream_id: string; stream_type: string }>(
    await db.execute(sql`
      select reference as stream_id, 'bid' as stream_type from bids where not exists (select 1 from trail_heads h where h.stream_id = bids.reference)
      union all select id, 'meeting' from meetings where not exists (select 1 from trail_heads h where h.stream_id = meetings.id)
      union all select id, 'round' from funding_rounds where not exists (select 1 from trail_heads h where h.stream_id = funding_rounds.id)
      order by 1`),
  );
  return rows.map((r) => ({ streamId: r.stream_id, streamType: r.stream_type }));
}

/** The heads against the sealed checkpoint: a stream deleted with its head, a head swapped for another. */
async function checkpointBreaks(db: Db, key: string, heads: HeadRow[], checkpoint: typeof trailCheckpoint.$inferSelect | undefined, anyEvents: boolean): Promise<TrailBreak[]> {
  const trailWide = (kind: TrailBreakKind, reason: string): TrailBreak => ({ kind, streamId: null, streamType: null, seq: null, eventId: null, reason });
  if (!checkpoint) return anyEvents || heads.length ? [trailWide('checkpoint_missing', 'the trail has events but no sealed checkpoint: it was removed')] : [];
  if (!sealsEqual(sealCheckpoint(key, checkpoint), checkpoint.seal)) {
    return [trailWide('checkpoint_invalid', "the checkpoint's seal does not match its counts and digest: it was rewritten without the key")];
  }
  if (heads.length < checkpoint.streams) {
    const missing = checkpoint.streams - heads.length;
    const known = await streamsWithoutHeads(db);
    const named = known.map((k) => ({ kind: 'stream_deleted' as const, streamId: k.streamId, streamType: k.streamType, seq: null, eventId: null, reason: `the ${k.streamType} ${k.streamId} is in the read models but its whole stream and seal are gone` }));
    return [
      trailWide('stream_deleted', `the checkpoint seals ${checkpoint.streams} streams but ${heads.length} remain: ${missing} stream(s) deleted with their heads`),
      ...named,
    ];
  }
  if (heads.length > checkpoint.streams || digestOf(heads.map((h) => h.seal)) !== checkpoint.digest) {
    return [trailWide('heads_changed', `the stream heads are not the set the checkpoint seals (${checkpoint.streams} streams, ${checkpoint.events} events): a head was replaced by another or added`)];
  }
  return [];
}

/**
 * Verifies every stream's chain (or one stream's) against its sealed head, and the heads against
 * the sealed checkpoint, one stream in memory at a time. Without a key only the chains are checked,
 * and that is itself reported.
 */
export async function verifyTrail(db: Db, key: string | undefined, streamId?: string): Promise<TrailVerification> {
  // One snapshot for heads, events and checkpoint: an append committed while verifying must not
  // look like events added around the service.
  return db.transaction((tx) => verifyTrailIn(tx as unknown as Db, key, streamId), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

async function verifyTrailIn(db: Db, key: string | undefined, streamId?: string): Promise<TrailVerification> {
  const streams = streamId
    ? await db.selectDistinct({ streamId: decisionEvents.streamId, streamType: decisionEvents.streamType }).from(decisionEvents).where(eq(decisionEvents.streamId, streamId))
    : await db
        .selectDistinct({ streamId: decisionEvents.streamId, streamType: decisionEvents.streamType })
        .from(decisionEvents)
        .orderBy(asc(decisionEvents.streamType), asc(decisionEvents.streamId));
  const heads = streamId ? await db.select().from(trailHeads).where(eq(trailHeads.streamId, streamId)) : await db.select().from(trailHeads).orderBy(asc(trailHeads.streamId));
  const headOf = new Map(heads.map((h) => [h.streamId, h]));
  let events = 0;
  const broken: TrailBreak[] = [];
  for (const { streamId: id, streamType } of streams) {
    const stream = await readStream(db, id);
    const verdict: ChainVerdict = verifyChain(stream);
    events += stream.length;
    if (!verdict.valid) broken.push({ streamId: id, streamType, ...verdict.brokenAt });
    if (key) broken.push(...headBreaks(key, streamType, id, stream, headOf.get(id)));
    headOf.delete(id);
  }
  // Heads whose stream has no events left: the stream was deleted and its head left behind.
  for (const head of headOf.values()) {
    broken.push({ kind: 'stream_deleted', streamId: head.streamId, streamType: head.streamType, seq: head.seq, eventId: null, reason: `the ${head.streamType} ${head.streamId} is sealed at event ${head.seq} but has no events: its stream was deleted` });
  }
  let checkpoint: TrailCheckpointRecord | null = null;
  if (!streamId) {
    const [row] = await db.select().from(trailCheckpoint).where(eq(trailCheckpoint.id, 1));
    checkpoint = row ? checkpointRecord(row) : null;
    if (key) broken.push(...(await checkpointBreaks(db, key, heads, row, streams.length > 0)));
  }
  if (!key) broken.push({ kind: 'seal_key_missing', streamId: null, streamType: null, seq: null, eventId: null, reason: 'no TRAIL_SEAL_KEY was given: the chains were checked, the seals were not' });
  return { valid: broken.length === 0, streams: streams.length, events, sealsChecked: key !== undefined, checkpoint, firstBroken: broken[0] ?? null, broken };
}

const SUPPORTED_STATES = ['AWAITING_BOARD', 'ALLOCATION', 'WAITLISTED', 'FUNDED'];

/** Money the Assembly supported and money committed (funded), per financial year. */
export async function moneyTotals(db: Db, financialYear?: string) {
  const rows = await db
    .select({
      financialYear: bidCosts.financialYear,
      state: bids.state,
      recurrentPence: sql<number>`sum(${bidCosts.recurrentPence})`.mapWith(Number),
      nonRecurrentPence: sql<number>`sum(${bidCosts.nonRecurrentPence})`.mapWith(Number),
      bids: sql<number>`count(distinct ${bids.reference})`.mapWith(Number),
    })
    .from(bidCosts)
    .innerJoin(bids, eq(bids.reference, bidCosts.reference))
    .where(and(sql`${bids.state} in (${sql.join(SUPPORTED_STATES.map((s) => sql`${s}`), sql`, `)})`, financialYear ? eq(bidCosts.financialYear, financialYear) : undefined))
    .groupBy(bidCosts.financialYear, bids.state)
    .orderBy(asc(bidCosts.financialYear));
  const empty = () => ({ recurrentPence: 0, nonRecurrentPence: 0, totalPence: 0, bids: 0 });
  const years = new Map<string, { financialYear: string; supported: ReturnType<typeof empty>; committed: ReturnType<typeof empty> }>();
  for (const row of rows) {
    const year = years.get(row.financialYear) ?? { financialYear: row.financialYear, supported: empty(), committed: empty() };
    const add = (into: ReturnType<typeof empty>) => {
      into.recurrentPence += row.recurrentPence;
      into.nonRecurrentPence += row.nonRecurrentPence;
      into.totalPence += row.recurrentPence + row.nonRecurrentPence;
      into.bids += row.bids;
    };
    add(year.supported);
    if (row.state === 'FUNDED') add(year.committed);
    years.set(row.financialYear, year);
  }
  return [...years.values()];
}
