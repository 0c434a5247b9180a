// Federated sign-in against real OpenID providers on loopback (npm
// oidc-provider): an admin adds a customer organization's provider,
// "Google" and "Microsoft" (multi-tenant, tokens checked against their
// `tid`) in the dashboard; invitees then sign in through the one their
// address leads to. Each path also meets the wrong account, and a provider
// that rotates its signing keys is followed.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import AxeBuilder from '@axe-core/playwright';
import type { APIRequestContext, Page, TestInfo } from '@playwright/test';
import { E2E_DIR, IDPS, IDP_CLIENT, MICROSOFT_TENANT } from '../playwright.config';
import { addProvider, providerLogin, startIdp, stopIdp, toProvider } from '../support/federation';
import { invite as inviteThrough } from '../support/invite';
import { acceptAndCreateCompany, signInAsAdmin } from '../support/journey';
import { sink } from '../support/smtp-sink';

test.describe.configure({ mode: 'serial' });


/** Invites `to` through the API; returns the link the email carries. */
async function invite(request: APIRequestContext, baseURL: string, to: string) {
  return (await inviteThrough(sink, request, baseURL, to)).link;
}

/** Signed in as `email`: the invitee is at the terms step of their invitation. */
async function expectSignedIn(page: Page, email: string) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  await expect(page.getByText(`your email address, ${email}`)).toBeVisible();
  expect(page.url()).toMatch(/\/invite\/[0-9a-f-]{36}\/consent$/);
}

/** The page passes axe's serious and critical rules and fits its 360 px; its screenshot is kept. */
async function passesAxeAt360(page: Page, testInfo: TestInfo, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  expect(serious, name).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), name).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath(`${name}-360.png`), fullPage: true });
}

async function expectWrongAccount(page: Page, signedInAs: string, invited: string) {
  await expect(page.getByRole('alert')).toHaveText(
    `You signed in as ${signedInAs}, but this invitation is for ${invited}. Sign in as ${invited} instead.`,
  );
}

test('an admin adds providers in the dashboard; presets fill in the issuer and the secret is never shown again', async ({ admin: page }, testInfo) => {
  await page.waitForLoadState('networkidle');
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Identity providers' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Identity providers');
  await expect(page.locator('#redirect-uri')).toHaveText(/\/auth\/callback$/);
  await expect(page.getByText('No identity providers yet.')).toBeVisible();

  // The presets fill in the real issuers; here they are pointed at the test providers.
  await page.getByLabel('Type').selectOption({ label: 'Microsoft' });
  await expect(page.getByLabel('Issuer URL')).toHaveValue('https://login.microsoftonline.com/{tenantid}/v2.0');
  await page.getByLabel('Type').selectOption({ label: 'Google' });
  await expect(page.getByLabel('Issuer URL')).toHaveValue('https://accounts.google.com');

  // The status says the same after each provider added: the list shows which one it was.
  const list = page.getByRole('list', { name: 'Configured identity providers' });
  const added = async (count: number) => {
    await expect(page.getByRole('status')).toHaveText('The provider is added. It applies to the next sign-in.');
    await expect(list.getByRole('listitem')).toHaveCount(count);
  };
  await addProvider(page, { kind: "A customer organization's OpenID provider", name: 'Contoso ID', issuer: IDPS.contoso, domains: 'contoso.example' });
  await added(1);
  // The form starts empty again: the secret does not stay in the page.
  await expect(page.getByLabel('Client secret')).toHaveValue('');
  await expect(page.getByLabel('Name invitees see')).toHaveValue('');
  await addProvider(page, { kind: 'Google', name: 'Google', issuer: IDPS.google });
  await added(2);
  // Any tenant's users can set any address ("nOAuth"): the multi-tenant issuer cannot own domains.
  const microsoft = { kind: 'Microsoft', name: 'Microsoft', issuer: `${IDPS.microsoft}/{tenantid}/v2.0`, domains: 'fabrikam.example northwind.example tailspin.example' };
  await addProvider(page, { ...microsoft, owns: true });
  await expect(page.getByRole('alert')).toContainText('With {tenantid}, anyone in any Microsoft tenant can sign in and set any email address');
  await addProvider(page, microsoft);
  await added(3);
  // Lobby reads a provider's documents as it is saved: the rotating one runs only for its own test.
  const rotating = { kind: "A customer organization's OpenID provider", name: 'Rotating ID', issuer: IDPS.rotating, domains: 'rotate.example', owns: true };
  await addProvider(page, rotating);
  await expect(page.getByRole('alert')).toContainText("Lobby could not use this issuer's discovery document and keys");
  await expect(page.getByRole('alert')).toContainText(IDPS.rotating);
  const idp = await startIdp(IDPS.rotating, { IDP_KID: 'key-one' });
  try {
    await addProvider(page, rotating);
    await added(4);
  } finally {
    await stopIdp(idp);
  }

  // Wrong input is refused field by field, and nothing is added.
  await addProvider(page, { kind: 'Google', name: 'Google again', issuer: 'http://accounts.google.example' });
  await expect(page.getByRole('alert')).toContainText('Enter the issuer as an https URL');
  // A refused form keeps what was typed, to be corrected.
  await expect(page.getByLabel('Issuer URL')).toHaveValue('http://accounts.google.example');
  await expect(page.getByLabel('Name invitees see')).toHaveValue('Google again');
  await addProvider(page, { kind: 'Google', name: 'Google again', issuer: IDPS.google });
  await expect(page.getByRole('alert')).toHaveText('Google is configured already. Remove it first to replace it.');

  await expect(list.getByRole('listitem')).toHaveCount(4);
  await expect(list.getByRole('listitem').filter({ hasText: 'Rotating ID' })).toContainText('Trusted for its domains');
  await expect(list.getByRole('listitem').filter({ hasText: 'Microsoft' })).not.toContainText('Trusted for its domains');
  await expect(list).toContainText('gmail.com, googlemail.com');
  await expect(list).toContainText(`${IDPS.microsoft}/{tenantid}/v2.0`);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Configured identity providers' }).getByRole('listitem')).toHaveCount(4);
  expect(await page.content()).not.toContain(IDP_CLIENT.secret);

  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('providers-360.png'), fullPage: true });
});

test("a customer organization's provider signs its people in, and signs them in again as returning accounts", async ({ page, browser, request, baseURL }) => {
  const to = 'ann@contoso.example';
  const link = await invite(request, baseURL!, to);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(link);
  await page.getByRole('link', { name: 'Get started now' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with your account');
  await expect(page.getByText(`Sign in with your Contoso ID account for ${to}.`)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  // By keyboard: the step's one action takes the focus and Enter.
  await page.getByRole('link', { name: 'Continue with Contoso ID' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${IDPS.contoso}/**`);
  let callback = '';
  page.on('request', (r) => {
    if (r.url().includes('/auth/callback')) callback = r.url();
  });
  await providerLogin(page, to);
  await expectSignedIn(page, to);

  // The callback's code and state work once.
  expect(callback).toContain('state=');
  await page.goto(callback);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in is no longer valid');

  // Another browser: the account now signs in with its linked identity,
  // and goes on through the terms and the company to the welcome page.
  const again = await (await browser.newContext()).newPage();
  await toProvider(again, link, 'Contoso ID');
  await providerLogin(again, to);
  await expectSignedIn(again, to);
  await acceptAndCreateCompany(again, to, 'Contoso Deutschland GmbH');
});

test("the organization's provider signing in someone else redeems nothing, and offers another account", async ({ page, request, baseURL }) => {
  const to = 'bo@contoso.example';
  const link = await invite(request, baseURL!, to);
  await toProvider(page, link, 'Contoso ID');
  await providerLogin(page, 'mallory@contoso.example');
  await expectWrongAccount(page, 'mallory@contoso.example', to);
  // The provider is asked to let the invitee choose again (prompt=login).
  // An identity Lobby knows already is still someone else's.
  await page.getByRole('link', { name: 'Use another Contoso ID account' }).click();
  await providerLogin(page, 'ann@contoso.example');
  await expectWrongAccount(page, 'ann@contoso.example', to);
  await page.getByRole('link', { name: 'Use another Contoso ID account' }).click();
  await providerLogin(page, to);
  await expectSignedIn(page, to);
});

test('Google signs in gmail.com addresses it vouches for, and nobody else', async ({ page, browser, request, baseURL }) => {
  const to = 'jiwoo.e2e@gmail.com';
  const link = await invite(request, baseURL!, to);
  await page.goto(link);
  await page.getByRole('link', { name: 'Get started now' }).click();
  await page.getByRole('link', { name: 'Continue with Google' }).click();
  await page.waitForURL(`${IDPS.google}/**`);
  await page.getByRole('link', { name: '[ Cancel ]' }).click();
  await expect(page.getByRole('alert')).toHaveText('You cancelled the sign-in. You can start again whenever you like.');
  // Never stuck: the other ways in the organization allows are offered beside "Try again".
  await expect(page.getByRole('region', { name: 'Or sign in another way' }).getByRole('button')).toHaveText(['Email me a one-time passcode', 'Create an account with a password']);

  await page.getByRole('link', { name: 'Try again with Google' }).click();
  await providerLogin(page, 'someone.else@gmail.com');
  await expectWrongAccount(page, 'someone.else@gmail.com', to);

  const fresh = await (await browser.newContext()).newPage();
  await toProvider(fresh, link, 'Google');
  await providerLogin(fresh, to);
  await expectSignedIn(fresh, to);

  // An address the provider marks unverified proves nothing.
  const unverified = 'unverified.kim@gmail.com';
  const other = await (await browser.newContext()).newPage();
  await toProvider(other, await invite(request, baseURL!, unverified), 'Google');
  await providerLogin(other, unverified);
  await expect(other.getByRole('alert')).toContainText(`Google has not confirmed that ${unverified} is your address`);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Sign in with your account');
});

test("Microsoft's multi-tenant tokens sign in its domains, checked against their tenant", async ({ page, browser, request, baseURL }) => {
  const to = 'min@fabrikam.example';
  const link = await invite(request, baseURL!, to);
  await toProvider(page, link, 'Microsoft');
  await page.waitForURL(`${IDPS.microsoft}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0/**`);
  await providerLogin(page, 'eve@fabrikam.example');
  await expectWrongAccount(page, 'eve@fabrikam.example', to);

  // No email_verified from Microsoft: its xms_edov says the tenant owns fabrikam.example.
  const fresh = await (await browser.newContext()).newPage();
  await toProvider(fresh, link, 'Microsoft');
  await providerLogin(fresh, to);
  await expectSignedIn(fresh, to);
});

test("a tenant that needs its administrator's approval: the invitee asks them by email, the administrator approves, the invitee signs in", async ({ page, browser, request, baseURL }, testInfo) => {
  const to = 'lee@tailspin.example';
  const admin = 'it@tailspin.example';
  const link = await invite(request, baseURL!, to);
  // The tenant answers AADSTS65001 (consent_required) until its administrator approves.
  await toProvider(page, link, 'Microsoft');
  await expect(page.getByRole('alert')).toHaveText(
    "Your organization has not approved GFMS's application yet, so Microsoft cannot sign you in. Your IT administrator approves it once, for everyone in your organization; then you can continue.",
  );
  const approval = await page.getByRole('link', { name: 'Approval link for your IT administrator' }).getAttribute('href');
  const url = new URL(approval!);
  // The tenant that tailspin.example belongs to, Lobby's client id, and back to Lobby.
  expect(url.origin + url.pathname).toBe(`${IDPS.microsoft}/${MICROSOFT_TENANT}/adminconsent`);
  expect(url.searchParams.get('client_id')).toBe(IDP_CLIENT.id);
  expect(url.searchParams.get('redirect_uri')).toBe(`${baseURL}/auth/callback`);
  expect(url.searchParams.get('state')).toMatch(/^[0-9a-f]{64}$/);
  await expect(page.getByLabel('The approval link, to copy')).toHaveValue(approval!);
  // Never stuck behind the IT department: the other ways in are offered.
  const others = page.getByRole('region', { name: 'Or sign in another way' });
  await expect(others.getByRole('button')).toHaveText(['Email me a one-time passcode', 'Create an account with a password']);
  await expect(page.getByRole('link', { name: 'Try again with Microsoft' })).toBeVisible();

  await page.setViewportSize({ width: 360, height: 740 });
  await passesAxeAt360(page, testInfo, 'admin-approval');
  // In Korean too, from another browser.
  const korean = await (await browser.newContext({ locale: 'ko-KR', viewport: { width: 360, height: 740 } })).newPage();
  await korean.goto(link);
  await korean.getByRole('link', { name: '지금 시작하기' }).click();
  await korean.getByRole('link', { name: 'Microsoft(으)로 계속' }).click();
  await expect(korean.getByRole('heading', { level: 2, name: 'IT 관리자에게 요청하기' })).toBeVisible();
  await expect(korean.getByRole('alert')).toContainText('IT 관리자가 조직 전체를 위해 한 번만 승인하면');
  // Korean breaks between words, never inside one.
  expect(await korean.getByRole('heading', { level: 1 }).evaluate((h) => getComputedStyle(h).wordBreak)).toBe('keep-all');
  expect(await page.getByRole('heading', { level: 1 }).evaluate((h) => getComputedStyle(h).wordBreak)).not.toBe('keep-all');
  await passesAxeAt360(korean, testInfo, 'admin-approval-ko');
  await korean.context().close();

  // A wrong address changes nothing; a right one sends the link, in the invitee's language.
  await page.getByLabel("Your IT administrator's email").fill('it at tailspin');
  await page.getByLabel('A note for them (optional)').fill('Hi Sam, <b>please</b> approve this for our team.');
  await page.evaluate(() => document.querySelector('form[action$="/admin-approval"]')?.setAttribute('novalidate', ''));
  await page.getByRole('button', { name: 'Email the link to them' }).click();
  await expect(page.getByRole('alert')).toHaveText("Enter your IT administrator's email address, such as it@example.com.");
  const asked = sink.captureOne(admin);
  await page.getByLabel("Your IT administrator's email").fill(admin);
  await page.getByLabel('A note for them (optional)').fill('Hi Sam, <b>please</b> approve this for our team.');
  await page.getByRole('button', { name: 'Email the link to them' }).click();
  await expect(page.getByRole('status')).toHaveText('We have emailed the approval link to your IT administrator. As soon as they approve, we will email you, and you can continue.');
  const { email } = await asked;
  expect(email.headers.subject).toBe(`${to} asks you to approve GFMS's application`);
  expect(email.body).toContain(approval!);
  expect(email.body).toContain('Approving lets the people of your organization sign in');
  // The invitee's words reach the administrator as text, never as markup.
  expect(email.html).toContain('Hi Sam, &lt;b&gt;please&lt;/b&gt; approve this for our team.');
  expect(email.html).not.toContain('<b>please</b>');
  // The invitation is still pending: nothing else changed.
  await page.goto(link);
  await expect(page.getByRole('link', { name: 'Get started now' })).toBeVisible();

  // The administrator opens the link in their own browser, approves, and comes back to Lobby.
  const continued = sink.captureOne(to);
  const it = await (await browser.newContext()).newPage();
  await it.goto(approval!);
  await expect(it.getByRole('heading', { level: 1 })).toHaveText('Approved');
  await expect(it.getByRole('alert')).toContainText("GFMS's application is approved for your organization.");
  // The invitee hears of it with their own link, and Microsoft now signs them in.
  const { email: go } = await continued;
  expect(go.headers.subject).toBe('You can continue to GFMS');
  expect(go.body).toContain(link);
  await toProvider(page, link, 'Microsoft');
  await providerLogin(page, to);
  await expectSignedIn(page, to);
  // The same answer again records nothing new and sends no second email.
  await it.goto(approval!);
  await expect(it.getByRole('heading', { level: 1 })).toHaveText('Approved');

  // The operator sees where the customer stands: signed in with Microsoft,
  // in their tenant, after their IT administrator approved.
  const operator = await (await browser.newContext()).newPage();
  await signInAsAdmin(operator);
  await operator.goto('/admin/invitations?progress=signed_in');
  // The list shows how they signed in too; their page says it among its facts.
  await expect(operator.getByRole('row', { name: new RegExp(to) })).toContainText(`Microsoft, tenant ${MICROSOFT_TENANT}`);
  await operator.getByRole('link', { name: to }).click();
  await expect(operator.getByRole('heading', { level: 1 })).toHaveText(`Invitation for ${to}`);
  await expect(operator.getByText(`Microsoft, tenant ${MICROSOFT_TENANT}`)).toBeVisible();
  const timeline = operator.locator('ol.timeline');
  await expect(timeline).toContainText('Asked their IT administrator to approve');
  await expect(timeline).toContainText('IT administrator approved');
  await expect(timeline).toContainText('Signed in');
});

test('nOAuth: a Microsoft user who sets the address of a domain their tenant does not own signs in nothing', async ({ browser, request, baseURL }) => {
  const victim = 'ana@northwind.example';
  const link = await invite(request, baseURL!, victim);
  const sql = (query: string) => execFileSync('sqlite3', [path.join(E2E_DIR, 'lobby.db'), query]).toString().trim();
  const attempt = async () => {
    const attacker = await (await browser.newContext()).newPage();
    await toProvider(attacker, link, 'Microsoft');
    await providerLogin(attacker, victim);
    await expect(attacker.getByRole('alert')).toContainText(`Microsoft has not confirmed that ${victim} is your address`);
    expect(sql(`SELECT count(*) FROM identity WHERE email = '${victim}'`)).toBe('0');
    expect(sql(`SELECT status FROM invitation WHERE invited_email = '${victim}'`)).toBe('PendingAcceptance');
    await attacker.context().close();
  };
  await attempt();
  // Not even with the provider marked as owning its domains (as a row from
  // before the form refused it could be): a multi-tenant issuer owns none.
  sql("UPDATE identity_provider SET authoritative = 1 WHERE kind = 'microsoft'");
  try {
    await attempt();
  } finally {
    sql("UPDATE identity_provider SET authoritative = 0 WHERE kind = 'microsoft'");
  }
});

test('a provider that rotates its signing keys is followed: the unknown key id makes Lobby fetch its keys again', async ({ browser, request, baseURL }) => {
  let idp = await startIdp(IDPS.rotating, { IDP_KID: 'key-one' });
  try {
    const first = await (await browser.newContext()).newPage();
    await toProvider(first, await invite(request, baseURL!, 'r1@rotate.example'), 'Rotating ID');
    await providerLogin(first, 'r1@rotate.example');
    await expectSignedIn(first, 'r1@rotate.example');

    await stopIdp(idp);
    idp = await startIdp(IDPS.rotating, { IDP_KID: 'key-two' });
    const second = await (await browser.newContext()).newPage();
    await toProvider(second, await invite(request, baseURL!, 'r2@rotate.example'), 'Rotating ID');
    await providerLogin(second, 'r2@rotate.example');
    await expectSignedIn(second, 'r2@rotate.example');
  } finally {
    await stopIdp(idp);
  }
});
