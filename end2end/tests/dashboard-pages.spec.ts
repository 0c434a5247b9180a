// Every dashboard page in one frame (issue 24, point 4): at 1280 px the
// navigation stands beside the page and never wraps, at 360 px nothing
// scrolls sideways; axe finds nothing serious; in English and Korean. A
// screenshot of each page at both widths in both languages is kept in the
// test results to look at.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '../support/fixtures';
import { ADMIN } from '../playwright.config';

const PAGES = [
  '/admin',
  '/admin/invitations',
  '/admin/invitations/new',
  '/admin/invitations/import',
  '/admin/operators',
  '/admin/sessions',
  '/admin/tokens',
  '/admin/settings',
  '/admin/providers',
  '/admin/terms',
  '/admin/apps',
  '/admin/webhooks',
];

for (const [lang, locale, password] of [['en', 'en-US', 'Password'], ['ko', 'ko-KR', '비밀번호']] as const) {
  test(`every dashboard page in ${lang} keeps its frame at 1280 and 360 px and passes axe`, async ({ browser }, testInfo) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto('/admin/login');
    await page.getByLabel(lang === 'en' ? 'Email address' : '이메일 주소').fill(ADMIN.email);
    await page.getByLabel(password).fill(ADMIN.password);
    await page.getByLabel(password).press('Enter');
    await expect(page).toHaveURL(/\/admin$/);
    for (const path of PAGES) {
      const name = path.slice(1).replaceAll('/', '-');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      // The navigation is one column beside the page: every link at the same left edge.
      const nav = page.getByRole('navigation', { name: lang === 'en' ? 'Dashboard' : '대시보드' });
      const lefts = await nav.getByRole('link').evaluateAll((links) => links.map((l) => Math.round(l.getBoundingClientRect().left)));
      expect(new Set(lefts).size, `${path}: the navigation wraps`).toBe(1);
      const navBox = (await nav.boundingBox())!;
      const heading = (await page.getByRole('heading', { level: 1 }).boundingBox())!;
      expect(heading.x, `${path}: the page stands beside the navigation`).toBeGreaterThan(navBox.x + navBox.width);
      const serious = (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
      expect(serious, path).toEqual([]);
      await page.screenshot({ path: testInfo.outputPath(`${name}-${lang}-1280.png`), fullPage: true });
      await page.setViewportSize({ width: 360, height: 740 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: testInfo.outputPath(`${name}-${lang}-360.png`), fullPage: true });
    }
    await context.close();
  });
}

test('the overview works by keyboard alone', async ({ admin: page }) => {
  await page.goto('/admin');
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Bulk import').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Invited by')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Show' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/admin\?from=&to=&import=&inviter=$/);
  // The funnel's links are reached in order, each a list of customers.
  await expect(page.getByRole('table', { name: 'The funnel in figures' })).toBeVisible();
});
