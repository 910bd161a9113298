// The web pages, served by the same Hono app as the API and calling the same services, so they
// enforce the same roles, conflicts and state rules. Server-rendered; they work without
// JavaScript. Sessions are signed HTTP-only cookies; every form carries a CSRF token.
import { elapsedMs } from '../config.js';
import { clientAddress, FailedAttempts } from './rate-limit.js';
import { withRequestContext } from '../services/context.js';
import { Hono, type Context } from 'hono';
import { csrf as originCheck } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import type { Child } from 'hono/jsx';
import type { z } from 'zod';
import type { AppDeps } from '../api/app.js';
import { ApiError, fieldPath, toApiError } from '../api/errors.js';
import { shouldSeedDemo } from '../config.js';
import { authenticate, type AuthUser } from '../services/auth.js';
import { readDemoTokens } from '../services/demo.js';
import { assetsRouter, stylesheet } from './assets.js';
import { fieldId, type FieldError } from './components.js';
import { Layout, navigationFor, type LayoutProps } from './layout.js';
import { csrfMatches, csrfToken, endSession, sessionUser, setFlash, startSession, takeFlash, type Flash } from './session.js';
import { registerAdminPages } from './pages/admin.js';
import { registerBidPages } from './pages/bids.js';
import { registerFinancePages } from './pages/finance.js';
import { registerPublicationPages } from './pages/publication.js';
import { registerHomePages } from './pages/home.js';
import { registerHubPages } from './pages/hub.js';
import { registerNotificationPages } from './pages/notifications.js';
import { registerLetterPages } from './pages/letters.js';
import { registerRegisterPages } from './pages/register.js';
import { registerSingleSignOn, SingleSignOnButton } from './sso.js';
import { unreadCount } from '../services/notifications.js';
import { createLogger, type Logger } from '../runtime/log.js';

export type WebEnv = { Variables: { deps: AppDeps; user: AuthUser | null; csrf: string; flash?: Flash; unread?: number; form?: FormBody; requestId?: string; log?: Logger } };
export type WebContext = Context<WebEnv>;
export type WebApp = Hono<WebEnv>;

/** A form's fields: one value, or several for checkboxes. */
export type FormBody = Record<string, string | string[]>;

// ---------------------------------------------------------------------------------------------
// Helpers the pages share

type PageStatus = 200 | 400 | 403 | 404 | 409 | 422 | 429 | 500;

/** A whole HTML document: hono's JSX leaves out the doctype, without which browsers fall into quirks mode. */
export async function htmlPage(c: WebContext, page: string | Promise<string>, status: PageStatus = 200): Promise<Response> {
  return c.html(`<!DOCTYPE html>${await page}`, status);
}

/** Renders a page in the layout, with the signed-in person, the CSRF token and any flash. */
export function render(c: WebContext, props: Omit<LayoutProps, 'user' | 'csrf' | 'flash'>, body: Child, status: PageStatus = 200) {
  return htmlPage(
    c,
    <Layout {...props} user={c.get('user')} csrf={c.get('csrf')} flash={c.get('flash')} unread={c.get('unread')}>
      {body}
    </Layout>,
    status,
  );
}

/** The signed-in person, or a redirect to sign in (coming back here afterwards). */
export function signedIn(c: WebContext): AuthUser {
  const user = c.get('user');
  if (!user) throw new SignInRequired(c.req.path + (new URL(c.req.url).search || ''));
  return user;
}

export class SignInRequired extends Error {
  constructor(readonly next: string) {
    super('sign in required');
  }
}

/** Refuses a page to anyone without one of these roles, in the same words as the API. */
export function needRole(user: AuthUser, what: string, ...roles: string[]): void {
  if (!roles.some((r) => user.roles.includes(r as never))) throw new ApiError(403, 'forbidden', `Only ${roles.join(' or ')} may ${what}`, { rule: 'role' });
}

/** The submitted form (already read and CSRF-checked by the middleware). */
export function formOf(c: WebContext): FormBody {
  return c.get('form') ?? {};
}

export const one = (form: FormBody, name: string): string => {
  const v = form[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};
export const many = (form: FormBody, name: string): string[] => {
  const v = form[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter(Boolean);
};

/** A zod failure as the page's errors: a message per field, keyed by the field's name. */
export function formErrors(error: z.ZodError, fieldFor: (path: string) => string = (p) => p): { list: FieldError[]; byField: Record<string, string> } {
  const byField: Record<string, string> = {};
  for (const issue of error.issues) {
    const name = fieldFor(fieldPath(issue.path));
    byField[name] ??= sentence(name, issue.message);
  }
  return { list: Object.entries(byField).map(([name, message]) => ({ field: fieldId(name), message })), byField };
}

/** zod's messages are fragments ("is required"); a person reads a sentence. */
function sentence(field: string, message: string): string {
  if (/^[A-Z]/.test(message)) return message;
  const words = field.replace(/\[\d+\]/g, '').split('.').at(-1)!.replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} ${message}`;
}

/**
 * Runs an action and goes back to a page (post, redirect, get): a success banner, or the
 * refusal in the same words the API would give, so nothing is lost and the reason is clear.
 */
export async function act(c: WebContext, then: string, success: Flash, action: () => Promise<unknown>, thenIfRefused = then): Promise<Response> {
  const secret = c.get('deps').sessionSecret;
  const key = c.get('form')?._idempotency;
  try {
    // The key the form was drawn with: a form sent twice takes its action once.
    await withRequestContext({ idempotencyKey: typeof key === 'string' && /^[0-9a-f-]{36}$/.test(key) ? key : undefined }, action);
    await setFlash(c, secret, success);
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.status >= 500) throw error;
    await setFlash(c, secret, { kind: 'error', title: refusalTitle(apiError), text: apiError.message });
    return c.redirect(thenIfRefused, 303);
  }
  return c.redirect(then, 303);
}

export function refusalTitle(error: ApiError): string {
  if (error.code === 'conflict_of_interest') return 'You have a conflict of interest';
  if (error.status === 403) return 'You cannot do this';
  if (error.status === 409) return 'This cannot be done now';
  if (error.status === 404) return 'Not found';
  return 'This was refused';
}

// ---------------------------------------------------------------------------------------------

/** A bid's pages: only a reference (NW-2026-0042) matches, so anything else is the page-not-found. */
export const BID_ROUTE = '/app/bids/:reference{[A-Z]{2,5}-[0-9]{4}-[0-9]{4,6}}';

export function webRouter(deps: AppDeps) {
  const web = new Hono<WebEnv>();

  const session = createMiddleware<WebEnv>(async (c, next) => {
    c.set('deps', deps);
    // Pages may only be framed by themselves; scripts and styles come from here alone.
    c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'");
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    const user = await sessionUser(c, deps.db, deps.sessionSecret);
    c.set('user', user);
    if (user) c.set('unread', await unreadCount(deps.db, user));
    c.set('csrf', csrfToken(c, deps.sessionSecret));
    c.set('flash', await takeFlash(c, deps.sessionSecret));
    await next();
  });

  /** Reads a posted form once, and refuses it unless its CSRF token matches the cookie's. */
  const readForm = createMiddleware<WebEnv>(async (c, next) => {
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody({ all: true });
      const fields: FormBody = {};
      for (const [k, v] of Object.entries(form)) {
        if (typeof v === 'string') fields[k] = v;
        else if (Array.isArray(v)) fields[k] = v.filter((x): x is string => typeof x === 'string');
      }
      if (!csrfMatches(c, deps.sessionSecret, fields._csrf)) return render(c, { title: 'Page expired' }, <Expired />, 403);
      c.set('form', fields);
    }
    await next();
  });
  // Start compiling the stylesheet now, so the first page does not wait for it.
  void stylesheet().catch(() => undefined);

  web.route('/', assetsRouter());
  web.get('/', (c) => c.redirect('/app', 302));

  web.use('/app/*', session);
  // A cross-site form post fails the Origin check before it reaches the CSRF token check.
  web.use('/app/*', originCheck());
  web.use('/app/*', readForm);

  web.onError((error, c) => {
    if (error instanceof SignInRequired) return c.redirect(`/app/sign-in?next=${encodeURIComponent(error.next)}`, 303);
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      const log = c.get('log') ?? deps.logger ?? createLogger('error', 'web');
      log.error(`${c.req.method} ${c.req.path} failed: ${error.message}`, { err: { name: error.name, message: error.message, stack: error.stack } });
    }
    const status = ([400, 403, 404, 409, 422] as const).find((s) => s === apiError.status) ?? 500;
    const title = apiError.status >= 500 ? 'Sorry, there is a problem with the service' : refusalTitle(apiError);
    return htmlPage(
      c as WebContext,
      <Layout title={title} user={c.get('user') ?? null} csrf={c.get('csrf') ?? ''}>
        <h1>{title}</h1>
        <p>{apiError.status >= 500 ? 'Try again later. What you entered has not been lost if you go back.' : apiError.message}</p>
        <p>
          <a href="/app">Go to the start</a>
        </p>
      </Layout>,
      status,
    );
  });

  registerSignIn(web, deps);
  registerHomePages(web);
  registerBidPages(web);
  registerHubPages(web);
  registerPublicationPages(web);
  registerFinancePages(web);
  registerAdminPages(web);
  registerNotificationPages(web);
  registerLetterPages(web);
  registerRegisterPages(web);
  // Any other address under /app: the service's own page-not-found, not the API's JSON.
  web.all('/app/*', () => {
    throw new ApiError(404, 'not_found', 'Page not found. If you typed the address, check it is correct; or go to the start.');
  });
  return web;
}

const Expired = () => (
  <>
    <h1>The page expired</h1>
    <p>For your security, the form could not be sent. Go back, reload the page and try again.</p>
  </>
);

function registerSignIn(web: WebApp, deps: AppDeps) {
  const signInFailures = new FailedAttempts(deps.config.SIGN_IN_ATTEMPTS, elapsedMs(deps.config.SIGN_IN_WINDOW));
  const demoAvailable = async () => (shouldSeedDemo(deps.config) ? readDemoTokens(deps.config) : []);
  const sso = registerSingleSignOn(web, deps, signInFailures, safeNext) ?? undefined;

  web.get('/app/sign-in', async (c) => {
    const next = safeNext(c.req.query('next'));
    const demo = await demoAvailable();
    return render(c, { title: 'Sign in' }, <SignInPage sso={sso} next={next} csrf={c.get('csrf')} demo={demo} />);
  });

  web.post('/app/sign-in', async (c) => {
    const form = formOf(c);
    const next = safeNext(one(form, 'next'));
    const token = one(form, 'token');
    const client = clientAddress(c, deps.config.TRUST_PROXY);
    const wait = signInFailures.retryAfter(client);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      const message = `Too many sign-in attempts from here: try again in ${Math.ceil(wait / 60)} minute(s)`;
      return render(c, { title: 'Sign in', errors: [{ field: 'token', message }] }, <SignInPage sso={sso} next={next} csrf={c.get('csrf')} demo={await demoAvailable()} error={message} />, 429);
    }
    const user = token ? await authenticate(deps.db, token) : null;
    if (!user) {
      if (token) signInFailures.failed(client);
      const errors = [{ field: 'token', message: token ? 'Enter a valid API token: this one is mistyped, revoked or expired' : 'Enter your API token' }];
      return render(c, { title: 'Sign in', errors }, <SignInPage sso={sso} next={next} csrf={c.get('csrf')} demo={await demoAvailable()} error={errors[0]!.message} />, 400);
    }
    signInFailures.succeeded(client);
    await startSession(c, deps.db, deps.sessionSecret, user, deps.config.SESSION_HOURS);
    return c.redirect(next ?? homeFor(user), 303);
  });

  web.post('/app/sign-in/demo', async (c) => {
    const demo = await demoAvailable();
    const chosen = demo.find((d) => d.id === one(formOf(c), 'user'));
    const user = chosen ? await authenticate(deps.db, chosen.token) : null;
    if (!user) throw new ApiError(403, 'forbidden', 'Demo sign-in is only for an embedded demo start');
    await startSession(c, deps.db, deps.sessionSecret, user, deps.config.SESSION_HOURS);
    return c.redirect(homeFor(user), 303);
  });

  web.post('/app/sign-out', async (c) => {
    await endSession(c, deps.db, deps.sessionSecret);
    await setFlash(c, deps.sessionSecret, { kind: 'success', title: 'You have signed out' });
    return c.redirect('/app/sign-in', 303);
  });
}

/** Only a path within the app: a sign-in link must not send people elsewhere. */
function safeNext(next: string | undefined): string | undefined {
  return next && /^\/app(\/[^/\\]|$|\?)/.test(next) && !/[\u0000-\u001f\u007f]/.test(next) ? next : undefined;
}

export function homeFor(user: AuthUser): string {
  return navigationFor(user)[0]?.href ?? '/app';
}

const SignInPage = ({ next, csrf, demo, error, sso }: { next?: string; csrf: string; demo: Awaited<ReturnType<typeof readDemoTokens>>; error?: string; sso?: string }) => (
  <div class="nhsuk-grid-row">
    <div class="nhsuk-grid-column-two-thirds">
      <h1>Sign in</h1>
      {sso ? (
        <>
          <SingleSignOnButton text={sso} next={next} />
          <h2 class="nhsuk-heading-s">Or sign in with an API token</h2>
        </>
      ) : null}
      <form action="/app/sign-in" method="post" novalidate>
        <input type="hidden" name="_csrf" value={csrf} />
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <div class={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
          <label class="nhsuk-label" for="token">
            Your API token
          </label>
          <div class="nhsuk-hint" id="token-hint">
            Your administrator gives you a token that starts with cp_. It is the same token the API takes.
          </div>
          {error ? (
            <span class="nhsuk-error-message" id="token-error">
              <span class="nhsuk-u-visually-hidden">Error: </span>
              {error}
            </span>
          ) : null}
          <input
            class={`nhsuk-input${error ? ' nhsuk-input--error' : ''}`}
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            spellcheck={false}
            aria-describedby={error ? 'token-hint token-error' : 'token-hint'}
          />
        </div>
        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">
          Sign in
        </button>
      </form>
      {demo.length ? (
        <>
          <h2>Or sign in as a demo user</h2>
          <p>This is a demo start: the people below were made for it, one of each role.</p>
          <form action="/app/sign-in/demo" method="post" novalidate>
            <input type="hidden" name="_csrf" value={csrf} />
            <table class="nhsuk-table">
              <caption class="nhsuk-table__caption nhsuk-table__caption--s">Demo users</caption>
              <thead class="nhsuk-table__head">
                <tr class="nhsuk-table__row">
                  <th class="nhsuk-table__header" scope="col">
                    Person
                  </th>
                  <th class="nhsuk-table__header" scope="col">
                    Role
                  </th>
                  <th class="nhsuk-table__header" scope="col">
                    <span class="nhsuk-u-visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody class="nhsuk-table__body">
                {demo.map((d) => (
                  <tr class="nhsuk-table__row">
                    <td class="nhsuk-table__cell">{d.name}</td>
                    <td class="nhsuk-table__cell">{d.description}</td>
                    <td class="nhsuk-table__cell">
                      <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" data-module="nhsuk-button" type="submit" name="user" value={d.id}>
                        Sign in<span class="nhsuk-u-visually-hidden"> as {d.name}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </form>
        </>
      ) : null}
    </div>
  </div>
);
