// End-to-end tests in a real browser: the app served over real HTTP on a free port, Debian's
// Chromium driven by playwright-core, an axe check on every page, screenshots as artifacts.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { createTestContext, type ContextOptions, type TestContext } from '../helpers/context.js';

// A browser test drives many pages, each a real request through the API and the workflows; on a
// loaded two-core machine one test can take minutes. Bounds on conditions inside stay as they are.
vi.setConfig({ testTimeout: 300_000 });

/** Where screenshots go: test-results/screenshots, or SCREENSHOTS_DIR (npm run screenshots: docs/screenshots). */
export const SCREENSHOTS = process.env.SCREENSHOTS_DIR ? path.resolve(process.env.SCREENSHOTS_DIR) : fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

/** Chromium from CHROMIUM_PATH, or Debian's package (.ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface Web {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWeb(ctx: TestContext, port = 0): Promise<Web> {
  await access(CHROMIUM, constants.X_OK).catch(() => {
    throw new Error(`The browser tests drive Chromium, and there is none at ${CHROMIUM}: install it (on Debian or Ubuntu, apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.`);
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: ctx.app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
  const { port: listening } = server.address() as AddressInfo;
  // As root in CI, Chromium needs --no-sandbox; the rest keep it off a network it cannot reach.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    url: `http://127.0.0.1:${listening}`,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The app on real HTTP and a browser for a test file: started before its tests (`use` gets them),
 * both closed after them, so each file has its own database, task queue and browser.
 */
export function withBrowser(use: (ctx: TestContext, web: Web) => void, options: ContextOptions = {}): void {
  const started: { ctx?: TestContext; web?: Web } = {};
  beforeAll(async () => {
    started.ctx = await createTestContext(options);
    started.web = await startWeb(started.ctx);
    use(started.ctx, started.web);
  }, 120_000);
  afterAll(async () => {
    await started.web?.close();
    await started.ctx?.close();
  });
}

/** A fresh browser context (its own cookies) signed in as this demo user, by their token. */
export async function signedInPage(web: Web, ctx: TestContext, userId: string, options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<Page> {
  const context = await web.browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, locale: 'en-GB', javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  await page.goto(`${web.url}/app/sign-in`);
  await page.getByLabel('Your API token').fill(ctx.tokens[userId]!);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/app/sign-in'));
  return page;
}

/** No serious or critical WCAG 2.2 A or AA violation on the page as it stands. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
  expect(bad, `accessibility of ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The text of the page's error summary or notification banner: what a person reads first. */
export async function message(page: Page): Promise<string> {
  const region = page.locator('.nhsuk-error-summary, .nhsuk-notification-banner').first();
  return (await region.innerText()).replace(/\s+/g, ' ').trim();
}
