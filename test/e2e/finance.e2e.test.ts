// Finance's and the admin's pages in a real browser: opening a funding round through the form,
// the allocation chart and its table, a what-if that changes nothing, refused and stale
// confirmations, the decision trail (the latest events at once, filtered by words, the finance
// CSV beside the raw one) and its integrity check, money against the
// envelope, and the admin's Board decision and re-score on a bid.
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchTrail } from '../../src/services/trail.js';
import { castVoteUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate } from '../../src/shared.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { actions, actor, costing, largeBid, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, smallBid, submit, waitForBid } from '../helpers/lifecycle.js';
import { dayFromNow, fillDate } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, startWeb, type Web } from './harness.js';

let ctx: TestContext;
let web: Web;
let admin: Page;
let finance: Page;
let roundUrl: string;
/** Four bids in allocation (NNUH), one for the ICB Board and one waiting for the Assembly (QEH). */
const refs: Record<'a' | 'b' | 'c' | 'f' | 'board' | 'rescore', string> = { a: '', b: '', c: '', f: '', board: '', rescore: '' };
const pounds = (n: number) => n * 100;

/** Waits for the page to show this: the outcome of what was just done, not a fixed sleep. */
const shows = (page: Page, text: string | RegExp) => page.getByText(text).first().waitFor();

/** A table's body rows as text, found by its caption. */
const tableRows = (page: Page, caption: string) => page.locator('table', { has: page.locator('caption', { hasText: caption }) }).locator('tbody tr').allInnerTexts();

beforeAll(async () => {
  ctx = await createTestContext();
  web = await startWeb(ctx);
  // Ranked by benefit per pound of whole-life cost: A (£80k), B (£100k), C (£200k), F (£315k).
  // In a £200,000 envelope A and B fit, C does not (the cut line), and F's £15,000 this year still fits.
  refs.a = await submit(ctx, costing(80_000));
  refs.b = await submit(ctx, costing(100_000));
  refs.c = await submit(ctx, costing(100_000, 100_000));
  refs.f = await submit(ctx, costing(15_000, 300_000));
  refs.board = await submit(
    ctx,
    largeBid({
      leadOrganisation: 'QEH',
      partnerOrganisations: [],
      costs: [
        { financialYear: '2026/27', recurrentPence: pounds(600_000), nonRecurrentPence: 0 },
        { financialYear: '2027/28', recurrentPence: pounds(500_000), nonRecurrentPence: 0 },
      ],
    }),
  );
  const toAssembly = [refs.a, refs.b, refs.c, refs.f, refs.board];
  await Promise.all(toAssembly.map((reference) => reviewToAssembly(ctx, reference)));

  const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-finance`;
  const agenda = await meetingWithAgenda(ctx, meetingId);
  // Reaching the Assembly after the agenda closed, this one waits for a later meeting: re-scorable.
  const rescorable = (async () => {
    refs.rescore = await submit(ctx, smallBid({ leadOrganisation: 'QEH', partnerOrganisations: [] }));
    await reviewToAssembly(ctx, refs.rescore);
  })();
  const meeting = meetingHandle(ctx, meetingId);
  const chair = actor('sarah.collins');
  await meeting.executeUpdate(openMeetingUpdate, { args: [{ actor: chair }] });
  await meeting.executeUpdate(recordAttendanceUpdate, { args: [{ actor: chair, present: QUORATE }] });
  for (const item of agenda.items) {
    for (const member of QUORATE) await meeting.executeUpdate(castVoteUpdate, { args: [{ actor: actor(member), itemId: item.itemId, vote: 'support' }] });
    await meeting.executeUpdate(recordDecisionUpdate, { args: [{ actor: chair, itemId: item.itemId, outcome: 'supported', conditions: [], reason: 'Supported' }] });
  }
  for (const reference of [refs.a, refs.b, refs.c, refs.f]) await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'allocation');
  await waitForBid(ctx, refs.board, (b) => b.state === 'AWAITING_BOARD', 'the ICB Board');
  await rescorable;

  admin = await signedInPage(web, ctx, 'ian.thompson');
  finance = await signedInPage(web, ctx, 'claire.dawson');
}, 240_000);
afterAll(async () => {
  await web?.close();
  await ctx?.close();
});

describe("finance's and the admin's pages", () => {
  it('lets the admin open a funding round through the form, after showing each mistake on its field', async () => {
    await admin.goto(`${web.url}/app/rounds`);
    expect(await admin.locator('main').innerText()).toContain('No funding round has been opened yet.');
    await expectAccessible(admin, 'the funding rounds list, empty');

    await admin.getByRole('button', { name: 'Open a funding round' }).click();
    await admin.waitForURL(`${web.url}/app/rounds/new`);
    await expectAccessible(admin, 'the new round form');

    await admin.getByLabel('Title', { exact: true }).fill('Main round 2026/27');
    await admin.getByLabel('Financial year').fill('2026/27');
    await admin.getByLabel('Budget envelope').fill('two hundred thousand');
    await fillDate(admin, 'opens', dayFromNow(0));
    await fillDate(admin, 'closes', dayFromNow(-1));
    await admin.getByText('Ring-fence part of the envelope').click();
    await admin.locator('#sub-0--area').selectOption({ label: 'Ambition: Transforming care in later life' });
    await admin.locator('#sub-0--amount').fill('50,000');
    await admin.getByRole('button', { name: 'Open the round' }).click();

    await shows(admin, 'There is a problem');
    const problems = await message(admin);
    expect(problems).toContain('Enter the envelope as an amount of money, such as 250,000');
    expect(problems).toContain('The closing date must be on or after the opening date');
    expect((await admin.locator('.nhsuk-error-message').allInnerTexts()).map((text) => text.replace(/\s+/g, ' '))).toEqual([
      'Error: Enter the envelope as an amount of money, such as 250,000',
      'Error: The closing date must be on or after the opening date',
    ]);
    expect(await admin.title()).toMatch(/^Error: Open a funding round/);
    expect(await admin.getByLabel('Title', { exact: true }).inputValue()).toBe('Main round 2026/27');
    await expectAccessible(admin, 'the new round form with errors');

    await admin.getByLabel('Budget envelope').fill('200,000');
    await fillDate(admin, 'closes', dayFromNow(30));
    await admin.getByRole('button', { name: 'Open the round' }).click();
    await admin.waitForURL((url) => /^\/app\/rounds\/[a-z0-9-]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
    roundUrl = admin.url();
    expect(await message(admin)).toContain('The funding round is open');
    const summary = await admin.locator('.nhsuk-summary-list').innerText();
    expect(summary).toContain('£200,000');
    expect(summary).toContain('Transforming care in later life (ambition): £50,000');
    expect(await admin.locator('.nhsuk-summary-list .nhsuk-tag').innerText()).toBe('Open');
    await expectAccessible(admin, 'the round page before allocation');
  });

  it('shows finance the allocation as a chart with its cut line, and the same figures in rank order', async () => {
    await finance.goto(`${web.url}/app/rounds`);
    await expectAccessible(finance, 'the funding rounds list');
    await finance.getByRole('link', { name: 'Main round 2026/27' }).click();
    await finance.getByLabel('Why are you running it now?').fill('Closing review');
    await finance.getByRole('button', { name: 'Run the allocation' }).click();
    await shows(finance, 'Latest allocation: version 1');
    expect(await message(finance)).toContain('The allocation has been run');

    const chart = finance.getByRole('img', { name: /Allocation chart/ });
    const svg = await chart.innerHTML();
    expect(svg).toContain('cp-chart__cut-line');
    expect(await chart.locator('text', { hasText: 'Cut line: the first bid that did not fit' }).count()).toBe(1);
    expect(await chart.locator('desc').textContent()).toContain(`The cut line falls at rank 3, ${refs.c}, the first bid that did not fit: £20,000 was left in the envelope.`);
    // An axis of money with labelled ticks from £0, and each outcome told apart by pattern as well
    // as colour, in the bars and in the legend alike (the computed fill, so no style hides it).
    const ticks = await chart.locator('.cp-chart__axis .cp-chart__tick text').allTextContents();
    expect(ticks[0]).toBe('£0');
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    ticks.forEach((tick) => expect(tick).toMatch(/^£\d+(\.\d+)?[km]?$/));
    expect(await chart.locator('.cp-chart__axis text', { hasText: 'Money taken, bid after bid in rank order' }).count()).toBe(1);
    const looks = await chart.locator('.cp-chart__bar').evaluateAll((bars) =>
      bars.map((bar) => {
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string; strokeDasharray: string } }).getComputedStyle(bar);
        return { kind: bar.getAttribute('class'), legend: !!bar.closest('.cp-chart__legend'), fill: style.fill, dashed: style.strokeDasharray };
      }),
    );
    const look = (kind: string, legend: boolean) => looks.find((l) => l.kind!.includes(`--${kind}`) && l.legend === legend);
    for (const legend of [true, false]) {
      expect(look('funded', legend)?.fill, `funded ${legend ? 'swatch' : 'bar'}`).toMatch(/^rgb/);
      expect(look('waitlisted', legend)?.fill, `waitlisted ${legend ? 'swatch' : 'bar'}`).toMatch(/url\("?#.+-waitlisted"?\)/);
      expect(look('waitlisted', legend)?.dashed).not.toBe('none');
    }
    expect(look('must-fund', true)?.fill).toMatch(/url\("?#.+-must-fund"?\)/);
    for (const kind of ['must-fund', 'waitlisted']) expect(await chart.locator(`pattern[id$="-${kind}"]`).count(), kind).toBe(1);

    const rows = await tableRows(finance, 'Bids in rank order');
    expect(rows).toHaveLength(4);
    const expected = [
      [1, refs.a, 'Funded', 'Funded: ranked 1st by benefit per pound; £80,000 needed, £200,000 left'],
      [2, refs.b, 'Funded', 'Funded: ranked 2nd by benefit per pound; £100,000 needed, £120,000 left'],
      [3, refs.c, 'Waitlisted', 'Waitlisted: needs £100,000; £20,000 left in the envelope'],
      [4, refs.f, 'Funded', 'Funded: ranked 4th by benefit per pound; £15,000 needed, £20,000 left'],
    ] as const;
    expected.forEach(([rank, reference, outcome, reason], i) => {
      const cells = rows[i]!.split('\t').map((cell) => cell.trim());
      expect(cells[0]).toBe(String(rank));
      expect(cells[1]).toContain(reference);
      expect(cells[2]).toBe(outcome);
      expect(cells[6]).toContain(reason);
    });
    expect(rows[2]).toContain('Cut line: the first bid that did not fit.');
    expect(await tableRows(finance, 'Envelopes')).toEqual([
      expect.stringMatching(/^Overall envelope\s+£200,000\s+£0\s+£195,000\s+£5,000$/),
      expect.stringMatching(/^Transforming care in later life\s+£50,000\s+£0\s+£0\s+£50,000$/),
    ]);
    await expectAccessible(finance, 'the round page after allocation');
    await screenshot(finance, 'finance-round');
  });

  it('answers a what-if with a bigger envelope, says nothing changed, and leaves the round as it was', async () => {
    const before = await finance.locator('#allocation').innerText();
    const ruleSets = await finance.getByLabel('Rule set').locator('option').allInnerTexts();
    expect(ruleSets).toContain('nw-clinical-prioritisation version 1.1.0 (draft, for what-if only)');

    await finance.getByLabel('Envelope', { exact: true }).fill('a lot more');
    await finance.getByRole('button', { name: 'See what would happen' }).click();
    await shows(finance, 'There is a problem');
    expect(await message(finance)).toContain('Enter the envelope as an amount of money, such as 1,500,000');
    await expectAccessible(finance, 'the round page with a what-if error');

    await finance.getByLabel('Envelope', { exact: true }).fill('400,000');
    await finance.getByRole('button', { name: 'See what would happen' }).click();
    await shows(finance, 'What if the envelope were £400,000?');
    expect(await finance.locator('.nhsuk-inset-text').innerText()).toContain('Nothing has been changed.');
    const summary = await finance.locator('.nhsuk-summary-list').innerText();
    expect(summary).toContain('3 now; 4 under these settings');
    expect(summary).toContain('£195,000 now; £295,000 under these settings');
    expect(summary).toMatch(new RegExp(`Newly funded\\s+${refs.c}`));
    expect(summary).toContain(`At rank 3, ${refs.c}`);
    expect(summary).toContain('None: every bid fits');
    expect(await tableRows(finance, 'Bids whose place would change')).toEqual([expect.stringMatching(new RegExp(`^${refs.c}\\s+Waitlisted, rank 3\\s+Funded, rank 3$`))]);
    expect(await finance.getByRole('img', { name: /Allocation chart/ }).locator('.cp-chart__bar--waitlisted').count()).toBe(1); // the legend's swatch alone
    await expectAccessible(finance, 'the what-if page');

    // The same envelope under the consultation draft: scored again from the stored facts.
    await finance.getByLabel('Envelope', { exact: true }).fill('200,000');
    await finance.getByLabel('Rule set').selectOption({ label: 'nw-clinical-prioritisation version 1.1.0 (draft, for what-if only)' });
    await finance.getByRole('button', { name: 'See what would happen' }).click();
    await shows(finance, 'What if the bids were scored with nw-clinical-prioritisation version 1.1.0?');
    expect(await finance.locator('.nhsuk-inset-text').innerText()).toContain('Nothing has been changed.');

    await finance.goto(roundUrl);
    expect(await finance.locator('#allocation').innerText()).toBe(before);
  });

  it("refuses the admin's confirmation in the workflow's words, and a stale one until finance has reviewed the new version", async () => {
    await admin.goto(roundUrl);
    expect(await admin.getByRole('button', { name: 'Confirm this allocation' }).count()).toBe(0);
    // The admin has no button for it, so post the form as a crafted request would.
    const csrf = await admin.locator('input[name="_csrf"]').first().getAttribute('value');
    const posted = await admin.request.post(`${roundUrl}/confirm`, { form: { _csrf: csrf!, version: '1' }, headers: { origin: web.url }, maxRedirects: 0 });
    expect(posted.status()).toBe(303);
    await admin.goto(roundUrl);
    expect(await message(admin)).toBe('Important You cannot do this Only finance may confirm the allocation');
    await expectAccessible(admin, 'the round page with a refusal');

    // Finance has version 1 on screen while the admin runs the allocation again.
    await admin.getByLabel('Why are you running it now?').fill('Check after the Board meeting');
    await admin.getByRole('button', { name: 'Run the allocation again' }).click();
    await shows(admin, 'Latest allocation: version 2');

    await finance.getByRole('button', { name: 'Confirm this allocation' }).click();
    await shows(finance, 'Latest allocation: version 2');
    expect(await message(finance)).toContain('The allocation now stands at version 2, not 1: review it, then confirm that version');
    await expectAccessible(finance, 'the round page after a stale confirmation');

    await finance.getByRole('button', { name: 'Confirm this allocation' }).click();
    await shows(finance, 'The allocation has been confirmed');
    expect(await finance.locator('.nhsuk-summary-list .nhsuk-tag').innerText()).toBe('Confirmed');
    for (const reference of [refs.a, refs.b, refs.f]) await waitForBid(ctx, reference, (b) => b.state === 'FUNDED', 'funded');
    await waitForBid(ctx, refs.c, (b) => b.state === 'WAITLISTED', 'waitlisted');
  });

  it("opens the trail on the latest events, filters them by words, downloads the finance CSV beside the raw one, and checks the trail's integrity", async () => {
    // The latest events at once, newest first, with no search needed.
    await finance.goto(`${web.url}/app/trail`);
    await shows(finance, '50 events, newest first; there are older ones on the next page.');
    const opening = await tableRows(finance, 'Events that match the filters');
    expect(opening).toHaveLength(50);
    // Its first row is one of the trail's latest events (letters may still be adding theirs).
    const latest = (await searchTrail(ctx.db, {}, 0, 20, 'newest')).items.map((e) => e.streamId);
    expect(latest.some((reference) => opening[0]!.includes(reference))).toBe(true);
    await expectAccessible(finance, 'the trail, opened on the latest events');

    await finance.getByLabel('Whole-life cost from').fill('lots');
    await finance.getByLabel('Words in what happened').fill('teleported');
    await finance.getByRole('button', { name: 'Search', exact: true }).click();
    await shows(finance, 'There is a problem');
    expect(await message(finance)).toContain('Enter the lowest amount as an amount of money, such as 250,000');
    expect(await message(finance)).toContain('No kind of event has these words in its name: try a word such as decision, allocation or review');
    await expectAccessible(finance, 'the trail search with errors');

    // Filtered by words of what happened, as the page names it: no codes to know.
    await finance.getByLabel('Whole-life cost from').fill('');
    await finance.getByLabel('Financial year').fill('2026/27');
    await finance.getByLabel('Organisation').selectOption('NNUH');
    await finance.getByLabel('Words in what happened').fill('allocation');
    await finance.getByRole('button', { name: 'Search', exact: true }).click();
    await shows(finance, /events, newest first/);
    const rows = await tableRows(finance, 'Events that match the filters');
    for (const reference of [refs.a, refs.b, refs.c, refs.f]) {
      expect(rows.filter((r) => r.includes(reference) && r.includes('Allocation confirmed') && r.includes('Claire Dawson'))).toHaveLength(1);
      expect(rows.filter((r) => r.includes(reference) && r.includes('Allocation proposed')).length).toBeGreaterThan(0);
    }
    expect(rows.join('\n')).not.toContain(refs.board);
    expect(rows.join('\n')).not.toContain(refs.rescore);
    // The details in words: outcomes and states by their labels, never the codes the trail stores.
    const confirmedA = rows.find((r) => r.includes(refs.a) && r.includes('Allocation confirmed'))!;
    expect(confirmedA).toContain('Outcome: Funded');
    expect(confirmedA).toMatch(/Supported: waiting for allocation\W+to\s+Funded/);
    for (const row of rows) {
      expect(row).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
      expect(row).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
    }
    await expectAccessible(finance, 'the trail filtered by words');
    await screenshot(finance, 'finance-trail');

    // What happened, chosen by its name from the list.
    await finance.getByLabel('Words in what happened').fill('');
    await finance.getByLabel('What happened', { exact: true }).selectOption({ label: 'Allocation confirmed' });
    await finance.getByRole('button', { name: 'Search', exact: true }).click();
    await shows(finance, '4 events, newest first.');
    const confirmations = await tableRows(finance, 'Events that match the filters');
    expect(confirmations.every((r) => r.includes('Allocation confirmed'))).toBe(true);

    // The finance CSV, one row per decision in pounds and words, beside the raw one.
    const financeHref = await finance.getByRole('link', { name: 'Download the decisions for finance (CSV)' }).getAttribute('href');
    const financeCsv = await finance.request.get(`${web.url}${financeHref}`);
    expect(financeCsv.status()).toBe(200);
    expect(financeCsv.headers()['content-disposition']).toMatch(/^attachment; filename="decisions-for-finance-\d{4}-\d{2}-\d{2}\.csv"$/);
    const decisions = parse<Record<string, string>>(await financeCsv.text(), { columns: true });
    const pounds = Object.fromEntries(decisions.map((r) => [r.bid_reference, r]));
    expect(decisions.map((r) => r.decision)).toEqual(['Allocation confirmed', 'Allocation confirmed', 'Allocation confirmed', 'Allocation confirmed']);
    expect(pounds[refs.a]).toMatchObject({ outcome: 'funded', outcome_label: 'Funded', round_title: 'Main round 2026/27', round_year_pence: '8000000', round_year_pounds: '80000.00', decided_by: 'Claire Dawson' });
    expect(pounds[refs.c]).toMatchObject({ outcome_label: 'Waitlisted', round_year_pounds: '100000.00', bid_total_pounds: '200000.00', state_after_label: 'Waitlisted' });
    expect(pounds[refs.f]).toMatchObject({ outcome_label: 'Funded', round_year_pounds: '15000.00', bid_total_pence: '31500000', bid_total_pounds: '315000.00', lead_organisation: 'NNUH' });

    const href = await finance.getByRole('link', { name: /Download as CSV/ }).getAttribute('href');
    const csv = await finance.request.get(`${web.url}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="decision-trail-\d{4}-\d{2}-\d{2}\.csv"$/);
    const records = parse<Record<string, string>>(await csv.text(), { columns: true });
    expect(records.length).toBe(confirmations.length);
    for (const reference of [refs.a, refs.b, refs.c, refs.f]) {
      expect(records.filter((r) => r.bid_reference === reference && r.action === 'allocation.confirmed' && r.actor_id === 'claire.dawson')).toHaveLength(1);
    }

    // Without what happened the bids' whole histories match: a page at a time, by cursor, newest first.
    const total = (await searchTrail(ctx.db, { financialYear: '2026/27', organisation: 'NNUH' }, 0, 10_000)).items.length;
    expect(total).toBeGreaterThan(50);
    await finance.getByLabel('What happened', { exact: true }).selectOption({ label: 'Anything' });
    await finance.getByRole('button', { name: 'Search', exact: true }).click();
    await shows(finance, '50 events, newest first; there are older ones on the next page.');
    await finance.getByRole('link', { name: /Older events/ }).click();
    await shows(finance, `${Math.min(total - 50, 50)} events, newest first`);
    expect(await tableRows(finance, 'Events that match the filters')).toHaveLength(Math.min(total - 50, 50));

    await finance.getByRole('button', { name: "Check the trail's integrity" }).click();
    await shows(finance, 'The decision trail is intact');
    expect(await finance.locator('.nhsuk-summary-list').innerText()).toMatch(/Events checked\s+\d+/);
    expect(await finance.locator('.nhsuk-summary-list').innerText()).toContain('Intact: every chain holds');
    await expectAccessible(finance, 'the trail verification');
  });

  it('shows finance money supported and committed per year, and committed against the envelope', async () => {
    await finance.goto(`${web.url}/app/finance`);
    expect(await tableRows(finance, '2026/27')).toContainEqual(expect.stringMatching(/^Committed\s+£195,000\s+£0\s+£195,000\s+3$/));
    expect(await tableRows(finance, '2027/28')).toContainEqual(expect.stringMatching(/^Committed\s+£300,000\s+£0\s+£300,000\s+1$/));
    expect(await tableRows(finance, 'Main round 2026/27')).toEqual([
      expect.stringMatching(/^Overall envelope\s+£200,000\s+£195,000\s+£5,000$/),
      expect.stringMatching(/^Transforming care in later life\s+£50,000\s+£0\s+£50,000$/),
    ]);
    await expectAccessible(finance, 'the money page');
    await screenshot(finance, 'finance-money');
  });

  it("lets the admin record the ICB Board's decision and re-score a bid, each form checked first", async () => {
    await admin.goto(`${web.url}/app/bids/${refs.a}/board-decision`);
    expect(await admin.locator('.nhsuk-inset-text').innerText()).toContain('There is no Board decision to record');

    await admin.goto(`${web.url}/app/bids/${refs.board}/board-decision`);
    await expectAccessible(admin, 'the Board decision form');
    await admin.getByRole('button', { name: 'Record the decision' }).click();
    await shows(admin, 'There is a problem');
    expect(await admin.locator('.nhsuk-error-summary li').allInnerTexts()).toEqual([
      'Select whether the ICB Board approved the bid',
      "Enter the Board minute's reference",
      "Enter the Board's reasons",
    ]);
    await expectAccessible(admin, 'the Board decision form with errors');
    await admin.getByLabel('No', { exact: true }).check();
    await admin.getByLabel("The Board minute's reference").fill('ICB Board 12 March 2027, minute 7.3');
    await admin.getByLabel("The Board's reasons").fill('Not affordable within the system plan this year');
    await admin.getByRole('button', { name: 'Record the decision' }).click();
    await shows(admin, "The ICB Board's decision has been recorded");
    expect(await admin.locator('.nhsuk-inset-text').innerText()).toContain('The ICB Board did not approve this bid (minute ICB Board 12 March 2027, minute 7.3)');
    expect(await admin.locator('.nhsuk-summary-list .nhsuk-tag').innerText()).toBe('Not supported');

    await admin.goto(`${web.url}/app/bids/${refs.rescore}/rescore`);
    const offered = await admin.getByLabel('Rule set').locator('option').allInnerTexts();
    expect(offered).toContain('nw-clinical-prioritisation version 1.0.0');
    expect(offered.join('\n')).not.toContain('1.1.0');
    await expectAccessible(admin, 'the re-score form');
    await admin.getByLabel('Why re-score this bid?').fill('The hub corrected a rating after review');
    await admin.getByRole('button', { name: 'Re-score the bid' }).click();
    await shows(admin, 'The bid has been re-scored');
    expect(await actions(ctx, refs.rescore)).toContain('scoring.rescore_requested');
    await expectAccessible(admin, 'the re-score form after re-scoring');
  });

  it('shows a clear refusal to anyone outside finance and the admin', async () => {
    const applicant = await signedInPage(web, ctx, 'amira.hassan');
    const refused = await applicant.goto(`${web.url}/app/trail`);
    expect(refused?.status()).toBe(403);
    expect(await applicant.locator('h1').innerText()).toBe('You cannot do this');
    expect(await applicant.locator('main').innerText()).toContain('Only ICB finance and the admin query the whole decision trail');
    await expectAccessible(applicant, 'the refusal page');

    const notAdmin = await finance.goto(`${web.url}/app/rounds/new`);
    expect(notAdmin?.status()).toBe(403);
    expect(await finance.locator('main').innerText()).toContain('Only admin may open a funding round');
  });
});
