// Who a notice is for, and each person's notifications: a notice names people, or roles (of one
// organisation, for a bid's programme team). The same rule answers both directions: the
// people a notice reaches, and the notices that reach a person.
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { notificationDeliveries, notificationPreferences, notifications, notificationsSeen, users } from '../db/schema.js';
import { CATEGORY_IDS, categoryOf, pageOf, type Category } from '../notifications/templates.js';

export type NoticeRow = typeof notifications.$inferSelect;

/** The notices that reach a person with these roles in this organisation. */
function reaches(person: { id: string; roles: readonly string[]; organisation: string }): SQL {
  const roles = `{${person.roles.map((r) => `"${r.replace(/["\\]/g, '')}"`).join(',')}}`;
  return sql`(${person.id} = any(${notifications.recipientIds})
    or (${notifications.recipientRoles} && ${roles}::text[]
        and (${notifications.recipientOrganisation} is null or ${notifications.recipientOrganisation} = ${person.organisation})))`;
}

/** The active people a notice reaches, by id. */
export async function recipientsOf(db: Db, notice: Pick<NoticeRow, 'recipientIds' | 'recipientRoles' | 'recipientOrganisation'>) {
  const roles = `{${notice.recipientRoles.map((r) => `"${r.replace(/["\\]/g, '')}"`).join(',')}}`;
  const ids = `{${notice.recipientIds.map((r) => `"${r.replace(/["\\]/g, '')}"`).join(',')}}`;
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(
      and(
        eq(users.active, true),
        sql`(${users.id} = any(${ids}::text[])
          or (${users.roles} && ${roles}::text[] and (${notice.recipientOrganisation}::text is null or ${users.organisation} = ${notice.recipientOrganisation})))`,
      ),
    )
    .orderBy(users.id);
}

export interface PersonNotification {
  id: string;
  kind: string;
  category: Category;
  subject: string;
  body: string;
  reference: string | null;
  meetingId: string | null;
  createdAt: Date;
  /** The page that acts on it. */
  href: string;
  unread: boolean;
  /** How its e-mail to this person went, if one was sent. */
  email: { status: string; at: Date; error: string | null } | null;
}

async function seenAt(db: Db, userId: string): Promise<Date> {
  const [row] = await db.select({ seenAt: notificationsSeen.seenAt }).from(notificationsSeen).where(eq(notificationsSeen.userId, userId));
  return row?.seenAt ?? new Date(0);
}

/** A person's notifications, newest first. */
export async function notificationsFor(db: Db, person: { id: string; roles: readonly string[]; organisation: string }, limit = 100): Promise<PersonNotification[]> {
  const seen = await seenAt(db, person.id);
  const rows = await db
    .select({ n: notifications, d: notificationDeliveries })
    .from(notifications)
    .leftJoin(notificationDeliveries, and(eq(notificationDeliveries.noticeId, notifications.id), eq(notificationDeliveries.userId, person.id)))
    .where(reaches(person))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
  return rows.map(({ n, d }) => ({
    id: n.id,
    kind: n.kind,
    category: categoryOf(n.kind),
    subject: n.subject,
    body: n.body,
    reference: n.reference,
    meetingId: n.meetingId,
    createdAt: n.createdAt,
    href: pageOf(n),
    unread: n.createdAt > seen,
    email: d ? { status: d.status, at: d.at, error: d.error } : null,
  }));
}

/** How many of a person's notifications are newer than when they last looked. */
export async function unreadCount(db: Db, person: { id: string; roles: readonly string[]; organisation: string }): Promise<number> {
  const seen = await seenAt(db, person.id);
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(notifications)
    .where(and(reaches(person), sql`${notifications.createdAt} > ${seen.toISOString()}::timestamptz`));
  return row?.n ?? 0;
}

export async function markSeen(db: Db, userId: string, at = new Date()): Promise<void> {
  await db.insert(notificationsSeen).values({ userId, seenAt: at }).onConflictDoUpdate({ target: notificationsSeen.userId, set: { seenAt: at } });
}

/** Whether each category comes by e-mail (absent means yes). */
export async function preferencesOf(db: Db, userId: string): Promise<Record<Category, boolean>> {
  const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  const out = Object.fromEntries(CATEGORY_IDS.map((c) => [c, true])) as Record<Category, boolean>;
  for (const r of rows) if (r.category in out) out[r.category as Category] = r.email;
  return out;
}

export async function setPreferences(db: Db, userId: string, email: Partial<Record<Category, boolean>>, at = new Date()): Promise<void> {
  const values = Object.entries(email)
    .filter(([c]) => (CATEGORY_IDS as string[]).includes(c))
    .map(([category, on]) => ({ userId, category, email: on === true, updatedAt: at }));
  if (!values.length) return;
  await db
    .insert(notificationPreferences)
    .values(values)
    .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.category], set: { email: sql`excluded.email`, updatedAt: sql`excluded.updated_at` } });
}
