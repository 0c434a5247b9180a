// The invitee's sign-in in a real browser over real SMTP: the emailed
// passcode (and its lockout and resend pause), a new Lobby account with its
// live password feedback and emailed code once an admin switches passcodes
// off in the dashboard (on through the terms, company and welcome page), and
// a forwarded link opened while signed in as someone else.
import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { invite as inviteThrough } from '../support/invite';
import { acceptAndCreateCompany, hydrated, signInAsAdmin } from '../support/journey';
import { sink } from '../support/smtp-sink';


/** Invites `to` through the API; returns the link the email carries. */
async function invite(request: APIRequestContext, baseURL: string, to: string) {
  return (await inviteThrough(sink, request, baseURL, to)).link;
}

/** Waits for the next email to `to` while `act` runs; returns its six digits. */
async function codeFrom(to: string, act: () => Promise<unknown>) {
  const delivered = sink.captureOne(to, { wait: 15_000 });
  await act();
  const { email } = await delivered;
  return /\b(\d{6})\b/.exec(email.body)![1];
}

async function enterCode(page: Page, code: string) {
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** From the email's link to the sign-in step. */
async function start(page: Page, link: string) {
  await page.goto(link);
  await page.getByRole('link', { name: 'Get started now' }).click();
}

test('the emailed passcode signs the invitee in, without JavaScript; following the link again continues', async ({ browser, request, baseURL }) => {
  const to = 'signin.passcode@customer.example';
  const link = await invite(request, baseURL!, to);
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await start(page, link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with a code');
  await expect(page.getByText(`This invitation is for ${to}.`)).toBeVisible();
  const code = await codeFrom(to, () => page.getByRole('button', { name: 'Email me a code' }).click());
  await expect(page.getByRole('status')).toContainText(`A code is on its way to ${to}`);
  await enterCode(page, code);
  // Signed in, the invitee is at the terms step.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  await expect(page.getByText('Step 2 of 4')).toBeVisible();
  await expect(page.getByText(`your email address, ${to}`)).toBeVisible();
  expect(page.url()).toMatch(/\/invite\/[0-9a-f-]{36}\/consent$/);

  // Following the link again continues there; declining keeps the invitation open.
  await start(page, link);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  await page.getByRole('button', { name: 'Decline' }).click();
  await expect(page.getByRole('status')).toContainText('You declined, so nothing was shared with GFMS.');
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your company');
  await expect(page.getByText('Step 3 of 4')).toBeVisible();

  // Signed out, the accepted invitation's link says so and offers the
  // redeemer a sign-in to go on.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto(link.replace(/\/api\/InviteUser\?invitationId=/, '/invite/'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This invitation was already accepted');
  await page.getByRole('link', { name: 'Sign in to continue' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with a code');
});

test('five wrong codes use a code up, and a new one comes only after a minute', async ({ page, request, baseURL }) => {
  const to = 'signin.lockout@customer.example';
  await start(page, await invite(request, baseURL!, to));
  const code = await codeFrom(to, () => page.getByRole('button', { name: 'Email me a code' }).click());
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  for (const left of [4, 3, 2, 1]) {
    await enterCode(page, wrong);
    await expect(page.getByRole('alert')).toHaveText(`That code is not right. ${left} tries left.`);
  }
  await enterCode(page, wrong);
  await expect(page.getByRole('alert')).toContainText('it has no tries left');
  // The spent code is no longer asked for; a new one is, after a pause.
  await expect(page.getByLabel('6-digit code')).toHaveCount(0);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await expect(page.getByRole('alert')).toContainText('You can ask for another in');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with a code');
});

test('with passcodes off, a new account: live password rules, then the emailed code', async ({ browser, page, request, baseURL }) => {
  // An admin switches passcodes off in the dashboard.
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await page.waitForLoadState('networkidle');
  const save = page.getByRole('button', { name: 'Save settings' });
  // An order with a method twice cannot be saved.
  await page.getByLabel('Place 6').selectOption('google');
  await expect(page.locator('#order-problem')).toContainText('has more than one place');
  await expect(save).toBeDisabled();
  await page.getByLabel('Place 6').selectOption('new_account');
  await expect(save).toBeEnabled();
  const passcodes = page.getByLabel('Offer one-time passcodes by email');
  await passcodes.uncheck();
  await save.click();
  await expect(page.getByRole('status')).toHaveText('The settings are saved. They apply to the next sign-in.');

  try {
    const to = 'signin.account@customer.example';
    const link = await invite(request, baseURL!, to);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const invitee = await context.newPage();
    await start(invitee, link);
    await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Create your account');
    // The password's feedback is a live part: the customer's bundle hydrates it.
    await hydrated(invitee);
    const password = invitee.getByLabel('New password');
    await password.fill('short one');
    await expect(invitee.locator('#password-feedback')).toHaveText('6 more characters needed.');
    await password.fill('seven blue herons over the river');
    await expect(invitee.locator('#password-feedback')).toHaveText('This password meets the rules.');
    const code = await codeFrom(to, () => invitee.getByRole('button', { name: 'Create account' }).click());
    await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Confirm your email address');
    await enterCode(invitee, code);
    await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
    const width = await invitee.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    await acceptAndCreateCompany(invitee, to, 'New Account GmbH');
    await context.close();

    // Back later, in another browser: the accepted invitation's link signs
    // the account in with its password.
    const later = await browser.newContext();
    const again = await later.newPage();
    await again.goto(link);
    await again.getByRole('link', { name: 'Sign in to continue' }).click();
    await expect(again.getByRole('heading', { level: 1 })).toHaveText('Welcome back');
    await again.getByLabel('Password', { exact: true }).fill('seven blue herons over the river');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await expect(again.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${to}`);
    await later.close();
  } finally {
    await page.goto('/admin/settings');
    await page.waitForLoadState('networkidle');
    await passcodes.check();
    await save.click();
    await expect(page.getByRole('status')).toHaveText('The settings are saved. They apply to the next sign-in.');
  }
});

test('a forwarded link opened while signed in as someone else offers to switch account', async ({ page, request, baseURL }) => {
  const mine = 'signin.owner@customer.example';
  const theirs = 'signin.forwarded@customer.example';
  const myLink = await invite(request, baseURL!, mine);
  const theirLink = await invite(request, baseURL!, theirs);
  await start(page, myLink);
  const code = await codeFrom(mine, () => page.getByRole('button', { name: 'Email me a code' }).click());
  await enterCode(page, code);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');

  await start(page, theirLink);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This invitation is for another address');
  await expect(page.getByText(`You are signed in as ${mine}, but this invitation is for ${theirs}.`)).toBeVisible();
  await page.getByRole('button', { name: 'Sign out and continue' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with a code');
  await expect(page.getByText(`This invitation is for ${theirs}.`)).toBeVisible();
});
