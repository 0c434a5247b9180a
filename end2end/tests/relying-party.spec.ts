// The seller's apps sign customers in through Lobby, driven by a relying
// party built on openid-client (support/relying-party.mjs) in Chromium: a
// newly invited customer is sent by an app, signs in and finishes joining
// on the way, and comes back with the app's code; a second app signs her in
// without a word typed; signing out of one app signs her out of Lobby.
// Apps are registered as an operator would: `lobby app create`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { LOBBY_BIN, LOBBY_ENV } from '../playwright.config';
import { invite } from '../support/invite';
import { acceptAndCreateCompany, hydrated, signInAsAdmin, signInWithPasscode } from '../support/journey';
import { sink } from '../support/smtp-sink';

test.describe.configure({ mode: 'serial' });

const RP_PORT = Number(process.env.LOBBY_E2E_RP_PORT ?? 4021);
const RP = `http://127.0.0.1:${RP_PORT}`;
let rp: ChildProcess;

/** `lobby app create …`: the client id and, for a confidential app, the secret. */
function createApp(...args: string[]) {
  const out = execFileSync(LOBBY_BIN, ['app', 'create', ...args], {
    env: { ...(process.env as Record<string, string>), ...LOBBY_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  const value = (name: string) => new RegExp(`^${name}: (\\S+)$`, 'm').exec(out)?.[1];
  return { id: value('client_id')!, secret: value('client_secret') };
}

test.beforeAll(async () => {
  const shop = createApp(
    '--name', 'GFMS Shop',
    '--redirect-uri', `${RP}/shop/callback`,
    '--post-logout-uri', `${RP}/shop/signed-out`,
    '--launch-url', `${RP}/shop/login`,
  );
  expect(shop.secret).toMatch(/^[0-9a-f]{64}$/);
  const service = createApp('--name', 'GFMS Service', '--public', '--redirect-uri', `${RP}/service/callback`);
  expect(service.secret).toBeUndefined();
  rp = spawn('node', ['support/relying-party.mjs'], {
    env: {
      ...(process.env as Record<string, string>),
      RP_PORT: String(RP_PORT),
      RP_ISSUER: LOBBY_ENV.LOBBY_PUBLIC_URL,
      RP_APPS: JSON.stringify({ shop, service: { id: service.id } }),
    },
    stdio: 'inherit',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${RP}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the relying party did not start');
});

test.afterAll(async () => {
  if (rp && rp.exitCode === null) {
    const exited = new Promise((r) => rp.once('exit', r));
    rp.kill('SIGTERM');
    await exited;
  }
});

function json(text: string | null) {
  return JSON.parse(text ?? 'null');
}

test('an app sends a newly invited customer through sign-in and joining, then signs her in; a second app needs nothing typed; signing out ends both', async ({ page, request, baseURL }) => {
  const to = 'mina.park@wingtip.example';
  const { link } = await invite(sink, request, baseURL!, to);

  // The shop sends her to Lobby, which has never seen her browser.
  await page.goto(`${RP}/shop/login?login_hint=${encodeURIComponent(to)}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to continue');
  await expect(page.getByRole('link', { name: 'Sign in to GFMS' })).toHaveAttribute(
    'href',
    `/t/gfms/signin?email=${encodeURIComponent(to)}`,
  );

  // Her invitation, in the same browser: sign-in, terms, company.
  await signInWithPasscode(page, link, to);
  await acceptAndCreateCompany(page, to, 'Wingtip GmbH');
  await expect(page.getByRole('list', { name: 'Your apps' }).getByRole('link', { name: 'GFMS Shop' })).toHaveAttribute('href', `${RP}/shop/login`);

  // The shop waits for her on the welcome page.
  await page.getByRole('link', { name: 'Continue to GFMS Shop' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signed in to shop');
  const claims = json(await page.locator('#claims').textContent());
  expect(claims).toMatchObject({
    email: to,
    email_verified: true,
    org_slug: 'gfms',
    company_name: 'Wingtip GmbH',
    company_role: 'company_admin',
    terms_version: 0,
    amr: ['otp'],
  });
  expect(claims.sub).not.toBe(to);
  const userinfo = json(await page.locator('#userinfo').textContent());
  expect(userinfo).toMatchObject({ sub: claims.sub, email: to, company_id: claims.company_id, company_role: 'company_admin' });

  // The service portal (a public app): straight back, signed in.
  await page.goto(`${RP}/service/login`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signed in to service');
  expect(json(await page.locator('#claims').textContent()).sub).toBe(claims.sub);

  // Signing out of the shop signs her out of Lobby, back at the shop's page.
  await page.goto(`${RP}/shop/logout`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signed out of shop');
  await expect(page.locator('#state')).toHaveText('bye');
  await page.goto(`${RP}/service/login?prompt=none`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign-in failed');
  await expect(page.locator('#error')).toHaveText('login_required');
});

test('a wrong PKCE verifier gets the app no tokens, and an unregistered redirect address no redirect', async ({ page, request, baseURL }) => {
  const to = 'joon.lee@wingtip.example';
  const { link } = await invite(sink, request, baseURL!, to);
  await signInWithPasscode(page, link, to);
  await acceptAndCreateCompany(page, to, 'Wingtip Korea');

  await page.goto(`${RP}/shop/login?spoil=verifier`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign-in failed');
  await expect(page.locator('#error')).toHaveText('invalid_grant');

  // The shop's request, sent back somewhere else: Lobby keeps the browser.
  await page.goto(`${RP}/shop/login`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signed in to shop');
  const response = await page.request.get(`${RP}/shop/login`, { maxRedirects: 0 });
  const authorize = new URL(response.headers().location);
  authorize.searchParams.set('redirect_uri', `${RP}/elsewhere/callback`);
  await page.goto(authorize.href);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This sign-in request is not valid');
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
});

/** The page passes axe's serious and critical rules and fits 360 px. */
async function audit(page: Page, name: string) {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForLoadState('networkidle');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${name}`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath(`${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('an admin registers an app in the dashboard and sees its secret once; the page reads in Korean and at 360 px', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Apps' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Apps that sign customers in');
  await hydrated(page);
  await expect(page.getByText(`Their issuer is ${LOBBY_ENV.LOBBY_PUBLIC_URL}`)).toBeVisible();

  // A refused address says which and why; what was typed stays.
  await page.getByLabel('Name', { exact: true }).fill('Partner portal');
  await page.getByLabel('Redirect URIs', { exact: true }).fill('http://partner.example/callback');
  await page.getByRole('button', { name: 'Register app' }).click();
  await expect(page.getByRole('alert')).toHaveText('http://partner.example/callback: http is only for loopback addresses; use https');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Partner portal');

  await page.getByLabel('Redirect URIs', { exact: true }).fill('https://partner.example/callback\nhttps://partner.example/other');
  await page.getByLabel('Only for customers who are their company\'s admin').check();
  await page.getByRole('button', { name: 'Register app' }).click();
  const status = page.getByRole('status');
  await expect(status).toContainText('The app is registered. Its client ID is');
  const secret = await page.locator('#app-secret').textContent();
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  const list = page.getByRole('list', { name: 'Registered apps' });
  const item = list.getByRole('listitem').filter({ hasText: 'Partner portal' });
  await expect(item).toContainText('company admins only');
  await expect(item).toContainText('openid profile email');
  await expect(item).toContainText('https://partner.example/other');
  await audit(page, 'apps');

  // The secret is never shown again.
  await page.reload();
  await expect(page.getByRole('list', { name: 'Registered apps' })).toContainText('Partner portal');
  expect(await page.content()).not.toContain(secret!);

  await page.goto('/lang/ko?next=/admin/apps');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('고객을 로그인시키는 앱');
  await audit(page, 'apps-ko');
  await page.goto('/lang/en?next=/admin/apps');

  // Removing it ends its use.
  await hydrated(page);
  await page.getByRole('button', { name: 'Remove Partner portal' }).click();
  await expect(page.getByRole('status')).toHaveText('The app is removed. Its tokens no longer work.');
  await expect(page.getByRole('list', { name: 'Registered apps' })).not.toContainText('Partner portal');
});
