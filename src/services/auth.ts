// Who is calling: bearer tokens (shown once, stored only as SHA-256) mapped to active users
// with their roles, organisation and profession.
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiTokens, users } from '../db/schema.js';
import { sha256 } from '../domain/trail.js';
import type { Profession, Role } from '../domain/vocabulary.js';
import type { Actor } from '../shared.js';

export interface AuthUser extends Actor {
  email: string;
  tokenId: string;
}

/**
 * The person as workflows record them: id, name, roles, organisation and profession. A caller's
 * e-mail and token id stay out of workflow histories, whatever the caller passes.
 */
export function toActor({ id, name, roles, organisation, profession }: Actor): Actor {
  return { id, name, roles, organisation, profession: profession ?? null };
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

/** The user a token belongs to, if the token is well formed, current and the user active. */
export async function authenticate(db: Db, token: string, now = new Date()): Promise<AuthUser | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const [row] = await db
    .select({ user: users, tokenId: apiTokens.id })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        eq(users.active, true),
      ),
    )
    .limit(1);
  if (!row) return null;
  // Note use at most once a minute: enough for an admin to see which tokens are alive.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, row.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000)))));
  return { ...actorOf(row.user), email: row.user.email, tokenId: row.tokenId };
}
