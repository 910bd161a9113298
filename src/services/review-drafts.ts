// An evaluator's review as typed in the web form, kept on the server until it is submitted: the
// fields exactly as sent, valid or not, so saving part of it, reloading or losing the connection
// never loses an answer. One draft per person and bid; nobody else reads it.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { reviewDrafts } from '../db/schema.js';

/** The form's fields by name, as typed. */
export type ReviewDraftFields = Record<string, string>;

export interface ReviewDraft {
  fields: ReviewDraftFields;
  updatedAt: string;
}

const mine = (userId: string, reference: string) => and(eq(reviewDrafts.userId, userId), eq(reviewDrafts.reference, reference));

export async function findReviewDraft(db: Db, userId: string, reference: string): Promise<ReviewDraft | null> {
  const [row] = await db.select().from(reviewDrafts).where(mine(userId, reference)).limit(1);
  return row ? { fields: row.data as ReviewDraftFields, updatedAt: row.updatedAt.toISOString() } : null;
}

/** Keeps these fields as the draft, replacing what was kept: the form always sends all of them. */
export async function saveReviewDraft(db: Db, userId: string, reference: string, fields: ReviewDraftFields): Promise<ReviewDraft> {
  const updatedAt = new Date();
  await db
    .insert(reviewDrafts)
    .values({ userId, reference, data: fields, updatedAt })
    .onConflictDoUpdate({ target: [reviewDrafts.userId, reviewDrafts.reference], set: { data: fields, updatedAt } });
  return { fields, updatedAt: updatedAt.toISOString() };
}

export async function deleteReviewDraft(db: Db, userId: string, reference: string): Promise<void> {
  await db.delete(reviewDrafts).where(mine(userId, reference));
}
