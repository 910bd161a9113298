// Bids being written in the web form, a step at a time. A draft belongs to the person writing
// it: every read and write is by its id and its owner together, so anyone else's is not found.
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import type { Db } from '../db/client.js';
import { bidDrafts, idempotencyKeys } from '../db/schema.js';
import type { BidSubmission } from '../domain/bid.js';

export interface DraftData {
  /** The answers saved so far, typed as the domain types them (money in integer pence). */
  bid: Partial<BidSubmission>;
  /** The form's steps whose answers have been saved, by their ids. */
  completed: string[];
  /** The bid this draft resubmits, when it is a resubmission. */
  resubmissionOf?: string;
}

export interface Draft {
  id: string;
  data: DraftData;
  createdAt: string;
  updatedAt: string;
}

const toDraft = (row: typeof bidDrafts.$inferSelect): Draft => ({
  id: row.id,
  data: row.data as DraftData,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const owned = (userId: string, id: string) => and(eq(bidDrafts.id, id), eq(bidDrafts.userId, userId));

export async function createDraft(db: Db, userId: string, data: DraftData): Promise<Draft> {
  const [row] = await db.insert(bidDrafts).values({ id: randomUUID(), userId, data }).returning();
  return toDraft(row!);
}

export async function findDraft(db: Db, userId: string, id: string): Promise<Draft | null> {
  const [row] = await db.select().from(bidDrafts).where(owned(userId, id)).limit(1);
  return row ? toDraft(row) : null;
}

/** The same answer whether a draft never existed, was sent, or is someone else's. */
export const draftNotFound = () => new ApiError(404, 'not_found', 'This draft was not found: it may have been sent or deleted');

export async function getDraft(db: Db, userId: string, id: string): Promise<Draft> {
  const draft = await findDraft(db, userId, id);
  if (!draft) throw draftNotFound();
  return draft;
}

export async function saveDraft(db: Db, userId: string, id: string, data: DraftData): Promise<void> {
  const saved = await db.update(bidDrafts).set({ data, updatedAt: new Date() }).where(owned(userId, id)).returning({ id: bidDrafts.id });
  if (saved.length === 0) throw draftNotFound();
}

export async function deleteDraft(db: Db, userId: string, id: string): Promise<void> {
  await db.delete(bidDrafts).where(owned(userId, id));
}

/** This person's drafts, the most recently changed first. */
export async function listDrafts(db: Db, userId: string): Promise<Draft[]> {
  const rows = await db.select().from(bidDrafts).where(eq(bidDrafts.userId, userId)).orderBy(desc(bidDrafts.updatedAt));
  return rows.map(toDraft);
}

/** A resubmission of this bid that the person has already started, so a second click continues it. */
export async function findResubmissionDraft(db: Db, userId: string, reference: string): Promise<Draft | null> {
  const [row] = await db
    .select()
    .from(bidDrafts)
    .where(and(eq(bidDrafts.userId, userId), sql`${bidDrafts.data}->>'resubmissionOf' = ${reference}`))
    .orderBy(desc(bidDrafts.updatedAt))
    .limit(1);
  return row ? toDraft(row) : null;
}

/**
 * The reference of the bid a draft became: a draft is submitted with its id as the
 * Idempotency-Key, so a second click after the draft is gone can still find its bid.
 */
export async function referenceSubmittedFrom(db: Db, userId: string, draftId: string): Promise<string | null> {
  const [row] = await db
    .select({ reference: idempotencyKeys.reference })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, draftId)))
    .limit(1);
  return row?.reference ?? null;
}
