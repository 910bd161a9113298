// Driving the pages as a person would: the bid form's four steps, buttons that lead on or come
// back with errors, dates, a meeting's attendance, and reading what a page says. Shared by the
// browser tests.
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_USERS } from '../../src/db/demo.js';
import { londonDay } from '../../src/domain/calendar.js';
import { message } from './harness.js';

export const group = (page: Page, legend: RegExp) => page.getByRole('group', { name: legend });

/** Presses Continue (or another button) and waits for the page it leads to. */
export async function press(page: Page, button: string, then: RegExp): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForURL(then);
}

/** Presses a button on a form that comes back with errors, and waits for the error summary. */
export async function pressExpectingErrors(page: Page, button: string): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.locator('.nhsuk-error-summary').waitFor();
}

export interface About {
  title: string;
  kind: 'New service' | 'Pilot' | 'Expansion of an existing service' | 'Disinvestment';
}

export async function fillAbout(page: Page, { title, kind }: About): Promise<void> {
  await page.getByLabel('Title of the bid').fill(title);
  await page.getByLabel('Summary').fill('Respiratory nurses and physiotherapists in community hubs, so people with COPD are seen early and stay out of hospital.');
  await group(page, /Partner organisations/).getByLabel(/Queen Elizabeth Hospital/).check();
  await group(page, /What kind of bid/).getByLabel(kind, { exact: true }).check();
  await group(page, /At what level/).getByLabel('Place', { exact: true }).check();
  await group(page, /Which places/).getByLabel('Norwich').check();
  await group(page, /Which places/).getByLabel('North Norfolk').check();
  await page.getByLabel('Day').fill('1');
  await page.getByLabel('Month').fill('4');
  await page.getByLabel('Year', { exact: true }).fill('2027');
}

export async function fillReach(page: Page): Promise<void> {
  await group(page, /mainly serve/).getByLabel('Improving urgent and emergency care').check();
  await group(page, /other ambitions/).getByLabel('Transforming care in later life').check();
  await page.getByLabel('How many people would it reach a year?').fill('1,200');
  await page.getByLabel(/What percentage of them/).fill('35');
  await page.getByLabel(/Which PLUS groups/).fill('people experiencing homelessness\ncarers');
  await group(page, /Core20PLUS5/).getByLabel('Chronic respiratory disease').check();
}

export async function fillCosts(page: Page): Promise<void> {
  await page.locator('#costs-0--financialYear').selectOption({ index: 1 });
  await page.locator('#costs-0--recurrentPence').fill('80,000');
  await page.locator('#costs-0--nonRecurrentPence').fill('20000');
}

export async function fillEvidence(page: Page, withPlan: boolean): Promise<void> {
  await group(page, /strongest evidence/).getByLabel('Observational study').check();
  await group(page, /statutory mandate/).getByLabel('No statutory mandate').check();
  await group(page, /how likely is harm/).getByLabel('3', { exact: true }).check();
  await group(page, /How serious/).getByLabel('4', { exact: true }).check();
  if (withPlan) await fillPlan(page);
  await page.getByLabel(/How many staff/).fill('2.5');
}

export async function fillPlan(page: Page): Promise<void> {
  await page.getByLabel('Outcome measures').fill('emergency admissions for COPD\nbed days per 1,000 patients');
  await page.getByLabel('Baseline data').fill('Admissions for COPD by practice, 2025/26, from the secondary uses service');
  await page.getByLabel('Evaluation method').fill('Difference in differences against practices without a hub');
}

/** Starts a bid and answers every step, accessible at each, up to "Check your answers". */
export async function writeBid(page: Page, baseUrl: string, about: About, withPlan: boolean): Promise<void> {
  await page.goto(`${baseUrl}/app/bids/new`);
  await press(page, 'Start', /\/about$/);
  await fillAbout(page, about);
  await press(page, 'Continue', /\/reach$/);
  await fillReach(page);
  await press(page, 'Continue', /\/costs$/);
  await fillCosts(page);
  await press(page, 'Continue', /\/evidence$/);
  await fillEvidence(page, withPlan);
  await press(page, 'Continue', /\/check$/);
}

/** The reference of the bid whose page this is. */
export const referenceOf = (page: Page): string => new URL(page.url()).pathname.split('/').at(-1)!;

/** An element's text as it reads, visually hidden parts included, on one line. */
export async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The text of the summary row with this key. */
export const row = (page: Page, key: string) => page.locator('.nhsuk-summary-list__row', { has: page.locator('dt', { hasText: new RegExp(`^${key}$`) }) }).first().locator('dd').first();

/** Reloads the page until it shows this text: for what the workflow does after the answer. */
export async function reloadUntil(page: Page, text: string | RegExp, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await page.getByText(text).count()) > 0) return;
    if (Date.now() > until) throw new Error(`the page never showed ${String(text)}`);
    await page.waitForTimeout(250);
    await page.reload();
  }
}


/** The page's CSRF token, as its forms carry it. */
export async function csrfOf(page: Page): Promise<string> {
  return page.locator('input[name="_csrf"]').first().inputValue();
}

/** Clicks a button and waits for the page its form posts to (post, redirect, get). */
export async function click(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: button, exact: true }).click()]);
}

/** The form holding this button: one of several small forms on a page. */
export const formWith = (page: Page, button: string) => page.locator('form', { has: page.getByRole('button', { name: button, exact: true }) });

/** The day in England this many days from today, as YYYY-MM-DD. */
export const dayFromNow = (days: number): string => londonDay(new Date(Date.now() + days * 86_400_000));

/** Types a YYYY-MM-DD day into the NHS date input called `name`, as a person writes it (1 4 2027). */
export async function fillDate(page: Page, name: string, day: string): Promise<void> {
  const [year, month, date] = day.split('-');
  await page.locator(`#${name}-day`).fill(String(Number(date)));
  await page.locator(`#${name}-month`).fill(String(Number(month)));
  await page.locator(`#${name}-year`).fill(year!);
}

/** The chair ticks exactly these members present on the meeting's page, and records it. */
export async function recordAttendance(chair: Page, meetingUrl: string, present: readonly string[]): Promise<void> {
  await chair.goto(meetingUrl);
  for (const checkbox of await chair.getByRole('checkbox').all()) await checkbox.uncheck();
  for (const id of present) {
    const name = DEMO_USERS.find((u) => u.id === id)!.name;
    await chair.getByRole('checkbox', { name: new RegExp(`^${name} \\(`) }).check();
  }
  await click(chair, 'Record attendance');
  expect(await message(chair)).toContain(`${present.length} members present`);
}
