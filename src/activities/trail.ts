// Appends events to a stream of the decision trail inside the caller's transaction, and seals the
// stream's new head and the checkpoint over all heads with the trail key. A retried activity
// passes the same event ids, and an id already stored is not stored again.
import { asc, eq, inArray, desc, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { decisionEvents, trailCheckpoint, trailHeads } from '../db/schema.js';
import { EMPTY_DIGEST, moveDigest, sealCheckpoint, sealHead } from '../domain/seal.js';
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

/** Every append takes this lock first, so heads and the one checkpoint move on in one order. */
export const TRAIL_LOCK = 727_002;

export async function appendEvents(
  tx: Db,
  streamType: StreamType | 'notice' | 'register' | 'attendance',
  streamId: string,
  events: readonly TrailEventInput[],
  sealKey: string | undefined,
): Promise<AppendResult> {
  if (!sealKey) throw new Error('TRAIL_SEAL_KEY is not configured: the trail cannot be sealed, so nothing is appended');
  // Serialise writers so sequence numbers and hashes never fork and the checkpoint sees every head.
  // Appends come first in their transactions, so no writer holds another lock while it waits here.
  await tx.execute(sql`select pg_advisory_xact_lock(${TRAIL_LOCK})`);

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
  if (stored) {
    await sealAppend(tx, sealKey, { streamType, streamId, seq, hash: prevHash }, stored);
    trailAppends.inc({ stream_type: streamType }, stored);
  }
  return { stored, lastSeq: seq };
}

/** Seals the stream's new head and moves the checkpoint on: one more stream if it is new, `added` more events. */
async function sealAppend(tx: Db, key: string, head: { streamType: string; streamId: string; seq: number; hash: string }, added: number): Promise<void> {
  const now = new Date();
  const seal = sealHead(key, head);
  const [previous] = await tx.select({ seal: trailHeads.seal }).from(trailHeads).where(eq(trailHeads.streamId, head.streamId));
  await tx
    .insert(trailHeads)
    .values({ ...head, seal, sealedAt: now })
    .onConflictDoUpdate({ target: trailHeads.streamId, set: { seq: head.seq, hash: head.hash, seal, sealedAt: now } });
  await moveCheckpoint(tx, key, [{ removed: previous?.seal ?? null, added: seal }], added);
}

/**
 * Moves the sealed checkpoint on by heads that moved (each old seal replaced by its new; a new
 * stream has none) and events added. Call it holding TRAIL_LOCK, in the transaction that stored them.
 */
export async function moveCheckpoint(tx: Db, key: string, moved: readonly { removed: string | null; added: string }[], added: number): Promise<void> {
  const [checkpoint] = await tx.select().from(trailCheckpoint).where(eq(trailCheckpoint.id, 1));
  let digest = checkpoint?.digest ?? EMPTY_DIGEST;
  for (const m of moved) digest = moveDigest(digest, m.removed, m.added);
  const fields = {
    version: (checkpoint?.version ?? 0) + 1,
    streams: (checkpoint?.streams ?? 0) + moved.filter((m) => m.removed === null).length,
    events: (checkpoint?.events ?? 0) + added,
    digest,
  };
  const row = { ...fields, seal: sealCheckpoint(key, fields), sealedAt: new Date() };
  await tx.insert(trailCheckpoint).values({ id: 1, ...row }).onConflictDoUpdate({ target: trailCheckpoint.id, set: row });
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
