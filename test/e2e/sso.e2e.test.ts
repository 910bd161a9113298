// Single sign-on in a real browser through a real OpenID Connect provider: Dex (built from its Go
// module) with the demo people as its users. Three roles sign in with their e-mail and password
// at Dex and land in the service as themselves, with this service's roles; someone the service
// does not know is refused; failed callbacks are rate-limited; API tokens still work.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoEmail } from '../../src/db/demo.js';
import { userIdentities, users } from '../../src/db/schema.js';
import { DEMO_SSO_PASSWORD, DEX } from '../../src/runtime/go-tools.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { expectAccessible, startWeb, type Web } from './harness.js';

let ctx: TestContext;
let web: Web;
beforeAll(async () => {
  const issuer = inject('dexIssuer');
  if (!issuer) throw new Error(`Dex is not built: bash ${DEX.installScript} (or set DEX_PATH), then run the tests again`);
  const port = inject('ssoAppPort');
  ctx = await createTestContext({
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: inject('dexClientId'),
      OIDC_CLIENT_SECRET: inject('dexClientSecret'),
      OIDC_REDIRECT_URL: `http://127.0.0.1:${port}/app/sign-in/oidc/callback`,
      SIGN_IN_ATTEMPTS: '3',
    },
  });
  web = await startWeb(ctx, port);
}, 120_000);
afterAll(async () => {
  await web?.close();
  await ctx?.close();
});

async function signInAtDex(userId: string) {
  const page = await (await web.browser.newContext({ locale: 'en-GB' })).newPage();
  await page.goto(`${web.url}/app/reviews`);
  expect(new URL(page.url()).pathname).toBe('/app/sign-in');
  await page.getByRole('button', { name: 'Sign in with your NHS account' }).click();
  // Dex's own login page.
  await page.waitForURL((url) => url.href.startsWith(inject('dexIssuer')));
  await page.locator('#login').fill(demoEmail(userId));
  await page.locator('#password').fill(DEMO_SSO_PASSWORD);
  await page.locator('#submit-login').click();
  await page.waitForURL((url) => url.href.startsWith(web.url) && !url.pathname.startsWith('/app/sign-in'));
  return page;
}

describe('single sign-on through Dex', () => {
  it.each([
    ['amira.hassan', 'Amira Hassan', 'Programme team'],
    ['rachel.green', 'Rachel Green', 'Evaluation hub lead'],
    ['sarah.collins', 'Dr Sarah Collins', 'CCP Assembly chair'],
  ])('signs %s in as themselves, with the roles this service gives them', async (userId, name, role) => {
    const page = await signInAtDex(userId);
    const banner = await page.getByRole('banner').innerText();
    expect(banner).toContain(name);
    expect(banner.toLowerCase()).toContain(role.toLowerCase());
    await expectAccessible(page, `the first page after ${userId} signed in`);
    // Matched by e-mail the first time; the provider's subject is linked to the user from now on.
    const linked = await ctx.db.select().from(userIdentities).where(eq(userIdentities.userId, userId));
    expect(linked).toMatchObject([{ issuer: inject('dexIssuer'), email: demoEmail(userId) }]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${web.url}/app/sign-in`);
    // A second sign-in finds the person by subject.
    const again = await signInAtDex(userId);
    expect(await again.getByRole('banner').innerText()).toContain(name);
    await again.context().close();
  });

  it('refuses someone the service has no active user for, saying why', async () => {
    await ctx.db.update(users).set({ active: false }).where(eq(users.id, 'omar.farouk'));
    const page = await (await web.browser.newContext()).newPage();
    await page.goto(`${web.url}/app/sign-in`);
    await page.getByRole('button', { name: 'Sign in with your NHS account' }).click();
    await page.locator('#login').fill(demoEmail('omar.farouk'));
    await page.locator('#password').fill(DEMO_SSO_PASSWORD);
    await page.locator('#submit-login').click();
    await page.waitForURL((url) => url.pathname === '/app/sign-in/oidc/callback');
    expect(await page.locator('h1').innerText()).toBe('No account in this service');
    expect(await page.locator('main').innerText()).toContain(demoEmail('omar.farouk'));
  });

  it('refuses a callback that was not started here, and rate-limits such attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await ctx.app.request('/app/sign-in/oidc/callback?code=forged&state=forged')).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
    const start = await ctx.app.request('/app/sign-in/oidc');
    expect(start.status).toBe(429);
    expect(Number(start.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('still takes API tokens', async () => {
    const response = await ctx.api('rachel.green', '/me');
    expect(response.status).toBe(200);
  });
});
