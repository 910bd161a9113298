// Single sign-on pages: "Sign in with your NHS account" sends the browser to the OpenID Connect
// provider with a fresh state, nonce and PKCE challenge (kept in a signed, HTTP-only cookie for
// ten minutes); the callback checks them, matches the person to their user and starts the same
// kind of session as a token sign-in, backed by a token of its own that ends with it. Failed
// callbacks count against the client like failed token sign-ins.
import { getSignedCookie, deleteCookie, setSignedCookie } from 'hono/cookie';
import type { AppDeps } from '../api/app.js';
import { publicBaseUrl } from '../activities/notifications.js';
import { authenticate, issueToken } from '../services/auth.js';
import { createOidcClient, matchUser, oidcSettings, type PendingSignIn } from '../services/oidc.js';
import type { WebApp, WebContext } from './app.js';
import { homeFor, render } from './app.js';
import { clientAddress, type FailedAttempts } from './rate-limit.js';
import { startSession } from './session.js';

const PENDING_COOKIE = 'cp_oidc';
const PENDING_PATH = '/app/sign-in/oidc';

/** The single sign-on button, when it is configured. */
export const SingleSignOnButton = ({ text, next }: { text: string; next?: string }) => (
  <p>
    <a class="nhsuk-button" data-module="nhsuk-button" role="button" draggable="false" href={`/app/sign-in/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}`}>
      {text}
    </a>
  </p>
);

const Problem = ({ title, text }: { title: string; text: string }) => (
  <>
    <h1>{title}</h1>
    <p>{text}</p>
    <p>
      <a href="/app/sign-in">Go back to sign in</a>
    </p>
  </>
);

export function registerSingleSignOn(web: WebApp, deps: AppDeps, failures: FailedAttempts, safeNext: (next: string | undefined) => string | undefined): string | null {
  const settings = oidcSettings(deps.config, publicBaseUrl(deps.config));
  if (!settings) return null;
  const client = createOidcClient(settings);
  const secure = settings.redirectUrl.startsWith('https:');

  const refused = (c: WebContext, status: 400 | 403 | 429, title: string, text: string) => render(c, { title }, <Problem title={title} text={text} />, status);
  const limited = (c: WebContext) => {
    const wait = failures.retryAfter(clientAddress(c, deps.config.TRUST_PROXY));
    if (wait <= 0) return null;
    c.header('Retry-After', String(wait));
    return refused(c, 429, 'Too many sign-in attempts', `Too many sign-in attempts from here: try again in ${Math.ceil(wait / 60)} minute(s).`);
  };

  web.get('/app/sign-in/oidc', async (c) => {
    const wait = limited(c);
    if (wait) return wait;
    const { url, pending } = await client.start(safeNext(c.req.query('next')));
    await setSignedCookie(c, PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), deps.sessionSecret, {
      httpOnly: true,
      // Lax: the provider's redirect back is a top-level GET from its site.
      sameSite: 'Lax',
      secure,
      path: PENDING_PATH,
      maxAge: 600,
    });
    return c.redirect(url, 302);
  });

  web.get('/app/sign-in/oidc/callback', async (c) => {
    const wait = limited(c);
    if (wait) return wait;
    const address = clientAddress(c, deps.config.TRUST_PROXY);
    const raw = await getSignedCookie(c, deps.sessionSecret, PENDING_COOKIE);
    deleteCookie(c, PENDING_COOKIE, { path: PENDING_PATH, secure });
    let pending: PendingSignIn | undefined;
    try {
      pending = raw ? (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PendingSignIn) : undefined;
    } catch {
      pending = undefined;
    }
    if (!pending) {
      failures.failed(address);
      return refused(c, 400, 'Sign-in expired', 'The sign-in took too long or was started in another browser. Start again.');
    }
    const query = new URL(c.req.url).search;
    const providerError = c.req.query('error');
    if (providerError) {
      failures.failed(address);
      return refused(c, 400, 'Sign-in did not complete', `Your organisation's sign-in said: ${c.req.query('error_description') ?? providerError}.`);
    }
    let who;
    try {
      who = await client.finish(new URL(`${settings.redirectUrl}${query}`), pending);
    } catch (error) {
      failures.failed(address);
      c.get('log')?.warn?.(`Single sign-on refused: ${(error as Error).message}`);
      return refused(c, 400, 'Sign-in did not complete', 'The answer from your organisation’s sign-in could not be checked (its state, nonce or code did not match). Start again.');
    }
    const userId = await matchUser(deps.db, settings.issuer, who);
    if (!userId) {
      failures.failed(address);
      return refused(c, 403, 'No account in this service', `You signed in as ${who.email ?? who.subject}, but no active user of this service has that e-mail. Ask the programme management office to add you.`);
    }
    failures.succeeded(address);
    const expiresAt = new Date(Date.now() + deps.config.SESSION_HOURS * 3_600_000);
    const { token } = await issueToken(deps.db, { userId, label: 'single sign-on session', createdBy: 'single-sign-on', expiresAt });
    const user = (await authenticate(deps.db, token))!;
    await startSession(c, deps.db, deps.sessionSecret, user, deps.config.SESSION_HOURS);
    return c.redirect(pending.next ?? homeFor(user), 303);
  });

  return deps.config.OIDC_BUTTON_TEXT;
}
