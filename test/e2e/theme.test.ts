/**
 * The theme and the signed-in header in Chromium, against the built app: the
 * theme chosen in the user menu applies at once (`class="dark"` on <html>),
 * survives a reload, and follows the system when set back to System; the
 * header shows the user's initials, a Settings link, and the theme button
 * when signed out.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, sharedBrowser, signIn } from '../support/browser';

const appUrl = inject('appUrl');
const browser = sharedBrowser();

const htmlClass = (page: Page) => page.locator('html').getAttribute('class');

async function chooseTheme(page: Page, theme: 'Light' | 'Dark' | 'System') {
  await page.getByRole('banner').getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitemradio', { name: theme }).click();
}

describe('the theme and the header', () => {
  it('a theme chosen in the user menu applies at once and after a reload; System follows the browser', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    const email = `theme-${randomBytes(4).toString('hex')}@example.com`;
    await signIn(page, appUrl, email);
    await expect(htmlClass(page)).resolves.not.toMatch(/\bdark\b/);

    const menu = page.getByRole('banner').getByRole('button', { name: 'Account menu' });
    await expect(menu.textContent()).resolves.toBe('T');
    await menu.click();
    await expect(page.getByRole('menuitem', { name: 'Settings' }).getAttribute('href')).resolves.toBe('/settings');
    await page.keyboard.press('Escape');

    await chooseTheme(page, 'Dark');
    await page.locator('html.dark').waitFor({ state: 'attached' });
    await page.reload();
    await page.getByText(`Signed in as ${email}`).waitFor();
    await expect(htmlClass(page)).resolves.toMatch(/\bdark\b/);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'home-dark.png'), fullPage: true });
    await page.getByRole('banner').getByRole('button', { name: 'Account menu' }).click();
    await expect(page.getByRole('menuitemradio', { name: 'Dark' }).getAttribute('aria-checked')).resolves.toBe('true');
    await page.keyboard.press('Escape');

    await chooseTheme(page, 'System');
    await page.locator('html:not(.dark)').waitFor({ state: 'attached' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('html.dark').waitFor({ state: 'attached' });
    await context.close();
  });

  it('signed out, the header has the theme button and no user menu', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(appUrl);
    const header = page.getByRole('banner');
    await header.getByRole('button', { name: 'Theme' }).click();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    await page.locator('html.dark').waitFor({ state: 'attached' });
    await expect(header.getByRole('button', { name: 'Account menu' }).count()).resolves.toBe(0);
    await context.close();
  });
});
