// Who is calling: bearer tokens (shown once, stored only as SHA-256) mapped to active users
// with their roles, organisation and profession.
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiTokens, users } from '../db/schema.js';
import { sha256 } from '../domain/trail.js';
import type { Profession, Role } from '../domain/vocabulary.js';
import type { Actor } from '../shared.js';
import { withInterests } from './interests.js';

export interface AuthUser extends Actor {
  email: string;
  tokenId: string;
}

/**
 * The person as workflows record them: id, name, roles, organisation, profession and the
 * register's interests current today (only when they have some). A caller's
 * e-mail and token id stay out of workflow histories, whatever the caller passes.
 */
export function toActor({ id, name, roles, organisation, profession, interests }: Actor): Actor {
  return { id, name, roles, organisation, profession: profession ?? null, ...(interests?.length ? { interests } : {}) };
}

/** An update's arguments with their acting person reduced to what workflows record. */
export function acting<Args>(args: Args): Args {
  const actor = (args as { actor?: Actor } | null)?.actor;
  return actor ? { ...args, actor: toActor(actor) } : args;
}

const TOKEN_PATTERN = /^cp_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

export function hashToken(token: string): string {
  return sha256(token);
}

export async function issueToken(
  db: Db,
  { userId, label, createdBy, expiresAt }: { userId: string; label: string; createdBy: string; expiresAt?: Date | null },
): Promise<{ id: string; token: string }> {
  const id = randomBytes(8).toString('hex').slice(0, 10);
  const token = `cp_${id}_${randomBytes(32).toString('base64url')}`;
  await db.insert(apiTokens).values({ id, userId, label, tokenHash: hashToken(token), createdBy, expiresAt: expiresAt ?? null });
  return { id, token };
}

export function actorOf(user: typeof users.$inferSelect): Actor {
  return {
    id: user.id,
    name: user.name,
    roles: user.roles as Role[],
    organisation: user.organisation,
    profession: (user.profession as Profession | null) ?? null,
  };
}

/** How long a token's lookup is trusted before it is read again: a revoked token stops working within this. */
export const TOKEN_CACHE_MS = 5_000;
/** "Last used" is written at most this often per token. */
const LAST_USED_EVERY_MS = 60_000;

interface TokenCache {
  /** By token hash, or `session:<id>` for a web session. */
  found: Map<string, { user: AuthUser | null; until: number }>;
  lastUsedWritten: Map<string, number>;
}
const caches = new WeakMap<Db, TokenCache>();
const cacheOf = (db: Db): TokenCache => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { found: new Map(), lastUsedWritten: new Map() }));
  return cache;
};

/** Forgets cached lookups at once, in this process: after a token is revoked, a user changed or a session ended. */
export function forgetTokens(db: Db): void {
  cacheOf(db).found.clear();
}

/** A person looked up by `key`, kept for a few seconds (or until `expires`). */
export async function briefly(db: Db, key: string, load: () => Promise<{ user: AuthUser; expires?: Date | null } | null>, now = Date.now()): Promise<AuthUser | null> {
  const cache = cacheOf(db);
  const cached = cache.found.get(key);
  if (cached && cached.until > now) return cached.user;
  const found = await load();
  if (cache.found.size > 10_000) cache.found.clear();
  cache.found.set(key, { user: found?.user ?? null, until: Math.min(now + TOKEN_CACHE_MS, found?.expires?.getTime() ?? Infinity) });
  return found?.user ?? null;
}

/**
 * The user a token belongs to, if the token is well formed, current and the user active. A
 * lookup is kept for a few seconds, so a busy client costs one read every few seconds, not one
 * a request; "last used" is written at most once a minute.
 */
export async function authenticate(db: Db, token: string, now = new Date()): Promise<AuthUser | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const user = await briefly(
    db,
    hashToken(token),
    async () => {
      const [row] = await db
        .select({ user: users, tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)), eq(users.active, true)))
        .limit(1);
      // A token that expires sooner than the cache would keep it is not kept past its expiry.
      return row ? { user: await withInterests(db, { ...actorOf(row.user), email: row.user.email, tokenId: row.tokenId }, now), expires: row.expiresAt } : null;
    },
    now.getTime(),
  );
  const cache = cacheOf(db);
  if (user && now.getTime() - (cache.lastUsedWritten.get(user.tokenId) ?? 0) >= LAST_USED_EVERY_MS) {
    cache.lastUsedWritten.set(user.tokenId, now.getTime());
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, user.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - LAST_USED_EVERY_MS)))));
  }
  return user;
}
