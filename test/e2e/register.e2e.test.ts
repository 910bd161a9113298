// The register of interests in a real browser: a member declares a standing interest (the form
// first says what is missing), sees it in their interests and the published register, downloads
// the register, and withdraws it; at 320px too. Then the chair sees it in a meeting's quorum
// forecast, the item flagged. Every page axe-clean.
import { describe, expect, it } from 'vitest';
import type { TestContext } from '../helpers/context.js';
import { reviewToAssembly, scheduleMeeting, smallBid, submit } from '../helpers/lifecycle.js';
import { click, fillDate, reloadUntil } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, type Web, withBrowser } from './harness.js';

let ctx: TestContext;
let web: Web;

withBrowser((c, w) => ((ctx = c), (web = w)));

describe('the register of interests', () => {
  it('takes a declaration, lists it, exports it, applies it to the quorum forecast, and withdraws it', async () => {
    const reference = await submit(ctx, smallBid({ title: 'Community falls service in Thetford' }));
    await reviewToAssembly(ctx, reference);
    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-register`;
    await scheduleMeeting(ctx, meetingId);

    const member = await signedInPage(web, ctx, 'peter.novak');
    member.setDefaultTimeout(30_000);
    await member.goto(`${web.url}/app`);
    await member.getByRole('link', { name: 'Register of interests' }).first().click();
    await member.waitForURL(`${web.url}/app/register`);
    expect(await member.locator('main').innerText()).toContain('You have no current interests in the register.');
    await expectAccessible(member, 'the register of interests');

    // Without a kind or a start date, the form says what is missing and keeps what was typed.
    await member.getByLabel('Organisation').selectOption('NNUH');
    await member.getByLabel('Describe the interest').fill('Non-executive director');
    await click(member, 'Declare the interest');
    expect(await message(member)).toContain('Select what kind of interest it is');
    expect(await message(member)).toContain('Enter the day it started as a real date');
    expect(await member.getByLabel('Describe the interest').inputValue()).toBe('Non-executive director');
    await expectAccessible(member, 'the register with errors');

    await member.getByLabel('Director').check();
    await fillDate(member, 'from', '2024-04-01');
    await click(member, 'Declare the interest');
    expect(await message(member)).toContain('Interest declared');
    const mine = member.getByRole('table', { name: 'Your current interests', exact: true });
    expect(await mine.innerText()).toContain('Norfolk and Norwich University Hospitals NHS Foundation Trust');
    const published = member.getByRole('table', { name: /^Interests current on/ });
    expect(await published.innerText()).toContain('Peter Novak (LMC)');
    await expectAccessible(member, 'the register with an interest');
    await screenshot(member, 'register-of-interests');

    // The export link downloads the same register as CSV.
    const [download] = await Promise.all([member.waitForEvent('download'), member.getByRole('link', { name: 'Download the register (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^register-of-interests-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await (await fetch(`${web.url}/app/register.csv`, { headers: { cookie: (await member.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).text();
    expect(csv.split('\n')[0]).toBe('Name,Their organisation,Interest in,Organisation code,Kind,Description,From,To,Current,Withdrawn on,Withdrawn because');
    expect(csv).toContain('Peter Novak,LMC,Norfolk and Norwich University Hospitals NHS Foundation Trust,NNUH,directorship,Non-executive director,2024-04-01,,yes');

    // The chair sees it in the meeting's forecast: Peter Novak is conflicted on the NNUH bid.
    const chair = await signedInPage(web, ctx, 'sarah.collins');
    chair.setDefaultTimeout(30_000);
    await chair.goto(`${web.url}/app/meetings/${meetingId}`);
    await reloadUntil(chair, 'Quorum forecast');
    const forecast = chair.locator('section[aria-labelledby="forecast-heading"]');
    expect(await forecast.innerText()).toContain('Peter Novak (no reply): has a registered interest in Norfolk and Norwich University Hospitals NHS Foundation Trust');
    expect(await forecast.innerText()).toContain('At risk');
    await chair.getByLabel('I will attend').check();
    await click(chair, 'Send your reply');
    expect(await message(chair)).toContain('Reply sent');
    expect(await chair.locator('section[aria-labelledby="forecast-heading"]').innerText()).toContain('1 attending');
    await expectAccessible(chair, 'the meeting page with its forecast');
    await screenshot(chair, 'meeting-quorum-forecast');

    // At 320px the register still reads and works: withdraw the interest there.
    const narrow = await signedInPage(web, ctx, 'peter.novak', { width: 320 });
    narrow.setDefaultTimeout(30_000);
    await narrow.goto(`${web.url}/app/register`);
    const scrolls = await narrow.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
    expect(scrolls).toBe(false);
    await narrow.getByText('Withdraw your interest in Norfolk and Norwich University Hospitals NHS Foundation Trust').click();
    await narrow.getByLabel('Why are you withdrawing it?').fill('Stood down from the board');
    await click(narrow, 'Withdraw the interest');
    expect(await message(narrow)).toContain('Interest withdrawn');
    expect(await narrow.locator('main').innerText()).toContain('You have no current interests in the register.');
    expect(await narrow.getByRole('table', { name: 'Your interests that ended or were withdrawn', exact: true }).innerText()).toContain('Non-executive director');
    await expectAccessible(narrow, 'the register at 320px');
  }, 180_000);
});
