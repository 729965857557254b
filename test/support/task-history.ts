/**
 * The task history dialog, checked the same way against the production build
 * (test/e2e/organizations.test.ts) and against `next dev`
 * (test/e2e/dev-mode.test.ts), where React StrictMode mounts the dialog,
 * unmounts it and mounts it again.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { openNewBoard } from './browser';

/**
 * On a new board, a card's History opens the dialog, which stays open: no
 * `close` event, and still open once its list has loaded over the network and
 * two more frames have passed. Escape then closes it (one `close` event) and
 * the focus is back on the card, on the History button that opened it.
 */
export async function checkTaskHistoryDialog(page: Page, appUrl: string): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  await openNewBoard(page, appUrl, { email: `history-${tag}@example.com`, organization: `History ${tag}`, project: 'Docs' });
  await page.getByLabel('New task in To do').fill('Proofread');
  await page.getByLabel('New task in To do').press('Enter');
  const historyButton = page.getByRole('button', { name: 'History of Proofread' });
  await historyButton.waitFor();

  // Counts every dialog's `close` from here on (it does not bubble: heard in the capture phase).
  const closes = await page.evaluateHandle(() => {
    let closed = () => {};
    const seen = { count: 0, first: new Promise<void>((resolve) => (closed = resolve)) };
    document.addEventListener('close', (event) => {
      if (!(event.target instanceof HTMLDialogElement)) return;
      seen.count += 1;
      closed();
    }, true);
    return seen;
  });
  await historyButton.click();
  const dialog = page.getByRole('dialog', { name: 'History of “Proofread”' });
  // Its list loads over the network, long after any second mount; a dialog that closed by itself by then never shows it.
  const loaded = dialog.getByRole('list', { name: 'Task history' }).getByRole('listitem').filter({ hasText: 'created “Proofread” in To do' }).waitFor().then(() => 'shown' as const);
  loaded.catch(() => undefined); // when the dialog closes first, nobody awaits this wait's timeout
  const closed = closes.evaluate((seen) => seen.first).then(() => 'closed by itself' as const, () => new Promise<never>(() => undefined));
  await expect(Promise.race([loaded, closed]), 'the dialog, until its history showed').resolves.toBe('shown');
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  await expect(dialog.evaluate((element) => element instanceof HTMLDialogElement && element.open), 'the dialog is open').resolves.toBe(true);
  await expect(closes.evaluate((seen) => seen.count), 'close events while the dialog opened').resolves.toBe(0);

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // The `close` event is fired from a queued task, after the dialog is already hidden: wait for it.
  await expect.poll(() => closes.evaluate((seen) => seen.count), { message: 'close events after Escape', timeout: 5_000 }).toBe(1);
  await page.locator(':focus').and(historyButton).waitFor();
}
