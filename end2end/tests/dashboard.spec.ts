// The dashboard's invitation list: invitations made through the API appear
// with their status, and the status filter works in the hydrated page.
import { test, expect } from '../support/fixtures';
import { ADMIN } from '../playwright.config';
import { apiToken } from '../support/api-token';
import { invite } from '../support/invite';
import { heading } from '../support/journey';
import { sink } from '../support/smtp-sink';

test.use({ locale: 'en-US' });

test('an operator sees invitations with their status and filters them', async ({ admin: page, request, baseURL }, testInfo) => {
  const token = apiToken();
  const headers = { authorization: `Bearer ${token}` };
  const stamp = Date.now();
  const pendingEmail = `pending.${stamp}@customer.example`;
  const revokedEmail = `revoked.${stamp}@customer.example`;
  for (const email of [pendingEmail, revokedEmail]) {
    const res = await request.post('/v1.0/invitations', { headers, data: { invitedUserEmailAddress: email, inviteRedirectUrl: `${baseURL}/` } });
    expect(res.status()).toBe(201);
    if (email === revokedEmail) {
      const { id } = await res.json();
      expect((await request.post(`/v1.0/invitations/${id}/revoke`, { headers })).status()).toBe(200);
    }
  }

  await page.waitForLoadState('networkidle');

  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Invitations' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Invitations');
  const table = page.getByRole('table', { name: /Invitations of GFMS/ });
  await expect(table.getByRole('row', { name: new RegExp(pendingEmail) })).toContainText('Pending');
  await expect(table.getByRole('row', { name: new RegExp(revokedEmail) })).toContainText('Revoked');
  await expect(table.getByRole('row', { name: new RegExp(pendingEmail) })).toContainText(ADMIN.name);

  await page.getByLabel('Search by email, name or company').fill(`revoked.${stamp}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=revoked/);
  await expect(table.getByRole('row', { name: new RegExp(revokedEmail) })).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(pendingEmail) })).toHaveCount(0);
  await page.goto('/admin/invitations');

  await page.getByRole('navigation', { name: 'Filter by status' }).getByRole('link', { name: 'Revoked' }).click();
  await expect(page).toHaveURL(/status=Revoked/);
  await expect(table.getByRole('row', { name: new RegExp(revokedEmail) })).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(pendingEmail) })).toHaveCount(0);

  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('invitations-360.png'), fullPage: true });
});

test('a list that cannot be loaded says why, in the page', async ({ admin: page }) => {
  await page.goto('/admin/invitations');
  await page.waitForLoadState('networkidle');
  // The session is gone (its cookie here); the hydrated page fetches the
  // next filter itself, is refused with 401, and its error boundary says so.
  await page.context().clearCookies();
  await page.getByRole('navigation', { name: 'Filter by status' }).getByRole('link', { name: 'Accepted' }).click();
  await expect(page).toHaveURL(/status=Accepted/);
  await expect(page.getByRole('alert')).toHaveText('Your session has ended. Sign in again to continue.');
});

test.describe('the New invitation form', () => {

  test('validates as the operator types and sends the invitation', async ({ page }) => {
    await page.goto('/admin/login');
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'New invitation' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Invite a customer');
    await page.waitForLoadState('networkidle');

    const create = page.getByRole('button', { name: 'Create invitation' });
    const email = page.getByLabel('Email address of the invitee');
    await expect(create).toBeDisabled();
    const grey = await create.evaluate((b) => getComputedStyle(b).backgroundColor);

    await email.fill('jiwoo@customer');
    await email.blur();
    await expect(page.getByText('Enter an email address like name@example.com.')).toBeVisible();
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(create).toBeDisabled();

    const to = `form.${Date.now()}@customer.example`;
    await email.fill(to);
    await expect(page.getByText('Enter an email address like name@example.com.')).toHaveCount(0);
    await expect(create).toBeEnabled();
    const orange = await create.evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(orange).toBe('rgb(242, 107, 33)'); // the accent colour, #f26b21
    expect(orange).not.toBe(grey);

    // The company draft: checked by the same rules as the server's.
    await page.getByLabel('Legal name').fill('Customer AG');
    await page.getByLabel('Country').selectOption({ label: 'Switzerland' });
    await expect(page.getByText('For example 8001')).toBeVisible();
    const postal = page.getByLabel('Postal code');
    await postal.fill('80');
    await postal.blur();
    await expect(page.getByText('This is not a postal code of the chosen country.')).toBeVisible();
    await expect(postal).toHaveAttribute('aria-invalid', 'true');
    // A value the rules refuse only warns: the customer corrects it on the
    // company step (the seller's records may be stale).
    await expect(create).toBeEnabled();
    await postal.fill('8001');
    await expect(page.getByText('This is not a postal code of the chosen country.')).toHaveCount(0);
    await page.getByLabel('Tax or VAT number').fill('CHE-116.281.711');
    await page.getByLabel('Tax or VAT number').blur();
    await expect(page.getByText('The check digit does not match. Please check the number.')).toBeVisible();
    await expect(create).toBeEnabled();

    await page.getByLabel('Name (optional)').fill('Jiwoo Kim');
    await page.getByLabel('Language of the invitation email').selectOption('ko');
    const delivered = sink.captureOne(to, { wait: 15_000 });
    await create.click();

    await expect(page.getByRole('status')).toContainText(`Invitation created for ${to}.`);
    // The draft's wrong value is listed for the operator: the customer will fix it.
    await expect(page.getByRole('status')).toContainText('The invitation is created all the same');
    await expect(page.getByRole('status')).toContainText('Tax or VAT number: The check digit does not match. Please check the number.');
    const link = await page.getByLabel('Invitation link (shown only now)').inputValue();
    expect(link).toMatch(/\/api\/InviteUser\?invitationId=[0-9a-f-]{36}$/);
    const { email: mail } = await delivered;
    expect(mail.headers.subject).toBe(`${ADMIN.name}님이 GFMS에 초대했습니다`);
    expect(mail.body).toContain(link);

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    // The new invitation is one click away.
    await expect(page.getByRole('status').getByRole('link', { name: 'Open the invitation' })).toHaveAttribute('href', /^\/admin\/invitations\/[0-9a-f-]{36}$/);

    // The same address again: the way to the pending invitation.
    await create.click();
    await expect(page.getByRole('alert')).toContainText('already has a pending invitation');
    await page.getByRole('link', { name: 'Open the pending invitation to send it again' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invitation for ${to}`);
  });

  test("offers to reset a customer's redemption, and never an operator's", async ({ page, browser, request, baseURL }) => {
    // A customer who accepted an invitation, signed in with an emailed code.
    const customer = `reset.${Date.now()}@customer.example`;
    const { link } = await invite(sink, request, baseURL!, customer);
    const invitee = await (await browser.newContext()).newPage();
    await invitee.goto(link);
    await invitee.getByRole('link', { name: 'Get started now' }).click();
    const delivered = sink.captureOne(customer, { wait: 15_000 });
    await invitee.getByRole('button', { name: 'Email me a code' }).click();
    const { email } = await delivered;
    await invitee.getByLabel('6-digit code').fill(/\b(\d{6})\b/.exec(email.body)![1]);
    await invitee.getByRole('button', { name: 'Continue' }).click();
    await invitee.getByRole('button', { name: 'Accept' }).click();
    await expect(heading(invitee)).toHaveText('Your company');

    await page.goto('/admin/login');
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto('/admin/invitations/new');
    await page.waitForLoadState('networkidle');
    // An operator's account is managed on the Operators page, never reset.
    await page.getByLabel('Email address of the invitee').fill(ADMIN.email);
    await page.getByLabel('Send the invitation email now').uncheck();
    await page.getByRole('button', { name: 'Create invitation' }).click();
    await expect(page.getByRole('alert')).toContainText('belongs to an operator or admin of GFMS');
    await expect(page.getByRole('button', { name: 'Reset the redemption and invite again' })).toHaveCount(0);

    await page.getByLabel('Email address of the invitee').fill(customer);
    await page.getByRole('button', { name: 'Create invitation' }).click();
    await expect(page.getByRole('alert')).toContainText('already belongs to an account of GFMS');
    await page.getByRole('button', { name: 'Reset the redemption and invite again' }).click();
    await expect(page.getByRole('status')).toContainText(`Invitation created for ${customer}.`);
  });
});

test('an operator resends and revokes an invitation from its page and sees its timeline', async ({ page, request, baseURL }) => {
  const token = apiToken();
  const email = `detail.${Date.now()}@customer.example`;
  const res = await request.post('/v1.0/invitations', {
    headers: { authorization: `Bearer ${token}` },
    data: { invitedUserEmailAddress: email, inviteRedirectUrl: `${baseURL}/` },
  });
  expect(res.status()).toBe(201);

  await page.goto('/admin/login');
  await page.getByLabel('Email address').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto('/admin/invitations');
  await page.getByRole('link', { name: email }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Invitation for ${email}`);
  await page.waitForLoadState('networkidle');

  await page.getByRole('button', { name: 'Send again' }).click();
  await expect(page.getByRole('status')).toContainText('Sent again with a new link');
  expect(await page.getByLabel('Invitation link (shown only now)').inputValue()).toMatch(/invitationId=[0-9a-f-]{36}$/);
  await expect(page.locator('.timeline li')).toHaveCount(2);

  // Revoking asks first, and says what will happen.
  await page.getByText('Revoke…').click();
  await expect(page.getByText('The link stops working at once')).toBeVisible();
  await page.getByRole('button', { name: 'Yes, revoke the invitation' }).click();
  await expect(page.getByRole('status')).toContainText('The invitation is revoked.');
  await expect(page.locator('.timeline li')).toHaveCount(3);
  await expect(page.getByText('Revoke…')).toHaveCount(0);
});

test('an operator creates an API token, uses it, and revokes it', async ({ page, request }) => {
  await page.goto('/admin/login');
  await page.getByLabel('Email address').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your API tokens');
  await page.waitForLoadState('networkidle');

  const name = `browser ${Date.now()}`;
  await expect(page.getByRole('button', { name: 'Create token' })).toBeDisabled();
  await page.getByLabel('Name of the new token').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('status')).toContainText('Copy the token now');
  const token = await page.getByLabel('New token', { exact: true }).inputValue();
  const me = await request.get('/v1.0/me', { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).mail).toBe(ADMIN.email);

  const row = page.getByRole('row', { name: new RegExp(name) });
  await row.getByText('Revoke…').click();
  await row.getByRole('button', { name: 'Yes, revoke the token' }).click();
  await expect(page.getByRole('status')).toHaveText('The token is revoked.');
  expect((await request.get('/v1.0/me', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
});

test("each group of the dashboard's pages is fetched when one of them is first opened, and the pages change without a page load", async ({ admin: page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // The groups of pages whose code the page fetched ("overview", "new_invitation").
  const groups = () =>
    page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => new URL(e.name).pathname)
        .map((p) => /\/split_([a-z_]+?)_\d+\.wasm$/.exec(p)?.[1])
        .filter((g): g is string => !!g),
    );

  await page.goto('/admin');
  await expect(page.locator('html')).toHaveAttribute('data-hydrated', '');
  expect(await groups()).toEqual(['overview']);

  await page.evaluate(() => { (window as any).__lobbyMarker = 'still here'; });
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'New invitation' }).click();
  await expect(heading(page)).toHaveText('Invite a customer');
  expect((await groups()).sort()).toEqual(['new_invitation', 'overview']);
  // The page loaded with its group reacts as the operator types.
  const email = page.getByLabel('Email address of the invitee');
  await email.fill('not an address');
  await email.blur();
  await expect(email).toHaveAttribute('aria-invalid', 'true');

  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Overview' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  expect((await groups()).sort()).toEqual(['new_invitation', 'overview']);
  expect(await page.evaluate(() => (window as any).__lobbyMarker)).toBe('still here');
  expect(errors).toEqual([]);
});
