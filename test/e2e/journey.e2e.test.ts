// One bid's whole life in the browser, each person in their own: the programme team writes it in
// the form, the evaluator the service assigned reviews it, the rules score it, the admin schedules
// the Assembly, the chair runs the meeting and the members vote, the admin opens a funding round,
// finance runs and confirms the allocation, then finds the bid in the trail and its CSV. Nothing
// here goes round the pages: every step is a click or a keystroke a person would make.
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/db/demo.js';
import type { TestContext } from '../helpers/context.js';
import { QUORATE } from '../helpers/lifecycle.js';
import { click, dayFromNow, fillDate, group, press, recordAttendance, referenceOf, reloadUntil, row, writeBid } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, type Web, withBrowser } from './harness.js';

let ctx: TestContext;
let web: Web;
withBrowser((c, w) => ((ctx = c), (web = w)));

const VOTERS = ['sarah.collins', 'mark.osei', 'aisha.begum', 'peter.novak', 'laura.king'];

const idOf = (name: string) => {
  const user = DEMO_USERS.find((u) => u.name === name);
  if (!user) throw new Error(`no demo user called ${name}`);
  return user.id;
};

const mainText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

describe('one bid from the form to the decision trail, every person in the browser', () => {
  it('is submitted, reviewed, scored, decided, allocated, confirmed and found by finance', async () => {
    // The programme team writes the bid and submits it.
    const applicant = await signedInPage(web, ctx, 'amira.hassan');
    await writeBid(applicant, web.url, { title: 'Community respiratory hubs', kind: 'New service' }, true);
    const financialYear = (await applicant.locator('table', { hasText: 'Costs by financial year' }).locator('tbody tr th, tbody tr td').first().innerText()).trim();
    expect(financialYear).toMatch(/^\d{4}\/\d{2}$/);
    await press(applicant, 'Submit bid', /\/app\/bids\/[A-Z]+-\d{4}-\d{4}$/);
    const reference = referenceOf(applicant);
    expect(await message(applicant)).toContain(`Bid ${reference} submitted`);

    // The hub assigned one evaluator (£100,000 is under the two-evaluator threshold); the page names them.
    await reloadUntil(applicant, /Review started: assigned to .+; due/);
    const assigned = (await applicant.locator('.cp-timeline').innerText()).match(/Review started: assigned to (.+?); due/)![1]!;
    const evaluatorId = idOf(assigned.replace(/ \(.*\)$/, '').replace(/,.*$/, ''));

    // The evaluator finds it in their queue and records every step and rating, then completes.
    const evaluator = await signedInPage(web, ctx, evaluatorId);
    await evaluator.goto(`${web.url}/app/reviews`);
    await evaluator.getByRole('row').filter({ hasText: reference }).getByRole('link', { name: `Review ${reference}` }).click();
    await evaluator.waitForURL(`${web.url}/app/bids/${reference}/review`);
    // One form: every step, rating and the recommendation, submitted once.
    for (const step of ['evaluation design', 'outcome measures', 'data availability']) {
      await group(evaluator, new RegExp(`Your assessment of ${step}`)).getByLabel('Adequate', { exact: true }).check();
      await evaluator.getByLabel(`Comments on ${step}`).fill('Clear and proportionate');
    }
    for (const criterion of ['evidence quality', 'deliverability', 'quality and safety']) {
      await group(evaluator, new RegExp(`Rating for ${criterion}`)).getByLabel('4', { exact: true }).check();
      await evaluator.getByLabel(`Rationale for the ${criterion} rating`).fill('Well evidenced locally');
    }
    await evaluator.getByLabel('Ready for scoring').check();
    await click(evaluator, 'Submit your review');
    expect(await message(evaluator)).toContain(`Review of ${reference} completed`);

    // The rules score it by themselves; the programme team sees the score and its band.
    await applicant.goto(`${web.url}/app/bids/${reference}`);
    await reloadUntil(applicant, /Scored [\d.]+ out of 100/);
    expect(await row(applicant, 'State').innerText()).toBe('Waiting for the CCP Assembly');

    // The admin schedules a meeting; the chair closes its agenda, opens it and records attendance.
    const admin = await signedInPage(web, ctx, 'ian.thompson');
    await admin.goto(`${web.url}/app/meetings/new`);
    // The meeting's id is its date, and round ids come from titles: on the Temporal server the test
    // files share, each picks its own.
    await fillDate(admin, 'when', dayFromNow(38));
    await admin.getByLabel('Start time').fill('14:00');
    await click(admin, 'Schedule the meeting');
    expect(await message(admin)).toContain('Meeting scheduled');
    const meetingUrl = admin.url();

    const chair = await signedInPage(web, ctx, 'sarah.collins');
    await chair.goto(meetingUrl);
    await click(chair, 'Close the agenda now');
    expect(await chair.getByRole('table', { name: 'Items in agenda order' }).innerText()).toContain(reference);
    await click(chair, 'Open the meeting');
    await recordAttendance(chair, meetingUrl, QUORATE);
    await chair.getByRole('link', { name: reference, exact: true }).click();
    const itemUrl = chair.url();
    expect(await mainText(chair)).toContain('Quorate');

    // Members vote, each in their own browser; then the chair records the decision.
    for (const id of VOTERS) {
      const member = id === 'sarah.collins' ? chair : await signedInPage(web, ctx, id);
      await member.goto(itemUrl);
      await member.getByLabel('Support', { exact: true }).check();
      await click(member, 'Cast your vote');
      expect(await message(member)).toContain('Your vote is recorded');
    }
    await chair.goto(itemUrl);
    expect(await mainText(chair)).toContain(`Votes ${VOTERS.length} support, 0 do not support, 0 abstain`);
    await chair.getByLabel('Supported with conditions', { exact: true }).check();
    await chair.getByRole('textbox', { name: 'Conditions' }).fill('Report quit rates to the Assembly every quarter');
    await chair.getByRole('textbox', { name: 'Reason' }).fill('Strong evidence and a clear evaluation plan');
    await click(chair, 'Record the decision');
    expect(await message(chair)).toContain('Decision recorded');
    await applicant.goto(`${web.url}/app/bids/${reference}`);
    await reloadUntil(applicant, 'Supported: waiting for allocation');

    // The admin opens a funding round for the bid's year; finance runs and confirms the allocation.
    await admin.goto(`${web.url}/app/rounds/new`);
    await admin.getByLabel('Title', { exact: true }).fill(`Journey round ${ctx.config.REFERENCE_PREFIX}`);
    await admin.getByLabel('Financial year').fill(financialYear);
    await admin.getByLabel('Budget envelope').fill('500,000');
    await fillDate(admin, 'opens', dayFromNow(0));
    await fillDate(admin, 'closes', dayFromNow(30));
    await click(admin, 'Open the round');
    expect(await message(admin)).toContain('The funding round is open');
    const roundUrl = admin.url();

    const finance = await signedInPage(web, ctx, 'claire.dawson');
    await finance.goto(roundUrl);
    await finance.getByLabel('Why are you running it now?').fill('Closing review');
    await click(finance, 'Run the allocation');
    expect(await message(finance)).toContain('The allocation has been run');
    const ranked = finance.locator('table', { has: finance.locator('caption', { hasText: 'Bids in rank order' }) }).locator('tbody tr');
    expect(await ranked.count()).toBe(1);
    expect((await ranked.first().innerText()).replace(/\s+/g, ' ')).toContain(`${reference}`);
    expect((await ranked.first().innerText()).replace(/\s+/g, ' ')).toContain('Funded: ranked 1st by benefit per pound; £100,000 needed, £500,000 left');
    await click(finance, 'Confirm this allocation');
    expect(await message(finance)).toContain('The allocation has been confirmed');

    // The programme team sees the bid funded, and the whole story on its page.
    await applicant.goto(`${web.url}/app/bids/${reference}`);
    await reloadUntil(applicant, /^Funded$/);
    const story = await applicant.locator('.cp-timeline').innerText();
    for (const line of [
      'Intake checks passed: sent to the evaluation hub',
      'Review completed: recommends ready for scoring',
      'Vote cast at the CCP Assembly: support',
      `Decision recorded at the CCP Assembly: supported with conditions (votes: ${VOTERS.length} support, 0 do not support, 0 abstain)`,
      'CCP Assembly decision: supported with conditions',
      'Allocation proposed: funded, ranked 1',
      'Allocation confirmed: funded',
    ]) {
      expect(story).toContain(line);
    }
    // The page in sections, its conditions and next step at the top, the year's figure explained.
    const contents = applicant.getByRole('navigation', { name: 'On this page' });
    for (const section of ['What happens next', 'Score', 'Decisions', 'Allocation', 'The bid', 'What has happened']) {
      expect(await contents.getByRole('link', { name: section, exact: true }).count()).toBe(1);
    }
    expect(await row(applicant, 'Next step').innerText()).toContain('Funded. The programme team delivers it and meets the conditions of the decision');
    const conditions = applicant.locator('.nhsuk-warning-callout', { hasText: 'Conditions of the decision' });
    expect(await conditions.innerText()).toContain('Report quit rates to the Assembly every quarter');
    const top = async (l: ReturnType<Page['locator']>) => (await l.boundingBox())?.y ?? Number.NaN;
    expect(await top(conditions)).toBeLessThan(await top(applicant.getByRole('heading', { name: 'The bid', exact: true })));
    expect(await top(conditions)).toBeLessThan(await top(applicant.getByRole('heading', { name: 'Decisions', exact: true })));
    expect(await row(applicant, 'Counted against the round').innerText()).toContain(`£100,000: the bid's cost in ${financialYear}, the round's year`);
    await expectAccessible(applicant, 'a funded bid');
    await screenshot(applicant, 'applicant-funded-bid');

    // Finance finds the bid in the trail, downloads it as CSV and checks the chain.
    await finance.goto(`${web.url}/app/trail`);
    await finance.getByLabel('Bid reference').fill(reference);
    await click(finance, 'Search');
    const events = await finance.locator('table', { has: finance.locator('caption', { hasText: 'Events that match the filters' }) }).locator('tbody tr').allInnerTexts();
    expect(events.some((e) => e.includes('Bid submitted'))).toBe(true);
    expect(events.some((e) => e.includes('Allocation confirmed') && e.includes('Claire Dawson'))).toBe(true);
    const href = await finance.getByRole('link', { name: /Download as CSV/ }).getAttribute('href');
    const csv = await finance.request.get(`${web.url}${href}`);
    expect(csv.status()).toBe(200);
    const records = parse<Record<string, string>>(await csv.text(), { columns: true });
    expect(records.length).toBe(events.length);
    expect(new Set(records.map((r) => r.bid_reference))).toEqual(new Set([reference]));
    const actions = records.map((r) => r.action);
    expect(actions[0]).toBe('bid.submitted');
    for (const action of ['intake.completed', 'review.completed', 'scoring.completed', 'assembly.vote_cast', 'assembly.decision_applied', 'allocation.proposed', 'allocation.confirmed']) expect(actions).toContain(action);
    expect(records.find((r) => r.action === 'allocation.confirmed')?.actor_id).toBe('claire.dawson');

    await click(finance, "Check the trail's integrity");
    expect(await mainText(finance)).toContain('The decision trail is intact');
    expect(await finance.locator('.nhsuk-summary-list').innerText()).toContain('Intact: every chain holds');
  }, 240_000);
});
