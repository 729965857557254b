import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, launchBrowser } from '../support/browser';

const appUrl = inject('appUrl');
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('organizations in the browser', () => {
  it('creates an organization, lands on it as owner, renames it, and finds it in the list', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = `owner-${randomBytes(4).toString('hex')}@example.com`;
    await page.goto(`${appUrl}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in with email' }).click();
    await page.getByText('You are not in any organization yet.').waitFor();

    const name = `Acme ${randomBytes(2).toString('hex')}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await expect(page.getByLabel('URL name').inputValue()).resolves.toMatch(/^acme-[0-9a-f]{4}$/);
    await page.getByRole('button', { name: 'Create organization' }).click();

    await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByText('Your role: owner').waitFor();
    await page.getByRole('list', { name: 'Members', exact: true }).getByText(`${email}`).waitFor();

    // A second tab on the same organization, live: it must follow the rename without a reload.
    const other = await context.newPage();
    await other.goto(page.url());
    await other.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    await page.getByLabel('Organization name').fill(`${name} Inc`);
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { level: 1, name: `${name} Inc` }).waitFor();
    await other.getByRole('heading', { level: 1, name: `${name} Inc` }).waitFor({ timeout: 10_000 });
    // The activity feed, a second read model of the same events, tells both tabs what happened.
    await other.getByRole('list', { name: 'Activity' }).getByText(`renamed the organization to “${name} Inc”`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'organization.png'), fullPage: true });

    await page.getByRole('link', { name: '← All organizations' }).click();
    await page.getByRole('link', { name: new RegExp(`${name} Inc`) }).waitFor();
    await context.close();
  });

  it('invites by link: a third user signs in from the link, joins as member, and the owner sees them live', async () => {
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    const ownerEmail = `owner-${randomBytes(4).toString('hex')}@example.com`;
    await owner.goto(`${appUrl}/sign-in`);
    await owner.getByLabel('Email').fill(ownerEmail);
    await owner.getByRole('button', { name: 'Sign in with email' }).click();
    await owner.getByText('You are not in any organization yet.').waitFor();
    const name = `Globex ${randomBytes(2).toString('hex')}`;
    await owner.getByLabel('Name', { exact: true }).fill(name);
    await owner.getByRole('button', { name: 'Create organization' }).click();
    await owner.waitForURL(/\/o\/[0-9a-f-]{36}$/);
    await owner.getByText('Your role: owner').waitFor();
    await owner.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    const guestEmail = `guest-${randomBytes(4).toString('hex')}@example.com`;
    await owner.getByLabel('Email to invite').fill(guestEmail);
    await owner.getByLabel('Role').selectOption('member');
    await owner.getByRole('button', { name: 'Invite', exact: true }).click();
    const linkField = owner.getByLabel('Invitation link (also sent by mail)');
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(new RegExp(`^${appUrl}/invite/[0-9a-f-]{36}/[0-9a-f-]{36}\\?token=[A-Za-z0-9_-]+$`));
    await owner.getByRole('list', { name: 'Pending invitations' }).getByText(guestEmail).waitFor();

    // A third person, in a browser of their own, opens the link while signed out.
    const guestContext = await browser.newContext();
    const guest = await guestContext.newPage();
    await guest.goto(link);
    await guest.waitForURL(/\/sign-in\?/);
    await guest.getByLabel('Email').fill(guestEmail);
    await guest.getByRole('button', { name: 'Sign in with email' }).click();
    await guest.getByRole('heading', { name: `Join ${name}?` }).waitFor();
    await guest.getByRole('button', { name: 'Join' }).click();
    await guest.waitForURL(/\/o\/[0-9a-f-]{36}$/);
    await guest.getByRole('heading', { level: 1, name }).waitFor();
    await guest.getByText('Your role: member').waitFor();

    // The owner's open page follows without a reload; the invitation is no longer pending.
    await owner.getByRole('list', { name: 'Members', exact: true }).getByText(guestEmail, { exact: true }).waitFor({ timeout: 10_000 });
    await expect(owner.getByLabel(`Role of ${guestEmail}`).inputValue()).resolves.toBe('member');
    await owner.getByText('No pending invitations.').waitFor({ timeout: 10_000 });
    await owner.screenshot({ path: path.join(ARTIFACTS_DIR, 'invitation-accepted.png'), fullPage: true });

    // The same link was mailed to the guest; the development mailbox shows it, and a used link says so.
    await guest.goto(`${appUrl}/dev/mailbox`);
    await guest.getByRole('heading', { name: `You are invited to join ${name} on Streamline` }).waitFor();
    await guest.goto(link);
    await guest.getByText('This invitation was already used.').waitFor();
    await ownerContext.close();
    await guestContext.close();
  });

  it('shows a clear message for an organization the user is not in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in`);
    await page.getByLabel('Email').fill(`stranger-${randomBytes(4).toString('hex')}@example.com`);
    await page.getByRole('button', { name: 'Sign in with email' }).click();
    await page.getByText('You are not in any organization yet.').waitFor();
    await page.goto(`${appUrl}/o/00000000-0000-4000-8000-000000000000`);
    await page.getByRole('heading', { name: 'Organization not found' }).waitFor();
    await context.close();
  });
});

describe('task board in the browser', () => {
  it('two tabs: a task created and moved in one appears and moves in the other, live; the dashboard counts it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = `board-${randomBytes(4).toString('hex')}@example.com`;
    await page.goto(`${appUrl}/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in with email' }).click();
    await page.getByText('You are not in any organization yet.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill(`Board ${randomBytes(2).toString('hex')}`);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL(/\/o\/[0-9a-f-]{36}$/);
    const organizationUrl = page.url();
    await page.getByLabel('New project').fill('Launch');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('link', { name: 'Launch' }).click();
    await page.waitForURL(/\/p\/[0-9a-f-]{36}$/);

    const other = await context.newPage();
    await other.goto(page.url());
    await other.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    await page.getByLabel('New task in To do').fill('Write the announcement');
    await page.getByLabel('New task in To do').press('Enter');
    // Each card's move handle names the task and its column.
    await other.getByRole('button', { name: 'Move Write the announcement (To do): arrow keys' }).waitFor({ timeout: 10_000 });

    // Keyboard move: right arrow on the card's move handle takes it to "Doing".
    await page.getByRole('button', { name: /^Move Write the announcement/ }).press('ArrowRight');
    await other.getByRole('region', { name: 'Doing' }).getByRole('button', { name: 'Move Write the announcement (Doing): arrow keys' }).waitFor({ timeout: 10_000 });
    await expect(other.getByRole('region', { name: 'To do' }).getByRole('button', { name: /^Move Write the announcement/ }).count()).resolves.toBe(0);
    // Edit in place: the other tab follows the new title.
    await page.getByRole('button', { name: 'Write the announcement (edit)' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Write and publish the announcement');
    await page.getByLabel('Description', { exact: true }).fill('Blog and newsletter');
    await page.getByRole('button', { name: 'Save' }).click();
    await other.getByRole('button', { name: 'Move Write and publish the announcement (Doing): arrow keys' }).waitFor({ timeout: 10_000 });
    await other.getByText('Blog and newsletter').waitFor();
    // The header's switcher knows the organization.
    await expect(page.getByLabel('Switch organization').locator('option').allTextContents()).resolves.toContain(await page.getByLabel('Switch organization').locator('option:checked').textContent() ?? '');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'board.png'), fullPage: true });

    // The dashboard on the organization page counts the task where it is now.
    await page.goto(organizationUrl);
    const dashboard = page.getByRole('region', { name: 'Dashboard' });
    for (const count of ['To do: 0', 'Doing: 1', 'Done: 0']) await dashboard.getByRole('group', { name: count }).waitFor({ timeout: 10_000 });
    await dashboard.getByText('No tasks completed in the last 14 days.').waitFor();
    await dashboard.getByRole('list', { name: 'Most active members' }).getByText(email).waitFor();
    await page.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    // Completing it in the board tab updates the dashboard live: the count, and today's bar in the chart's table.
    await other.getByRole('button', { name: /^Move Write and publish the announcement/ }).press('ArrowRight');
    await dashboard.getByRole('group', { name: 'Done: 1' }).waitFor({ timeout: 10_000 });
    await dashboard.getByRole('group', { name: 'Doing: 0' }).waitFor();
    const today = new Date().toISOString().slice(0, 10);
    await dashboard.getByRole('row', { name: `${today} 1` }).waitFor();
    await dashboard.getByRole('img', { name: /^1 task completed in the last 14 days/ }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'dashboard.png'), fullPage: true });
    await context.close();
  });
});
