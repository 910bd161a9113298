// Security of the web pages, without a browser: sessions end on the server when people sign out,
// cookies are Secure when the service is published on https, and addresses that are not a
// page (a forged reference, an unknown path, a sign-in's next with a line break) get a page,
// never a stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { PageClient } from './helpers/pages.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false });
});
afterAll(async () => {
  await ctx?.close();
});

const SECRET = 'test-session-secret-of-at-least-32-characters';

describe('web sessions', () => {
  it('end on the server when the person signs out: a copy of the cookie no longer signs in', async () => {
    const browser = new PageClient(ctx.app);
    const signedIn = await browser.signIn(ctx.tokens['amira.hassan']!);
    expect(signedIn.status).toBe(303);
    const session = browser.cookies.get('cp_session');
    expect(session).toBeTruthy();
    expect((await browser.get('/app')).status).toBe(200);

    const out = await browser.post('/app/sign-out');
    expect(out.status).toBe(303);
    expect(browser.cookies.has('cp_session')).toBe(false);

    // Someone who copied the cookie before sign-out tries it now.
    const copy = new PageClient(ctx.app);
    copy.cookies.set('cp_session', session!);
    const res = await copy.get('/app');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/sign-in?next=%2Fapp');
  });

  it('end when the token they were started with is revoked', async () => {
    const browser = new PageClient(ctx.app);
    await browser.signIn(ctx.tokens['tom.fletcher']!);
    expect((await browser.get('/app')).status).toBe(200);
    const tokens = await ctx.api('ian.thompson', '/admin/users/tom.fletcher/tokens');
    const [token] = ((await tokens.json()) as { items: { id: string; revokedAt: string | null }[] }).items.filter((t) => !t.revokedAt);
    expect((await ctx.api('ian.thompson', `/admin/tokens/${token!.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await browser.get('/app')).status).toBe(303);
  });

  it('set their cookies Secure when the service is published on https, and not on plain http', async () => {
    const published = createApp({
      db: ctx.db,
      temporal: { client: ctx.client, taskQueue: ctx.taskQueue },
      config: { ...ctx.config, PUBLIC_URL: 'https://prioritisation.nwicb.example' },
      sessionSecret: SECRET,
    });
    const overTls = new PageClient(published);
    await overTls.signIn(ctx.tokens['claire.dawson']!);
    const session = overTls.lastSetCookies.find((line) => line.startsWith('cp_session='));
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);

    const plain = new PageClient(ctx.app);
    await plain.signIn(ctx.tokens['claire.dawson']!);
    expect(plain.lastSetCookies.find((line) => line.startsWith('cp_session='))).not.toMatch(/; Secure/);
  });
});

describe('addresses that are not a page', () => {
  it('answer a forged bid reference with the page-not-found, by GET or POST', async () => {
    const browser = new PageClient(ctx.app);
    await browser.signIn(ctx.tokens['amira.hassan']!);
    for (const res of [await browser.get('/app/bids/a%0Ab/withdraw'), await browser.post('/app/bids/a%0Ab/withdraw', { reason: 'x' }), await browser.get('/app/bids/nw-2026-0042')]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('Page not found');
    }
  });

  it('answer an unknown path under /app with the service page, not the API JSON', async () => {
    const browser = new PageClient(ctx.app);
    await browser.signIn(ctx.tokens['amira.hassan']!);
    const res = await browser.get('/app/no-such-page');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<h1>Not found</h1>');
  });

  it('send a sign-in with a line break in its next address home, not to a broken redirect', async () => {
    const browser = new PageClient(ctx.app);
    const res = await browser.signIn(ctx.tokens['amira.hassan']!, '/app/bids\r\nSet-Cookie: x=y');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/bids');
  });
});
