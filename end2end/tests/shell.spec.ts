// The app shell: server-rendered HTML that works without JavaScript, then
// hydration, the language switcher, the 404 page and the security headers.
import { test, expect, type Page } from '@playwright/test';
import { PRODUCT } from '../playwright.config';

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

test('the page hydrates and switches language without a page load', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto('/');
  await expect(heading(page)).toHaveText('Welcome to GFMS');
  // The wasm module must load and take over the page.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/customer.wasm')));
  await page.waitForLoadState('networkidle');

  // A marker on window survives only if no navigation happens.
  await page.evaluate(() => { (window as any).__lobbyMarker = 'still here'; });
  const navigations: string[] = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });

  const switcher = page.getByRole('navigation', { name: 'Language' });
  await switcher.getByRole('link', { name: '한국어' }).click();
  await expect(heading(page)).toHaveText('GFMS에 오신 것을 환영합니다');
  await expect(page.getByRole('navigation', { name: '언어' })).toBeVisible();
  // The browser bundle knows the portal's name too.
  await expect(page.getByRole('contentinfo')).toHaveText(`${PRODUCT} · GFMS`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  expect(await page.evaluate(() => (window as any).__lobbyMarker)).toBe('still here');
  expect(navigations).toEqual([]);
  await expect(page.getByRole('link', { name: '한국어' })).toHaveAttribute('aria-current', 'true');

  await page.screenshot({ path: testInfo.outputPath('home-ko.png'), fullPage: true });
  await testInfo.attach('home-ko', { path: testInfo.outputPath('home-ko.png'), contentType: 'image/png' });

  // The choice is remembered for the next visit.
  await page.reload();
  await expect(heading(page)).toHaveText('GFMS에 오신 것을 환영합니다');
  expect(errors).toEqual([]);
});

test("a customer's page carries only the customer's bundle; a link to the dashboard loads it from the server", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const loaded = (name: string) =>
    page.waitForFunction((n) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(`/${n}.wasm`)), name);
  await page.goto('/');
  await loaded('customer');
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/lobby.wasm')))).toBe(false);
  // No customer page links to the dashboard today; a link put into the page
  // stands in for one, and the customer's router does not know its page.
  await page.evaluate(() => {
    const link = document.createElement('a');
    link.href = '/admin/login';
    link.textContent = 'Operators';
    document.querySelector('main')!.append(link);
  });
  await page.getByRole('link', { name: 'Operators' }).click();
  await expect(heading(page)).toHaveText('Sign in as an operator');
  await loaded('lobby');
  expect(errors).toEqual([]);
});

test('a second visit to a page with live checks fetches none of its files again', async ({ page }) => {
  // What each of the page's files cost on the wire; 0 when the browser's cache had it.
  const transferred = () =>
    page.evaluate(() =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((e) => new URL(e.name).pathname.startsWith('/pkg/'))
        .map((e) => ({ file: new URL(e.name).pathname, bytes: e.transferSize })),
    );
  const wasm = () =>
    page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/customer.wasm')));
  await page.goto('/');
  await wasm();
  await page.waitForLoadState('networkidle');
  const first = await transferred();
  expect(first.map((f) => f.file).some((f) => f.endsWith('/customer.wasm'))).toBe(true);
  // (A file preloaded and then used is listed twice, the second time from the cache.)
  expect(first.filter((f) => f.file.endsWith('/customer.wasm') && f.bytes > 0)).not.toEqual([]);

  await page.goto('/signin'); // elsewhere, then back as a new visit
  await page.goto('/');
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

test('pages carry a nonce CSP and the security headers', async ({ request }) => {
  const response = await request.get('/');
  const headers = response.headers();
  const csp = headers['content-security-policy'];
  expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+' 'strict-dynamic' 'wasm-unsafe-eval'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  expect(await response.text()).toContain(`nonce="${nonce}"`);
});

test('the keyboard reaches the skip link and the language switcher', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'English' })).toBeFocused();
});
