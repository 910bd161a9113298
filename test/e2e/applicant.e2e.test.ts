// A programme team's work in a real browser: writing a bid step by step, fixing mistakes,
// submitting it, a bid returned by intake and resubmitted, withdrawing one, and refusals.
import { describe, expect, it } from 'vitest';
import type { TestContext } from '../helpers/context.js';
import { reviewToAssembly, smallBid, submit } from '../helpers/lifecycle.js';
import { csrfOf, fillAbout, fillCosts, fillEvidence, fillPlan, fillReach, group, press, pressExpectingErrors, referenceOf, reloadUntil, row, textOf, writeBid } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, type Web, withBrowser } from './harness.js';

let ctx: TestContext;
let web: Web;
withBrowser((c, w) => ((ctx = c), (web = w)));

describe("a programme team's bids in the browser", () => {
  it('writes a bid step by step, fixes mistakes, changes an answer and submits it to the evaluation hub', async () => {
    const page = await signedInPage(web, ctx, 'amira.hassan');
    await page.goto(`${web.url}/app/bids/new`);
    expect(await page.locator('h1').innerText()).toBe('Submit a funding bid');
    await expectAccessible(page, 'the start page');

    await press(page, 'Start', /\/app\/bids\/drafts\/[^/]+\/about$/);
    const draftUrl = page.url().replace(/\/about$/, '');
    expect(await page.getByText('The bid is led by your organisation, Norfolk and Norwich University Hospitals').count()).toBe(1);
    await expectAccessible(page, 'step 1, about the bid');

    // A mistake: no title, and a date that does not exist. The rest is kept as typed.
    await fillAbout(page, { title: 'Community respiratory hubs', kind: 'New service' });
    await page.getByLabel('Title of the bid').fill('');
    await page.getByLabel('Day').fill('31');
    await page.getByLabel('Month').fill('2');
    await pressExpectingErrors(page, 'Continue');
    expect(await page.title()).toMatch(/^Error: About the bid/);
    expect(await message(page)).toBe('There is a problem Enter the title of the bid Start date must be a real date, for example, 1 4 2027');
    expect(await textOf(page.locator('#title-error'))).toBe('Error: Enter the title of the bid');
    expect(await textOf(page.locator('#startDate-error'))).toBe('Error: Start date must be a real date, for example, 1 4 2027');
    expect(await page.getByLabel('Summary').inputValue()).toContain('Respiratory nurses');
    expect(await group(page, /Which places/).getByLabel('Norwich').isChecked()).toBe(true);
    await expectAccessible(page, 'step 1 with errors');

    // The error summary leads to the field.
    await page.locator('.nhsuk-error-summary').getByRole('link', { name: 'Enter the title of the bid' }).click();
    await page.getByLabel('Title of the bid').fill('Community respiratory hubs');
    await page.getByLabel('Day').fill('1');
    await page.getByLabel('Month').fill('4');
    await press(page, 'Continue', /\/reach$/);
    await expectAccessible(page, 'step 2, ambitions and reach');

    // A number that is not one, on the next step.
    await fillReach(page);
    await page.getByLabel('How many people would it reach a year?').fill('about a thousand');
    await pressExpectingErrors(page, 'Continue');
    expect(await textOf(page.locator('#peopleReachedPerYear-error'))).toBe('Error: People reached a year must be a whole number, for example, 1400');
    await expectAccessible(page, 'step 2 with an error');

    // Back and forth: what was saved is there when you go back.
    await page.getByRole('link', { name: 'Back', exact: true }).click();
    await page.waitForURL(/\/about$/);
    expect(await page.getByLabel('Title of the bid').inputValue()).toBe('Community respiratory hubs');
    expect(await group(page, /Partner organisations/).getByLabel(/Queen Elizabeth Hospital/).isChecked()).toBe(true);
    await press(page, 'Continue', /\/reach$/);
    await fillReach(page);
    await press(page, 'Continue', /\/costs$/);
    await expectAccessible(page, 'step 3, costs');
    await page.locator('#costs-0--financialYear').selectOption({ index: 1 });
    await page.locator('#costs-0--recurrentPence').fill('eighty thousand');
    await pressExpectingErrors(page, 'Continue');
    expect(await textOf(page.locator('#costs-0--recurrentPence-error'))).toBe('Error: Enter the recurrent cost of year 1 in pounds, for example, 12,500 or 12,500.50');
    await expectAccessible(page, 'step 3 with an error');
    await fillCosts(page);
    await press(page, 'Continue', /\/evidence$/);
    await expectAccessible(page, 'step 4, evidence and evaluation');
    await fillEvidence(page, true);
    await press(page, 'Continue', /\/check$/);

    // The draft is listed, and is nobody else's.
    await page.goto(`${web.url}/app/bids`);
    expect(await page.locator('table', { hasText: 'Bids you have started' }).innerText()).toContain('Community respiratory hubs');
    const tom = await signedInPage(web, ctx, 'tom.fletcher');
    const theirs = await tom.goto(`${draftUrl}/check`);
    expect(theirs?.status()).toBe(404);
    expect(await tom.locator('main').innerText()).toContain('This draft was not found');

    // Check your answers, change one, and submit.
    await page.goto(`${draftUrl}/check`);
    expect(await page.locator('h1').innerText()).toContain('Check your answers before submitting your bid');
    expect(await row(page, 'Title').innerText()).toBe('Community respiratory hubs');
    expect(await row(page, 'Places').innerText()).toBe('Norwich\nNorth Norfolk');
    expect(await page.locator('table', { hasText: 'Costs by financial year' }).innerText()).toContain('£100,000');
    await expectAccessible(page, 'check your answers');
    await page.getByRole('link', { name: 'Change title' }).click();
    await page.waitForURL(/\/about\?return=check/);
    await page.getByLabel('Title of the bid').fill('Community respiratory hubs for COPD');
    await press(page, 'Continue', /\/check$/);
    expect(await row(page, 'Title').innerText()).toBe('Community respiratory hubs for COPD');

    await press(page, 'Submit bid', /\/app\/bids\/[A-Z]+-\d{4}-\d{4}$/);
    const reference = referenceOf(page);
    expect(await message(page)).toContain(`Bid ${reference} submitted: it is with the evaluation hub`);
    expect(await page.locator('h1').innerText()).toContain('Community respiratory hubs for COPD');
    expect(await row(page, 'State').innerText()).toBe('Evaluation hub review');
    await reloadUntil(page, /Review started: assigned to .+; due/);
    expect(await page.locator('.cp-timeline').innerText()).toContain('Intake checks passed: sent to the evaluation hub');
    expect(await page.getByText("Download this bid's trail (CSV)").count()).toBe(0);
    await expectAccessible(page, 'the bid page');
    await screenshot(page, 'applicant-bid');

    // The draft became the bid: it is gone from the drafts, and the bid is in the list.
    await page.goto(`${web.url}/app/bids`);
    expect(await page.locator('h1').innerText()).toBe("Your organisation's bids");
    expect(await page.getByRole('heading', { name: 'Your drafts' }).count()).toBe(0);
    const listed = page.locator('tr', { hasText: reference });
    expect(await listed.innerText()).toContain('Community respiratory hubs for COPD');
    expect(await listed.innerText()).toContain('Evaluation hub review');
    await expectAccessible(page, 'the bids list');

    // A second click on the gone draft finds the bid it became rather than a second bid.
    const again = await page.request.post(`${draftUrl}/submit`, { form: { _csrf: await csrfOf(page) }, headers: { origin: web.url }, maxRedirects: 0 });
    expect(again.status()).toBe(303);
    expect(again.headers().location).toBe(`/app/bids/${reference}`);
  });

  it('shows a pilot without an evaluation plan returned with what is missing, and resubmits it complete', async () => {
    const page = await signedInPage(web, ctx, 'amira.hassan');
    await writeBid(page, web.url, { title: 'Falls prevention pilot in care homes', kind: 'Pilot' }, false);
    expect(await page.locator('.nhsuk-warning-callout').innerText()).toContain('A pilot must carry an evaluation plan');
    await expectAccessible(page, 'check your answers with a warning');

    await press(page, 'Submit bid', /\/app\/bids\/[A-Z]+-\d{4}-\d{4}$/);
    const reference = referenceOf(page);
    expect(await message(page)).toContain(`Bid ${reference} returned: information missing`);
    expect(await message(page)).toContain('a pilot must carry an evaluation plan');
    expect(await row(page, 'State').innerText()).toBe('Returned: information missing');
    const missing = page.locator('.nhsuk-warning-callout', { hasText: 'What is missing' });
    expect(await missing.innerText()).toContain('A pilot must carry an evaluation plan');
    await expectAccessible(page, 'a returned bid');

    // Resubmit: the same steps, starting from the bid as submitted.
    await press(page, 'Resubmit the bid', /\/about$/);
    expect(await page.locator('h1').innerText()).toContain(`Resubmitting bid ${reference}`);
    expect(await page.getByLabel('Title of the bid').inputValue()).toBe('Falls prevention pilot in care homes');
    await expectAccessible(page, 'a resubmission, step 1');
    await press(page, 'Continue', /\/reach$/);
    await expectAccessible(page, 'a resubmission, step 2');
    await press(page, 'Continue', /\/costs$/);
    expect(await page.locator('#costs-0--recurrentPence').inputValue()).toBe('80000');
    await expectAccessible(page, 'a resubmission, step 3');
    await press(page, 'Continue', /\/evidence$/);
    await expectAccessible(page, 'a resubmission, step 4');
    await fillPlan(page);
    await press(page, 'Continue', /\/check$/);
    expect(await page.locator('.nhsuk-warning-callout').count()).toBe(0);
    await expectAccessible(page, 'check your answers of a resubmission');

    await press(page, 'Resubmit bid', new RegExp(`/app/bids/${reference}$`));
    expect(await message(page)).toContain(`Bid ${reference} resubmitted: it is back with the evaluation hub`);
    expect(await row(page, 'State').innerText()).toBe('Evaluation hub review');
    expect(await page.locator('.cp-timeline').innerText()).toContain('Bid resubmitted');
    await expectAccessible(page, 'a resubmitted bid');

    await page.goto(`${web.url}/app/bids`);
    expect(await page.locator('tbody tr', { hasText: 'Evaluation hub review' }).count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'applicant-bids');
  });

  it('withdraws a bid with a reason, after refusing a withdrawal without one', async () => {
    const reference = await submit(ctx, smallBid({ title: 'Frailty virtual ward in West Norfolk' }));
    const page = await signedInPage(web, ctx, 'amira.hassan');
    await page.goto(`${web.url}/app/bids/${reference}`);
    await reloadUntil(page, 'Withdraw this bid');
    await page.getByRole('link', { name: 'Withdraw this bid' }).click();
    await page.waitForURL(/\/withdraw$/);
    expect(await page.locator('h1').innerText()).toContain(`Withdraw bid ${reference}`);
    expect(await page.locator('.nhsuk-warning-callout').innerText()).toContain('You cannot undo this');
    await expectAccessible(page, 'the withdraw page');

    await pressExpectingErrors(page, 'Withdraw bid');
    expect(await message(page)).toContain('Enter why you are withdrawing the bid');
    expect(await textOf(page.locator('#reason-error'))).toBe('Error: Enter why you are withdrawing the bid');
    await expectAccessible(page, 'the withdraw page with an error');

    await page.getByLabel('Why are you withdrawing the bid?').fill('The service will be funded from the trust’s own budget instead.');
    await press(page, 'Withdraw bid', new RegExp(`/app/bids/${reference}$`));
    expect(await message(page)).toContain(`Bid ${reference} withdrawn`);
    expect(await row(page, 'State').innerText()).toBe('Withdrawn');
    expect(await page.locator('main').innerText()).toContain('funded from the trust’s own budget instead');
    expect(await page.getByRole('link', { name: 'Withdraw this bid' }).count()).toBe(0);
    await expectAccessible(page, 'a withdrawn bid');

    // The list filters by state: only the withdrawn bid is withdrawn.
    await page.goto(`${web.url}/app/bids`);
    await page.getByLabel('State').selectOption({ label: 'Withdrawn' });
    await press(page, 'Apply filters', /\?state=WITHDRAWN&/);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(reference);
    await expectAccessible(page, 'the bids list, filtered');
  });

  it('keeps a draft to carry on with later, and deletes it when asked', async () => {
    const page = await signedInPage(web, ctx, 'amira.hassan');
    await page.goto(`${web.url}/app/bids/new`);
    await press(page, 'Start', /\/about$/);
    await fillAbout(page, { title: 'Social prescribing for long-term pain', kind: 'Expansion of an existing service' });
    await press(page, 'Continue', /\/reach$/);

    await page.goto(`${web.url}/app/bids`);
    const drafts = page.locator('table', { hasText: 'Bids you have started' });
    expect(await drafts.innerText()).toContain('Social prescribing for long-term pain');
    await expectAccessible(page, 'the bids list with a draft');
    await page.getByRole('link', { name: 'Continue Social prescribing for long-term pain' }).click();
    await page.waitForURL(/\/reach$/);

    // Sent unfinished (only a crafted post can), the whole bid is checked: each error leads to its step and field.
    await page.locator('main form').evaluate((form: { action: string; submit(): void }) => {
      form.action = form.action.replace(/\/reach$/, '/submit');
      form.submit();
    });
    await page.waitForURL(/\/submit$/);
    expect(await page.title()).toMatch(/^Error: Check your answers/);
    const toStep = page.locator('.nhsuk-error-summary').getByRole('link', { name: 'Choose the ambition the bid mainly serves' });
    expect(await toStep.getAttribute('href')).toMatch(/\/drafts\/[^/]+\/reach\?return=check#primaryAmbition$/);
    await expectAccessible(page, 'check your answers with errors');

    await page.goto(`${web.url}/app/bids`);
    await page.getByRole('link', { name: 'Delete Social prescribing for long-term pain' }).click();
    await page.waitForURL(/\/delete$/);
    expect(await page.locator('h1').innerText()).toContain('Are you sure you want to delete this draft?');
    await expectAccessible(page, 'the delete draft page');
    await press(page, 'Delete draft', /\/app\/bids$/);
    expect(await message(page)).toContain('Draft deleted');
    expect(await page.getByRole('heading', { name: 'Your drafts' }).count()).toBe(0);
  });

  it("shows a scored bid's clinical score and how it got there", async () => {
    const reference = await submit(ctx, smallBid({ title: 'Heart failure nurse specialists' }));
    await reviewToAssembly(ctx, reference);
    const page = await signedInPage(web, ctx, 'amira.hassan');
    await page.goto(`${web.url}/app/bids/${reference}`);
    await reloadUntil(page, /Scored [\d.]+ out of 100/);
    expect(await row(page, 'State').innerText()).toBe('Waiting for the CCP Assembly');
    const score = page.locator('section', { has: page.getByRole('heading', { name: 'Clinical score' }) });
    expect(await score.innerText()).toMatch(/Benefit score\s+[\d.]+ out of 100/);
    const story = await page.locator('.cp-timeline').innerText();
    expect(story).toContain('Review completed: recommends ready for scoring');
    expect(story).toMatch(/Rating of evidence quality: 4 out of 5/);
    await expectAccessible(page, 'a scored bid');
  });

  it("lets staff declare an interest, and finance download the bid's trail", async () => {
    const reference = await submit(ctx, smallBid({ title: 'Community diabetes prevention' }));
    const page = await signedInPage(web, ctx, 'claire.dawson');
    await page.goto(`${web.url}/app/bids`);
    expect(await page.locator('h1').innerText()).toBe('Bids');
    expect(await page.getByRole('link', { name: 'Start a new bid' }).count()).toBe(0);
    await expectAccessible(page, "finance's bids list");

    await page.goto(`${web.url}/app/bids/${reference}`);
    await reloadUntil(page, 'Declare an interest in this bid');
    expect(await page.getByRole('link', { name: "Download this bid's trail (CSV)" }).getAttribute('href')).toBe(`/app/trail/export.csv?reference=${reference}`);
    await page.getByRole('link', { name: 'Declare an interest in this bid' }).click();
    await page.waitForURL(/\/interest$/);
    await expectAccessible(page, 'the declare an interest page');
    await pressExpectingErrors(page, 'Declare interest');
    expect(await textOf(page.locator('#nature-error'))).toBe('Error: Describe your interest in the bid');
    await expectAccessible(page, 'the declare an interest page with an error');

    await page.getByLabel('What is your interest?').fill('My partner leads the diabetes prevention team at NNUH.');
    await press(page, 'Declare interest', new RegExp(`/app/bids/${reference}$`));
    expect(await message(page)).toContain(`Interest declared in bid ${reference}`);
    await reloadUntil(page, 'My partner leads the diabetes prevention team at NNUH.');
    expect(await page.locator('.cp-timeline').innerText()).toContain('Claire Dawson, ICB finance');
    expect(await page.getByRole('link', { name: 'Declare an interest in this bid' }).count()).toBe(0);
    await expectAccessible(page, 'the bid page after declaring an interest');
  });

  it("refuses a partner's withdrawal in the workflow's own words, and another organisation's view with a clear 403", async () => {
    const reference = await submit(ctx, smallBid({ title: 'Stroke early supported discharge', partnerOrganisations: ['QEH'] }));

    const tom = await signedInPage(web, ctx, 'tom.fletcher');
    await tom.goto(`${web.url}/app/bids/${reference}`);
    expect(await tom.locator('h1').innerText()).toContain('Stroke early supported discharge');
    expect(await tom.getByRole('link', { name: 'Withdraw this bid' }).count()).toBe(0);
    await expectAccessible(tom, "a partner's view of the bid");
    await tom.goto(`${web.url}/app/bids/${reference}/withdraw`);
    await tom.getByLabel('Why are you withdrawing the bid?').fill('We no longer want to take part.');
    await press(tom, 'Withdraw bid', new RegExp(`/app/bids/${reference}$`));
    expect(await message(tom)).toContain("You cannot do this Only the lead organisation's programme team (NNUH) may withdraw it");
    expect(await row(tom, 'State').innerText()).not.toBe('Withdrawn');
    await expectAccessible(tom, 'the bid page with a refusal');

    const grace = await signedInPage(web, ctx, 'grace.okafor');
    const refused = await grace.goto(`${web.url}/app/bids/${reference}`);
    expect(refused?.status()).toBe(403);
    expect(await grace.locator('h1').innerText()).toBe('You cannot do this');
    expect(await grace.locator('main').innerText()).toContain(`You may not see bid ${reference}: it is not your organisation's`);
    expect(await grace.locator('main').innerText()).not.toContain('Stroke early supported discharge');
    await expectAccessible(grace, 'the 403 page');
  });
});
