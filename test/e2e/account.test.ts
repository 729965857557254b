/**
 * The account page in Chromium (and an old id URL sent to the slug URL): a
 * display name shows to the other members live, on their members list and
 * board; deleting the account is refused to the last owner of an organization,
 * with what to do; a member who deletes theirs leaves the other user's
 * members list live, and the history names them "Deleted user".
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ARTIFACTS_DIR, openNewBoard, sharedBrowser, signIn } from '../support/browser';

const appUrl = inject('appUrl');
const browser = sharedBrowser();

describe('the account page', () => {
  it('display name live to others; last owner refused; a deleted account reads as Deleted user', { timeout: 180_000 }, async () => {
    const tag = randomBytes(4).toString('hex');
    const aliceContext = await browser.newContext();
    const bobContext = await browser.newContext();
    const alice = await aliceContext.newPage();
    const bob = await bobContext.newPage();
    const bobEmail = `bob-${tag}@example.com`;
    const { organizationUrl } = await openNewBoard(alice, appUrl, { email: `alice-${tag}@example.com`, organization: `Account ${tag}`, project: 'Launch' });
    const boardUrl = alice.url();

    await alice.goto(`${organizationUrl}/settings`);
    await alice.getByLabel('Email to invite').fill(bobEmail);
    await alice.getByRole('button', { name: 'Invite', exact: true }).click();
    const link = await alice.getByLabel('Invitation link (also sent by mail)').inputValue();
    await signIn(bob, appUrl, bobEmail);
    await bob.goto(link);
    await bob.getByRole('button', { name: 'Join' }).click();
    await bob.getByText('Your role: member').waitFor();
    // An old id URL (the invitation link carries the id) goes to the same page by slug.
    const organizationId = new URL(link).pathname.split('/')[2] ?? '';
    expect(organizationId).toMatch(/^[0-9a-f-]{36}$/);
    await bob.goto(`${appUrl}/o/${organizationId}/settings`);
    await bob.waitForURL(`${organizationUrl}/settings`);
    await bob.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const members = alice.getByRole('list', { name: 'Members', exact: true });
    await members.getByText(bobEmail, { exact: true }).waitFor({ timeout: 10_000 });
    await alice.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });
    const board = await aliceContext.newPage();
    await board.goto(boardUrl);
    await board.getByLabel('New task in To do').fill('Paint the fence');
    await board.getByLabel('New task in To do').press('Enter');
    await board.getByText('Paint the fence', { exact: true }).waitFor();
    await board.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    // Bob names himself on his account page (reached from the user menu): Alice's open page follows.
    await bob.getByRole('banner').getByRole('button', { name: 'Account menu' }).click();
    await bob.getByRole('menuitem', { name: 'Settings' }).click();
    await bob.waitForURL(`${appUrl}/settings`);
    await bob.getByLabel('Display name').fill(`Bob Builder ${tag}`);
    await bob.getByRole('button', { name: 'Save' }).click();
    await members.getByText(`Bob Builder ${tag}`, { exact: true }).waitFor({ timeout: 10_000 });
    // Her open board offers him by name as an assignee, without a reload.
    await board.locator('option', { hasText: `Bob Builder ${tag}` }).first().waitFor({ state: 'attached', timeout: 10_000 });
    await bob.screenshot({ path: path.join(ARTIFACTS_DIR, 'account-settings.png'), fullPage: true });

    // Alice is the organization's only owner: refused, and told what to do.
    await alice.goto(`${appUrl}/settings`);
    await alice.getByRole('button', { name: 'Delete account' }).click();
    await alice.getByRole('alertdialog', { name: 'Delete your account for good?' }).getByRole('button', { name: 'Delete account' }).click();
    await alice.getByRole('alert').getByText(/You are the last owner of .*make another member owner there first/).waitFor();

    // Bob deletes his: he is signed out, and Alice's members list loses him live.
    await alice.goto(`${organizationUrl}/settings`);
    await members.getByText(`Bob Builder ${tag}`, { exact: true }).waitFor();
    await alice.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });
    await bob.getByRole('button', { name: 'Delete account' }).click();
    await bob.getByRole('alertdialog', { name: 'Delete your account for good?' }).getByRole('button', { name: 'Delete account' }).click();
    await bob.waitForURL(/\/sign-in/);
    await members.getByText(`Bob Builder ${tag}`, { exact: true }).waitFor({ state: 'detached', timeout: 10_000 });
    // The history keeps what happened, without who he was.
    await alice.goto(organizationUrl);
    const activity = alice.getByRole('list', { name: 'Activity' });
    await activity.getByText('invited Deleted user as member').waitFor({ timeout: 10_000 });
    expect(await activity.getByText(bobEmail).count()).toBe(0);
    await aliceContext.close();
    await bobContext.close();
  });
});
