// An operator signs in at /admin/login, sees the dashboard and signs out.
import { test, expect } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { startSmtpSink, stopSmtpSink, type Sink } from '../support/smtp-sink';

test.use({ locale: 'en-US' });

test('an operator signs in with the keyboard, reaches the dashboard and signs out', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in as an operator');

  await page.getByLabel('Email address').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByLabel('Password').press('Enter');

  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
  await expect(page.getByText(`Signed in as ${ADMIN.email}`)).toBeVisible();
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'lobby_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('status')).toHaveText('You are signed out.');
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
});

test('a wrong password says so without saying which part was wrong', async ({ page }) => {
  await page.goto('/admin/login');
  await page.getByLabel('Email address').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not my password at all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email address or password is not right. Check both and try again.');
});

test('the sign-in page speaks Korean and works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ko-KR', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/admin/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('운영자로 로그인');
  await page.getByLabel('이메일 주소').fill(ADMIN.email);
  await page.getByLabel('비밀번호').fill(ADMIN.password);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('대시보드');
  await expect(page.getByText(`${ADMIN.email}(으)로 로그인됨`)).toBeVisible();
  await context.close();
});

test.describe('adding an operator', () => {
  let sink: Sink;
  test.beforeAll(() => { sink = startSmtpSink(); });
  test.afterAll(() => stopSmtpSink(sink));

  test('the new operator sets a password from the emailed link and signs in', async ({ page, browser }) => {
    await page.goto('/admin/login');
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Operators' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Operators');
    await page.waitForLoadState('networkidle');

    const email = `grace.${Date.now()}@gfms.example`;
    const delivered = sink.captureOne(email, { wait: 15_000 });
    await page.getByLabel('Email address of the invitee').fill(email);
    await page.getByLabel('Name (optional)').fill('Grace');
    await page.getByRole('button', { name: 'Add operator' }).click();
    await expect(page.getByRole('status')).toContainText(`${email} was added`);
    await expect(page.getByRole('row', { name: new RegExp(email) })).toContainText('No');

    const { email: mail } = await delivered;
    const link = /https?:\/\/\S+\/admin\/set-password\?token=[0-9a-f]{64}/.exec(mail.body)![0];

    const context = await browser.newContext({ locale: 'en-US' });
    const grace = await context.newPage();
    await grace.goto(link);
    await grace.getByLabel('New password').fill('short');
    await grace.getByLabel('New password').evaluate((input: HTMLInputElement) => input.removeAttribute('minlength'));
    await grace.getByRole('button', { name: 'Set password' }).click();
    await expect(grace.getByRole('alert')).toHaveText('The password needs at least 15 characters.');
    await grace.getByLabel('New password').fill('graces own quiet harbour');
    await grace.getByRole('button', { name: 'Set password' }).click();
    await expect(grace.getByRole('status')).toHaveText('Your password is set. Sign in with it.');
    await grace.getByLabel('Email address').fill(email);
    await grace.getByLabel('Password').fill('graces own quiet harbour');
    await grace.getByRole('button', { name: 'Sign in' }).click();
    await expect(grace.getByText(`Signed in as ${email}`)).toBeVisible();
    await grace.goto(link);
    await expect(grace.getByRole('alert')).toContainText('This link is unknown, was already used');
    await context.close();
  });
});
