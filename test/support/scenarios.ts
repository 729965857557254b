/**
 * End-to-end scenarios run against more than one app: the same steps in the
 * browser prove the flow on the shared app (test/e2e/organizations.test.ts)
 * and on an app of its own on a Redis Cluster (test/e2e/cluster.test.ts).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'vitest';
import { cardHandle, dragCardByTouch, moveCardWithKeyboard } from './board';
import { ARTIFACTS_DIR, chooseOption, signIn, type sharedBrowser } from './browser';
import { linkIn, waitForMail } from './smtp-sink';

/** The test file's Chromium (`sharedBrowser()`). */
type Browsers = ReturnType<typeof sharedBrowser>;

export interface TwoUsersOnOneBoard {
  /** The organization's page (`/o/<slug>`); Alice owns it, Bob was a member until the end. */
  organizationUrl: string;
  aliceEmail: string;
  bobEmail: string;
}

/**
 * Two users in two browsers, what one does on the board the other sees live:
 * Alice signs in, creates an organization and a project, and invites Bob, who
 * joins from the link in his mail on a phone-sized screen. Both open the
 * board; tasks are created, moved (keyboard and touch), edited, labeled,
 * archived and restored, each change seen live on the other side, then in
 * the task's history, the organization's feed and the dashboard. Alice
 * finally removes Bob, whose open page loses the organization at once.
 * `mailDir` is where the app's SMTP server keeps mails (./smtp-sink.ts);
 * `screenshotPrefix` keeps one app's screenshots from overwriting another's.
 */
export async function twoUsersOnOneBoard(
  browser: Browsers,
  appUrl: string,
  mailDir: string,
  opts: { screenshotPrefix?: string } = {},
): Promise<TwoUsersOnOneBoard> {
  const aliceContext = await browser.newContext();
  const alice = await aliceContext.newPage();
  const aliceEmail = `alice-${randomBytes(4).toString('hex')}@example.com`;
  await signIn(alice, appUrl, aliceEmail);
  await alice.getByLabel('Name', { exact: true }).fill(`Board ${randomBytes(2).toString('hex')}`);
  await alice.getByRole('button', { name: 'Create organization' }).click();
  await alice.waitForURL(/\/o\/board-[0-9a-f]{4}$/);
  const organizationUrl = alice.url();
  await alice.getByLabel('New project').fill('Launch');
  await alice.getByRole('button', { name: 'Create project' }).click();
  await alice.getByRole('link', { name: 'Launch' }).waitFor();

  // Bob joins through an invitation link, in a browser of his own.
  const bobEmail = `bob-${randomBytes(4).toString('hex')}@example.com`;
  await alice.goto(`${organizationUrl}/settings`);
  await alice.getByLabel('Email to invite').fill(bobEmail);
  await alice.getByRole('button', { name: 'Invite', exact: true }).click();
  const shown = await alice.getByLabel('Invitation link (also sent by mail)').inputValue();
  // Bob follows the link he was mailed (sent by the invitation mailer, a reactor): the one Alice was shown.
  const mail = await waitForMail(mailDir, bobEmail, { subject: /invited/ });
  const link = linkIn(mail);
  expect(link).toBe(shown);
  await alice.goto(organizationUrl);
  // Bob is on a phone-sized screen: the columns stack, and everything still works.
  const bobContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const bob = await bobContext.newPage();
  await signIn(bob, appUrl, bobEmail);
  const sideProject = `Bob's side project ${randomBytes(2).toString('hex')}`;
  await bob.getByLabel('Name', { exact: true }).fill(sideProject);
  await bob.getByRole('button', { name: 'Create organization' }).click();
  await bob.getByRole('heading', { level: 1, name: sideProject }).waitFor();
  const sideProjectUrl = bob.url();
  await bob.goto(link);
  await bob.getByRole('button', { name: 'Join' }).click();
  await bob.waitForURL(organizationUrl);
  await bob.getByText('Your role: member').waitFor();
  // Two organizations now: the header's switcher goes between them.
  await chooseOption(bob, 'Switch organization', sideProject);
  await bob.waitForURL(sideProjectUrl);
  await bob.getByText('Your role: owner').waitFor();

  await alice.getByRole('link', { name: 'Launch' }).click();
  await alice.waitForURL(/\/p\/[0-9a-f-]{36}$/);
  await bob.goto(alice.url());
  await bob.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

  // Alice creates a task: it appears on Bob's board without a reload.
  await alice.getByLabel('New task in To do').fill('Write the announcement');
  await alice.getByLabel('New task in To do').press('Enter');
  await bob.getByRole('region', { name: 'To do' }).getByRole('button', { name: 'Move Write the announcement (To do)' }).waitFor({ timeout: 10_000 });

  // Alice moves it with the keyboard (Space, right arrow, Space on the move handle): it moves on Bob's board.
  await moveCardWithKeyboard(alice, 'Write the announcement', ['ArrowRight']);
  // The card was drawn anew in its new column, and the keyboard user's focus went with it.
  await alice.locator(':focus').and(alice.getByRole('button', { name: 'Move Write the announcement (Doing)' })).waitFor();
  await bob.getByRole('region', { name: 'Doing' }).getByRole('button', { name: 'Move Write the announcement (Doing)' }).waitFor({ timeout: 10_000 });
  await expect(bob.getByRole('region', { name: 'To do' }).getByRole('button', { name: /^Move Write the announcement/ }).count()).resolves.toBe(0);

  // Bob reads the task's history: both of Alice's actions, by her.
  await bob.getByRole('button', { name: 'History of Write the announcement' }).click();
  const history = bob.getByRole('dialog', { name: 'History of “Write the announcement”' }).getByRole('list', { name: 'Task history' });
  for (const action of ['created “Write the announcement” in To do', 'moved “Write the announcement” to Doing']) {
    await history.getByRole('listitem').filter({ hasText: action }).getByText(aliceEmail).waitFor({ timeout: 10_000 });
  }
  await bob.keyboard.press('Escape');
  await bob.getByRole('dialog').waitFor({ state: 'hidden' });

  // Bob finishes it by dragging it to Done with his finger; Alice sees that live.
  // Alice edits it in place, labels included; Bob sees the new title and the labels.
  await dragCardByTouch(bob, bobContext, cardHandle(bob, 'Write the announcement'), bob.getByRole('region', { name: 'Done' }));
  await alice.getByRole('region', { name: 'Done' }).getByRole('button', { name: 'Move Write the announcement (Done)' }).waitFor({ timeout: 10_000 });
  await alice.getByRole('button', { name: 'Write the announcement (edit)' }).click();
  await alice.getByLabel('Title', { exact: true }).fill('Publish the announcement');
  await alice.getByLabel('Description', { exact: true }).fill('Blog and newsletter');
  await alice.getByLabel('Labels', { exact: true }).fill('launch, comms');
  await alice.getByRole('button', { name: 'Save' }).click();
  await bob.getByRole('button', { name: 'Move Publish the announcement (Done)' }).waitFor({ timeout: 10_000 });
  await bob.getByText('Blog and newsletter').waitFor();
  const labels = bob.getByRole('list', { name: 'Labels of Publish the announcement' });
  await labels.getByRole('listitem').filter({ hasText: 'comms' }).waitFor({ timeout: 10_000 });
  await expect(labels.getByRole('listitem').allTextContents()).resolves.toEqual(['launch', 'comms']);
  await alice.getByRole('button', { name: 'Rename project' }).click();
  await alice.getByLabel('Project name').fill('Launch day');
  await alice.getByLabel('Project name').press('Enter');
  await bob.getByRole('heading', { level: 1, name: 'Launch day' }).waitFor({ timeout: 10_000 });

  // Alice archives it; it leaves Bob's board; Bob restores it from the archive; it is back on Alice's.
  await alice.getByRole('button', { name: 'Archive Publish the announcement' }).click();
  await bob.getByRole('button', { name: /^Move Publish the announcement/ }).waitFor({ state: 'detached', timeout: 10_000 });
  await bob.getByText('Archived tasks', { exact: true }).click();
  await bob.getByRole('button', { name: 'Restore Publish the announcement' }).click();
  await alice.getByRole('region', { name: 'Done' }).getByRole('button', { name: 'Move Publish the announcement (Done)' }).waitFor({ timeout: 10_000 });
  await bob.getByText('No archived tasks.').waitFor({ timeout: 10_000 });
  await bob.screenshot({ path: path.join(ARTIFACTS_DIR, `${opts.screenshotPrefix ?? ''}board.png`), fullPage: true });

  // The organization's feed on Bob's side has both people's actions; the dashboard counts the task where it is.
  await bob.goto(organizationUrl);
  const feed = bob.getByRole('list', { name: 'Activity', exact: true });
  await feed.getByRole('listitem').filter({ hasText: 'moved “Write the announcement” to Doing' }).getByText(aliceEmail).waitFor({ timeout: 10_000 });
  await feed.getByRole('listitem').filter({ hasText: 'moved “Write the announcement” to Done' }).getByText(bobEmail).waitFor();
  const dashboard = bob.getByRole('region', { name: 'Dashboard' });
  for (const count of ['To do: 0', 'Doing: 0', 'Done: 1']) await dashboard.getByRole('group', { name: count }).waitFor({ timeout: 10_000 });
  const today = new Date().toISOString().slice(0, 10);
  await dashboard.getByRole('row', { name: `${today} 1` }).waitFor();
  await dashboard.getByRole('img', { name: /^1 task completed in the last 14 days/ }).waitFor();
  const active = dashboard.getByRole('list', { name: 'Most active members' });
  for (const email of [aliceEmail, bobEmail]) await active.getByText(email).waitFor();
  await bob.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

  // Alice reopens the task on her board; Bob's dashboard follows live.
  await moveCardWithKeyboard(alice, 'Publish the announcement', ['ArrowLeft']);
  await dashboard.getByRole('group', { name: 'Doing: 1' }).waitFor({ timeout: 10_000 });
  await dashboard.getByRole('group', { name: 'Done: 0' }).waitFor();
  await bob.screenshot({ path: path.join(ARTIFACTS_DIR, `${opts.screenshotPrefix ?? ''}dashboard.png`), fullPage: true });

  // Alice removes Bob (asked to confirm first): Bob's open page loses the organization at once.
  await alice.goto(`${organizationUrl}/settings`);
  await alice.getByRole('button', { name: `Remove ${bobEmail}` }).click();
  await alice.getByRole('group', { name: `Remove ${bobEmail}?` }).getByRole('button', { name: 'Remove' }).click();
  await bob.getByRole('heading', { name: 'Organization not found' }).waitFor({ timeout: 10_000 });
  await alice.getByRole('list', { name: 'Members', exact: true }).getByText(bobEmail, { exact: true }).waitFor({ state: 'detached', timeout: 10_000 });
  await aliceContext.close();
  await bobContext.close();
  return { organizationUrl, aliceEmail, bobEmail };
}
