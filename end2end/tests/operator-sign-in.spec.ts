// An operator signs in at /admin/login, sees the dashboard and signs out.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { sink } from '../support/smtp-sink';

test.use({ locale: 'en-US' });

test('an operator signs in with the keyboard, reaches the dashboard and signs out', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in as an operator');

  await page.getByLabel('Email address').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByLabel('Password').press('Enter');

  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
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
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('개요');
  await expect(page.getByText(`${ADMIN.email}(으)로 로그인됨`)).toBeVisible();
  await context.close();
});

test.describe('adding an operator', () => {

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

    // The admin removes Grace: her open session ends with her role.
    await page.reload();
    await page.waitForLoadState('networkidle');
    // Removing asks first, and says what will happen.
    const row = page.getByRole('row', { name: new RegExp(email) });
    await row.getByText('Remove…').focus();
    await page.keyboard.press('Enter');
    await expect(row.getByText('They can no longer sign in to the dashboard')).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: `Yes, remove ${email}` })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status')).toHaveText(`${email} is no longer an operator. Their sessions and API tokens have ended.`);
    await expect(page.getByRole('row', { name: new RegExp(email) })).toHaveCount(0);
    await grace.goto('/admin');
    await expect(grace).toHaveURL(/\/admin\/login$/);
    await context.close();
  });
});

test('an operator sees their sessions and ends another with their password, by keyboard, at 360 px', async ({ browser }) => {
  const signedIn = async (userAgent: string) => {
    const context = await browser.newContext({ locale: 'en-US', userAgent, viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto('/admin/login');
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByLabel('Password').press('Enter');
    await expect(page).toHaveURL(/\/admin$/);
    return { context, page };
  };
  const phone = await signedIn('Lobby e2e phone');
  const laptop = await signedIn('Lobby e2e laptop');
  const page = laptop.page;

  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Sessions' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your sessions');
  await page.waitForLoadState('networkidle');
  const table = page.getByRole('table', { name: 'Signed-in sessions' });
  await expect(table.getByRole('row', { name: /Lobby e2e laptop/ })).toContainText('This session');
  await expect(table.getByRole('row', { name: /Lobby e2e phone/ })).not.toContainText('This session');
  const serious = (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help}`);
  expect(serious).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the sessions page scrolls sideways at 360 px').toBeLessThanOrEqual(0);

  const which = page.getByLabel('Session to end');
  const phoneSession = await which.locator('option', { hasText: 'Lobby e2e phone' }).getAttribute('value');
  await which.focus();
  await which.selectOption(phoneSession!);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Your password')).toBeFocused();
  await page.keyboard.type('not my password at all');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('That is not your password. No session was ended.');
  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/admin$/);

  await page.getByLabel('Your password').fill(ADMIN.password);
  await page.getByLabel('Your password').press('Enter');
  await expect(page.getByRole('status')).toHaveText('Sessions ended: 1.');
  await expect(table.getByRole('row', { name: /Lobby e2e phone/ })).toHaveCount(0);
  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/admin\/login$/);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
  await phone.context.close();
  await laptop.context.close();
});
