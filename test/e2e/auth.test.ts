import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/log-capture';
import { ARTIFACTS_DIR, devSignInForm, sharedBrowser, submitDevSignIn } from '../support/browser';
import { linkIn, mailsIn, waitForMail } from '../support/smtp-sink';

const appUrl = inject('appUrl');
const mailDir = inject('mailDir');
const browser = sharedBrowser();

const uniqueEmail = (prefix = 'e2e') => `${prefix}-${randomBytes(4).toString('hex')}@example.com`;

async function signIn(page: Page, email: string) {
  await page.goto(appUrl);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(/\/sign-in/);
  await submitDevSignIn(page, email);
}

/** The sign-in page's "Email me a sign-in link" form. */
const linkForm = (page: Page) => page.getByRole('form', { name: 'Email me a sign-in link' });

async function askForLink(page: Page, email: string) {
  await linkForm(page).getByLabel('Email address').fill(email);
  await linkForm(page).getByRole('button', { name: 'Email me a sign-in link' }).click();
}

describe('development sign-in', () => {
  it('signs in, shows the signed-in home page with a live connection, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = uniqueEmail();

    await page.goto(appUrl);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Ship live, event-driven SaaS');

    await signIn(page, email);
    await page.getByText(`Signed in as ${email}`).waitFor();
    // The indicator turns "Live" only once the SSE subscription delivered its first event.
    await page.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'home-signed-in.png'), fullPage: true });

    await page.getByRole('banner').getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await expect(page.getByText(`Signed in as ${email}`).count()).resolves.toBe(0);

    // The session is really gone: a reload stays signed out.
    await page.reload();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('works before hydration: the sign-in form posts as a server action with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const email = uniqueEmail();
    await signIn(page, email);
    await page.getByText(`Signed in as ${email}`).waitFor();
    await context.close();
  });

  it('rejects an invalid email on the server with a clear message', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/sign-in`);
    // Skip the browser's own check so the server's validation is what answers.
    await devSignInForm(page).evaluate((form) => form.setAttribute('novalidate', ''));
    await submitDevSignIn(page, 'not-an-email');
    await page.getByRole('alert').filter({ hasText: 'Enter a valid email address.' }).waitFor();
    expect(page.url()).toContain('/sign-in');
    await context.close();
  });

  it('keeps signed-out visitors away from protected data', async () => {
    const response = await fetch(`${appUrl}/api/trpc/system.viewer`);
    expect(response.status).toBe(401);
    const health = await fetch(`${appUrl}/api/health`);
    expect(health.status).toBe(200);
    await expect(health.json()).resolves.toMatchObject({ ok: true, checks: { postgres: { ok: true }, redis: { ok: true } } });
  });
});

describe('sign-in by email link', () => {
  it('mails a one-time link through SMTP that signs the user in and lands on the page they came from', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = uniqueEmail('link');
    await page.goto(`${appUrl}/sign-in?${new URLSearchParams({ callbackUrl: '/dev/mailbox' })}`);
    await askForLink(page, email);
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in/check-email');
    // Nobody is signed in before the link is opened.
    await expect(context.cookies()).resolves.not.toContainEqual(expect.objectContaining({ name: 'authjs.session-token' }));

    const mail = await waitForMail(mailDir, email);
    expect(mail.subject).toBe('Sign in to Streamline');
    expect(mail.from).toBe('no-reply@streamline.test');
    const link = linkIn(mail);
    expect(link.startsWith(`${appUrl}/api/auth/callback/nodemailer?`)).toBe(true);

    await page.goto(link);
    await page.waitForURL(`${appUrl}/dev/mailbox`);
    await page.getByText(`mails sent to ${email}`).waitFor();
    await page.goto(appUrl);
    await page.getByText(`Signed in as ${email}`).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'signed-in-by-link.png'), fullPage: true });

    // The link works once: opened again (in a fresh browser), it is refused with a clear message.
    const other = await browser.newContext();
    const again = await other.newPage();
    await again.goto(link);
    await again.getByRole('alert').filter({ hasText: 'That sign-in link has expired or was already used.' }).waitFor();
    expect(new URL(again.url()).pathname).toBe('/sign-in');
    await again.goto(appUrl);
    await again.getByRole('link', { name: 'Sign in' }).waitFor();
    await other.close();
    await context.close();
  });

  it('works before hydration: the link form posts as a server action with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const email = uniqueEmail('nojs');
    await page.goto(`${appUrl}/sign-in`);
    await askForLink(page, email);
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.goto(linkIn(await waitForMail(mailDir, email)));
    await page.getByText(`Signed in as ${email}`).waitFor();
    await context.close();
  });

  it('says so when the mail cannot be sent, and sends nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The test SMTP server refuses recipients starting with "refused".
    const email = uniqueEmail('refused');
    await page.goto(`${appUrl}/sign-in`);
    await askForLink(page, email);
    await page.getByRole('alert').filter({ hasText: 'The sign-in email could not be sent. Try again in a moment.' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(mailsIn(mailDir).filter((m) => m.to.includes(email))).toEqual([]);
    await context.close();
  });

  it('mails one address at most 5 links per 15 minutes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const email = uniqueEmail('many');
    for (let i = 0; i < 5; i++) {
      await page.goto(`${appUrl}/sign-in`);
      await askForLink(page, email);
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    }
    await page.goto(`${appUrl}/sign-in`);
    await askForLink(page, email);
    await page.getByRole('alert').filter({ hasText: 'Several sign-in links went to this address just now.' }).waitFor();
    // Another address is not held back.
    await askForLink(page, uniqueEmail('other'));
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await eventually(() => mailsIn(mailDir).filter((m) => m.to.includes(email)).length === 5, 10_000, 'five links delivered');
    await context.close();
  });
});

describe('cross-site server-action posts', () => {
  /** The id of the sign-in page's development sign-in action, as its form (which posts before hydration) names it. */
  async function devSignInActionId(): Promise<string> {
    const html = await (await fetch(`${appUrl}/sign-in`)).text();
    const id = /name="\$ACTION_ID_([0-9a-f]+)"/.exec(html)?.[1];
    if (!id) throw new Error('no server action id on the sign-in page');
    return id;
  }

  it('are refused with 403, not a server error; same-origin posts still work', async () => {
    const id = await devSignInActionId();
    const host = new URL(appUrl).host;
    const post = (headers: Record<string, string>) =>
      fetch(`${appUrl}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Next-Action': id, 'Content-Type': 'text/plain;charset=UTF-8', Accept: 'text/x-component', ...headers },
        // The action's one argument, as the tRPC action handler reads a non-form input (superjson).
        body: JSON.stringify([{ json: { email: uniqueEmail('action'), callbackUrl: '/' } }]),
      });

    for (const origin of ['https://evil.example', `http://${host}.evil.example`, 'null']) {
      const response = await post({ Origin: origin });
      expect(response.status, `Origin: ${origin}`).toBe(403);
    }
    // A forwarded request is compared with its X-Forwarded-Host, as Next.js does.
    expect((await post({ Origin: 'https://app.example', 'X-Forwarded-Host': 'other.example' })).status).toBe(403);

    // A multipart form posted cross-site (a server action before hydration) too.
    const form = new FormData();
    form.set(`$ACTION_ID_${id}`, '');
    form.set('email', 'x@example.com');
    const multipart = await fetch(`${appUrl}/sign-in`, { method: 'POST', redirect: 'manual', headers: { Origin: 'https://evil.example' }, body: form });
    expect(multipart.status).toBe(403);

    // The control: the same post from the app's own origin is served.
    const own = await post({ Origin: appUrl });
    expect(own.status).toBeLessThan(400);
    const forwarded = await post({ Origin: 'https://app.example', 'X-Forwarded-Host': 'app.example' });
    expect(forwarded.status).toBeLessThan(400);
  });
});
