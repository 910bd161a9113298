// The evaluation hub and the CCP Assembly in a real browser: the queue, a review recorded a step
// at a time, moderation, conflicts of interest refused, chair's action, and a meeting from
// scheduling to a decision, with its quorum shown live. Bids get to each page through the API.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/db/demo.js';
import type { BidStatus } from '../../src/shared.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { json } from '../helpers/fixtures.js';
import { largeBid, QUORATE, recorded, review, reviewToAssembly, smallBid, submit, waitForBid } from '../helpers/lifecycle.js';
import { click, dayFromNow, fillDate, group, recordAttendance } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, startWeb, type Web } from './harness.js';

let ctx: TestContext;
let web: Web;

/** Bids brought to the page each test is about. */
const bids = { form: '', divergent: '', openPlace: '', escalated: '', assembly: '' };
/** Who the service assigned to the bid reviewed in the browser, and who left the open place. */
let formEvaluator = '';
let leftOpen = '';

const inReview = (s: BidStatus) => s.state === 'HUB_REVIEW' && !!s.review;

beforeAll(async () => {
  ctx = await createTestContext();
  web = await startWeb(ctx);

  // These two first, one after the other, so the least loaded evaluators take them: neither is the
  // hub lead, who must stay free of conflicts to assign the open place.
  bids.form = await submit(ctx, smallBid());
  formEvaluator = (await waitForBid(ctx, bids.form, inReview, 'hub review')).review!.reviews[0]!.evaluator.id;
  // Its evaluator declares an interest, so their place opens.
  bids.openPlace = await submit(ctx, smallBid());
  leftOpen = (await waitForBid(ctx, bids.openPlace, inReview, 'hub review')).review!.reviews[0]!.evaluator.id;
  expect([formEvaluator, leftOpen]).not.toContain('rachel.green');
  const declared = await ctx.api(leftOpen, `/bids/${bids.openPlace}/interests`, json({ nature: 'My partner leads the service at QEH' }));
  expect(declared.status).toBe(200);

  await Promise.all([
    (async () => {
      // £390,000: two evaluators, whose evidence quality ratings are 4 apart.
      bids.divergent = await submit(ctx, largeBid());
      const [first, second] = (await waitForBid(ctx, bids.divergent, inReview, 'hub review')).review!.reviews;
      await review(ctx, bids.divergent, first!.evaluator.id, { evidence_quality: 1, deliverability: 4, quality_and_safety: 4 });
      await review(ctx, bids.divergent, second!.evaluator.id, { evidence_quality: 5, deliverability: 4, quality_and_safety: 4 });
      await waitForBid(ctx, bids.divergent, (s) => s.review?.phase === 'moderation', 'moderation');
    })(),
    waitForBid(ctx, bids.openPlace, (s) => s.review?.reviews.length === 0, 'an open place'),

    (async () => {
      // Risk of not funding 4 x 4 = 16: a safety escalation.
      bids.escalated = await submit(ctx, smallBid({ riskOfNotFunding: { likelihood: 4, impact: 4 } }));
      await reviewToAssembly(ctx, bids.escalated);
      await waitForBid(ctx, bids.escalated, (s) => !!s.assembly.chairsActionDeadline, "the chair's action window");
    })(),
    (async () => {
      bids.assembly = await submit(ctx, smallBid({ title: 'Community respiratory hubs for winter' }));
      await reviewToAssembly(ctx, bids.assembly);
    })(),
  ]);
}, 180_000);

afterAll(async () => {
  await web?.close();
  await ctx?.close();
});

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ');

describe('the evaluation hub', () => {
  it('keeps an evaluator\'s answers in one form as a draft, with or without JavaScript, and records the review once it is submitted whole', async () => {
    const page = await signedInPage(web, ctx, formEvaluator);
    await page.goto(`${web.url}/app/reviews`);
    const row = page.getByRole('row').filter({ hasText: bids.form });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(/Assigned to you Due \d{1,2} [A-Z][a-z]+ \d{4}/);
    await expectAccessible(page, 'the review queue');
    await screenshot(page, 'evaluator-queue');

    await row.getByRole('link', { name: `Review ${bids.form}` }).click();
    await page.waitForURL(`${web.url}/app/bids/${bids.form}/review`);
    expect(await page.locator('h1').innerText()).toContain(bids.form);
    // The bid's evidence and evaluation plan beside the form.
    expect(await page.getByRole('complementary', { name: 'Evidence and evaluation plan' }).count()).toBe(1);
    expect(await text(page, 'aside')).toContain('Interrupted time series against the 24 months before launch');
    // One form: one Save draft button and one Submit button for all the steps and ratings.
    expect(await page.getByRole('button', { name: 'Save draft', exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Submit your review', exact: true }).count()).toBe(1);
    await expectAccessible(page, 'the review form');

    // With JavaScript, the form saves itself as the evaluator types: no button pressed.
    await page.getByLabel('Comments on data availability').fill('Maternity services data set is available monthly');
    await page.locator('[data-autosave-status]', { hasText: /^Draft saved at / }).waitFor({ timeout: 30_000 });
    await page.reload();
    expect(await page.getByLabel('Comments on data availability').inputValue()).toBe('Maternity services data set is available monthly');

    // Without JavaScript, by the form's own Save draft button: two sections filled, one of them
    // only in part, then one save; after a reload both are there as typed.
    const plain = await signedInPage(web, ctx, formEvaluator, { javaScriptEnabled: false });
    await plain.goto(`${web.url}/app/bids/${bids.form}/review`);
    await group(plain, /Your assessment of evaluation design/).getByLabel('Adequate', { exact: true }).check();
    await plain.getByLabel('Comments on evaluation design').fill('Interrupted time series with a credible comparator');
    await group(plain, /Rating for evidence quality/).getByLabel('4', { exact: true }).check();
    await click(plain, 'Save draft');
    expect(await message(plain)).toContain('Draft saved');
    await plain.reload();
    expect(await group(plain, /Your assessment of evaluation design/).getByLabel('Adequate', { exact: true }).isChecked()).toBe(true);
    expect(await plain.getByLabel('Comments on evaluation design').inputValue()).toBe('Interrupted time series with a credible comparator');
    expect(await group(plain, /Rating for evidence quality/).getByLabel('4', { exact: true }).isChecked()).toBe(true);
    expect(await plain.getByLabel('Comments on data availability').inputValue()).toBe('Maternity services data set is available monthly');
    await plain.context().close();
    // A draft is not a record: the bid's workflow holds none of it yet.
    const before = await waitForBid(ctx, bids.form, inReview, 'hub review');
    expect(before.review!.reviews[0]!.steps).toEqual({});

    // Submitting an incomplete review names everything still to do, and loses nothing.
    await page.reload();
    await click(page, 'Submit your review');
    expect(await page.title()).toMatch(/^Error: Review /);
    const problems = await message(page);
    expect(problems).toContain('Enter your rationale for the evidence quality rating');
    expect(problems).toContain('Select your assessment of outcome measures');
    expect(problems).toContain('Select whether the bid is ready for scoring or not supported');
    expect(problems).not.toContain('evaluation design');
    expect(await text(page, '#evidence_quality-rationale-error')).toBe('Error: Enter your rationale for the evidence quality rating');
    expect(await group(page, /Rating for evidence quality/).getByLabel('4', { exact: true }).isChecked()).toBe(true);
    await expectAccessible(page, 'the review form with errors');

    const steps = [
      ['outcome measures', 'Needs work', 'Add a 12-week quit rate alongside the 4-week one'],
      ['data availability', 'Adequate', 'Maternity services data set is available monthly'],
    ] as const;
    for (const [step, assessment, comments] of steps) {
      await group(page, new RegExp(`Your assessment of ${step}`)).getByLabel(assessment, { exact: true }).check();
      await page.getByLabel(`Comments on ${step}`).fill(comments);
    }
    const ratings = [
      ['evidence quality', '4', 'NICE guidance supports opt-out referral at booking'],
      ['deliverability', '3', 'Recruitment of specialist advisers is the main risk'],
      ['quality and safety', 'Not applicable', 'A behavioural service: no clinical safety risk to weigh'],
    ] as const;
    for (const [criterion, rating, rationale] of ratings) {
      await group(page, new RegExp(`Rating for ${criterion}`)).getByLabel(rating, { exact: true }).check();
      await page.getByLabel(`Rationale for the ${criterion} rating`).fill(rationale);
    }
    await page.getByLabel('Ready for scoring').check();
    await screenshot(page, 'evaluator-review');
    await click(page, 'Submit your review');
    expect(new URL(page.url()).pathname).toBe('/app/reviews');
    expect(await message(page)).toContain(`Review of ${bids.form} completed`);
    expect(await page.getByRole('row').filter({ hasText: bids.form }).count()).toBe(0);

    const done = await waitForBid(ctx, bids.form, (s) => s.state === 'AWAITING_ASSEMBLY', 'the Assembly');
    expect(done.review!.reviews[0]!.ratings).toMatchObject({ evidence_quality: { rating: 4 }, deliverability: { rating: 3 }, quality_and_safety: { rating: null } });
    expect(done.review!.reviews[0]!.steps.outcome_measures).toMatchObject({ assessment: 'needs_work', comments: 'Add a 12-week quit rate alongside the 4-week one' });
    expect(done.review!.reviews[0]!.steps.evaluation_design).toMatchObject({ assessment: 'adequate', comments: 'Interrupted time series with a credible comparator' });

    // Coming back to the review later, the page says where the bid went.
    await page.goto(`${web.url}/app/bids/${bids.form}/review`);
    expect(await text(page, 'main')).toContain('This bid is no longer in evaluation hub review. Where it is now: Waiting for the CCP Assembly.');
    await expectAccessible(page, 'the review page after the review');
  }, 180_000);

  it('has the hub lead moderate divergent ratings, seeing both originals side by side', async () => {
    const page = await signedInPage(web, ctx, 'rachel.green');
    await page.goto(`${web.url}/app/reviews`);
    const row = page.getByRole('row').filter({ hasText: bids.divergent });
    expect(await row.innerText()).toContain('Waiting for moderation');
    await row.getByRole('link', { name: `Moderate ${bids.divergent}` }).click();

    expect(await page.locator('main').innerText()).toContain('Evidence quality: ratings 1 and 5 differ by 3 or more');
    const originals = (await page.getByRole('table').innerText()).replace(/\s+/g, ' ');
    const evaluators = (await recorded(ctx, bids.divergent))!.review!.reviews.map((r) => r.evaluator.name);
    expect(originals).toContain(`Criterion ${evaluators[0]} ${evaluators[1]}`);
    expect(originals).toMatch(/Evidence quality 1 rated 1 5 rated 5/);
    await expectAccessible(page, 'the moderation form');
    await screenshot(page, 'hub-lead-moderation');

    await click(page, 'Record moderation');
    const problems = await message(page);
    expect(problems).toContain('Enter a moderated rating for evidence quality, or select not applicable');
    expect(problems).toContain('Select your decision');
    expect(problems).toContain('Enter comments explaining your decision');
    await expectAccessible(page, 'the moderation form with errors');

    await page.getByRole('group', { name: 'Evidence quality' }).getByLabel('Moderated rating').fill('3.75');
    await page.getByRole('group', { name: 'Deliverability' }).getByLabel('Moderated rating').fill('4');
    await page.getByRole('group', { name: 'Quality and safety' }).getByLabel('Not applicable').check();
    await page.getByLabel('Ready for scoring').check();
    await page.getByLabel('Comments').fill('NICE guidance applies, but the local evaluation is thin: 3.75');
    await click(page, 'Record moderation');
    expect(await message(page)).toContain(`Moderation of ${bids.divergent} recorded`);

    const moderated = await waitForBid(ctx, bids.divergent, (s) => !!s.review?.moderation?.outcome, 'moderated');
    expect(moderated.review!.moderation!.outcome).toMatchObject({
      by: { id: 'rachel.green' },
      ratings: { evidence_quality: 3.75, deliverability: 4, quality_and_safety: null },
      decision: 'ready',
    });
    await page.goto(`${web.url}/app/bids/${bids.divergent}/moderate`);
    expect(await text(page, 'main')).toContain('Moderated Moderated by Rachel Green');
    await expectAccessible(page, 'the moderation page once moderated');
  }, 120_000);

  it('refuses an evaluator from the lead organisation, whether they take the open place or are assigned to it', async () => {
    const joseph = await signedInPage(web, ctx, 'joseph.mensah');
    await joseph.goto(`${web.url}/app/reviews`);
    expect(await joseph.locator('main').innerText()).toContain('There is nothing in your queue');
    await expectAccessible(joseph, 'an empty review queue');

    await joseph.goto(`${web.url}/app/bids/${bids.openPlace}/review`);
    await click(joseph, 'Take this review');
    expect(await message(joseph)).toBe(
      "Important You have a conflict of interest Joseph Mensah may not review this bid: belongs to NNUH, the bid's lead organisation",
    );
    await expectAccessible(joseph, 'the review page with a refusal');

    const lead = await signedInPage(web, ctx, 'rachel.green');
    await lead.goto(`${web.url}/app/bids/${bids.openPlace}/review`);
    await lead.getByLabel('Evaluator', { exact: true }).selectOption('joseph.mensah');
    await click(lead, 'Assign evaluator');
    expect(await message(lead)).toBe("Important This was refused Joseph Mensah may not review this bid: belongs to NNUH, the bid's lead organisation");

    // Someone without a conflict finds the open place in their queue and takes it.
    const free = ['daniel.price', 'helen.wright', 'priya.shah'].find((id) => id !== leftOpen)!;
    const evaluator = await signedInPage(web, ctx, free);
    await evaluator.goto(`${web.url}/app/reviews`);
    const row = evaluator.getByRole('row').filter({ hasText: bids.openPlace });
    expect(await row.innerText()).toContain('A review place is open');
    await row.getByRole('link', { name: `Take a place ${bids.openPlace}` }).click();
    await click(evaluator, 'Take this review');
    expect(await message(evaluator)).toContain('You have taken this review');
    expect(await evaluator.getByRole('heading', { name: 'Review steps' }).count()).toBe(1);
    const taken = await waitForBid(ctx, bids.openPlace, (s) => s.review?.reviews.length === 1, 'taken');
    expect(taken.review!.reviews[0]!.evaluator.id).toBe(free);
  }, 120_000);

  it('turns away people outside the hub with a clear page', async () => {
    const page = await signedInPage(web, ctx, 'amira.hassan');
    const res = await page.goto(`${web.url}/app/reviews`);
    expect(res!.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('You cannot do this');
    expect(await page.locator('main').innerText()).toContain('Only evaluator or hub_lead may see the review queue');
    await expectAccessible(page, 'the 403 page');
  });
});

describe('overdue reviews', () => {
  let late: TestContext;
  let lateWeb: Web;
  beforeAll(async () => {
    late = await createTestContext({ env: { DEADLINE_HUB_REVIEW: '2s' } });
    lateWeb = await startWeb(late);
  }, 180_000);
  afterAll(async () => {
    await lateWeb?.close();
    await late?.close();
  });

  it('says in words that a review is overdue and that its deadline was breached', async () => {
    const reference = await submit(late, smallBid());
    const breached = await waitForBid(late, reference, (s) => !!s.review?.deadline?.breached, 'a breached deadline');
    const page = await signedInPage(lateWeb, late, breached.review!.reviews[0]!.evaluator.id);
    await page.goto(`${lateWeb.url}/app/reviews`);
    expect((await page.getByRole('row').filter({ hasText: reference }).innerText()).replace(/\s+/g, ' ')).toMatch(/Overdue since \d{1,2} [A-Z][a-z]+ \d{4}/);
    await page.getByRole('link', { name: `Review ${reference}` }).click();
    expect(await page.locator('main').innerText()).toContain('The deadline was breached and the hub lead told. The review carries on.');
    await expectAccessible(page, 'the review form past its deadline');
  }, 120_000);

  it("shows the hub lead every review in progress, overdue first, with each evaluator's load, and lets her reassign one", async () => {
    const reference = await submit(late, smallBid({ title: 'Falls prevention in care homes' }));
    const breached = await waitForBid(late, reference, (s) => !!s.review?.deadline?.breached, 'a breached deadline');
    const from = breached.review!.reviews[0]!.evaluator;
    const to = ['daniel.price', 'helen.wright', 'priya.shah'].find((id) => id !== from.id)!;
    const toName = DEMO_USERS.find((u) => u.id === to)!.name;

    // The hub lead starts at the reviews in progress.
    const lead = await signedInPage(lateWeb, late, 'rachel.green');
    expect(new URL(lead.url()).pathname).toBe('/app/hub');
    expect(await lead.locator('h1').innerText()).toBe('Reviews in progress');
    const row = lead.getByRole('row').filter({ hasText: reference });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toMatch(new RegExp(`${from.name}: in progress Overdue since \\d{1,2} [A-Z][a-z]+ \\d{4} Under review Reassign`));
    // Overdue first: no bid that is on time comes before an overdue one.
    const deadlines = await lead.getByRole('region', { name: 'Reviews in progress, overdue first' }).locator('tbody tr td:nth-child(3)').allInnerTexts();
    const firstOnTime = deadlines.findIndex((d) => !d.includes('Overdue'));
    expect(firstOnTime === -1 || deadlines.slice(firstOnTime).every((d) => !d.includes('Overdue'))).toBe(true);
    const load = lead.getByRole('region', { name: "Each evaluator's load" }).getByRole('row').filter({ hasText: from.name });
    expect(Number((await load.locator('td').first().innerText()).trim())).toBeGreaterThanOrEqual(1);
    expect(Number((await load.locator('td').nth(1).innerText()).trim())).toBeGreaterThanOrEqual(1);
    await expectAccessible(lead, "the hub lead's reviews in progress");
    await screenshot(lead, 'hub-lead-reviews');

    await row.getByRole('link', { name: `Reassign ${reference}` }).click();
    await lead.waitForURL(`${lateWeb.url}/app/hub/assign/${reference}`);
    await expectAccessible(lead, 'the assign page');
    // Nothing chosen: the error says what to do.
    await click(lead, 'Assign evaluator');
    expect(await message(lead)).toContain('Select the evaluator to assign');
    await lead.getByLabel('Evaluator', { exact: true }).selectOption(to);
    await lead.getByLabel('In place of').selectOption(from.id);
    await click(lead, 'Assign evaluator');
    expect(new URL(lead.url()).pathname).toBe('/app/hub');
    expect(await message(lead)).toContain(`Review of ${reference} assigned`);
    const after = await waitForBid(late, reference, (s) => s.review?.reviews.some((r) => r.evaluator.id === to) === true, 'the reassignment');
    expect(after.review!.reviews.map((r) => r.evaluator.id)).toEqual([to]);
    await lead.reload();
    expect(await lead.getByRole('row').filter({ hasText: reference }).innerText()).toContain(`${toName}: in progress`);
  }, 120_000);
});

describe('the CCP Assembly', () => {
  async function schedule(admin: Page, day: string, title: string): Promise<string> {
    await admin.goto(`${web.url}/app/meetings/new`);
    await fillDate(admin, 'when', day);
    await admin.getByLabel('Start time').fill('14:00');
    await admin.getByLabel('Title (optional)').fill(title);
    await click(admin, 'Schedule the meeting');
    expect(await message(admin)).toContain('Meeting scheduled');
    return admin.url();
  }

  it("lets the chair act on a safety escalation between meetings", async () => {
    const chair = await signedInPage(web, ctx, 'sarah.collins');
    await chair.goto(`${web.url}/app/meetings`);
    await chair.getByRole('link', { name: new RegExp(`^${bids.escalated}`) }).click();
    expect(await chair.locator('main').innerText()).toContain('Yes: the risk of not funding it is 15 or more');
    await expectAccessible(chair, "the chair's action page");

    await chair.getByLabel('Supported with conditions').check();
    await click(chair, "Record chair's action");
    expect(await message(chair)).toBe('There is a problem Enter the conditions, one on each line Enter the reason for the record');
    await expectAccessible(chair, "the chair's action page with errors");

    await chair.getByRole('textbox', { name: 'Conditions' }).fill('Report admissions avoided monthly\n\nReview at the next meeting');
    await chair.getByRole('textbox', { name: 'Reason' }).fill('Winter pressures: patients at risk before the next meeting');
    await click(chair, "Record chair's action");
    expect(await message(chair)).toContain("Chair's action recorded");
    const taken = (await chair.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(taken).toContain("Chair's action taken");
    expect(taken).toContain('Waiting for the next meeting to ratify it');
    await expectAccessible(chair, "the chair's action page once taken");
    const acted = await waitForBid(ctx, bids.escalated, (s) => s.assembly.ratification === 'pending', 'pending ratification');
    expect(acted.assembly.chairsAction).toMatchObject({ outcome: 'supported_with_conditions', conditions: ['Report admissions avoided monthly', 'Review at the next meeting'] });
  }, 120_000);

  it('meets: scheduled, agenda closed, opened, attendance, votes, a refused vote, live quorum, a decision', async () => {
    const admin = await signedInPage(web, ctx, 'ian.thompson');
    await admin.goto(`${web.url}/app/meetings`);
    await expectAccessible(admin, 'the meetings list');
    await admin.getByRole('button', { name: 'Schedule a meeting' }).click();
    await expectAccessible(admin, 'the new meeting form');
    await click(admin, 'Schedule the meeting');
    expect(await message(admin)).toBe('There is a problem Enter the date of the meeting Enter the time the meeting starts, for example 14:00');
    await expectAccessible(admin, 'the new meeting form with errors');

    // A meeting that is cancelled, and the one that meets.
    const cancelledUrl = await schedule(admin, dayFromNow(46), 'CCP Assembly (storm date)');
    await click(admin, 'Cancel the meeting');
    expect(await message(admin)).toContain('Enter why the meeting is cancelled');
    await admin.getByLabel('Why is the meeting cancelled?').fill('Storm warning: the venue is closed');
    await click(admin, 'Cancel the meeting');
    expect(await text(admin, 'main')).toContain('State Cancelled');
    expect(admin.url()).toBe(cancelledUrl);
    await expectAccessible(admin, 'a cancelled meeting');

    const meetingUrl = await schedule(admin, dayFromNow(45), 'CCP Assembly (e2e)');
    expect(new URL(meetingUrl).pathname).toBe(`/app/meetings/ccpa-${dayFromNow(45)}`);
    expect(await text(admin, 'main')).toContain('State Scheduled: agenda open');
    await expectAccessible(admin, 'a scheduled meeting');

    const chair = await signedInPage(web, ctx, 'sarah.collins');
    await chair.goto(meetingUrl);
    await click(chair, 'Close the agenda now');
    expect(await message(chair)).toContain('Agenda closed');
    const agenda = (await chair.getByRole('table', { name: 'Items in agenda order' }).innerText()).replace(/\s+/g, ' ');
    expect(agenda).toContain(`${bids.escalated} `);
    expect(agenda).toContain("Ratification of chair's action");
    expect(agenda).toContain(`${bids.assembly} Community respiratory hubs for winter Decision`);
    await expectAccessible(chair, 'a meeting with its agenda closed');

    await click(chair, 'Open the meeting');
    expect(await text(chair, 'main')).toContain('State In session');
    await expectAccessible(chair, 'an open meeting');
    await recordAttendance(chair, meetingUrl, [...QUORATE, 'james.lee']);

    await chair.getByRole('link', { name: bids.assembly, exact: true }).click();
    const itemUrl = chair.url();
    const quorum = () => text(chair, '#quorum');
    expect(await quorum()).toContain('Quorate Voting members present without a conflict 7 (5 needed, of a membership of 10)');
    expect(await quorum()).toContain('Conflicted Fiona Walsh, Dr James Lee');
    expect(await text(chair, 'main')).toContain("Dr James Lee: Norfolk and Norwich University Hospitals NHS Foundation Trust, the lead organisation");

    // A member votes; a member from the lead organisation is refused in the workflow's words.
    const peter = await signedInPage(web, ctx, 'peter.novak');
    await peter.goto(itemUrl);
    await peter.getByLabel('Support', { exact: true }).check();
    await click(peter, 'Cast your vote');
    expect(await message(peter)).toContain('Your vote is recorded');
    expect(await text(peter, 'main')).toContain('You voted: support.');

    const james = await signedInPage(web, ctx, 'james.lee');
    await james.goto(itemUrl);
    await james.getByLabel('Support', { exact: true }).check();
    await click(james, 'Cast your vote');
    expect(await message(james)).toBe(`Important You have a conflict of interest Dr James Lee may not vote on ${bids.assembly}: belongs to NNUH, the bid's lead organisation`);
    await expectAccessible(james, 'the item page with a refused vote');

    // Attendance changes in the chair's window; the member's page follows without a reload.
    await peter.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    const chairsMeeting = await chair.context().newPage();
    await recordAttendance(chairsMeeting, meetingUrl, ['sarah.collins', 'mark.osei', 'peter.novak', 'omar.farouk']);
    await peter.locator('#quorum', { hasText: 'Not quorate' }).waitFor();
    expect(await text(peter, '#quorum')).toContain('It is not quorate because: 4 of the 5 voting members needed are present without a conflict');
    expect(await text(peter, '#quorum')).toContain('Votes 1 support, 0 do not support, 0 abstain');
    expect(await peter.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await recordAttendance(chairsMeeting, meetingUrl, QUORATE);
    await peter.locator('#quorum', { hasText: '7 (5 needed' }).waitFor();

    // The chair decides: supported with conditions.
    await chair.reload();
    await chair.getByLabel('Supported with conditions').check();
    await click(chair, 'Record the decision');
    expect(await message(chair)).toBe('There is a problem Enter the conditions, one on each line');
    await expectAccessible(chair, 'the item page with an error');
    await chair.getByRole('textbox', { name: 'Conditions' }).fill('Report hub attendances quarterly\nIndependent evaluation at 12 months');
    await chair.getByRole('textbox', { name: 'Reason' }).fill('Strong case for winter resilience in West Norfolk');
    await click(chair, 'Record the decision');
    expect(await message(chair)).toContain('Decision recorded');
    const decided = await text(chair, 'main');
    expect(decided).toContain('Decision: Supported with conditions');
    expect(decided).toContain('Conditions Report hub attendances quarterly Independent evaluation at 12 months');
    expect(decided).toContain('Votes 1 support, 0 do not support, 0 abstain');
    expect(await chair.getByRole('heading', { name: 'Record the decision' }).count()).toBe(0);
    await expectAccessible(chair, 'a decided item');
    await screenshot(chair, 'assembly-item');
    const supported = await waitForBid(ctx, bids.assembly, (s) => s.state === 'ALLOCATION', 'allocation');
    expect(supported.assembly.decisions.at(-1)).toMatchObject({ outcome: 'supported_with_conditions', conditions: ['Report hub attendances quarterly', 'Independent evaluation at 12 months'] });

    // The chair's action is ratified at the meeting.
    await chair.goto(meetingUrl);
    await chair.getByRole('link', { name: bids.escalated, exact: true }).click();
    expect(await text(chair, 'main')).toContain("Chair's action to ratify Outcome Supported with conditions");
    await chair.getByLabel("Chair's action ratified").check();
    await click(chair, 'Record the decision');
    expect(await text(chair, 'main')).toContain("Decision: Chair's action ratified");
    await waitForBid(ctx, bids.escalated, (s) => s.assembly.ratification === 'ratified', 'ratified');

    await chair.goto(meetingUrl);
    expect(await chair.getByRole('row').filter({ hasText: bids.assembly }).innerText()).toMatch(/Quorate\s+Supported with conditions$/);
    await screenshot(chair, 'assembly-meeting');
    await click(chair, 'Close the meeting');
    expect(await text(chair, 'main')).toContain('State Closed');
    await expectAccessible(chair, 'a closed meeting');
  }, 180_000);
});
