// Every role's main pages at 320 CSS pixels wide (WCAG 2.2 reflow, 1.4.10: 320 px is 1280 px at
// 400% zoom): no horizontal scroll of the page, a wide table scrolling only inside its own named
// region, and axe clean. When a page is too wide the failure names the elements that stick out.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BidStatus } from '../../src/shared.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { smallBid, submit, waitForBid } from '../helpers/lifecycle.js';
import { expectAccessible, screenshot, signedInPage, startWeb, type Web } from './harness.js';

let ctx: TestContext;
let web: Web;
let reference = '';
let evaluator = '';

beforeAll(async () => {
  ctx = await createTestContext();
  web = await startWeb(ctx);
  reference = await submit(ctx, smallBid());
  const status = await waitForBid(ctx, reference, (s: BidStatus) => s.state === 'HUB_REVIEW' && !!s.review?.reviews.length, 'hub review', 120_000);
  evaluator = status.review!.reviews[0]!.evaluator.id;
}, 240_000);

afterAll(async () => {
  await web?.close();
  await ctx?.close();
});

// The few DOM types the check in the page uses (the project's TypeScript has no DOM library).
interface El {
  tagName: string;
  className: unknown;
  parentElement: El | null;
  closest(selector: string): El | null;
  getBoundingClientRect(): { right: number; width: number };
}
interface Dom {
  document: { documentElement: { scrollWidth: number; clientWidth: number }; body: El & { querySelectorAll(selector: string): ArrayLike<El> } };
  getComputedStyle(this: void, el: El): { position: string };
}

/** The page's width against the viewport's, and the outermost elements that reach past it (outside a scrolling region). */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as Dom;
    const root = document.documentElement;
    const culprits: string[] = [];
    // Inside a scrolling region only what escapes it counts: what is positioned out of its flow.
    const inRegion = (e: El | null) => !!e?.closest('.cp-table-region, .cp-chart-region') && !['absolute', 'fixed'].includes(getComputedStyle(e).position);
    const past = (e: El) => e.getBoundingClientRect().right > root.clientWidth + 0.5;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (inRegion(el) || !past(el) || el.getBoundingClientRect().width === 0) continue;
      const parent = el.parentElement;
      if (parent && parent !== document.body && past(parent) && !inRegion(parent)) continue;
      const classes = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      culprits.push(`${el.tagName.toLowerCase()}${classes} to ${Math.round(el.getBoundingClientRect().right)} px`);
    }
    return { scroll: root.scrollWidth, client: root.clientWidth, culprits: culprits.slice(0, 5) };
  });

describe('every page at 320 px wide', () => {
  // Each role on its own, with a generous bound: on a loaded machine axe alone takes seconds a page.
  const roles: [string, () => string | null, () => string[]][] = [
    ['signed out', () => null, () => ['/app/sign-in', '/app/accessibility']],
    ['the programme team', () => 'amira.hassan', () => ['/app', '/app/bids', '/app/bids/new', `/app/bids/${reference}`]],
    ['an evaluator', () => evaluator, () => ['/app/reviews', `/app/bids/${reference}/review`]],
    ['the hub lead', () => 'rachel.green', () => ['/app/hub', `/app/hub/assign/${reference}`]],
    ['the Assembly chair', () => 'sarah.collins', () => ['/app/meetings', '/app/register']],
    ['ICB finance', () => 'claire.dawson', () => ['/app/rounds', '/app/finance', '/app/trail', `/app/bids/${reference}`]],
    ['the admin', () => 'ian.thompson', () => ['/app/admin', '/app/admin/users', '/app/admin/users/ian.thompson', '/app/admin/users/new', '/app/admin/rule-sets', '/app/admin/config', '/app/meetings/new']],
  ];
  for (const [who, userOf, pathsOf] of roles) {
    it(`has no horizontal scroll on the main pages of ${who}, each axe clean`, async () => {
      const user = userOf();
      const page = user ? await signedInPage(web, ctx, user, { width: 320 }) : await (await web.browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'en-GB' })).newPage();
      page.setDefaultTimeout(60_000);
      const wide: string[] = [];
      for (const path of pathsOf()) {
        const res = await page.goto(`${web.url}${path}`, { waitUntil: 'load' });
        expect(res!.status(), path).toBe(200);
        await page.locator('h1').first().waitFor();
        const { scroll, client, culprits } = await overflow(page);
        expect(client, path).toBe(320);
        if (scroll > client) wide.push(`${path}: ${scroll} px (${culprits.join(', ')})`);
        await expectAccessible(page, `${path} at 320 px`);
      }
      if (user === 'rachel.green') await screenshot(page, 'hub-lead-320px');
      await page.context().close();
      expect(wide).toEqual([]);
    }, 300_000);
  }
});
