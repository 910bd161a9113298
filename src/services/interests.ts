// The register's interests as conflicts apply them: those current on a day, for the acting
// person (auth.ts), the meeting's membership and evaluator assignment.
import { and, asc, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { registeredInterests } from '../db/schema.js';
import { londonDay } from '../domain/calendar.js';
import type { InterestKind } from '../domain/vocabulary.js';
import type { Actor, RegisteredInterest } from '../shared.js';

export const asInterest = (r: typeof registeredInterests.$inferSelect): RegisteredInterest => ({
  id: r.id,
  organisation: r.organisation,
  body: r.body,
  kind: r.kind as InterestKind,
  description: r.description,
  from: r.fromDate,
  to: r.toDate,
});

/** Current on a day: begun, not ended, and not withdrawn before that day. */
export const currentSql = (on: string): SQL =>
  sql`${registeredInterests.fromDate} <= ${on} and (${registeredInterests.toDate} is null or ${registeredInterests.toDate} >= ${on})
      and (${registeredInterests.withdrawnAt} is null or (${registeredInterests.withdrawnAt} at time zone 'Europe/London')::date > ${on}::date)`;

/** SQL: the person (a users.id column) has an interest current on `on` in one of `codes`. */
export const hasRegisteredInterestIn = (personId: unknown, codes: string[], on: string): SQL =>
  sql`exists (select 1 from ${registeredInterests} where ${registeredInterests.personId} = ${personId} and ${registeredInterests.organisation} in (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) and ${currentSql(on)})`;

/** Each person's interests current on a day (YYYY-MM-DD), by person id; people with none are absent. */
export async function currentInterests(db: Db, personIds: readonly string[], on: string): Promise<Map<string, RegisteredInterest[]>> {
  const out = new Map<string, RegisteredInterest[]>();
  if (personIds.length === 0) return out;
  const rows = await db
    .select()
    .from(registeredInterests)
    .where(and(inArray(registeredInterests.personId, [...personIds]), currentSql(on)))
    .orderBy(asc(registeredInterests.fromDate), asc(registeredInterests.id));
  for (const r of rows) out.set(r.personId, [...(out.get(r.personId) ?? []), asInterest(r)]);
  return out;
}

/** The actor with their interests current today, as workflows are to check them; without the field when there are none. */
export async function withInterests<A extends Actor>(db: Db, actor: A, now = new Date()): Promise<A> {
  const interests = (await currentInterests(db, [actor.id], londonDay(now))).get(actor.id);
  return interests ? { ...actor, interests } : actor;
}

