/**
 * Drag and drop on the task board (dnd-kit) in Chromium: a finger on a phone
 * (touch events through CDP, with the hold the TouchSensor waits for), the
 * mouse, and the keyboard (Space, arrow keys, Space), announced in words in dnd-kit's
 * live region and kept by the server: a reload shows the card where it was put.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, openNewBoard, sharedBrowser } from '../support/browser';
import { cardHandle, dragAnnouncer, dragCardByTouch, dragCardWithMouse, moveCardWithKeyboard, nextMoveSaved } from '../support/board';

const appUrl = inject('appUrl');
const browser = sharedBrowser();

async function addTask(page: Page, column: string, title: string): Promise<void> {
  await page.getByLabel(`New task in ${column}`).fill(title);
  await page.getByLabel(`New task in ${column}`).press('Enter');
  await cardHandle(page, title, column).waitFor();
}

/** The titles of a column's cards, top to bottom. */
async function titlesIn(page: Page, column: string): Promise<string[]> {
  const names = await page.getByRole('region', { name: column }).getByRole('button', { name: /^Move / }).evaluateAll((handles) => handles.map((h) => h.getAttribute('aria-label') ?? ''));
  return names.map((name) => name.replace(/^Move (.*) \([^)]*\)$/, '$1'));
}

describe('dragging cards on the board', () => {
  it('on a touch phone, a card held by its handle and dragged from To do to Doing moves there, for good', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const tag = randomBytes(4).toString('hex');
    await openNewBoard(page, appUrl, { email: `touch-${tag}@example.com`, organization: `Touch ${tag}`, project: 'Phone' });
    await addTask(page, 'To do', 'Water the plants');
    await addTask(page, 'To do', 'Feed the cat');
    await page.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    const saved = nextMoveSaved(page);
    await dragCardByTouch(page, context, cardHandle(page, 'Water the plants'), page.getByRole('region', { name: 'Doing' }));
    await cardHandle(page.getByRole('region', { name: 'Doing' }), 'Water the plants', 'Doing').waitFor({ timeout: 5_000 });
    await expect(dragAnnouncer(page).textContent()).resolves.toMatch(/^Task “Water the plants” dropped in Doing/);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'board-touch.png'), fullPage: true });
    await saved;

    await page.reload();
    await cardHandle(page.getByRole('region', { name: 'Doing' }), 'Water the plants', 'Doing').waitFor();
    await expect(titlesIn(page, 'To do')).resolves.toEqual(['Feed the cat']);
    await context.close();
  });

  it('with a mouse, a card dragged by its handle to another column moves there, for good', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const tag = randomBytes(4).toString('hex');
    await openNewBoard(page, appUrl, { email: `mouse-${tag}@example.com`, organization: `Mouse ${tag}`, project: 'Desk' });
    await addTask(page, 'To do', 'Sketch');
    await addTask(page, 'To do', 'Measure');

    const saved = nextMoveSaved(page);
    await dragCardWithMouse(page, cardHandle(page, 'Sketch'), page.getByRole('region', { name: 'Done' }));
    await cardHandle(page.getByRole('region', { name: 'Done' }), 'Sketch', 'Done').waitFor({ timeout: 5_000 });
    await saved;
    await page.reload();
    await cardHandle(page.getByRole('region', { name: 'Done' }), 'Sketch', 'Done').waitFor();
    await expect(titlesIn(page, 'To do')).resolves.toEqual(['Measure']);
    await context.close();
  });

  it('with the keyboard, Space, an arrow key and Space reorder a card or move it to the next column, each step said in words', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const tag = randomBytes(4).toString('hex');
    await openNewBoard(page, appUrl, { email: `keys-${tag}@example.com`, organization: `Keys ${tag}`, project: 'Desk' });
    await addTask(page, 'To do', 'Draft');
    await addTask(page, 'To do', 'Review');
    await addTask(page, 'To do', 'Publish');

    // Up one place within To do.
    const reordered = nextMoveSaved(page);
    await expect(moveCardWithKeyboard(page, 'Publish', ['ArrowUp'])).resolves.toEqual([
      'Picked up task “Publish” in To do.',
      'Task “Publish” moved to To do, position 2 of 3.',
      'Task “Publish” dropped in To do, position 2 of 3.',
    ]);
    await expect(titlesIn(page, 'To do')).resolves.toEqual(['Draft', 'Publish', 'Review']);
    // The focus is back on the handle, so the next move is one Space away.
    await page.locator(':focus').and(cardHandle(page, 'Publish', 'To do')).waitFor();
    await reordered;

    // Right, into the empty Doing column.
    const saved = nextMoveSaved(page);
    const said = await moveCardWithKeyboard(page, 'Draft', ['ArrowRight']);
    expect(said[0]).toBe('Picked up task “Draft” in To do.');
    expect(said.at(-1)).toBe('Task “Draft” dropped in Doing, position 1 of 1.');
    await cardHandle(page.getByRole('region', { name: 'Doing' }), 'Draft', 'Doing').waitFor();
    await page.locator(':focus').and(cardHandle(page, 'Draft', 'Doing')).waitFor();

    // Picked up and put back with Escape: announced, and nothing moves.
    await cardHandle(page, 'Review').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => dragAnnouncer(page).textContent(), { timeout: 10_000 }).toBe('Picked up task “Review” in To do.');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => dragAnnouncer(page).textContent(), { timeout: 10_000 }).toMatch(/^Task “Review” moved to Doing/);
    await page.keyboard.press('Escape');
    await expect.poll(() => dragAnnouncer(page).textContent(), { timeout: 10_000 }).toBe('Moving task “Review” was cancelled; it is back in To do.');

    await saved;
    await page.reload();
    await cardHandle(page.getByRole('region', { name: 'Doing' }), 'Draft', 'Doing').waitFor();
    await expect(titlesIn(page, 'To do')).resolves.toEqual(['Publish', 'Review']);
    await expect(titlesIn(page, 'Doing')).resolves.toEqual(['Draft']);
    await context.close();
  });
});
