// The stored scores of a bid, for the pages that explain them: every criterion, the rules that
// fired and why, exactly as the engine produced them.
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { scores } from '../db/schema.js';
import type { ScoreResult } from '../rules/engine.js';

export async function scoreResult(db: Db, eventId: string): Promise<{ result: ScoreResult; scoredAt: string } | null> {
  const [row] = await db.select().from(scores).where(eq(scores.eventId, eventId)).limit(1);
  return row ? { result: row.result as ScoreResult, scoredAt: row.scoredAt.toISOString() } : null;
}

/** Every score a bid has had, newest first (a re-score keeps the earlier ones). */
export async function scoreHistory(db: Db, reference: string) {
  const rows = await db.select().from(scores).where(eq(scores.reference, reference)).orderBy(desc(scores.scoredAt));
  return rows.map((r) => ({ eventId: r.eventId, result: r.result as ScoreResult, scoredAt: r.scoredAt.toISOString() }));
}
