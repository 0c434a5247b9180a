// The quality of the invitee's flow on a phone: every page, in English and
// in Korean, at 360 px wide, checked by axe-core for serious and critical
// violations (WCAG 2.1 A and AA rules) and kept as a screenshot in the
// test results; and the whole flow done with the keyboard alone.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type APIRequestContext, type Locator, type Page, type TestInfo } from '@playwright/test';
import { invite as inviteThrough } from '../support/invite';
import { sink } from '../support/smtp-sink';

test.describe.configure({ mode: 'serial' });


/** Invites `to` with a company draft that lacks its postal code. */
async function invite(request: APIRequestContext, baseURL: string, to: string) {
  const company = { legalName: 'Customer AG', street: 'Bahnhofstrasse 1', city: 'Zürich', country: 'CH' };
  return (await inviteThrough(sink, request, baseURL, to, { company })).link;
}

/** The page passes axe's serious and critical rules and fits 360 px; its screenshot is kept. */
async function audit(page: Page, name: string, testInfo: TestInfo) {
  await page.waitForLoadState('networkidle');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${name} (${page.url()})`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath(`${name}-360.png`), fullPage: true });
}

const WORDS = {
  en: { locale: 'en-US', start: 'Get started now', send: 'Email me a code', code: '6-digit code', next: 'Continue', accept: 'Accept', decline: 'Decline', postal: 'Postal code', create: 'CREATE COMPANY', welcome: 'Welcome' },
  ko: { locale: 'ko-KR', start: '지금 시작하기', send: '코드 받기', code: '6자리 코드', next: '계속', accept: '동의', decline: '거절', postal: '우편번호', create: '회사 생성', welcome: '환영합니다' },
};

for (const [lang, w] of Object.entries(WORDS)) {
  test(`every page of the flow in ${lang} passes axe and fits 360 px`, async ({ browser, request, baseURL }, testInfo) => {
    const context = await browser.newContext({ locale: w.locale, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const check = (name: string) => audit(page, `${lang}-${name}`, testInfo);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await check('home');
    await page.goto('/signin');
    await check('signin');
    await page.goto('/signin?notice=domain-unknown&domain=nobody.example');
    await check('signin-unknown-domain');
    await page.goto('/t/gfms/signin?notice=sent');
    await check('organization-signin');

    const to = `a11y.${lang}@customer.example`;
    const link = await invite(request, baseURL!, to);
    await page.goto(link);
    await check('landing');
    await page.getByRole('link', { name: w.start }).click();
    await check('sign-in');
    const delivered = sink.captureOne(to, { wait: 15_000 });
    await page.getByRole('button', { name: w.send }).click();
    const { email } = await delivered;
    await check('code-sent');
    await page.getByLabel(w.code).fill(/\b(\d{6})\b/.exec(email.body)![1]);
    await page.getByRole('button', { name: w.next }).click();
    await expect(page.getByRole('button', { name: w.accept })).toBeVisible();
    await check('terms');
    await page.getByRole('button', { name: w.decline }).click();
    await check('terms-declined');
    await page.getByRole('button', { name: w.accept }).click();
    await expect(page.getByRole('button', { name: w.create })).toBeDisabled();
    await page.getByLabel(w.postal).fill('80');
    await page.getByLabel(w.postal).blur();
    await check('company-invalid');
    await page.getByLabel(w.postal).fill('8001');
    await page.getByRole('button', { name: w.create }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(w.welcome);
    await check('welcome');
    await page.goto(link.replace(/\/api\/InviteUser\?invitationId=/, '/invite/'));
    await check('landing-accepted');
    await page.goto('/invite/00000000-0000-4000-8000-000000000000');
    await check('not-found');
    await context.close();
  });
}

/** Presses Tab until `target` has the focus: it is reachable by keyboard. */
async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reaches ${target}`);
}

test('the whole flow works with the keyboard alone', async ({ browser, request, baseURL }) => {
  const to = 'a11y.keyboard@customer.example';
  const link = await invite(request, baseURL!, to);
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await tabTo(page, page.getByRole('link', { name: 'Get started now' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with a code');
  const delivered = sink.captureOne(to, { wait: 15_000 });
  await tabTo(page, page.getByRole('button', { name: 'Email me a code' }));
  await page.keyboard.press('Enter');
  const { email } = await delivered;
  await tabTo(page, page.getByLabel('6-digit code'));
  await page.keyboard.type(/\b(\d{6})\b/.exec(email.body)![1]);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  await tabTo(page, page.getByRole('button', { name: 'Accept' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your company');
  await page.waitForLoadState('networkidle');
  // Enter in a field while something is invalid: the focus goes to what needs fixing.
  await tabTo(page, page.getByLabel('Legal name'));
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Postal code')).toBeFocused();
  await page.keyboard.type('8001');
  await tabTo(page, page.getByRole('button', { name: 'CREATE COMPANY' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${to}`);
});
