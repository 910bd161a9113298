// Reconsideration in a real browser: the programme team asks from the bid's page after the
// Assembly did not support its bid, the hub lead returns it to the Assembly from the same page,
// and a later meeting's agenda takes it and decides it again. The meetings run through their
// workflows; the browser is for the two people whose forms these are.
import { describe, expect, it } from 'vitest';
import { closeMeetingUpdate, openMeetingUpdate, recordAttendanceUpdate, recordDecisionUpdate, type MeetingStatus } from '../../src/shared.js';
import type { TestContext } from '../helpers/context.js';
import { actor, meetingAct, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, smallBid, submit, waitForBid } from '../helpers/lifecycle.js';
import { click, row } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, type Web, withBrowser } from './harness.js';

let ctx: TestContext;
let web: Web;
let meetings = 0;

withBrowser((c, w) => ((ctx = c), (web = w)));

const chair = () => actor('sarah.collins');

/** A meeting whose agenda has closed, open with a quorum, and the item for this bid. */
async function meetingFor(reference: string): Promise<{ id: string; itemId: string; item: MeetingStatus['items'][number] }> {
  const id = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-e${++meetings}`;
  await meetingWithAgenda(ctx, id);
  await meetingHandle(ctx, id).executeUpdate(openMeetingUpdate, { args: [{ actor: chair() }] });
  const status = await meetingAct(ctx, id, recordAttendanceUpdate, { actor: chair(), present: QUORATE });
  const item = status.items.find((i) => i.reference === reference)!;
  return { id, itemId: item.itemId, item };
}

async function decide(meetingId: string, itemId: string, outcome: 'supported' | 'not_supported', reason: string) {
  await meetingHandle(ctx, meetingId).executeUpdate(recordDecisionUpdate, { args: [{ actor: chair(), itemId, outcome, conditions: [], reason }] });
  await meetingHandle(ctx, meetingId).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair() }] });
}

describe('reconsideration', () => {
  it('is asked for by the programme team, returned by the hub lead, and decided again by the Assembly', async () => {
    const reference = await submit(ctx, smallBid({ title: 'Falls prevention in Dereham' }));
    await reviewToAssembly(ctx, reference);
    const first = await meetingFor(reference);
    await decide(first.id, first.itemId, 'not_supported', 'No evidence of local need');
    await waitForBid(ctx, reference, (b) => !!b.reconsideration, 'open to reconsideration');

    const team = await signedInPage(web, ctx, 'amira.hassan');
    team.setDefaultTimeout(30_000);
    await team.goto(`${web.url}/app/bids/${reference}`);
    expect(await row(team, 'Ask by').innerText()).toMatch(/\d{4}/);
    await team.getByRole('link', { name: "Ask for reconsideration of the Assembly's decision" }).click();
    await team.waitForURL(`${web.url}/app/bids/${reference}/reconsideration`);
    await expectAccessible(team, 'the reconsideration request form');
    // Without the new information the form says what is missing and keeps what was typed.
    await team.getByLabel('Why should the decision be reconsidered?').fill('The Assembly did not have the falls audit');
    await click(team, 'Ask for reconsideration');
    expect(await message(team)).toContain('Enter the new information the Assembly did not have');
    expect(await team.getByLabel('Why should the decision be reconsidered?').inputValue()).toBe('The Assembly did not have the falls audit');
    await team.getByLabel('What new information do you have?').fill('The 2026 audit: 212 falls admissions from Dereham in a year.');
    await click(team, 'Ask for reconsideration');
    expect(await message(team)).toContain('Reconsideration asked for');
    expect(await row(team, 'New information').innerText()).toContain('212 falls admissions');
    await screenshot(team, 'reconsideration-asked');

    const lead = await signedInPage(web, ctx, 'rachel.green');
    lead.setDefaultTimeout(30_000);
    await lead.goto(`${web.url}/app/bids/${reference}`);
    await lead.getByRole('link', { name: 'Review the request for reconsideration' }).click();
    await lead.waitForURL(`${web.url}/app/bids/${reference}/reconsideration-review`);
    await expectAccessible(lead, 'the reconsideration review form');
    await lead.getByLabel('Return it to the CCP Assembly').check();
    await lead.getByLabel('Your reason').fill('The audit is new and material');
    await click(lead, 'Record the review');
    expect(await message(lead)).toContain(`Bid ${reference} returns to the CCP Assembly`);
    await waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'back before the Assembly');

    // The next agenda takes it, with its history; the Assembly decides again.
    const second = await meetingFor(reference);
    expect(second.item.reconsideration).toMatchObject({ request: { by: { id: 'amira.hassan' } }, review: { outcome: 'return_to_assembly' } });
    await decide(second.id, second.itemId, 'supported', 'Supported on the new audit');
    await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION', 'supported');
    await team.goto(`${web.url}/app/bids/${reference}`);
    const page = (await team.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(page).toContain('Reconsideration reviewed: the bid returns to the CCP Assembly');
    expect(page).toContain('Reconsideration of the CCP Assembly decision asked for');
  }, 180_000);
});
