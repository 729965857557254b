/**
 * Moving cards on the task board in end-to-end tests the ways people do:
 * with the keyboard (dnd-kit: Space picks the card up, the arrow keys move it,
 * Space drops it, and the live region says each step in words), with the
 * mouse, and with a finger on a touch screen (touch events sent over CDP, held
 * as long as the board's TouchSensor waits before a card drags).
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { TOUCH_ACTIVATION } from '~/app/o/[slug]/p/[projectId]/board/arrangement';
import { eventually } from './log-capture';

type ArrowKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A card's drag handle: the button named "Move <title> (<column>)". */
export function cardHandle(scope: Page | Locator, title: string, column?: string): Locator {
  return scope.getByRole('button', column ? { name: `Move ${title} (${column})`, exact: true } : { name: new RegExp(`^Move ${escapeRegExp(title)} \\(`) });
}

/** Resolves once the page's next `tasks.move` command is answered with success (a reload before that would lose it). */
export function nextMoveSaved(page: Page): Promise<unknown> {
  const saved = page.waitForResponse((response) => new URL(response.url()).pathname.includes('tasks.move') && response.ok());
  // Awaited by the test after its move; when the test fails before that and its page closes, this is no second error.
  saved.catch(() => undefined);
  return saved;
}

/** dnd-kit's live region (role status), where drag and drop is announced to screen readers. */
export function dragAnnouncer(page: Page): Locator {
  return page.locator('[id^="DndLiveRegion-"]');
}

/**
 * Moves a card with the keyboard: focuses its handle, Space, each arrow key,
 * Space; waits at each step for the live region to announce it. Returns the
 * announcements in order (pick-up, one per key, drop).
 */
export async function moveCardWithKeyboard(page: Page, title: string, keys: ReadonlyArray<ArrowKey>): Promise<string[]> {
  const said: string[] = [];
  const announced = async (what: string, expected: RegExp) => {
    const previous = said.at(-1);
    let text = '';
    await eventually(async () => {
      text = (await dragAnnouncer(page).textContent()) ?? '';
      return expected.test(text) && text !== previous;
    }, 10_000, `the announcement of ${what}`).catch((error: unknown) => {
      throw new Error(`${String(error)} (last heard: “${text}”)`);
    });
    said.push(text);
  };
  // The tab in front, as for a person pressing the keys: a background tab gets no animation frames, which dnd-kit's measuring waits for.
  await page.bringToFront();
  await cardHandle(page, title).focus();
  await page.keyboard.press('Space');
  await announced('the pick-up', /^Picked up task/);
  // dnd-kit's KeyboardSensor starts listening for the arrow keys in a timer queued at the pick-up; the browser
  // handles input before timers, so a key sent at once can come first and be lost. A timer queued now runs after it.
  await page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  for (const key of keys) {
    await page.keyboard.press(key);
    await announced(key, /moved to/);
  }
  await page.keyboard.press('Space');
  await announced('the drop', /dropped in/);
  return said;
}

/**
 * Where a drag of a card onto a column's list starts and ends: at the card's
 * handle, and where the handle is once the card's top-left corner lies on the
 * list's (a little inside it). The card is scrolled to the top of the screen
 * first, so that on a phone (columns stacked) the next column down is in view.
 */
async function dragPath(handle: Locator, column: Locator): Promise<{ start: { x: number; y: number }; end: { x: number; y: number } }> {
  await handle.page().bringToFront();
  const card = handle.locator('xpath=ancestor::li[1]');
  await card.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  const list = column.getByRole('list').first();
  const [from, cardBox, to] = await Promise.all([handle.boundingBox(), card.boundingBox(), list.boundingBox()]);
  if (!from || !cardBox || !to) throw new Error('The card or the column is not on the screen.');
  const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
  return { start, end: { x: start.x + (to.x - cardBox.x) + 4, y: start.y + (to.y - cardBox.y) + 4 } };
}

const STEPS = 12;
const along = (path: { start: { x: number; y: number }; end: { x: number; y: number } }, i: number) => ({
  x: path.start.x + ((path.end.x - path.start.x) * i) / STEPS,
  y: path.start.y + ((path.end.y - path.start.y) * i) / STEPS,
});
const nextFrame = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));

/** Drags a card by its handle onto a column's list with the mouse: press, move in steps, release. */
export async function dragCardWithMouse(page: Page, handle: Locator, column: Locator): Promise<void> {
  const path = await dragPath(handle, column);
  await page.mouse.move(path.start.x, path.start.y);
  await page.mouse.down();
  for (let i = 1; i <= STEPS; i += 1) {
    await page.mouse.move(along(path, i).x, along(path, i).y);
    await nextFrame(page);
  }
  await page.mouse.up();
}

/**
 * Drags a card by touch onto a column's list: the finger goes down on the
 * card's handle, holds as long as the TouchSensor waits, moves in steps and
 * lifts. Touch events go through CDP (Playwright's touchscreen only taps).
 */
export async function dragCardByTouch(page: Page, context: BrowserContext, handle: Locator, column: Locator): Promise<void> {
  const path = await dragPath(handle, column);
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [path.start] });
    // The hold: the TouchSensor picks the card up after TOUCH_ACTIVATION.delay without moving.
    await page.waitForTimeout(TOUCH_ACTIVATION.delay + 150);
    for (let i = 1; i <= STEPS; i += 1) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [along(path, i)] });
      await nextFrame(page);
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  } finally {
    await cdp.detach();
  }
}
