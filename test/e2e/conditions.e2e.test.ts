// Conditions with due dates in a real browser: the chair gives a condition its due day on the
// decision form, the bid's page shows the programme team each condition with its due day and
// state, the hub lead records one as met, with its evidence, from the same page, and the chair
// waives the other with the reason.
import { describe, expect, it } from 'vitest';
import { londonDay } from '../../src/domain/calendar.js';
import { dayInWords } from '../../src/model/bid.js';
import { closeMeetingUpdate, openMeetingUpdate, recordAttendanceUpdate } from '../../src/shared.js';
import type { TestContext } from '../helpers/context.js';
import { actor, meetingAct, meetingHandle, meetingWithAgenda, QUORATE, reviewToAssembly, smallBid, submit, waitForBid } from '../helpers/lifecycle.js';
import { click } from './drive.js';
import { expectAccessible, message, screenshot, signedInPage, type Web, withBrowser } from './harness.js';

let ctx: TestContext;
let web: Web;

withBrowser((c, w) => ((ctx = c), (web = w)));

describe('conditions of a decision', () => {
  it('are shown with their due days and state, and the hub lead records one as met', async () => {
    const reference = await submit(ctx, smallBid({ title: 'Community frailty hub in Swaffham' }));
    await reviewToAssembly(ctx, reference);
    const chair = actor('sarah.collins');
    const meetingId = `${ctx.config.REFERENCE_PREFIX.toLowerCase()}-c1`;
    const agenda = await meetingWithAgenda(ctx, meetingId);
    await meetingHandle(ctx, meetingId).executeUpdate(openMeetingUpdate, { args: [{ actor: chair }] });
    await meetingAct(ctx, meetingId, recordAttendanceUpdate, { actor: chair, present: QUORATE });
    const due = new Date(Date.parse(`${londonDay(new Date())}T12:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);

    // The chair gives a condition its day by ending its line with "by" and the date; a past one is refused, naming it.
    const chairPage = await signedInPage(web, ctx, 'sarah.collins');
    chairPage.setDefaultTimeout(30_000);
    await chairPage.goto(`${web.url}/app/meetings/${meetingId}/items/${agenda.items.find((i) => i.reference === reference)!.itemId}`);
    await chairPage.getByLabel('Supported with conditions').check();
    await chairPage.getByRole('textbox', { name: 'Conditions' }).fill('Baseline frailty scores to the hub by 2020-01-31\nQuarterly report');
    await chairPage.getByRole('textbox', { name: 'Reason' }).fill('Clear local need');
    await click(chairPage, 'Record the decision');
    expect(await message(chairPage)).toContain('The date of condition 1 (2020-01-31) must not be in the past');
    await expectAccessible(chairPage, 'the decision form with a past due date');
    await chairPage.getByRole('textbox', { name: 'Conditions' }).fill(`Baseline frailty scores to the hub by ${due}\nQuarterly report`);
    await click(chairPage, 'Record the decision');
    expect(await message(chairPage)).toContain('Decision recorded');
    expect((await chairPage.locator('main').innerText()).replace(/\s+/g, ' ')).toContain(`Baseline frailty scores to the hub (to be met by ${dayInWords(due)})`);
    await meetingHandle(ctx, meetingId).executeUpdate(closeMeetingUpdate, { args: [{ actor: chair }] });
    const supported = await waitForBid(ctx, reference, (b) => b.state === 'ALLOCATION' && !!b.conditions, 'supported with its conditions');
    expect(supported.assembly.decisions.at(-1)).toMatchObject({ conditions: ['Baseline frailty scores to the hub', 'Quarterly report'], conditionsDueBy: [due, null] });

    const team = await signedInPage(web, ctx, 'amira.hassan');
    team.setDefaultTimeout(30_000);
    await team.goto(`${web.url}/app/bids/${reference}`);
    const callout = (await team.locator('.nhsuk-warning-callout').innerText()).replace(/\s+/g, ' ');
    expect(callout).toContain('Baseline frailty scores to the hub');
    expect(callout).toContain(`To be met by ${dayInWords(due)}`);
    expect(callout).toContain('Quarterly report');
    expect(callout).toContain('No due date');
    await expectAccessible(team, "the bid's page with its conditions");
    expect(await team.getByRole('link', { name: 'Record a condition as met' }).count()).toBe(0);

    const lead = await signedInPage(web, ctx, 'rachel.green');
    lead.setDefaultTimeout(30_000);
    await lead.goto(`${web.url}/app/bids/${reference}`);
    await lead.getByRole('link', { name: 'Record a condition as met' }).click();
    await lead.waitForURL(`${web.url}/app/bids/${reference}/conditions`);
    await expectAccessible(lead, 'the form to record a condition as met');
    await click(lead, 'Record as met');
    expect(await message(lead)).toContain('Select the condition that is met');
    await lead.getByLabel('Baseline frailty scores to the hub').check();
    await lead.getByLabel('What shows it is met?').fill('Baseline scores for 140 patients received on 1 December');
    await click(lead, 'Record as met');
    expect(await message(lead)).toContain('Condition c1 recorded as met');
    const page = (await lead.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(page).toContain('Recorded as met by Rachel Green');
    expect(page).toContain('Condition c1 recorded as met');
    await screenshot(lead, 'conditions-met');
    expect(await lead.getByRole('link', { name: 'Waive a condition' }).count()).toBe(0);

    // The chair waives the other, with the reason, from the bid's page.
    await chairPage.goto(`${web.url}/app/bids/${reference}`);
    await chairPage.getByRole('link', { name: 'Waive a condition' }).click();
    await chairPage.waitForURL(`${web.url}/app/bids/${reference}/conditions/waiver`);
    expect(await chairPage.getByLabel('Baseline frailty scores to the hub').count()).toBe(0); // met: not offered
    await chairPage.getByLabel('Quarterly report').check();
    await click(chairPage, 'Waive the condition');
    expect(await message(chairPage)).toContain('Enter why the condition is waived');
    await expectAccessible(chairPage, 'the form to waive a condition, with an error');
    await chairPage.getByLabel('Why is it waived?').fill('The national quarterly return now covers it');
    await click(chairPage, 'Waive the condition');
    expect(await message(chairPage)).toContain('Condition c2 waived');
    const after = (await chairPage.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(after).toContain('Waived by Dr Sarah Collins, chair of the CCP Assembly');
    expect(after).toContain('The national quarterly return now covers it');
    await screenshot(chairPage, 'condition-waived');
  }, 180_000);
});
