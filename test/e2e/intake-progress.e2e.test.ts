// After submitting, a programme team sees where the bid went without reloading: while intake's
// checks run the bid's page says so, and it loads itself again when they finish. Intake is held
// here (the one activity this test isolates, then the real check) so the page is seen mid-intake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bid } from '../../src/domain/bid.js';
import { findMissing } from '../../src/domain/intake.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { press, referenceOf, row, textOf, writeBid } from './drive.js';
import { expectAccessible, message, signedInPage, startWeb, type Web } from './harness.js';

let ctx: TestContext;
let web: Web;
let release: () => void = () => {};
const held = new Promise<void>((resolve) => {
  release = resolve;
});
let intakeStarted = 0;

beforeAll(async () => {
  ctx = await createTestContext({
    // The submission answers "still running" after a second, rather than the default 15 s.
    env: { INTAKE_WAIT: '1s' },
    activityOverrides: {
      checkIntake: async (bid: Bid) => {
        intakeStarted += 1;
        await held;
        return findMissing(bid);
      },
    },
  });
  web = await startWeb(ctx);
}, 120_000);
afterAll(async () => {
  release();
  await web?.close();
  await ctx?.close();
});

describe("the bid's page while intake runs", () => {
  it('says intake is checking the bid, then shows where it went without the person reloading', async () => {
    const page = await signedInPage(web, ctx, 'amira.hassan');
    await writeBid(page, web.url, { title: 'Falls prevention in care homes', kind: 'New service' }, true);
    await press(page, 'Submit bid', /\/app\/bids\/[A-Z]+-\d{4}-\d{4}$/);
    const reference = referenceOf(page);
    expect(intakeStarted).toBeGreaterThan(0);
    expect(await message(page)).toContain(`Bid ${reference} submitted: intake checks are still running`);
    expect(await textOf(page.locator('#intake-progress'))).toBe('Intake is checking the bid now. This page shows where it went when the checks finish.');
    await expectAccessible(page, 'the bid page during intake');

    // A programme team of an organisation outside the bid is not told even that much.
    const grace = await signedInPage(web, ctx, 'grace.okafor');
    expect((await grace.request.get(`${web.url}/app/bids/${reference}/progress`)).status()).toBe(404);

    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));
    release();

    // The page loads itself again once intake has finished; the test only waits for it.
    await page.locator('#intake-progress').waitFor({ state: 'detached', timeout: 60_000 });
    expect(loads.length).toBeGreaterThan(0);
    expect(await row(page, 'State').innerText()).toBe('Evaluation hub review');
    expect(await page.locator('.cp-timeline').innerText()).toContain('Intake checks passed: sent to the evaluation hub');
    await expectAccessible(page, 'the bid page after intake');
  });

  it('answers the region only for a signed-in person', async () => {
    const anonymous = await web.browser.newContext();
    const res = await anonymous.request.get(`${web.url}/app/bids/NOPE-2026-0001/progress`);
    expect(res.status()).toBe(401);
    await anonymous.close();
  });
});
