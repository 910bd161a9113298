// The decision trail for finance: one bid's events, the whole trail filtered by the bid's
// financial year, ambition, place, organisation, state and amount (through trail_search, the
// events beside the attributes they are filtered on, each with its index); a CSV export that
// PostgreSQL streams itself (COPY ... TO STDOUT, constant memory at any size); chain
// verification; money totals per year.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ApiError } from '../api/errors.js';
import { rowsOf, type Db } from '../db/client.js';
import { bidCosts, bids, decisionEvents, trailSearch as t } from '../db/schema.js';
import { readStream, toStoredEvent } from '../activities/trail.js';
import { verifyChain, type ChainVerdict } from '../domain/trail.js';
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

function conditions(f: TrailFilters): SQL[] {
  const out: SQL[] = [];
  if (f.financialYear) out.push(contains(t.financialYears, f.financialYear));
  if (f.ambition) out.push(contains(t.ambitions, f.ambition));
  if (f.place) out.push(contains(t.places, f.place));
  if (f.organisation) out.push(contains(t.organisations, f.organisation));
  if (f.state) out.push(eq(t.state, f.state));
  if (f.minPence !== undefined) out.push(gte(t.totalPence, f.minPence));
  if (f.maxPence !== undefined) out.push(lte(t.totalPence, f.maxPence));
  if (f.action) out.push(sql`${t.action} like ${`${f.action.replace(/[%_\\]/g, '\\$&')}%`}`);
  if (f.reference) out.push(eq(t.streamId, f.reference));
  if (f.from) out.push(gte(t.occurredAt, new Date(f.from)));
  if (f.to) out.push(lte(t.occurredAt, new Date(f.to)));
  return out;
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
 * With two or more of the bid's own attributes asked for, the bids that match, when they are few:
 * then their events are read by bid (trail_search_stream_idx), where intersecting each filter's
 * index over every event would read hundreds of thousands of entries to find a few hundred. The
 * bids are found with the same attributes trail_search_row keeps; the event query still applies
 * every filter, so this only narrows where it looks. Null when the search should scan events.
 */
async function fewMatchingBids(db: Db, f: TrailFilters): Promise<string[] | null> {
  const on: SQL[] = [];
  if (f.financialYear) on.push(sql`b.submission -> 'costs' @> jsonb_build_array(jsonb_build_object('financialYear', ${f.financialYear}::text))`);
  if (f.ambition) on.push(sql`array_prepend(b.primary_ambition, b.secondary_ambitions) @> array[${f.ambition}::text]`);
  if (f.place) on.push(sql`b.places @> array[${f.place}::text]`);
  if (f.organisation) on.push(sql`array_prepend(b.lead_organisation, b.partner_organisations) @> array[${f.organisation}::text]`);
  if (f.state) on.push(sql`b.state = ${f.state}`);
  if (f.minPence !== undefined) on.push(sql`b.total_pence >= ${f.minPence}`);
  if (f.maxPence !== undefined) on.push(sql`b.total_pence <= ${f.maxPence}`);
  if (on.length < 2 || f.reference) return null;
  const rows = await db.execute<{ reference: string }>(sql`select b.reference from bids b where ${sql.join(on, sql` and `)} limit ${FEW_BIDS + 1}`);
  const references = rowsOf<{ reference: string }>(rows).map((r) => r.reference);
  return references.length > FEW_BIDS ? null : references;
}

/**
 * One page: the search index finds the page's event ids first (on its own, so PostgreSQL plans
 * the filter and the limit without the joins), then each event and its bid is read by key. With
 * no time bounds the page is in event order (id); between times it is in time order, on the
 * (occurred_at, id) index, because an id-order scan of a narrow time window reads every event
 * before it. The cursor is the last event's id either way.
 */
async function page(db: Db, filters: TrailFilters, after: number, limit: number) {
  const byTime = Boolean(filters.from || filters.to);
  let where = conditions(filters);
  if (after > 0 && !byTime) where.push(gt(t.id, after));
  if (after > 0 && byTime) {
    // The scan starts at whichever is later, the cursor or `from`: given both, PostgreSQL cannot
    // tell which bound is tighter and may start at the earlier, reading every entry between.
    const [last] = await db.select({ at: t.occurredAt }).from(t).where(eq(t.id, after)).limit(1);
    const resume = sql`(${t.occurredAt}, ${t.id}) > (${(last?.at ?? new Date(0)).toISOString()}::timestamptz, ${after}::bigint)`;
    if (!filters.from || (last && last.at >= new Date(filters.from))) where = conditions({ ...filters, from: undefined });
    if (!filters.from || !last || last.at >= new Date(filters.from)) where.push(resume);
  }
  const streams = await fewMatchingBids(db, filters);
  if (streams) where.push(sql`${t.streamId} = any(${`{${streams.join(',')}}`}::text[])`);
  const found = db
    .select({ id: t.id, streamId: t.streamId, occurredAt: t.occurredAt })
    .from(t)
    .where(and(...where))
    .orderBy(...(byTime ? [asc(t.occurredAt), asc(t.id)] : [asc(t.id)]))
    .limit(limit)
    .as('found');
  const rows = await db
    .select({ event: decisionEvents, bid: bidColumns })
    .from(found)
    .innerJoin(decisionEvents, eq(decisionEvents.id, found.id))
    .innerJoin(bids, eq(bids.reference, found.streamId))
    .orderBy(...(byTime ? [asc(found.occurredAt), asc(found.id)] : [asc(found.id)]));
  return rows.map(({ event, bid }) => ({ id: event.id, ...toStoredEvent(event), bid }));
}

export type TrailRow = Awaited<ReturnType<typeof page>>[number];

export async function searchTrail(db: Db, filters: TrailFilters, cursor = 0, limit = 100): Promise<{ items: TrailRow[]; nextCursor: number | null }> {
  const items = await page(db, filters, cursor, limit + 1);
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
  if (f.reference) out.push(`t.stream_id = ${literal(f.reference)}`);
  if (f.from) out.push(`t.occurred_at >= ${literal(new Date(f.from))}`);
  if (f.to) out.push(`t.occurred_at <= ${literal(new Date(f.to))}`);
  return out;
}

/** A cell that begins = + - @ tab or return cannot run as a formula when opened in a spreadsheet. */
const cell = (expression: string) => `case when ${expression} ~ '^[-=+@\t\r]' then '''' || ${expression} else ${expression} end`;

function copyQuery(filters: TrailFilters): string {
  const where = copyConditions(filters);
  const columns = [
    cell('e.event_id'),
    cell('e.stream_id'),
    'e.seq',
    `to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    cell('e.actor_id'),
    cell('e.actor_role'),
    cell('e.action'),
    cell(`coalesce(e.from_state, '')`),
    cell(`coalesce(e.to_state, '')`),
    cell(`coalesce(e.rule_set_version, '')`),
    cell('b.title'),
    cell('b.lead_organisation'),
    cell('b.primary_ambition'),
    cell(`array_to_string(b.places, ';')`),
    'b.total_pence',
    cell('b.state'),
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
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(stringify([CSV_COLUMNS])));
        return;
      }
      const rows = await page(db, filters, after, batchSize);
      if (rows.length === 0) {
        controller.close();
        return;
      }
      after = rows.at(-1)!.id;
      controller.enqueue(encoder.encode(csvLines(rows)));
    },
  });
}

/** COPY's chunks, as they come; the connection goes back to the pool when it ends or the reader stops. */
async function* copyStream(query: ReturnType<Sql['unsafe']>): AsyncGenerator<Buffer> {
  const stream = await query.readable();
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

export interface TrailVerification {
  valid: boolean;
  streams: number;
  events: number;
  /** The first broken link found, in stream order; null when every chain holds. */
  firstBroken: { streamId: string; streamType: string; seq: number; eventId: string | null; reason: string } | null;
  broken: { streamId: string; streamType: string; seq: number; eventId: string | null; reason: string }[];
}

/** Verifies every stream's chain (or one stream's), one stream in memory at a time. */
export async function verifyTrail(db: Db, streamId?: string): Promise<TrailVerification> {
  const streams = streamId
    ? await db.selectDistinct({ streamId: decisionEvents.streamId, streamType: decisionEvents.streamType }).from(decisionEvents).where(eq(decisionEvents.streamId, streamId))
    : await db
        .selectDistinct({ streamId: decisionEvents.streamId, streamType: decisionEvents.streamType })
        .from(decisionEvents)
        .orderBy(asc(decisionEvents.streamType), asc(decisionEvents.streamId));
  let events = 0;
  const broken: TrailVerification['broken'] = [];
  for (const { streamId: id, streamType } of streams) {
    const verdict: ChainVerdict = verifyChain(await readStream(db, id));
    events += verdict.events;
    if (!verdict.valid) broken.push({ streamId: id, streamType, ...verdict.brokenAt });
  }
  return { valid: broken.length === 0, streams: streams.length, events, firstBroken: broken[0] ?? null, broken };
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
