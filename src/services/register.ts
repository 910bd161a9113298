// The register of interests: people declare their standing interests once (an admin or hub lead
// may record them for others), withdraw them, and the register is published as JSON and CSV.
// Each declaration and withdrawal is an event on the decision trail (a stream per person), and
// the interests current on a day are what conflicts apply: to the acting person (auth.ts), to
// the meeting's membership (loadMembership) and to evaluator assignment (assignEvaluators).
import { randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvents } from '../activities/trail.js';
import { ApiError } from '../api/errors.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { organisations, registeredInterests, users } from '../db/schema.js';
import { londonDay } from '../domain/calendar.js';
import { freeText } from '../domain/text.js';
import { INTEREST_KINDS } from '../domain/vocabulary.js';
import { interestInWords } from '../model/register.js';
import type { Actor, RegisteredInterest } from '../shared.js';
import { forgetTokens } from './auth.js';
import { requestContext } from './context.js';
import { sha256 } from '../domain/trail.js';
import { asInterest, currentSql } from './interests.js';

type RegisterDeps = { db: Db; config: Pick<Config, 'TRAIL_SEAL_KEY'> };

/** Who may record an interest for someone else, and withdraw anyone's. */
export const REGISTER_KEEPERS = ['admin', 'hub_lead'] as const;
const keeps = (user: Actor) => user.roles.some((r) => (REGISTER_KEEPERS as readonly string[]).includes(r));
/** A programme team member alone holds no decision role, so has no entry to make. */
export const holdsDecisionRole = (user: Actor) => user.roles.some((r) => r !== 'applicant');

const day = z.iso.date('must be a date, YYYY-MM-DD');

/** A declaration, as the API and the web form take it; each problem names its field. */
export const declarationSchema = z
  .object({
    personId: z.string().min(1).max(100).optional(),
    organisation: z
      .string()
      .regex(/^[A-Z0-9_]{2,20}$/, 'must be an organisation code such as NNUH')
      .optional(),
    body: freeText(0, 200).optional(),
    kind: z.enum(INTEREST_KINDS, { error: `must be one of ${INTEREST_KINDS.join(', ')}` }),
    description: freeText(1, 1000, 'Say what the interest is'),
    from: day,
    to: day.nullish(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.organisation && !v.body) ctx.addIssue({ code: 'custom', path: ['organisation'], message: 'Name the organisation (its code) or, for another body, its name in body' });
    if (v.to && v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
  });
export type Declaration = z.infer<typeof declarationSchema>;

export const withdrawalSchema = z.object({ reason: freeText(1, 1000, 'Give the reason for withdrawing it') }).strict();

export interface RegisterEntry extends RegisteredInterest {
  person: { id: string; name: string; organisation: string; roles: string[] };
  declaredAt: string;
  declaredBy: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawnReason: string | null;
  /** Current on the day the register was read for. */
  current: boolean;
  inWords: string;
}


function needStaff(user: Actor) {
  if (!holdsDecisionRole(user)) throw new ApiError(403, 'forbidden', 'Only ICB and Assembly staff keep entries in the register of interests', { rule: 'role' });
}

const trailEvent = (id: string, action: string, user: Actor, at: Date, payload: Record<string, unknown>) => ({
  eventId: `register:${id}:${action}`,
  occurredAt: at.toISOString(),
  actorId: user.id,
  actorRole: user.roles.find((r) => r !== 'applicant') ?? user.roles[0] ?? 'staff',
  action,
  payload,
});

export const registerStream = (personId: string) => `register-${personId}`;

export async function declareInterest(deps: RegisterDeps, user: Actor, input: Declaration, now = new Date()): Promise<RegisterEntry> {
  needStaff(user);
  const personId = input.personId ?? user.id;
  if (personId !== user.id && !keeps(user)) {
    throw new ApiError(403, 'forbidden', 'You may declare only your own interests; an admin or hub lead records them for others', { rule: 'own_interests' });
  }
  const [person] = await deps.db.select().from(users).where(eq(users.id, personId)).limit(1);
  if (!person || !person.active) throw new ApiError(400, 'validation_failed', 'The request is not valid: personId', [{ field: 'personId', rule: 'unknown_person', message: `${personId} is not an active user` }]);
  let body = input.body?.trim() ?? '';
  if (input.organisation) {
    const [org] = await deps.db.select().from(organisations).where(eq(organisations.code, input.organisation)).limit(1);
    if (!org) throw new ApiError(400, 'validation_failed', 'The request is not valid: organisation', [{ field: 'organisation', rule: 'unknown_organisation', message: `${input.organisation} is not a known organisation` }]);
    body ||= org.name;
  }
  // A retry with the same Idempotency-Key makes the same entry, stored once.
  const key = requestContext().idempotencyKey;
  const id = key ? `int-${sha256(`${user.id}\n${key}`).slice(0, 12)}` : `int-${randomBytes(6).toString('hex')}`;
  const [again] = await deps.db.select({ id: registeredInterests.id }).from(registeredInterests).where(eq(registeredInterests.id, id)).limit(1);
  if (again) return (await entries(deps.db, eq(registeredInterests.id, id), londonDay(now)))[0]!;
  const row = {
    id,
    personId,
    organisation: input.organisation ?? null,
    body,
    kind: input.kind,
    description: input.description,
    fromDate: input.from,
    toDate: input.to ?? null,
    declaredAt: now,
    declaredBy: user.id,
  };
  await deps.db.transaction(async (tx) => {
    await appendEvents(tx, 'register', registerStream(personId), [
      trailEvent(id, 'register.interest_declared', user, now, { interestId: id, person: personId, organisation: row.organisation, body, kind: row.kind, description: row.description, from: row.fromDate, to: row.toDate, recordedFor: personId !== user.id }),
    ], deps.config.TRAIL_SEAL_KEY);
    await tx.insert(registeredInterests).values(row).onConflictDoNothing();
  });
  // The acting person is read with their interests: a cached lookup would miss this one.
  forgetTokens(deps.db);
  return (await entries(deps.db, eq(registeredInterests.id, id), londonDay(now)))[0]!;
}

export async function withdrawInterest(deps: RegisterDeps, user: Actor, id: string, { reason }: { reason: string }, now = new Date()): Promise<RegisterEntry> {
  needStaff(user);
  const [row] = await deps.db.select().from(registeredInterests).where(eq(registeredInterests.id, id)).limit(1);
  if (!row) throw new ApiError(404, 'not_found', `Interest ${id} was not found`);
  if (row.personId !== user.id && !keeps(user)) throw new ApiError(403, 'forbidden', 'You may withdraw only your own interests; an admin or hub lead may withdraw others', { rule: 'own_interests' });
  if (row.withdrawnAt) throw new ApiError(409, 'already_withdrawn', `Interest ${id} was withdrawn on ${londonDay(row.withdrawnAt)}`);
  await deps.db.transaction(async (tx) => {
    const changed = await tx
      .update(registeredInterests)
      .set({ withdrawnAt: now, withdrawnBy: user.id, withdrawnReason: reason })
      .where(and(eq(registeredInterests.id, id), isNull(registeredInterests.withdrawnAt)))
      .returning({ id: registeredInterests.id });
    if (!changed.length) throw new ApiError(409, 'already_withdrawn', `Interest ${id} was withdrawn already`);
    await appendEvents(tx, 'register', registerStream(row.personId), [trailEvent(id, 'register.interest_withdrawn', user, now, { interestId: id, person: row.personId, reason })], deps.config.TRAIL_SEAL_KEY);
  });
  forgetTokens(deps.db);
  return (await entries(deps.db, eq(registeredInterests.id, id), londonDay(now)))[0]!;
}

async function entries(db: Db, where: SQL | undefined, on: string): Promise<RegisterEntry[]> {
  const rows = await db
    .select({ interest: registeredInterests, person: { id: users.id, name: users.name, organisation: users.organisation, roles: users.roles }, current: sql<boolean>`${currentSql(on)}` })
    .from(registeredInterests)
    .innerJoin(users, eq(users.id, registeredInterests.personId))
    .where(where)
    .orderBy(asc(users.name), asc(registeredInterests.fromDate), asc(registeredInterests.id));
  return rows.map(({ interest: r, person, current }) => ({
    ...asInterest(r),
    person,
    declaredAt: r.declaredAt.toISOString(),
    declaredBy: r.declaredBy,
    withdrawnAt: r.withdrawnAt?.toISOString() ?? null,
    withdrawnBy: r.withdrawnBy,
    withdrawnReason: r.withdrawnReason,
    current: Boolean(current),
    inWords: interestInWords(asInterest(r)),
  }));
}

export const registerQuerySchema = z
  .object({
    on: day.optional(),
    include: z.enum(['current', 'all'], { error: 'must be current or all' }).default('current'),
    person: z.string().min(1).max(100).optional(),
  })
  .strict();
export type RegisterQuery = z.infer<typeof registerQuerySchema>;

/**
 * The register as published: every entry current on `on` (default today), or with include=all
 * every entry ever made, withdrawn ones with when and why. It is published: everyone signed in
 * reads it, programme teams too. It names people and their interests, as an ICB's register does.
 */
export async function readRegister(deps: { db: Db }, _user: Actor, query: Partial<RegisterQuery>, now = new Date()): Promise<{ on: string; include: 'current' | 'all'; entries: RegisterEntry[] }> {
  const on = query.on ?? londonDay(now);
  const include = query.include ?? 'current';
  const where = and(include === 'current' ? currentSql(on) : undefined, query.person ? eq(registeredInterests.personId, query.person) : undefined);
  return { on, include, entries: await entries(deps.db, where, on) };
}

/** The register as CSV, one row per entry; spreadsheet formulas are escaped. */
export function registerCsv(register: { entries: RegisterEntry[] }): string {
  return stringify(
    [
      ['Name', 'Their organisation', 'Interest in', 'Organisation code', 'Kind', 'Description', 'From', 'To', 'Current', 'Withdrawn on', 'Withdrawn because'],
      ...register.entries.map((e) => [e.person.name, e.person.organisation, e.body, e.organisation ?? '', e.kind, e.description, e.from, e.to ?? '', e.current ? 'yes' : 'no', e.withdrawnAt ? londonDay(new Date(e.withdrawnAt)) : '', e.withdrawnReason ?? '']),
    ],
    { escape_formulas: true },
  );
}
