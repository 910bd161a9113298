// Appends events to a stream of the decision trail inside the caller's transaction. A retried
// activity passes the same event ids, and an id already stored is not stored again.
import { asc, eq, inArray, desc, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { decisionEvents } from '../db/schema.js';
import { trailAppends } from '../runtime/metrics.js';
import {
  GENESIS_HASH,
  eventHash,
  normalisePayload,
  verifyChain,
  type ChainVerdict,
  type StoredEvent,
  type StreamType,
  type TrailEventInput,
} from '../domain/trail.js';

export interface AppendResult {
  /** Events newly stored by this call (0 when every id was already there). */
  stored: number;
  lastSeq: number;
}

export async function appendEvents(
  tx: Db,
  streamType: StreamType | 'notice',
  streamId: string,
  events: readonly TrailEventInput[],
): Promise<AppendResult> {
  // Serialise writers of one stream so sequence numbers and hashes never fork.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`trail:${streamId}`}, 0))`);

  const ids = events.map((e) => e.eventId);
  const existing = ids.length
    ? new Set(
        (await tx.select({ eventId: decisionEvents.eventId }).from(decisionEvents).where(inArray(decisionEvents.eventId, ids))).map(
          (r) => r.eventId,
        ),
      )
    : new Set<string>();

  const [last] = await tx
    .select({ seq: decisionEvents.seq, hash: decisionEvents.hash })
    .from(decisionEvents)
    .where(eq(decisionEvents.streamId, streamId))
    .orderBy(desc(decisionEvents.seq))
    .limit(1);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  let stored = 0;

  for (const event of events) {
    if (existing.has(event.eventId)) continue;
    existing.add(event.eventId);
    seq += 1;
    const fields = {
      eventId: event.eventId,
      streamType,
      streamId,
      seq,
      occurredAt: new Date(event.occurredAt).toISOString(),
      actorId: event.actorId,
      actorRole: event.actorRole,
      action: event.action,
      fromState: event.fromState ?? null,
      toState: event.toState ?? null,
      payload: normalisePayload(event.payload),
      ruleSetVersion: event.ruleSetVersion ?? null,
      prevHash,
    };
    const hash = eventHash(fields);
    await tx.insert(decisionEvents).values({ ...fields, occurredAt: new Date(fields.occurredAt), hash });
    prevHash = hash;
    stored += 1;
  }
  if (stored) trailAppends.inc({ stream_type: streamType }, stored);
  return { stored, lastSeq: seq };
}

type EventRow = typeof decisionEvents.$inferSelect;

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.eventId,
    streamType: row.streamType,
    streamId: row.streamId,
    seq: row.seq,
    occurredAt: row.occurredAt.toISOString(),
    actorId: row.actorId,
    actorRole: row.actorRole,
    action: row.action,
    fromState: row.fromState,
    toState: row.toState,
    payload: row.payload,
    ruleSetVersion: row.ruleSetVersion,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export async function readStream(db: Db, streamId: string): Promise<StoredEvent[]> {
  const rows = await db.select().from(decisionEvents).where(eq(decisionEvents.streamId, streamId)).orderBy(asc(decisionEvents.seq));
  return rows.map(toStoredEvent);
}

export async function verifyStream(db: Db, streamId: string): Promise<ChainVerdict> {
  return verifyChain(await readStream(db, streamId));
}
