/**
 * The operations page in Chromium, against the built app. The dead letters
 * are genuine: the test adds a trigger to the app's database that makes
 * PostgreSQL refuse the board's row for two task titles
 * (../support/poison-titles.ts), so the board projector really fails on those
 * events and parks them. The page shows them with their error and event;
 * Retry fails with that error while the trigger is there; the test then drops
 * it (the fix), and Retry applies the event, which leaves the list and shows
 * on the task's board. Skip asks first, then drops the other for good. A
 * non-operator gets the app's not-found page.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, openNewBoard, sharedBrowser, signIn } from '../support/browser';
import { POISON_ERROR, refusePoisonTitles } from '../support/poison-titles';

const appUrl = inject('appUrl');
const appEnv = inject('appEnv');
const browser = sharedBrowser();
/** Listed in OPERATORS by test/support/global-app.ts. */
const OPERATOR = 'operator@example.com';

describe('the operations page', () => {
  it('shows genuine dead letters; Retry applies one once its cause is fixed, Skip drops the other after asking; a non-operator gets not-found', { timeout: 150_000 }, async () => {
    const sql = postgres(appEnv.DATABASE_URL ?? '', { max: 1, onnotice: () => undefined });
    const poison = await refusePoisonTitles((q) => sql.unsafe(q));
    const userContext = await browser.newContext();
    const operatorContext = await browser.newContext();
    try {
      const user = await userContext.newPage();
      const tag = randomBytes(4).toString('hex');
      await openNewBoard(user, appUrl, { email: `poisoned-${tag}@example.com`, organization: `Poisoned ${tag}`, project: 'Board' });
      const boardUrl = user.url();
      const [toRetry, toSkip] = [`${poison.marker} retry`, `${poison.marker} skip`];
      // Both commands succeed (their events are in the log) and the board parks both events, so nothing
      // shows on the board: the operations page below waits for the two dead letters. (Add is disabled
      // while a create is in flight; clicking it waits until it is enabled again.)
      const todo = user.getByRole('region', { name: 'To do' });
      for (const title of [toRetry, toSkip]) {
        await todo.getByLabel('New task in To do').fill(title);
        await todo.getByRole('button', { name: 'Add' }).click();
      }

      const ops = await operatorContext.newPage();
      await signIn(ops, appUrl, OPERATOR);
      await ops.getByRole('banner').getByRole('link', { name: 'Operations' }).click();
      await ops.waitForURL(`${appUrl}/operations`);
      await ops.getByRole('table', { name: 'Projectors by partition' }).getByRole('row', { name: /board/ }).first().waitFor();
      const letter = (title: string) => ops.getByRole('list', { name: 'Dead letters' }).getByRole('listitem').filter({ hasText: title });
      for (const title of [toRetry, toSkip]) {
        await letter(title).getByText(POISON_ERROR).waitFor({ timeout: 20_000 });
        await letter(title).getByText('task.created', { exact: true }).waitFor();
      }
      // The event as JSON, collapsed until asked for.
      const json = letter(toRetry).locator('pre', { hasText: '"type": "task.created"' });
      await expect(json.isVisible()).resolves.toBe(false);
      await letter(toRetry).getByText('Event JSON').click();
      await json.waitFor();
      await ops.screenshot({ path: path.join(ARTIFACTS_DIR, 'operations.png'), fullPage: true });

      // Before the fix, Retry says why it still fails, and the event stays parked.
      const toasts = ops.getByRole('region', { name: /^Notifications/ }).getByRole('listitem');
      await letter(toRetry).getByRole('button', { name: 'Retry' }).click();
      await toasts.filter({ hasText: 'Not saved' }).getByText(new RegExp(`^Retry failed at \\d+-\\d+ \\(task\\.created\\): ${POISON_ERROR}$`)).waitFor();
      await expect(letter(toRetry).count()).resolves.toBe(1);
      // A fresh load of the board: neither task is in its read model.
      await user.goto(boardUrl);
      await user.getByRole('region', { name: 'To do' }).getByText('Nothing here yet').waitFor();

      // The fix: the trigger goes. Skip asks first; Retry now applies the event.
      await poison.cure();
      await letter(toSkip).getByRole('button', { name: 'Skip' }).click();
      await ops.getByRole('alertdialog', { name: 'Drop this event from the read model for good?' }).getByRole('button', { name: 'Skip it' }).click();
      await toasts.filter({ hasText: 'Skipped' }).getByText('Dropped from board.').waitFor();
      await letter(toSkip).waitFor({ state: 'detached' });
      await letter(toRetry).getByRole('button', { name: 'Retry' }).click();
      await toasts.filter({ hasText: 'Retried' }).getByText('1 event applied to board.').waitFor();
      await letter(toRetry).waitFor({ state: 'detached' });
      await ops.getByText('No dead letters', { exact: true }).waitFor();

      // The retried task is on its board; the skipped one never will be.
      await user.goto(boardUrl);
      await user.getByRole('button', { name: `Move ${toRetry} (To do)` }).waitFor();
      await expect(user.getByText(toSkip).count()).resolves.toBe(0);

      // Not an operator: the app's not-found page, and no link to it.
      const response = await user.goto(`${appUrl}/operations`);
      expect(response?.status()).toBe(404);
      await user.getByText('This page could not be found.').waitFor();
      await expect(user.getByRole('banner').getByRole('link', { name: 'Operations' }).count()).resolves.toBe(0);
    } finally {
      await poison.cure();
      await sql.end({ timeout: 5 });
      await userContext.close();
      await operatorContext.close();
    }
  });
});
