/**
 * Every page of the app in Chromium, light and dark: axe-core finds no
 * serious or critical violation on any of them, and each is photographed
 * into test-results/ (the README's screenshots come from there). Also: a
 * page arrives from the server with its data already in the HTML, and a slow
 * navigation shows the loading bar until the next page is there.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { seriousViolations } from '../support/axe';
import { ARTIFACTS_DIR, openNewBoard, sharedBrowser, signIn } from '../support/browser';

const appUrl = inject('appUrl');
const browser = sharedBrowser();
/** Listed in OPERATORS by test/support/global-app.ts. */
const OPERATOR = 'operator@example.com';
const SCHEMES = ['light', 'dark'] as const;

/** Opens `url`, waits for `ready`, then checks the page with axe and photographs it. */
async function visit(page: Page, url: string, ready: (page: Page) => Promise<unknown>, shot: string): Promise<string[]> {
  await page.goto(url);
  await ready(page);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${shot}.png`), fullPage: true });
  return (await seriousViolations(page)).map((v) => `${url}: ${v}`);
}

async function board(context: BrowserContext) {
  const page = await context.newPage();
  const tag = randomBytes(4).toString('hex');
  const { organizationUrl } = await openNewBoard(page, appUrl, { email: `tour-${tag}@example.com`, organization: `Tour ${tag}`, project: 'Launch' });
  for (const title of ['Write the announcement', 'Book the venue', 'Send the invitations']) {
    await page.getByLabel('New task in To do').fill(title);
    await page.getByLabel('New task in To do').press('Enter');
    await page.getByText(title, { exact: true }).waitFor();
  }
  return { page, organizationUrl, boardUrl: page.url() };
}

describe('a tour of every page', () => {
  it('the board’s HTML already holds its tasks before any script runs (server prefetch, no skeleton)', { timeout: 120_000 }, async () => {
    const context = await browser.newContext();
    const { boardUrl } = await board(context);
    const html = await (await context.request.get(boardUrl)).text();
    expect(html).toContain('Write the announcement');
    expect(html).toContain('Send the invitations');
    await context.close();
  });

  it('a click on a link shows the loading bar until the next page arrives (no loading.tsx: pages come with their data)', { timeout: 120_000 }, async () => {
    const context = await browser.newContext();
    const { page, organizationUrl, boardUrl } = await board(context);
    const boardPath = new URL(boardUrl).pathname;
    // Hold the board's server render (its RSC request) as a slow network or a cold server would.
    let held = 0;
    await page.route(
      (url) => url.pathname === boardPath,
      async (route) => {
        if (route.request().headers()['rsc'] === '1') {
          held += 1;
          await new Promise((resolve) => setTimeout(resolve, 1_500));
        }
        await route.continue();
      },
    );
    await page.goto(organizationUrl);
    const bar = page.getByRole('progressbar', { name: 'Loading the page' });
    expect(await bar.count()).toBe(0);
    await page.getByRole('list', { name: 'Projects' }).getByRole('link', { name: 'Launch' }).click();
    await bar.waitFor();
    await page.getByText('Write the announcement', { exact: true }).waitFor();
    await bar.waitFor({ state: 'detached' });
    expect(held).toBeGreaterThan(0);
    expect(page.url()).toBe(boardUrl);
    await context.close();
  });

  it('no serious or critical axe violation on any page, light or dark; screenshots of each', { timeout: 400_000 }, async () => {
    const setup = await browser.newContext();
    const { organizationUrl, boardUrl } = await board(setup);
    const signedIn = await setup.storageState();
    await setup.close();
    const operatorSetup = await browser.newContext();
    await signIn(await operatorSetup.newPage(), appUrl, OPERATOR);
    const operator = await operatorSetup.storageState();
    await operatorSetup.close();

    const found: string[] = [];
    for (const scheme of SCHEMES) {
      const anonymous = await browser.newContext({ colorScheme: scheme });
      const page = await anonymous.newPage();
      found.push(...(await visit(page, `${appUrl}/sign-in`, (p) => p.getByRole('heading', { level: 1 }).waitFor(), `sign-in-${scheme}`)));
      await anonymous.close();

      const user = await browser.newContext({ colorScheme: scheme, storageState: signedIn });
      const p = await user.newPage();
      const heading = (name?: string | RegExp) => (q: Page) => q.getByRole('heading', { level: 1, ...(name ? { name } : {}) }).first().waitFor();
      found.push(...(await visit(p, `${appUrl}/`, heading(), `home-${scheme}`)));
      found.push(...(await visit(p, organizationUrl, (q) => q.getByRole('list', { name: 'Activity' }).waitFor(), `dashboard-${scheme}`)));
      found.push(...(await visit(p, `${organizationUrl}/settings`, (q) => q.getByRole('list', { name: 'Members', exact: true }).waitFor(), `organization-settings-${scheme}`)));
      found.push(...(await visit(p, `${organizationUrl}/events`, heading(), `event-catalogue-${scheme}`)));
      found.push(...(await visit(p, boardUrl, (q) => q.getByText('Write the announcement', { exact: true }).waitFor(), `board-${scheme}`)));
      found.push(...(await visit(p, `${appUrl}/settings`, heading(), `settings-${scheme}`)));
      found.push(...(await visit(p, `${appUrl}/dev/mailbox`, heading(), `mailbox-${scheme}`)));
      found.push(...(await visit(p, `${appUrl}/o/no-such-organization`, heading('Organization not found'), `not-found-${scheme}`)));
      await user.close();

      const phone = await browser.newContext({ colorScheme: scheme, storageState: signedIn, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      found.push(...(await visit(await phone.newPage(), boardUrl, (q) => q.getByText('Write the announcement', { exact: true }).waitFor(), `board-phone-${scheme}`)));
      await phone.close();

      const ops = await browser.newContext({ colorScheme: scheme, storageState: operator });
      found.push(...(await visit(await ops.newPage(), `${appUrl}/operations`, (q) => q.getByRole('table', { name: 'Projectors by partition' }).waitFor(), `operations-${scheme}`)));
      await ops.close();
    }
    expect(found).toEqual([]);
  });
});
