// Signing in and out in a real browser: by token, the demo list on a demo start, refusals.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/db/demo.js';
import { demoTokensFile, type DemoToken } from '../../src/services/demo.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { expectAccessible, message, screenshot, signedInPage, startWeb, type Web, withBrowser } from './harness.js';

let ctx: TestContext;
let web: Web;
withBrowser((c, w) => ((ctx = c), (web = w)));

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

describe('signing in on a demo start', () => {
  let demo: TestContext;
  let demoWeb: Web;
  let dataDir: string;
  beforeAll(async () => {
    // A demo start keeps the demo users' tokens in DATA_DIR/demo-tokens.json; this one uses the
    // tokens the test context issued to the same users.
    dataDir = await mkdtemp(path.join(tmpdir(), 'cp-demo-'));
    demo = await createTestContext({ env: { SEED_DEMO: 'true', DATA_DIR: dataDir } });
    const tokens: DemoToken[] = DEMO_USERS.map((u) => ({ id: u.id, name: u.name, organisation: u.organisation, roles: u.roles, description: u.description, token: demo.tokens[u.id]! }));
    await writeFile(demoTokensFile(demo.config), JSON.stringify(tokens));
    demoWeb = await startWeb(demo);
  }, 120_000);
  afterAll(async () => {
    await demoWeb?.close();
    await demo?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** One person of each role, and the page they start on. */
  const ROLES = [
    ['amira.hassan', 'applicant', '/app/bids', "Your organisation's bids"],
    ['priya.shah', 'evaluator', '/app/reviews', 'Review queue'],
    ['rachel.green', 'hub-lead', '/app/hub', 'Reviews in progress'],
    ['james.lee', 'assembly-member', '/app/meetings', 'CCP Assembly meetings'],
    ['sarah.collins', 'assembly-chair', '/app/meetings', 'CCP Assembly meetings'],
    ['claire.dawson', 'finance', '/app/rounds', 'Funding rounds'],
    ['ian.thompson', 'admin', '/app/admin', 'Administration'],
  ] as const;

  it.each(ROLES)('lists %s among the demo users and signs them in with one click, to their own start page', async (id, role, start, heading) => {
    const page = await (await demoWeb.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${demoWeb.url}/app/sign-in`);
    const listed = page.locator('table', { has: page.locator('caption', { hasText: 'Demo users' }) });
    expect(await listed.locator('tbody tr').count()).toBe(DEMO_USERS.length);
    if (role === 'applicant') await expectAccessible(page, 'the sign-in page with the demo users');

    const name = DEMO_USERS.find((u) => u.id === id)!.name;
    await page.getByRole('button', { name: `Sign in as ${name}`, exact: true }).click();
    await page.waitForURL(`${demoWeb.url}${start}`);
    expect(await page.locator('h1').innerText()).toBe(heading);
    expect(await page.getByRole('banner').innerText()).toContain(name);
    await expectAccessible(page, `the ${role}'s start page`);

    // Home lists the areas of their roles, and nothing else.
    await page.goto(`${demoWeb.url}/app`);
    const areas = await page.locator('.nhsuk-card__link').allInnerTexts();
    expect(areas.length).toBeGreaterThan(0);
    expect(areas.includes('Decision trail')).toBe(role === 'finance' || role === 'admin');
    expect(areas.includes('Review queue')).toBe(role === 'evaluator' || role === 'hub-lead');
    await expectAccessible(page, `the ${role}'s home page`);
    await screenshot(page, `home-${role}`);
  });

  it('has an accessibility statement that is itself accessible', async () => {
    const page = await signedInPage(demoWeb, demo, 'laura.king');
    await page.getByRole('link', { name: 'Accessibility statement' }).click();
    await page.waitForURL(`${demoWeb.url}/app/accessibility`);
    expect(await page.locator('h1').innerText()).toBe('Accessibility statement');
    await expectAccessible(page, 'the accessibility statement');
  });

  it('refuses a demo sign-in where the start is not a demo one', async () => {
    const page = await (await web.browser.newContext()).newPage();
    await page.goto(`${web.url}/app/sign-in`);
    expect(await page.locator('caption', { hasText: 'Demo users' }).count()).toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const res = await page.request.post(`${web.url}/app/sign-in/demo`, { form: { _csrf: csrf, user: 'ian.thompson' }, headers: { origin: web.url } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('Demo sign-in is only for an embedded demo start');
  });
});

describe('the API documentation', () => {
  it('works in a browser: Swagger UI draws every resource from the OpenAPI document', async () => {
    const page = await (await web.browser.newContext()).newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`${web.url}/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'Clinical prioritisation' }).waitFor();
    const tags = await page.locator('.swagger-ui .opblock-tag').allInnerTexts();
    for (const tag of ['Bids', 'Evaluation hub', 'Assembly', 'Decision trail', 'Funding rounds', 'Finance', 'Admin']) {
      expect(tags.some((t) => t.startsWith(tag)), tag).toBe(true);
    }
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(40);
    expect(failures).toEqual([]);
  });
});
