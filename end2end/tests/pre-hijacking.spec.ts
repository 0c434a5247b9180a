// Account pre-hijacking (Sudhodanan & Paverd, 2022): an attacker prepares an
// account for the victim's address before the victim arrives, hoping to share
// or take it later. Against a real OpenID provider on loopback whose users can
// claim any address (a login `address#unverified`), each class gets nowhere:
// classic-federated merge and unexpired session (a password account started
// from a leaked link), trojan identifier and non-verifying provider. The
// unexpired email change has its test in server/tests/it/sign_in.rs (Lobby
// has no address to change), nOAuth in federated.spec.ts.
import { execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test, expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { E2E_DIR, IDPS } from '../playwright.config';
import { invite as inviteThrough } from '../support/invite';
import { signInAsAdmin } from '../support/journey';
import { addProvider, providerLogin, startIdp, stopIdp, toProvider } from '../support/federation';
import { sink } from '../support/smtp-sink';

test.describe.configure({ mode: 'serial' });

const PROVIDER = 'NewCo ID';
const ATTACKER_PASSWORD = 'the attacker knows this one well';

let idp: ChildProcess;
test.beforeAll(async () => {
  idp = await startIdp(IDPS.tampering, {});
});
test.afterAll(async () => {
  await stopIdp(idp);
});

async function invite(request: APIRequestContext, baseURL: string, to: string) {
  return (await inviteThrough(sink, request, baseURL, to)).link;
}

function sql(query: string): string {
  return execFileSync('sqlite3', [path.join(E2E_DIR, 'lobby.db'), query]).toString().trim();
}

async function newPage(browser: Browser) {
  return (await browser.newContext()).newPage();
}

/** The admin at a dashboard page; signs in only when not yet signed in (sign-ins from one address are rate-limited). */
async function toAdmin(page: Page, path: string, heading: string) {
  await page.goto(path);
  if (new URL(page.url()).pathname !== path) {
    await signInAsAdmin(page);
    await page.goto(path);
  }
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await page.waitForLoadState('networkidle');
}

async function setPasscodes(page: Page, on: boolean) {
  await toAdmin(page, '/admin/settings', 'Settings');
  await page.getByLabel('Offer one-time passcodes by email').setChecked(on);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toHaveText('The settings are saved. They apply to the next sign-in.');
}

async function addNewCo(page: Page) {
  await toAdmin(page, '/admin/providers', 'Identity providers');
  await addProvider(page, { kind: "A customer organization's OpenID provider", name: PROVIDER, issuer: IDPS.tampering, domains: 'newco.example' });
  await expect(page.getByRole('status')).toHaveText('The provider is added. It applies to the next sign-in.');
}

async function removeNewCo(page: Page) {
  await toAdmin(page, '/admin/providers', 'Identity providers');
  await page.getByRole('button', { name: `Remove ${PROVIDER}` }).click();
  await expect(page.getByRole('status')).toHaveText('The provider is removed.');
}

async function expectSignedIn(page: Page, email: string) {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  await expect(page.getByText(`your email address, ${email}`)).toBeVisible();
}

/** The subjects of the provider identities linked to `email`'s account. */
function identitiesOf(email: string): string[] {
  const rows = sql(`SELECT i.subject FROM identity i JOIN user u ON u.id = i.user_id WHERE u.email = '${email}' ORDER BY i.subject`);
  return rows === '' ? [] : rows.split('\n');
}

test('a password account started from a leaked link never becomes the victim\'s (classic-federated merge, unexpired session)', async ({ browser, page, request, baseURL }) => {
  const victim = 'kai@newco.example';
  const link = await invite(request, baseURL!, victim);
  const ticket = new URL(link).searchParams.get('invitationId');
  await setPasscodes(page, false);
  try {
    // The attacker opens the link and starts an account with their own password.
    const attacker = await newPage(browser);
    const codeToVictim = sink.captureOne(victim, { wait: 15_000 });
    await attacker.goto(link);
    await attacker.getByRole('link', { name: 'Get started now' }).click();
    await expect(attacker.getByRole('heading', { level: 1 })).toHaveText('Create your account');
    await attacker.getByLabel('New password').fill(ATTACKER_PASSWORD);
    await attacker.getByRole('button', { name: 'Create account' }).click();
    await expect(attacker.getByRole('heading', { level: 1 })).toHaveText('Confirm your email address');
    await codeToVictim; // the code went to the victim, whom the attacker is not
    expect(sql(`SELECT count(*) FROM user WHERE email = '${victim}' AND password_hash IS NOT NULL`)).toBe('0');

    // The seller federates newco.example; the victim signs in there.
    await addNewCo(page);
    const kai = await newPage(browser);
    await toProvider(kai, link, PROVIDER);
    await providerLogin(kai, victim);
    await expectSignedIn(kai, victim);
    expect(identitiesOf(victim)).toEqual([victim]);

    // The attacker's browser, kept open all along, is not signed in as the
    // victim, and its pending account cannot be finished.
    await attacker.goto(`/invite/${ticket}/continue`);
    await expect(attacker).toHaveURL(new RegExp(`/invite/${ticket}/start$`));
    await expect(attacker.getByRole('link', { name: `Continue with ${PROVIDER}` })).toBeVisible();

    // With the provider gone again, the address has no password: its account
    // takes a code from its mailbox, the attacker's password signs in
    // nothing, and the victim's session holds.
    await removeNewCo(page);
    const later = await newPage(browser);
    await later.goto(`/invite/${ticket}/start`);
    await expect(later.getByRole('heading', { level: 1 })).toHaveText('Sign in with a code');
    await expect(later.locator('input[type=password]')).toHaveCount(0);
    const posted = await later.request.post(`/invite/${ticket}/password`, {
      form: { password: ATTACKER_PASSWORD }, headers: { origin: baseURL! }, maxRedirects: 0,
    });
    expect(posted.status()).toBe(303);
    expect(posted.headers().location).not.toContain('/continue');
    expect(sql(`SELECT count(*) FROM user WHERE email = '${victim}' AND password_hash IS NOT NULL`)).toBe('0');
    await kai.goto(`/invite/${ticket}/continue`);
    await expectSignedIn(kai, victim);
  } finally {
    await setPasscodes(page, true);
  }
});

test('an address claimed at a provider that does not verify it is linked to nobody (trojan identifier, non-verifying provider)', async ({ browser, page, request, baseURL }) => {
  const victim = 'lea@newco.example';
  const mallory = 'mallory@newco.example';
  const claim = `${victim}#unverified`; // Mallory's own account there, claiming Lea's address
  await addNewCo(page);
  try {
    const victimsLink = await invite(request, baseURL!, victim);
    const mallorysLink = await invite(request, baseURL!, mallory);

    // Trojan identifier: Mallory redeems her own invitation with the account
    // that claims Lea's address, to have it on her account when Lea arrives.
    const attacker = await newPage(browser);
    await toProvider(attacker, mallorysLink, PROVIDER);
    await providerLogin(attacker, claim);
    await expect(attacker.getByRole('alert')).toHaveText(
      `You signed in as ${victim}, but this invitation is for ${mallory}. Sign in as ${mallory} instead.`,
    );
    // Non-verifying provider: the same account on Lea's own link.
    const onVictims = await newPage(browser);
    await toProvider(onVictims, victimsLink, PROVIDER);
    await providerLogin(onVictims, claim);
    await expect(onVictims.getByRole('alert')).toContainText(`${PROVIDER} has not confirmed that ${victim} is your address`);
    expect(sql(`SELECT count(*) FROM identity WHERE subject = '${claim}'`)).toBe('0');

    // Each signs in as themselves and gets their own account, with only
    // their own identity.
    const own = await newPage(browser);
    await toProvider(own, mallorysLink, PROVIDER);
    await providerLogin(own, mallory);
    await expectSignedIn(own, mallory);
    const lea = await newPage(browser);
    await toProvider(lea, victimsLink, PROVIDER);
    await providerLogin(lea, victim);
    await expectSignedIn(lea, victim);
    expect(identitiesOf(mallory)).toEqual([mallory]);
    expect(identitiesOf(victim)).toEqual([victim]);

    // Lea's account exists now; the claiming account still opens nothing.
    const again = await newPage(browser);
    await toProvider(again, victimsLink, PROVIDER);
    await providerLogin(again, claim);
    await expect(again.getByRole('alert')).toContainText(`${PROVIDER} has not confirmed that ${victim} is your address`);
    expect(sql(`SELECT count(*) FROM identity WHERE subject = '${claim}'`)).toBe('0');
  } finally {
    await removeNewCo(page);
  }
});
