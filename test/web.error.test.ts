// Bad input to the web pages gets a page that says what is wrong, never a 500: dates that do not
// exist, page numbers and cursors past anything real, money typed with a slip of the comma, a
// confirmation that does not say which allocation it confirms. And the financial year turns on
// 1 April in England, not in UTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poundsToPence } from '../src/web/format.js';
import { financialYears } from '../src/web/pages/bids-labels.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { PageClient } from './helpers/pages.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

const signedIn = async (userId: string) => {
  const browser = new PageClient(ctx.app);
  const res = await browser.signIn(ctx.tokens[userId]!);
  expect(res.status).toBe(303);
  return browser;
};

describe('forms and addresses with bad input', () => {
  it('refuses a meeting on a day that does not exist with the NHS error summary, not a 500', async () => {
    const admin = await signedIn('ian.thompson');
    for (const [day, month] of [['1', '13'], ['32', '1'], ['30', '2']]) {
      const res = await admin.post('/app/meetings/new', { 'when.day': day!, 'when.month': month!, 'when.year': '2027', time: '14:00', title: '' });
      expect(res.status).toBe(400);
      const page = await res.text();
      expect(page).toContain('There is a problem');
      expect(page).toContain('The date of the meeting must be a real date, for example 8 12 2026');
    }
  });

  it('shows the first page of bids for a page number past any list', async () => {
    const applicant = await signedIn('amira.hassan');
    for (const page of ['100000000000000000000', '1e400', '-3', 'two']) {
      const res = await applicant.get(`/app/bids?page=${page}`);
      expect(res.status, page).toBe(200);
      expect(await res.text()).toContain('<h1>Your organisation&#39;s bids</h1>');
    }
  });

  it('starts the trail search from the beginning for a cursor that is not an event', async () => {
    const finance = await signedIn('claire.dawson');
    for (const cursor of ['1e400', '99999999999999999999', '-1', 'abc']) {
      const res = await finance.get(`/app/trail?financialYear=&cursor=${cursor}`);
      expect(res.status, cursor).toBe(200);
      expect(await res.text()).toContain('Events');
    }
  });

  it('says on the field when words name no kind of event, and refuses the finance CSV for such filters', async () => {
    const finance = await signedIn('claire.dawson');
    const res = await finance.get(`/app/trail?words=${encodeURIComponent('teleported')}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('No kind of event has these words in its name');
    const csv = await finance.get(`/app/trail/finance.csv?event=${encodeURIComponent('no.such_event')}`);
    expect(csv.status).toBe(400);
    const fine = await finance.get(`/app/trail/finance.csv?words=${encodeURIComponent('board decision')}`);
    expect(fine.status).toBe(200);
    expect((await fine.text()).split('\n')[0]).toMatch(/^decided_at,bid_reference,bid_title,decision,action,/);
  });

  it("says a confirmation must name the allocation's version, rather than sending the workflow nothing", async () => {
    const opened = await call(ctx, 'ian.thompson', 'POST', '/rounds', {
      roundId: `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-web-error`,
      title: 'Web errors round',
      financialYear: '2026/27',
      envelopePence: 10_000_000,
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(opened.status).toBe(201);
    const roundPath = `/app/rounds/${opened.body.roundId as string}`;
    const finance = await signedIn('claire.dawson');
    const res = await finance.post(`${roundPath}/confirm`, { version: '' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(roundPath);
    const page = await (await finance.get(roundPath)).text();
    expect(page).toContain('The form did not say which version of the allocation you reviewed: reload the page and confirm again');
  });
});

describe('money typed in a form', () => {
  it('takes pounds with thousands separators, a pound sign and pence', () => {
    expect(poundsToPence('12,500.50')).toBe(1_250_050);
    expect(poundsToPence('£1,000,000')).toBe(100_000_000);
    expect(poundsToPence(' 250000 ')).toBe(25_000_000);
    expect(poundsToPence('0.5')).toBe(50);
  });

  it('refuses a comma that does not group thousands, rather than reading it as a hundred times more', () => {
    for (const slip of ['1,50', '12,5', '1,0000', ',500', '1,000,00', '12.505', 'ten']) expect(poundsToPence(slip), slip).toBeNull();
  });
});

describe('financial years a bid may ask money for', () => {
  it('start at the year of the day in England: 1 April begins at midnight BST, an hour before UTC', () => {
    expect(financialYears(new Date('2027-03-31T22:59:00Z'))[0]).toBe('2026/27'); // 23:59 BST on 31 March
    expect(financialYears(new Date('2027-03-31T23:30:00Z'))[0]).toBe('2027/28'); // 00:30 BST on 1 April
    expect(financialYears(new Date('2026-12-01T12:00:00Z'))).toEqual(['2026/27', '2027/28', '2028/29', '2029/30', '2030/31', '2031/32']);
  });
});
