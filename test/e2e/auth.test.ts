import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, sharedBrowser } from '../support/browser';

const appUrl = inject('appUrl');
const browser = sharedBrowser();

const uniqueEmail = () => `e2e-${randomBytes(4).toString('hex')}@example.com`;

async function signIn(page: Page, email: string) {
  await page.goto(appUrl);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in with email' }).click();
}

describe('development sign-in', () => {
  it('signs in, shows the signed-in home page with a live connection, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = uniqueEmail();

    await page.goto(appUrl);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Ship live, event-driven SaaS');

    await signIn(page, email);
    await page.getByText(`Signed in as ${email}`).waitFor();
    // The indicator turns "Live" only once the SSE subscription delivered its first event.
    await page.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'home-signed-in.png'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await expect(page.getByText(`Signed in as ${email}`).count()).resolves.toBe(0);

    // The session is really gone: a reload stays signed out.
    await page.reload();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('works before hydration: the sign-in form posts as a server action with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const email = uniqueEmail();
    await signIn(page, email);
    await page.getByText(`Signed in as ${email}`).waitFor();
    await context.close();
  });

  it('rejects an invalid email on the server with a clear message', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in`);
    // Skip the browser's own check so the server's validation is what answers.
    await page.locator('form:has(input[name=email])').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Sign in with email' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter a valid email address.' }).waitFor();
    expect(page.url()).toContain('/sign-in');
    await context.close();
  });

  it('keeps signed-out visitors away from protected data', async () => {
    const response = await fetch(`${appUrl}/api/trpc/system.viewer`);
    expect(response.status).toBe(401);
    const health = await fetch(`${appUrl}/api/health`);
    expect(health.status).toBe(200);
    await expect(health.json()).resolves.toMatchObject({ ok: true, checks: { postgres: { ok: true }, redis: { ok: true } } });
  });
});
