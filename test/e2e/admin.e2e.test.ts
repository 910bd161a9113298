// The admin's own pages in a real browser: a person added, a token issued and shown once, that
// token signing them in; the rule sets and the configuration in force.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { click, group } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, startWeb, type Web } from './harness.js';

let ctx: TestContext;
let web: Web;

beforeAll(async () => {
  ctx = await createTestContext();
  web = await startWeb(ctx);
}, 180_000);

afterAll(async () => {
  await web?.close();
  await ctx?.close();
});

describe("the admin's pages", () => {
  it('start at administration; the admin adds a person, issues a token shown once, and the token signs them in', async () => {
    const admin = await signedInPage(web, ctx, 'ian.thompson');
    expect(new URL(admin.url()).pathname).toBe('/app/admin');
    expect(await admin.locator('h1').innerText()).toBe('Administration');
    await expectAccessible(admin, 'the admin home');
    await screenshot(admin, 'admin-home');

    await admin.getByRole('link', { name: 'People and roles' }).click();
    await admin.waitForURL(`${web.url}/app/admin/users`);
    expect(await admin.getByRole('row').filter({ hasText: 'priya.shah' }).innerText()).toContain('Evaluator');
    await expectAccessible(admin, 'people and roles');

    await admin.getByRole('button', { name: 'Add a person' }).click();
    await admin.waitForURL(`${web.url}/app/admin/users/new`);
    await click(admin, 'Add the person');
    expect(await admin.title()).toMatch(/^Error: Add a person/);
    expect(await message(admin)).toContain('There is a problem');
    await expectAccessible(admin, 'the add-a-person form with errors');

    await admin.getByLabel('Full name').fill('Nadia Rahman');
    await admin.getByLabel('E-mail address').fill('nadia.rahman@example.nhs.uk');
    await admin.getByLabel('User id').fill('nadia.rahman');
    await admin.getByLabel('Organisation').selectOption('NWICB');
    await group(admin, /^Roles/).getByLabel('Evaluator', { exact: true }).check();
    await click(admin, 'Add the person');
    expect(new URL(admin.url()).pathname).toBe('/app/admin/users/nadia.rahman');
    expect(await message(admin)).toContain('Nadia Rahman added');
    expect(await admin.locator('main').innerText()).toContain('Nadia Rahman has no token yet, so cannot sign in.');

    // A token with no label is refused on its field; then issued, and shown this once.
    await click(admin, 'Issue a token');
    expect(await message(admin)).toContain('Enter a label for the token');
    await admin.getByLabel('Label for a new token').fill('Laptop');
    await click(admin, 'Issue a token');
    const token = (await admin.locator('#new-token').innerText()).trim();
    expect(token).toMatch(/^cp_/);
    expect(await admin.locator('main').innerText()).toContain('This is the only time it is shown');
    await expectAccessible(admin, 'the person page with a new token');
    await admin.goto(`${web.url}/app/admin/users/nadia.rahman`);
    expect(await admin.locator('#new-token').count()).toBe(0);
    expect(await admin.locator('main').innerText()).not.toContain(token);
    expect(await admin.getByRole('row').filter({ hasText: 'Laptop' }).innerText()).toContain('Active');

    // The new person signs in with it, to their own start page.
    const nadia = await (await web.browser.newContext()).newPage();
    await nadia.goto(`${web.url}/app/sign-in`);
    await nadia.getByLabel('Your API token').fill(token);
    await click(nadia, 'Sign in');
    expect(new URL(nadia.url()).pathname).toBe('/app/reviews');
    expect(await nadia.getByRole('banner').innerText()).toContain('Nadia Rahman');

    // Rule sets and the configuration in force.
    await admin.goto(`${web.url}/app/admin/rule-sets`);
    expect(await admin.getByRole('region', { name: 'Rule set versions' }).innerText()).toContain('In force');
    await expectAccessible(admin, 'the rule sets');
    await admin.goto(`${web.url}/app/admin/config`);
    expect(await admin.locator('main').innerText()).toMatch(/Deadlines: hub review/);
    await expectAccessible(admin, 'the configuration in force');
  }, 180_000);
});
