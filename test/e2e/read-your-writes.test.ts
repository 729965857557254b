/**
 * G10 in the browser, with the projectors stalled for real: a worker holds
 * every partition's lease and is then frozen with SIGSTOP, so the server's
 * bounded wait runs out. The user's own move must stay where they put it,
 * marked "Syncing…", and settle once the worker runs again.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, launchBrowser, signIn } from '../support/browser';
import { eventually } from '../support/log-capture';
import { startWorkerProcess, stopGracefully } from '../support/processes';

const appUrl = inject('appUrl');
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('G10 read-your-writes in the browser', () => {
  it('with the projectors stalled, a user’s own move stays put, marked “Syncing…”, until the board catches up', async () => {
    const worker = startWorkerProcess('scripts/worker.ts', { ...inject('appEnv'), LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    const context = await browser.newContext();
    try {
      await eventually(() => (worker.output().match(/lease acquired/g) ?? []).length >= 4, 30_000, 'the worker holding every partition');
      const page = await context.newPage();
      await signIn(page, appUrl, `ryw-${randomBytes(4).toString('hex')}@example.com`);
      await page.getByLabel('Name', { exact: true }).fill(`Ryw ${randomBytes(2).toString('hex')}`);
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);
      await page.getByLabel('New project').fill('Release');
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.getByRole('link', { name: 'Release' }).click();
      await page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
      await page.getByLabel('New task in To do').fill('Ship it');
      await page.getByLabel('New task in To do').press('Enter');
      await page.getByRole('button', { name: 'Move Ship it (To do): arrow keys' }).waitFor();
      await page.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

      worker.child.kill('SIGSTOP');
      await page.getByRole('button', { name: /^Move Ship it/ }).press('ArrowRight');
      const inDoing = page.getByRole('region', { name: 'Doing' }).getByRole('button', { name: /^Move Ship it/ });
      await inDoing.waitFor({ timeout: 5_000 }); // optimistic, at once
      await page.getByText('Syncing…').waitFor({ timeout: 10_000 });
      // The user's own write, never an older state: still Doing, although the read model says To do…
      await expect(inDoing.count()).resolves.toBe(1);
      // …as a fresh tab, which wrote nothing, shows.
      const other = await context.newPage();
      await other.goto(page.url());
      await other.getByRole('region', { name: 'To do' }).getByRole('button', { name: /^Move Ship it/ }).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'board-syncing.png') });

      worker.child.kill('SIGCONT');
      await page.getByText('Syncing…').waitFor({ state: 'detached', timeout: 20_000 });
      await expect(inDoing.count()).resolves.toBe(1);
      await other.getByRole('region', { name: 'Doing' }).getByRole('button', { name: /^Move Ship it/ }).waitFor({ timeout: 10_000 });
    } finally {
      worker.child.kill('SIGCONT');
      await stopGracefully(worker);
      await context.close();
    }
  });
});
