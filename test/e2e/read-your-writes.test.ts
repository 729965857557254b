/**
 * G10 in the browser, with the projectors stalled for real: a worker holds
 * every partition's lease and is then frozen with SIGSTOP, so the server's
 * bounded wait runs out. The user's own move must stay where they put it,
 * marked "Syncing…", and settle once the worker runs again.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { moveCardWithKeyboard } from '../support/board';
import { ARTIFACTS_DIR, openNewBoard, sharedBrowser } from '../support/browser';
import { eventually } from '../support/log-capture';
import { startWorkerProcess, stopGracefully } from '../support/processes';

const appUrl = inject('appUrl');
const browser = sharedBrowser();

describe('G10 read-your-writes in the browser', () => {
  it('with the projectors stalled, a user’s own move stays put, marked “Syncing…”, until the board catches up', async () => {
    const worker = startWorkerProcess('scripts/worker.ts', { ...inject('appEnv'), LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    const context = await browser.newContext();
    try {
      await eventually(() => (worker.output().match(/lease acquired/g) ?? []).length >= 4, 30_000, 'the worker holding every partition');
      const page = await context.newPage();
      const tag = randomBytes(4).toString('hex');
      await openNewBoard(page, appUrl, { email: `ryw-${tag}@example.com`, organization: `Ryw ${tag}`, project: 'Release' });
      await page.getByLabel('New task in To do').fill('Ship it');
      await page.getByLabel('New task in To do').press('Enter');
      await page.getByRole('button', { name: 'Move Ship it (To do)' }).waitFor();
      await page.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

      worker.child.kill('SIGSTOP');
      await moveCardWithKeyboard(page, 'Ship it', ['ArrowRight']);
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
