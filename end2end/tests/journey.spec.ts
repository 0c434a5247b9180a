// The invitee's whole way after the link, in Chromium: sign in with a
// passcode, accept the terms, confirm the company the seller registered
// (CREATE COMPANY grey and disabled until every field is valid, then in the
// accent colour), and the welcome page; the terms and company steps
// without JavaScript, where the server says what is wrong; and new terms
// published in the dashboard, accepted again at the next visit.
import { test, expect, type APIRequestContext } from '@playwright/test';
import { background, GREY, ORANGE, signInAsAdmin, signInWithPasscode } from '../support/journey';
import { invite as inviteThrough } from '../support/invite';
import { sink } from '../support/smtp-sink';


/** Invites `to` with a company draft that lacks its postal code. */
async function invite(request: APIRequestContext, baseURL: string, to: string) {
  const company = { legalName: 'Customer AG', street: 'Bahnhofstrasse 1', city: 'Zürich', country: 'CH' };
  return (await inviteThrough(sink, request, baseURL, to, { company })).link;
}

test('terms, then the company with live checks (a postal code the seller had wrong opens marked), then the welcome page', async ({ page, request, baseURL }) => {
  const to = 'journey.live@customer.example';
  // The seller's records hold a postal code that is no Swiss one.
  const company = { legalName: 'Customer AG', street: 'Bahnhofstrasse 1', postalCode: '80011', city: 'Zürich', country: 'CH' };
  const { link } = await inviteThrough(sink, request, baseURL!, to, { company });
  await signInWithPasscode(page, link, to);
  await expect(page.getByText('Step 2 of 4')).toBeVisible();
  await page.getByRole('button', { name: 'Accept' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your company');
  await expect(page.getByText('Step 3 of 4')).toBeVisible();
  await expect(page.getByLabel('Legal name')).toHaveValue('Customer AG');
  // The wrong value opens marked and explained; the rest is not marked.
  await expect(page.getByRole('alert')).toHaveText('Some details need fixing. Each field says what is wrong.');
  const postal = page.getByLabel('Postal code');
  await expect(postal).toHaveValue('80011');
  await expect(postal).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#company-postal_code-error')).toHaveText('This is not a postal code of the chosen country.');
  await expect(page.getByLabel('City')).toHaveAttribute('aria-invalid', 'false');
  const create = page.getByRole('button', { name: 'CREATE COMPANY' });
  await expect(create).toBeDisabled();
  expect(await background(page, 'CREATE COMPANY')).toBe(GREY);

  // Enter while something is invalid: to the first field to fix, with its message.
  await page.getByLabel('Legal name').press('Enter');
  await expect(postal).toBeFocused();
  await expect(page).toHaveURL(/\/company$/);

  await postal.fill('');
  await postal.blur();
  await expect(page.locator('#company-postal_code-error')).toHaveText('This field is required.');
  await postal.fill('80');
  await postal.blur();
  await expect(page.locator('#company-postal_code-error')).toHaveText('This is not a postal code of the chosen country.');
  await expect(create).toBeDisabled();
  await postal.fill('8001');
  await expect(create).toBeEnabled();
  await expect(page.locator('#company-postal_code-error')).toHaveText('');
  expect(await background(page, 'CREATE COMPANY')).toBe(ORANGE);

  await create.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${to}`);
  await expect(page.getByText('Step 4 of 4')).toBeVisible();
  await expect(page.getByText('You are now set up for Customer AG at GFMS.')).toBeVisible();
  // Back to an earlier step's page: the welcome page again.
  await page.goto(page.url().replace(/\/continue$/, '/company'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${to}`);
});

test('without JavaScript the terms and company steps work, and the server says what is wrong', async ({ browser, request, baseURL }) => {
  const to = 'journey.nojs@customer.example';
  const link = await invite(request, baseURL!, to);
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await signInWithPasscode(page, link, to);
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your company');

  await page.getByRole('button', { name: 'CREATE COMPANY' }).click();
  await expect(page.getByRole('alert')).toHaveText('Some details need fixing. Each field says what is wrong.');
  await expect(page.locator('#company-postal_code-error')).toHaveText('This field is required.');
  await expect(page.getByLabel('Legal name')).toHaveValue('Customer AG');

  await page.getByLabel('Postal code').fill('8001');
  await page.getByRole('button', { name: 'CREATE COMPANY' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${to}`);
  await expect(page.getByText('You are now set up for Customer AG at GFMS.')).toBeVisible();
});

test('an admin publishes new terms, accepted again at the next visit; the consents download; the welcome links', async ({ browser, page, request, baseURL }) => {
  // The invitee signs in and accepts the terms of the moment.
  const to = 'journey.terms@customer.example';
  const invitee = await (await browser.newContext()).newPage();
  await signInWithPasscode(invitee, await invite(request, baseURL!, to), to);
  await invitee.getByRole('button', { name: 'Accept' }).click();
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Your company');

  // An admin publishes a new version in the dashboard.
  await signInAsAdmin(page);
  await page.waitForLoadState('networkidle');
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Terms of use' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Terms of use');
  await page.getByLabel('Terms of use for a new version (Markdown)').fill('## Rules of GFMS\n\nBe **kind** to each other. <b>no html</b>');
  // Publishing asks first, and says what will happen.
  await page.getByText('Publish as a new version…').click();
  await expect(page.getByText('Every customer is asked to accept the new version')).toBeVisible();
  await page.getByRole('button', { name: 'Publish as a new version' }).click();
  await expect(page.getByRole('status')).toHaveText(/Version \d+ is published\. Invitees accept it at their next visit\./);
  await expect(page.getByRole('region', { name: /Version \d+, published/ })).toContainText('Be kind to each other. <b>no html</b>');
  // The same text again publishes nothing and asks no one again.
  await page.getByRole('button', { name: 'Publish as a new version' }).click();
  await expect(page.getByRole('alert')).toHaveText(/These are the terms of version \d+ already: nothing was published/);

  // The invitee's next page is the terms step again, with the new text.
  await invitee.reload();
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  await expect(invitee.getByRole('heading', { name: 'Rules of GFMS' })).toBeVisible();
  await invitee.getByRole('button', { name: 'Accept' }).click();
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Your company');

  // Both consents are in the export.
  await page.reload();
  const csv = await (await page.request.get('/admin/consents.csv')).text();
  expect(csv.split('\n').filter((line) => line.includes(`,"${to}",`))).toHaveLength(2);

  // The links an admin sets are on the invitee's welcome page.
  await page.goto('/admin/settings');
  await page.waitForLoadState('networkidle');
  await page.getByLabel(/^Links, one a line: label \| https:\/\/address/).fill('Service requests | https://support.gfms.example/new');
  await page.getByRole('button', { name: 'Save links' }).click();
  await expect(page.getByRole('status')).toHaveText('The links are saved.');
  await invitee.getByLabel('Postal code').fill('8001');
  await invitee.getByRole('button', { name: 'CREATE COMPANY' }).click();
  await expect(invitee.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${to}`);
  await expect(invitee.getByRole('link', { name: 'Service requests' })).toHaveAttribute('href', 'https://support.gfms.example/new');
});
