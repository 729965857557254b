import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { moveCardWithKeyboard } from '../support/board';
import { ARTIFACTS_DIR, chooseOption, openNewBoard, sharedBrowser, signIn, submitDevSignIn } from '../support/browser';
import { linkIn, waitForMail } from '../support/smtp-sink';
import { eventually } from '../support/log-capture';
import { twoUsersOnOneBoard } from '../support/scenarios';
import { checkTaskHistoryDialog } from '../support/task-history';

const appUrl = inject('appUrl');
const browser = sharedBrowser();

describe('organizations in the browser', () => {
  it('creates an organization, lands on it as owner, renames it, and finds it in the list', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = `owner-${randomBytes(4).toString('hex')}@example.com`;
    await signIn(page, appUrl, email);

    const name = `Acme ${randomBytes(2).toString('hex')}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await expect(page.getByLabel('URL name').inputValue()).resolves.toMatch(/^acme-[0-9a-f]{4}$/);
    await page.getByRole('button', { name: 'Create organization' }).click();

    // The organization's URL is its URL name.
    await page.waitForURL(/\/o\/acme-[0-9a-f]{4}$/);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByText('Your role: owner').waitFor();

    // A second tab on the same organization, live: it must follow the rename without a reload.
    const other = await context.newPage();
    await other.goto(page.url());
    await other.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    await page.getByRole('link', { name: 'Settings and members' }).click();
    await page.getByRole('list', { name: 'Members', exact: true }).getByText(`${email}`).waitFor();
    await page.getByLabel('Organization name').fill(`${name} Inc`);
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('link', { name: `← ${name} Inc` }).waitFor();
    await other.getByRole('heading', { level: 1, name: `${name} Inc` }).waitFor({ timeout: 10_000 });
    // The activity feed, a second read model of the same events, tells both tabs what happened.
    await other.getByRole('list', { name: 'Activity' }).getByText(`renamed the organization to “${name} Inc”`).waitFor({ timeout: 10_000 });
    await other.screenshot({ path: path.join(ARTIFACTS_DIR, 'organization.png'), fullPage: true });

    await page.getByRole('link', { name: `← ${name} Inc` }).click();
    await page.getByRole('link', { name: '← All organizations' }).click();
    await page.getByRole('link', { name: new RegExp(`${name} Inc`) }).waitFor();

    // The same URL name again: refused, and said in a toast, not a stack trace.
    await page.getByLabel('Name', { exact: true }).fill(name);
    const slug = await page.getByLabel('URL name').inputValue();
    await page.getByRole('button', { name: 'Create organization' }).click();
    const toast = page.getByRole('region', { name: /^Notifications/ }).getByRole('listitem');
    await toast.getByText('Not saved').waitFor();
    await toast.getByText(`The URL name “${slug}” is already taken; choose another.`).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'error-toast.png') });
    await context.close();
  });

  it('invites by link: a third user signs in from the link, joins as member, and the owner sees them live', async () => {
    const ownerContext = await browser.newContext();
    const owner = await ownerContext.newPage();
    const ownerEmail = `owner-${randomBytes(4).toString('hex')}@example.com`;
    await signIn(owner, appUrl, ownerEmail);
    const name = `Globex ${randomBytes(2).toString('hex')}`;
    await owner.getByLabel('Name', { exact: true }).fill(name);
    await owner.getByRole('button', { name: 'Create organization' }).click();
    await owner.waitForURL(/\/o\/[a-z0-9-]+$/);
    await owner.getByText('Your role: owner').waitFor();
    await owner.getByRole('link', { name: 'Settings and members' }).click();
    await owner.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    const guestEmail = `guest-${randomBytes(4).toString('hex')}@example.com`;
    await owner.getByLabel('Email to invite').fill(guestEmail);
    await chooseOption(owner, 'Role', 'member');
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
    await submitDevSignIn(guest, guestEmail);
    await guest.getByRole('heading', { name: `Join ${name}?` }).waitFor();
    await guest.getByRole('button', { name: 'Join' }).click();
    await guest.waitForURL(/\/o\/globex-[0-9a-f]{4}$/);
    await guest.getByRole('heading', { level: 1, name }).waitFor();
    await guest.getByText('Your role: member').waitFor();

    // The owner's open page follows without a reload; the invitation is no longer pending.
    await owner.getByRole('list', { name: 'Members', exact: true }).getByText(guestEmail, { exact: true }).waitFor({ timeout: 10_000 });
    await expect(owner.getByLabel(`Role of ${guestEmail}`).inputValue()).resolves.toBe('member');
    await owner.getByText('No pending invitations.').waitFor({ timeout: 10_000 });
    await owner.screenshot({ path: path.join(ARTIFACTS_DIR, 'invitation-accepted.png'), fullPage: true });

    // The same link was mailed to the guest, through the Mailer to the SMTP server; a used link says so.
    const mail = await waitForMail(inject('mailDir'), guestEmail, { subject: /invited/ });
    expect(mail.subject).toBe(`You are invited to join ${name} on Streamline`);
    expect(linkIn(mail)).toBe(link);
    await guest.goto(linkIn(mail));
    await guest.getByText('This invitation was already used.').waitFor();
    await ownerContext.close();
    await guestContext.close();
  });

  it('shows a clear message for an organization the user is not in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, appUrl, `stranger-${randomBytes(4).toString('hex')}@example.com`);
    const response = await page.goto(`${appUrl}/o/00000000-0000-4000-8000-000000000000`);
    await page.getByRole('heading', { name: 'Organization not found' }).waitFor();
    expect(response?.status()).toBe(404);
    await context.close();
  });
});

describe('task board in the browser', () => {
  it('two users in two browsers: what one does on the board the other sees live, in the history, the feed and the dashboard', async () => {
    await twoUsersOnOneBoard(browser, appUrl, inject('mailDir'));
  });

  it('the task history dialog stays open until Escape, then the focus is back on the card (test/e2e/dev-mode.test.ts checks it under next dev)', async () => {
    const context = await browser.newContext();
    await checkTaskHistoryDialog(await context.newPage(), appUrl);
    await context.close();
  });

  it('a stale board: a move that lost to someone else’s change says so in a toast, the board refreshes, and live resumes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const tag = randomBytes(4).toString('hex');
    await openNewBoard(page, appUrl, { email: `stale-${tag}@example.com`, organization: `Stale ${tag}`, project: 'Ops' });
    await page.getByLabel('New task in To do').fill('Rotate the keys');
    await page.getByLabel('New task in To do').press('Enter');
    await page.getByRole('button', { name: 'Move Rotate the keys (To do)' }).waitFor();

    // A second tab whose live connection cannot get through: its board goes stale.
    const stale = await context.newPage();
    const isChanges = (url: URL) => url.pathname.endsWith('/organizations.changes');
    let refused = 0;
    await stale.route(isChanges, (route) => {
      refused += 1;
      return route.abort('connectionrefused');
    });
    await stale.goto(page.url());
    await stale.getByRole('button', { name: 'Move Rotate the keys (To do)' }).waitFor();
    await eventually(() => refused > 0, 10_000, 'the stale tab trying to connect');
    await expect(stale.getByTestId('live-indicator').textContent()).resolves.not.toBe('Live');

    await page.getByRole('button', { name: 'Archive Rotate the keys' }).click();
    await page.getByRole('button', { name: /^Move Rotate the keys/ }).waitFor({ state: 'detached' });
    await expect(stale.getByRole('button', { name: /^Move Rotate the keys/ }).count()).resolves.toBe(1);

    // Moving the archived task from the stale tab: refused, said in words, and the board shows what is true now.
    await moveCardWithKeyboard(stale, 'Rotate the keys', ['ArrowRight']);
    const toast = stale.getByRole('region', { name: /^Notifications/ }).getByRole('listitem');
    await toast.getByText('Not saved').waitFor();
    await toast.getByText('This task is archived; restore it first.').waitFor();
    await stale.getByRole('button', { name: /^Move Rotate the keys/ }).waitFor({ state: 'detached', timeout: 10_000 });

    // The connection comes back: the badge says so, and changes flow again.
    await stale.unroute(isChanges);
    await stale.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 30_000 });
    await page.getByLabel('New task in Doing').fill('Renew the certificate');
    await page.getByLabel('New task in Doing').press('Enter');
    await stale.getByRole('region', { name: 'Doing' }).getByRole('button', { name: 'Move Renew the certificate (Doing)' }).waitFor({ timeout: 10_000 });
    await context.close();
  });
});
