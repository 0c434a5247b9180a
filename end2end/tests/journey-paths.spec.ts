// More ways through the journey, in Chromium over real SMTP: declining the
// terms and coming back; an invitee from a trusted domain, who skips the
// terms step and is told by email; and the direct links, "Sign in to an
// organization" by domain and the organization's own sign-in, which emails
// a link that resumes a journey left half-way, from another browser.
import { test, expect } from '../support/fixtures';
import type { APIRequestContext, Page } from '@playwright/test';
import { invite as inviteThrough } from '../support/invite';
import { acceptAndCreateCompany, createCompany, heading } from '../support/journey';
import { sink } from '../support/smtp-sink';
import { PRODUCT } from '../playwright.config';

test.describe.configure({ mode: 'serial' });


async function invite(request: APIRequestContext, baseURL: string, to: string) {
  return (await inviteThrough(sink, request, baseURL, to)).link;
}

/** Signs in at the sign-in step with the emailed passcode. */
async function passcode(page: Page, to: string) {
  const delivered = sink.captureOne(to, { wait: 15_000 });
  await page.getByRole('button', { name: 'Email me a code' }).click();
  const { email } = await delivered;
  await page.getByLabel('6-digit code').fill(/\b(\d{6})\b/.exec(email.body)![1]);
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function fromLink(page: Page, link: string, to: string) {
  await page.goto(link);
  await page.getByRole('link', { name: 'Get started now' }).click();
  await passcode(page, to);
}

/** Saves one of the settings page's domain lists. */
async function saveDomains(page: Page, label: 'Your organization' | 'Trusted', domains: string) {
  const section = label === 'Trusted' ? 'trusted-domains' : 'own-domains';
  await page.locator(`#${section}`).fill(domains);
  await page.getByRole('button', { name: label === 'Trusted' ? 'Save trusted domains' : 'Save domains' }).click();
  await expect(page.getByRole('status')).toHaveText(label === 'Trusted' ? /The trusted domains are saved/ : 'The domains are saved.');
}

test('declining the terms keeps the invitation open; the link brings the invitee back to them', async ({ browser, request, baseURL }) => {
  const to = 'paths.decline@customer.example';
  const link = await invite(request, baseURL!, to);
  const context = await browser.newContext();
  const page = await context.newPage();
  await fromLink(page, link, to);
  await expect(heading(page)).toHaveText('Privacy and terms of GFMS');
  await page.getByRole('button', { name: 'Decline' }).click();
  await expect(page.getByRole('status')).toContainText('Your invitation stays open');
  await page.close();

  // Later, from the same email: the link leads back to the terms.
  const later = await context.newPage();
  await later.goto(link);
  await expect(later.getByText('This invitation is for paths.decline@customer.example.')).toBeVisible();
  await later.getByRole('link', { name: 'Get started now' }).click();
  await acceptAndCreateCompany(later, to, 'Decline Later GmbH');
  await context.close();
});

test('an invitee from a trusted domain skips the terms and gets an email instead', async ({ settings: page, browser, request, baseURL }) => {
  await saveDomains(page, 'Trusted', 'trusted-customer.example');
  try {
    const to = 'kim@trusted-customer.example';
    const link = await invite(request, baseURL!, to);
    const invitee = await (await browser.newContext()).newPage();
    // Every email to the invitee from here on: the code, then the notice.
    const since = Date.now();
    const received = async () => (await sink.since(since)).filter((m) => m.receivers.includes(to));
    await fromLink(invitee, link, to);
    // Straight to the company: the terms were accepted on their behalf.
    await expect(heading(invitee)).toHaveText('Your company');
    const subjects = async () => (await received()).map((m) => m.headers.subject);
    await expect.poll(subjects, { timeout: 15_000 }).toContain('You have joined GFMS');
    const notice = (await received()).find((m) => m.headers.subject === 'You have joined GFMS')!;
    expect(notice.body).toContain('GFMS trusts your organization');
    await createCompany(invitee, to, 'Trusted Partner GmbH');
  } finally {
    await page.goto('/admin/settings');
    await page.waitForLoadState('networkidle');
    await saveDomains(page, 'Trusted', '');
  }
});

test("sign in to an organization by its domain; its sign-in emails a link that resumes the journey", async ({ settings: page, browser, request, baseURL }) => {
  await saveDomains(page, 'Your organization', 'gfms.example');

  // The invitee accepts the terms and stops before the company.
  const to = 'paths.direct@customer.example';
  const link = await invite(request, baseURL!, to);
  test.setTimeout(120_000);
  const first = await (await browser.newContext()).newPage();
  await fromLink(first, link, to);
  const codeSent = Date.now();
  await first.getByRole('button', { name: 'Accept' }).click();
  await expect(heading(first)).toHaveText('Your company');
  await first.context().close();

  // Another browser, no link at hand: the front page's "Sign in to an organization".
  const later = await (await browser.newContext()).newPage();
  await later.goto('/');
  await later.getByRole('link', { name: 'Sign in to an organization' }).click();
  await expect(heading(later)).toHaveText('Sign in to an organization');
  await later.getByLabel('Organization domain').fill('nobody.example');
  await later.getByRole('button', { name: 'Continue' }).click();
  await expect(later.getByRole('alert')).toHaveText(
    `No organization on ${PRODUCT} uses the domain “nobody.example”. Check the spelling, or open the link in your invitation email.`,
  );
  await later.getByLabel('Organization domain').fill('someone@GFMS.example');
  await later.getByRole('button', { name: 'Continue' }).click();
  await expect(later).toHaveTitle(`Sign in to GFMS · ${PRODUCT}`);
  await expect(heading(later)).toHaveText('Sign in to GFMS');
  expect(later.url()).toMatch(/\/t\/[a-z0-9-]+\/signin$/);

  const delivered = sink.captureOne(to, { wait: 15_000 });
  await later.getByLabel('Email address').fill(to);
  await later.getByRole('button', { name: 'Email me a link' }).click();
  await expect(later.getByRole('status')).toContainText('If this address has an invitation from GFMS, a link to continue is on its way.');
  const { email } = await delivered;
  expect(email.headers.subject).toBe('Your link to GFMS');
  const resume = /https?:\/\/\S+invitationId=[0-9a-f-]{36}/.exec(email.body)![0];
  expect(resume).not.toBe(link);

  await later.goto(resume);
  await expect(heading(later)).toHaveText('This invitation was already accepted');
  await later.getByRole('link', { name: 'Sign in to continue' }).click();
  // A new code for the same address only a minute after the last one.
  await later.waitForTimeout(Math.max(0, 61_000 - (Date.now() - codeSent)));
  await passcode(later, to);
  await createCompany(later, to, 'Direct Link AG');

  // An address without an invitation gets the same answer, and no email.
  await later.goto(later.url().replace(/\/invite\/.*$/, '/signin'));
  await later.getByLabel('Organization domain').fill('gfms.example');
  await later.getByRole('button', { name: 'Continue' }).click();
  await later.getByLabel('Email address').fill('stranger@customer.example');
  await later.getByRole('button', { name: 'Email me a link' }).click();
  await expect(later.getByRole('status')).toContainText('If this address has an invitation from GFMS');
});
