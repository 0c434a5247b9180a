// The invitee's link in a real browser: the page from the email's link (with
// and without JavaScript, by keyboard, at 360 px), an expired, a replaced, a
// revoked and an unknown link, and "Send me a new link" over real SMTP.
import { test, expect, type APIRequestContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ADMIN, E2E_DIR } from '../playwright.config';
import { bearer } from '../support/api-token';
import { invite as inviteThrough } from '../support/invite';
import { sink } from '../support/smtp-sink';


/** Invites `to` through the API; the link is the one the email carries. */
function invite(request: APIRequestContext, baseURL: string, to: string) {
  return inviteThrough(sink, request, baseURL, to, {
    invitedUserDisplayName: 'Jiwoo Kim',
    invitedUserMessageInfo: { customizedMessageBody: 'Welcome <b>aboard</b>!' },
  });
}

test('the link from the email shows who invited whom, without JavaScript too', async ({ browser, request, baseURL }) => {
  const { link } = await invite(request, baseURL!, 'landing.pending@customer.example');
  for (const javaScriptEnabled of [false, true]) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const response = await page.goto(link);
    expect(response!.status()).toBe(200);
    expect(page.url()).toMatch(/\/invite\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${ADMIN.name} from GFMS invited you`);
    await expect(page.getByText('This invitation is for landing.pending@customer.example.')).toBeVisible();
    await expect(page.locator('blockquote')).toHaveText('Welcome <b>aboard</b>!');
    const start = page.getByRole('link', { name: 'Get started now' });
    await expect(start).toBeVisible();
    // Reachable by keyboard, and nothing wider than the screen.
    await page.locator('#main').focus();
    for (let i = 0; i < 10 && !(await start.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(start).toBeFocused();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    await context.close();
  }
});

test('a replaced link says so and does not send a second link at once', async ({ page, request, baseURL }) => {
  const to = 'landing.replaced@customer.example';
  const { id, link } = await invite(request, baseURL!, to);
  const resent = sink.captureOne(to, { wait: 15_000 });
  expect((await request.post(`/v1.0/invitations/${id}/resend`, { headers: bearer() })).status()).toBe(200);
  await resent;

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A newer link was sent');
  await expect(page.getByText(to)).toHaveCount(0);
  await page.getByRole('button', { name: 'Send me a new link' }).click();
  // The operator's resend was just now: nothing more is sent.
  await expect(page.getByRole('status')).toContainText('less than 10 minutes ago');
  await expect(page.getByRole('button', { name: 'Send me a new link' })).toHaveCount(0);
});

test('a revoked link and an unknown link', async ({ page, request, baseURL }) => {
  const { id, link } = await invite(request, baseURL!, 'landing.revoked@customer.example');
  expect((await request.post(`/v1.0/invitations/${id}/revoke`, { headers: bearer() })).status()).toBe(200);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This invitation was withdrawn');
  await expect(page.getByText(`ask ${ADMIN.name} to invite you again`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send me a new link' })).toHaveCount(0);

  const unknown = await page.goto('/invite/00000000-0000-4000-8000-000000000000');
  expect(unknown!.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expect(page.getByText('invited you')).toHaveCount(0);
});

test('the page speaks Korean to a Korean browser', async ({ browser, request, baseURL }) => {
  const { link } = await invite(request, baseURL!, 'landing.ko@customer.example');
  const context = await browser.newContext({ locale: 'ko-KR' });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`GFMS의 ${ADMIN.name}님이 초대했습니다`);
  await expect(page.getByRole('link', { name: '지금 시작하기' })).toBeVisible();
  await context.close();
});

test('an expired link sends a new one to the invited address and tells the inviter', async ({ page, request, baseURL }) => {
  const to = 'landing.expired@customer.example';
  const { link } = await invite(request, baseURL!, to);
  // Time passes in the database: the invitation ends where it began, and
  // (as for a link shared by hand) no sending is recorded.
  execFileSync('sqlite3', [
    path.join(E2E_DIR, 'lobby.db'),
    `UPDATE invitation SET expires_at = created_at, sent_at = NULL WHERE invited_email = '${to}'`,
  ]);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This invitation has expired');
  await expect(page.getByText('Get started now')).toHaveCount(0);

  const renewed = sink.captureOne(to, { wait: 15_000 });
  const note = sink.captureOne(ADMIN.email, { wait: 15_000 });
  await page.getByRole('button', { name: 'Send me a new link' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText(
    'A new link is on its way to the invited address. Check your inbox, and your spam folder.',
  );
  const { email } = await renewed;
  const fresh = /https?:\/\/\S+invitationId=[0-9a-f-]{36}/.exec(email.body)![0];
  expect(fresh).not.toBe(link);
  const told = await note;
  expect(told.email.headers.subject).toBe('Jiwoo Kim asked for a new invitation link');

  await page.goto(fresh);
  await expect(page.getByRole('link', { name: 'Get started now' })).toBeVisible();
});
