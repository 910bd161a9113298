// Signing in and out in a real browser: by token, the demo list on a demo start, refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { expectAccessible, message, signedInPage, startWeb, type Web } from './harness.js';

let ctx: TestContext;
let web: Web;
beforeAll(async () => {
  ctx = await createTestContext();
  web = await startWeb(ctx);
}, 120_000);
afterAll(async () => {
  await web?.close();
  await ctx?.close();
});

describe('signing in', () => {
  it('refuses a wrong token with a clear message, then signs in and out', async () => {
    const page = await (await web.browser.newContext()).newPage();
    await page.goto(`${web.url}/app`);
    expect(new URL(page.url()).pathname).toBe('/app/sign-in');
    await expectAccessible(page, 'the sign-in page');

    await page.getByLabel('Your API token').fill('cp_notarealtoken_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(await message(page)).toContain('Enter a valid API token');
    expect(await page.title()).toMatch(/^Error: Sign in/);
    await expectAccessible(page, 'the sign-in page with an error');

    await page.getByLabel('Your API token').fill(ctx.tokens['amira.hassan']!);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/app/sign-in');
    await page.goto(`${web.url}/app`);
    expect(await page.getByRole('banner').innerText()).toContain('Amira Hassan');
    await expectAccessible(page, 'the home page');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${web.url}/app/sign-in`);
    expect(await message(page)).toContain('You have signed out');
    await page.goto(`${web.url}/app`);
    expect(new URL(page.url()).pathname).toBe('/app/sign-in');
  });

  it('refuses a form posted without its CSRF token', async () => {
    const page = await signedInPage(web, ctx, 'amira.hassan');
    const res = await page.request.post(`${web.url}/app/sign-out`, { form: { _csrf: 'forged' }, headers: { origin: web.url } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('The page expired');
  });
});
