// The app shell: server-rendered HTML that works without JavaScript, then
// hydration, the language switcher, the 404 page and the security headers.
import { test, expect, type Page } from '@playwright/test';
import { PRODUCT } from '../playwright.config';
import { invite } from '../support/invite';
import { signInWithPasscode } from '../support/journey';
import { sink } from '../support/smtp-sink';

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false, locale: 'en-US' });

  test('the home page arrives server-rendered', async ({ page }) => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    await expect(heading(page)).toHaveText('Welcome to GFMS');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // Customers see the seller's portal, not the software's name.
    await expect(page).toHaveTitle(PRODUCT);
    await expect(page.getByRole('contentinfo')).toHaveText(`${PRODUCT} · GFMS`);
    expect(await page.locator('body').innerText()).not.toContain('Lobby');
  });

  test('the language switcher works as plain links and is remembered', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: '한국어' }).click();
    await expect(heading(page)).toHaveText('GFMS에 오신 것을 환영합니다');
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
    await expect(heading(page)).toHaveText('GFMS에 오신 것을 환영합니다');
  });
});

test('Accept-Language picks Korean', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ko-KR' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(heading(page)).toHaveText('GFMS에 오신 것을 환영합니다');
  await context.close();
});

test('the dashboard hydrates and switches language without a page load', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto('/admin/login');
  await expect(heading(page)).toHaveText('Sign in as an operator');
  // The wasm module must load and take over the page.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/lobby.wasm')));
  await page.waitForLoadState('networkidle');

  // A marker on window survives only if no navigation happens.
  await page.evaluate(() => { (window as any).__lobbyMarker = 'still here'; });
  const navigations: string[] = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });

  const switcher = page.getByRole('navigation', { name: 'Language' });
  await switcher.getByRole('link', { name: '한국어' }).click();
  await expect(heading(page)).toHaveText('운영자로 로그인');
  await expect(page.getByRole('navigation', { name: '언어' })).toBeVisible();
  // The browser bundle knows the portal's name too.
  await expect(page.getByRole('contentinfo')).toHaveText(`${PRODUCT} · GFMS`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  expect(await page.evaluate(() => (window as any).__lobbyMarker)).toBe('still here');
  expect(navigations).toEqual([]);
  await expect(page.getByRole('link', { name: '한국어' })).toHaveAttribute('aria-current', 'true');

  await page.screenshot({ path: testInfo.outputPath('login-ko.png'), fullPage: true });
  await testInfo.attach('login-ko', { path: testInfo.outputPath('login-ko.png'), contentType: 'image/png' });

  // The choice is remembered for the next visit, the customer's pages too.
  await page.reload();
  await expect(heading(page)).toHaveText('운영자로 로그인');
  await page.goto('/');
  await expect(heading(page)).toHaveText('GFMS에 오신 것을 환영합니다');
  expect(errors).toEqual([]);
});

/** The files under /pkg/ the page fetched, by name ("lobby.wasm"). */
const fetched = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.startsWith('/pkg/'))
      .map((p) => p.slice(p.lastIndexOf('/') + 1)),
  );

test("a customer's page without live checks loads no bundle; the dashboard's link to one loads it from the server", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  const files = await fetched(page);
  expect(files).toContain('lobby.css');
  expect(files.filter((f) => f.endsWith('.wasm') || f.endsWith('.js'))).toEqual([]);

  // The dashboard's router does not carry the customer's pages.
  await page.goto('/admin/login');
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/lobby.wasm')));
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => { (window as any).__lobbyMarker = 'still here'; });
  await page.getByRole('link', { name: 'GFMS', exact: true }).click();
  await expect(heading(page)).toHaveText('Welcome to GFMS');
  expect(await page.evaluate(() => (window as any).__lobbyMarker)).toBeUndefined();
  expect(errors).toEqual([]);
});

test('a second visit to a page with live checks fetches none of its files again', async ({ page, request, baseURL }) => {
  // What each of the page's files cost on the wire; 0 when the browser's cache had it.
  const transferred = () =>
    page.evaluate(() =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => new URL(e.name).pathname.startsWith('/pkg/'))
        .map((e) => ({ file: new URL(e.name).pathname, bytes: e.transferSize })),
    );
  const wasm = () =>
    page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/customer.wasm')));
  // The company step, the first page of the way with live checks.
  const to = 'second-visit@shell.example';
  await signInWithPasscode(page, (await invite(sink, request, baseURL!, to)).link, to);
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(heading(page)).toHaveText('Your company');
  const url = page.url();
  await wasm();
  await page.waitForLoadState('networkidle');
  const first = await transferred();
  // Only the customer's bundle, never the dashboard's.
  expect(first.map((f) => f.file.slice(f.file.lastIndexOf('/') + 1)).sort()).toEqual(
    expect.arrayContaining(['customer.js', 'customer.wasm', 'lobby.css']),
  );
  expect(first.some((f) => f.file.endsWith('/lobby.wasm') || f.file.endsWith('/lobby.js'))).toBe(false);
  // (A file preloaded and then used is listed twice, the second time from the cache.)
  expect(first.filter((f) => f.file.endsWith('/customer.wasm') && f.bytes > 0)).not.toEqual([]);

  await page.goto('/signin'); // elsewhere, then back as a new visit
  await page.goto(url);
  await wasm();
  await page.waitForLoadState('networkidle');
  const second = await transferred();
  expect(second.length).toBeGreaterThanOrEqual(first.length);
  expect(second.filter((f) => f.bytes > 0)).toEqual([]);
});

test('the page fits a 360 px wide screen', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto('/');
  await expect(heading(page)).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('home-360.png'), fullPage: true });
  await context.close();
});

test('an unknown address gets the 404 page', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(heading(page)).toHaveText('Page not found');
  await page.getByRole('link', { name: 'Go to the home page' }).click();
  await expect(heading(page)).toHaveText('Welcome to GFMS');
});

test('pages carry a nonce CSP and the security headers; wasm may compile only where a bundle runs', async ({ request }) => {
  const response = await request.get('/');
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+' 'strict-dynamic';/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  expect(await response.text()).toContain(`nonce="${nonce}"`);

  const dashboard = (await request.get('/admin/login')).headers()['content-security-policy'];
  expect(dashboard).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+' 'strict-dynamic' 'wasm-unsafe-eval';/);
});

test('the keyboard reaches the skip link and the language switcher', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'English' })).toBeFocused();
});
