/**
 * Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by
 * playwright-core (which downloads nothing). Override the binary with CHROMIUM_PATH.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../../test-results');

export function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** The sign-in page's development sign-in form (the page may show the sign-in link form too). */
export function devSignInForm(page: Page): Locator {
  return page.getByRole('form', { name: 'Development sign-in' });
}

/** Submits the development sign-in form of the sign-in page that is open. */
export async function submitDevSignIn(page: Page, email: string): Promise<void> {
  const form = devSignInForm(page);
  await form.getByLabel('Email').fill(email);
  await form.getByRole('button', { name: 'Sign in with email' }).click();
}

/** Signs a new user in through the development sign-in form and waits for their (empty) home page. */
export async function signIn(page: Page, appUrl: string, email: string): Promise<void> {
  await page.goto(`${appUrl}/sign-in`);
  await submitDevSignIn(page, email);
  await page.getByText('You are not in any organization yet.').waitFor();
}

/**
 * Picks `option` in a Select (src/components/ui/select.tsx), found by the
 * combobox's accessible name: opens it, then clicks the option by role.
 * Radix Select is a button and a listbox, so `selectOption` does not apply.
 */
export async function chooseOption(scope: Page | Locator, combobox: string, option: string): Promise<void> {
  const page = 'page' in scope ? scope.page() : scope;
  await scope.getByRole('combobox', { name: combobox, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** One Chromium for a test file: launched before its tests, closed after them. */
export function sharedBrowser(): { newContext: (options?: BrowserContextOptions) => Promise<BrowserContext> } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    newContext: (options) => {
      if (!browser) throw new Error('The browser is not running: call newContext inside a test.');
      return browser.newContext(options);
    },
  };
}

/** Signs a new user in, creates an organization with one project, and opens the project's board. */
export async function openNewBoard(page: Page, appUrl: string, opts: { email: string; organization: string; project: string }): Promise<{ organizationUrl: string }> {
  await signIn(page, appUrl, opts.email);
  await page.getByLabel('Name', { exact: true }).fill(opts.organization);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL(/\/o\/[a-z0-9-]+$/);
  const organizationUrl = page.url();
  await page.getByLabel('New project').fill(opts.project);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByRole('link', { name: opts.project }).click();
  await page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
  return { organizationUrl };
}
