// Administration (the ICB PMO): people and their roles, API tokens, which rule set scores new bids,
// and the configuration in force. The API's admin routes and the admin's web pages both call these,
// so each check is made in one place.
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { activeRuleSet } from '../activities/scoring.js';
import { ApiError } from '../api/errors.js';
import type { Config } from '../config.js';
import { lifecyclePolicy } from '../config/policy.js';
import type { Db } from '../db/client.js';
import { apiTokens, organisations, ruleSetActivations, users } from '../db/schema.js';
import type { Profession, Role } from '../domain/vocabulary.js';
import { isDraft, listRuleSets, loadRuleSet, UnknownRuleSetError } from '../rules/engine.js';
import type { Actor } from '../shared.js';
import { forgetTokens, issueToken } from './auth.js';

export function needAdmin(user: Actor): void {
  if (!user.roles.includes('admin')) throw new ApiError(403, 'forbidden', 'Only the admin (ICB PMO) may do this', { rule: 'role' });
}

export type UserRow = typeof users.$inferSelect;
export type TokenRow = typeof apiTokens.$inferSelect;

export interface NewUser {
  id: string;
  name: string;
  email: string;
  organisation: string;
  roles: Role[];
  profession: Profession | null;
}

export interface UserChanges {
  name?: string;
  roles?: Role[];
  profession?: Profession | null;
  organisation?: string;
  active?: boolean;
}

export async function listUsers(db: Db, admin: Actor): Promise<UserRow[]> {
  needAdmin(admin);
  return db.select().from(users).orderBy(asc(users.id));
}

async function knownOrganisation(db: Db, code: string): Promise<void> {
  const [org] = await db.select().from(organisations).where(eq(organisations.code, code));
  if (!org) throw new ApiError(400, 'validation_failed', 'The request is not valid: organisation', [{ field: 'organisation', rule: 'unknown_organisation', message: `${code} is not a known organisation` }]);
}

export async function createUser(db: Db, admin: Actor, input: NewUser): Promise<UserRow> {
  needAdmin(admin);
  await knownOrganisation(db, input.organisation);
  const [created] = await db.insert(users).values(input).onConflictDoNothing().returning();
  if (!created) throw new ApiError(409, 'user_exists', `A user with id ${input.id} or e-mail ${input.email} exists already`);
  return created;
}

export async function updateUser(db: Db, admin: Actor, userId: string, changes: UserChanges): Promise<UserRow> {
  needAdmin(admin);
  if (userId === admin.id && (changes.active === false || (changes.roles && !changes.roles.includes('admin')))) {
    throw new ApiError(422, 'refused', 'You cannot remove your own admin role or deactivate yourself; ask another admin');
  }
  if (changes.organisation) await knownOrganisation(db, changes.organisation);
  const [updated] = await db.update(users).set(changes).where(eq(users.id, userId)).returning();
  forgetTokens(db);
  if (!updated) throw new ApiError(404, 'not_found', `User ${userId} was not found`);
  return updated;
}

export async function findUser(db: Db, admin: Actor, userId: string): Promise<UserRow> {
  needAdmin(admin);
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new ApiError(404, 'not_found', `User ${userId} was not found`);
  return user;
}

export async function listTokens(db: Db, admin: Actor, userId: string): Promise<TokenRow[]> {
  needAdmin(admin);
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

/** A new token: its secret is in this answer only, stored as its SHA-256 and never shown again. */
export async function issueUserToken(db: Db, admin: Actor, userId: string, { label, expiresAt }: { label: string; expiresAt?: Date | null }): Promise<{ row: TokenRow; token: string }> {
  await findUser(db, admin, userId);
  const { id, token } = await issueToken(db, { userId, label, createdBy: admin.id, expiresAt: expiresAt ?? null });
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return { row: row!, token };
}

export async function revokeToken(db: Db, admin: Actor, tokenId: string): Promise<TokenRow> {
  needAdmin(admin);
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
    .returning();
  forgetTokens(db);
  if (!row) throw new ApiError(404, 'not_found', 'No such token, or it is revoked already');
  return row;
}

export interface RuleSetListing {
  id: string;
  version: string;
  hash: string;
  active: boolean;
  draft: boolean;
}

export async function ruleSets(db: Db): Promise<RuleSetListing[]> {
  const active = await activeRuleSet(db);
  return listRuleSets().map((r) => ({ ...r, active: r.id === active.id && r.version === active.version, draft: isDraft(r) }));
}

export async function activateRuleSet(db: Db, admin: Actor, { id, version, reason }: { id: string; version: string; reason: string }): Promise<RuleSetListing> {
  needAdmin(admin);
  let hash: string;
  try {
    hash = loadRuleSet(id, version).identity.hash;
  } catch (error) {
    if (error instanceof UnknownRuleSetError) throw new ApiError(404, 'not_found', error.message);
    throw error;
  }
  if (isDraft({ id, version })) {
    throw new ApiError(422, 'refused', `${id}@${version} is a draft: use it in what-if runs, and release it as a version of its own before it scores bids`);
  }
  await db.insert(ruleSetActivations).values({ ruleSetId: id, version, hash, activatedBy: admin.id, reason });
  return { id, version, hash, active: true, draft: false };
}

/** The configuration in force: the lifecycle policy (deadlines, thresholds) and the active rule set. */
export async function configInForce(db: Db, config: Config, admin: Actor) {
  needAdmin(admin);
  return { policy: { ...lifecyclePolicy(config) }, activeRuleSet: await activeRuleSet(db) };
}

/** Who made each rule set version the one in force, latest first. */
export async function ruleSetHistory(db: Db, admin: Actor) {
  needAdmin(admin);
  return db.select().from(ruleSetActivations).orderBy(desc(ruleSetActivations.activatedAt)).limit(20);
}
