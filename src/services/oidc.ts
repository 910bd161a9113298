// Single sign-on with OpenID Connect, through openid-client: the authorisation code flow with
// PKCE (S256), state and nonce; the ID token checked against the provider's keys, issuer,
// audience and nonce. The person is matched to their user here, by the provider's subject once
// it is known and by e-mail the first time; roles always come from this service.
import { and, eq, sql } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { userIdentities, users } from '../db/schema.js';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  scopes: string;
}

export function oidcSettings(config: Config, baseUrl: string): OidcSettings | null {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET) return null;
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    redirectUrl: config.OIDC_REDIRECT_URL ?? `${baseUrl.replace(/\/+$/, '')}/app/sign-in/oidc/callback`,
    scopes: config.OIDC_SCOPES,
  };
}

/** What the browser keeps (in a signed, HTTP-only cookie) between going to the provider and coming back. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  next?: string;
}

export interface OidcClient {
  /** Where to send the browser, and what to keep until it comes back. */
  start(next?: string): Promise<{ url: string; pending: PendingSignIn }>;
  /** The provider's answer at the callback URL: the verified claims. Throws on anything amiss. */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<{ subject: string; email: string | null; name: string | null }>;
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, {
        // A provider on plain HTTP only on this machine (the embedded Dex, the tests').
        ...(isLoopbackHttp(settings.issuer) && { execute: [oidc.allowInsecureRequests] }),
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };
  return {
    async start(next) {
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, ...(next && { next }) };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUrl,
        scope: settings.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, pending };
    },
    async finish(callbackUrl, pending) {
      const config = await configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      // Entra ID puts the NHSmail address in preferred_username (and email only when it is set).
      const email = [claims.email, claims.preferred_username, claims.upn].find((v): v is string => typeof v === 'string' && v.includes('@')) ?? null;
      return { subject: claims.sub, email: email?.toLowerCase() ?? null, name: typeof claims.name === 'string' ? claims.name : null };
    },
  };
}

function isLoopbackHttp(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/** The active user a provider's account belongs to: by (issuer, subject), else by e-mail, which links them. */
export async function matchUser(db: Db, issuer: string, who: { subject: string; email: string | null }): Promise<string | null> {
  const [known] = await db
    .select({ userId: userIdentities.userId, active: users.active })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, who.subject)));
  if (known) {
    if (!known.active) return null;
    await db.update(userIdentities).set({ lastSignInAt: new Date() }).where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, who.subject)));
    return known.userId;
  }
  if (!who.email) return null;
  const [byEmail] = await db.select({ id: users.id }).from(users).where(and(eq(users.active, true), sql`lower(${users.email}) = ${who.email.toLowerCase()}`));
  if (!byEmail) return null;
  await db.insert(userIdentities).values({ issuer, subject: who.subject, userId: byEmail.id, email: who.email }).onConflictDoNothing();
  return byEmail.id;
}
