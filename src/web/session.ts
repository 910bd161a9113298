// Web sessions: kept on the server, named by a signed, HTTP-only cookie, and tied to the API
// token the person signed in with, so signing out, revoking the token or deactivating the person
// ends them; and a double-submit CSRF token for every form.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie';
import { ConfigError, type Config } from '../config.js';
import type { Db } from '../db/client.js';
import { apiTokens, users, webSessions } from '../db/schema.js';
import { actorOf, briefly, forgetTokens, type AuthUser } from '../services/auth.js';
import { withInterests } from '../services/interests.js';
import { keptSecret } from '../runtime/secrets.js';

export const SESSION_COOKIE = 'cp_session';
const CSRF_COOKIE = 'cp_csrf';
const FLASH_COOKIE = 'cp_flash';

/** The session secret: configured, or for an embedded start made once and kept in DATA_DIR. */
export async function resolveSessionSecret(config: Config): Promise<string> {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.DATABASE_URL) {
    throw new ConfigError(['SESSION_SECRET: required with DATABASE_URL (production); at least 32 random characters, the same for every API process']);
  }
  return (await keptSecret(config.DATA_DIR, 'session-secret'))!;
}

/**
 * Cookies travel only over HTTPS when the request came that way, or when the service is published
 * on an https PUBLIC_URL (behind a TLS-terminating proxy, the app itself sees plain HTTP).
 */
const secure = (c: Context) => {
  const deps = c.get('deps') as { config: Pick<Config, 'PUBLIC_URL'> } | undefined;
  return deps?.config.PUBLIC_URL?.startsWith('https:') === true || new URL(c.req.url).protocol === 'https:';
};

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Starts a session on the server and names it in a signed, HTTP-only cookie. */
export async function startSession(c: Context, db: Db, secret: string, user: AuthUser, hours: number): Promise<void> {
  const id = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await db.insert(webSessions).values({ id, userId: user.id, tokenId: user.tokenId, expiresAt });
  await setSignedCookie(c, SESSION_COOKIE, id, secret, { httpOnly: true, sameSite: 'Lax', secure: secure(c), path: '/', expires: expiresAt });
}

/** Ends the session on the server, so its cookie is worth nothing even if copied, and drops the cookie. */
export async function endSession(c: Context, db: Db, secret: string): Promise<void> {
  const id = await getSignedCookie(c, secret, SESSION_COOKIE);
  if (id && SESSION_ID.test(id)) {
    await db.update(webSessions).set({ endedAt: new Date() }).where(and(eq(webSessions.id, id), isNull(webSessions.endedAt)));
    forgetTokens(db);
  }
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
}

/** The signed-in person, if the cookie is genuine, its session current, and its token and user still valid. */
export async function sessionUser(c: Context, db: Db, secret: string): Promise<AuthUser | null> {
  const id = await getSignedCookie(c, secret, SESSION_COOKIE);
  if (!id || !SESSION_ID.test(id)) return null;
  const now = new Date();
  return briefly(db, `session:${id}`, async () => {
    const [row] = await db
    .select({ user: users, tokenId: apiTokens.id, expiresAt: webSessions.expiresAt })
    .from(webSessions)
    .innerJoin(apiTokens, eq(apiTokens.id, webSessions.tokenId))
    .innerJoin(users, eq(users.id, webSessions.userId))
    .where(
      and(
        eq(webSessions.id, id),
        isNull(webSessions.endedAt),
        gt(webSessions.expiresAt, now),
        eq(apiTokens.userId, webSessions.userId),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        eq(users.active, true),
      ),
    )
    .limit(1);
    return row ? { user: await withInterests(db, { ...actorOf(row.user), email: row.user.email, tokenId: row.tokenId }, now), expires: row.expiresAt } : null;
  });
}

// CSRF: a random value in an HTTP-only cookie, and in each form a keyed hash of it with the
// session's cookie: a cross-site page can neither read the cookie nor so fill in the field, and
// a cookie and field taken from one person's browser are worth nothing with another's session.
// Hono's csrf() also checks the Origin.

function csrfCookie(c: Context): string {
  let token = getCookie(c, CSRF_COOKIE);
  if (!token || !/^[A-Za-z0-9_-]{32,}$/.test(token)) {
    token = randomBytes(24).toString('base64url');
    setCookie(c, CSRF_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: secure(c), path: '/' });
  }
  return token;
}

const boundToSession = (c: Context, secret: string, cookie: string) =>
  createHmac('sha256', secret).update(`csrf\n${cookie}\n${getCookie(c, SESSION_COOKIE) ?? ''}`).digest('base64url');

/** The token the page's forms carry. */
export function csrfToken(c: Context, secret: string): string {
  return boundToSession(c, secret, csrfCookie(c));
}

export function csrfMatches(c: Context, secret: string, submitted: unknown): boolean {
  const cookie = getCookie(c, CSRF_COOKIE);
  if (!cookie || typeof submitted !== 'string') return false;
  const expected = boundToSession(c, secret, cookie);
  return submitted.length === expected.length && timingSafeEqual(Buffer.from(expected), Buffer.from(submitted));
}

export interface Flash {
  kind: 'success' | 'error';
  title: string;
  text?: string;
}

export async function setFlash(c: Context, secret: string, flash: Flash): Promise<void> {
  await setSignedCookie(c, FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), secret, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure(c),
    path: '/',
    maxAge: 60,
  });
}

export async function takeFlash(c: Context, secret: string): Promise<Flash | undefined> {
  const value = await getSignedCookie(c, secret, FLASH_COOKIE);
  if (!value) return undefined;
  deleteCookie(c, FLASH_COOKIE, { path: '/' });
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Flash;
  } catch {
    return undefined;
  }
}

/** A keyed digest, for anything else that must not be forged (e.g. a draft's id). */
export function sign(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}
