// The overview (issue 24, points 1 and 2): the redemption funnel drawn at a
// glance with its figures in a table, each step leading to the customers
// stopped there; a period that is not one refused with its reason; axe,
// keyboard and 360 px in English and Korean, with screenshots kept.
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { ADMIN } from '../playwright.config';
import { apiToken } from '../support/api-token';

async function seriousViolations(page: Page) {
  return (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
}

/// Checks the page with axe and at 360 px, with screenshots at both widths.
async function checkPage(page: Page, testInfo: TestInfo, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath(`${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath(`${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('the overview draws the funnel and each step lists the customers stopped there', async ({ admin: page, request, baseURL }, testInfo) => {
  const headers = { authorization: `Bearer ${apiToken()}` };
  const stamp = Date.now();
  const emails = [`funnel.a.${stamp}@customer.example`, `funnel.b.${stamp}@customer.example`];
  for (const email of emails) {
    const res = await request.post('/v1.0/invitations', { headers, data: { invitedUserEmailAddress: email, inviteRedirectUrl: `${baseURL}/` } });
    expect(res.status()).toBe(201);
  }

  await page.goto('/admin');
  await page.waitForLoadState('networkidle');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
  await expect(page.getByRole('img', { name: /Redemption funnel as bars/ })).toBeVisible();
  const funnel = page.getByRole('table', { name: 'The funnel in figures' });
  const invited = funnel.getByRole('row', { name: /^Invited/ });
  await expect(invited.getByRole('cell').nth(1)).toHaveText('100 %');
  await expect(page.getByRole('img', { name: /per day, stacked by outcome/ })).toBeVisible();
  await expect(page.getByText('Median time from invitation to company')).toBeVisible();
  await checkPage(page, testInfo, 'overview-en');

  // The invited who went no further: the list of them, narrowed to the
  // overview's period; the search keeps that.
  await invited.getByRole('link', { name: /stopped at “Invited”/ }).click();
  await expect(page).toHaveURL(/\/admin\/invitations\?progress=invited&from=\d{4}-\d\d-\d\d&to=/);
  await expect(page.getByRole('status')).toContainText('Narrowed to created');
  await page.getByLabel('Search by email, name or company').fill(`funnel.a.${stamp}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/progress=invited.*q=funnel\.a/);
  const table = page.getByRole('table', { name: /Invitations of GFMS/ });
  await expect(table.getByRole('row', { name: new RegExp(emails[0]) })).toContainText('Invited since');
  await expect(table.getByRole('row', { name: new RegExp(emails[1]) })).toHaveCount(0);
  // Ordered by email, then down: the heading says so.
  const byEmail = table.getByRole('columnheader', { name: 'Email', exact: true });
  await byEmail.getByRole('link').click();
  await expect(page).toHaveURL(/sort=email/);
  await expect(byEmail).toHaveAttribute('aria-sort', 'ascending');
  await byEmail.getByRole('link').click();
  await expect(page).toHaveURL(/sort=-email/);
  await expect(byEmail).toHaveAttribute('aria-sort', 'descending');
  await expect(table.getByRole('row', { name: new RegExp(emails[0]) })).toBeVisible();
  await checkPage(page, testInfo, 'invitations-en');
});

test('a period that ends before it starts is refused with its reason', async ({ admin: page }) => {
  await page.goto('/admin');
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Created from').fill('2026-12-05');
  await page.getByLabel('Created until').fill('2026-12-01');
  await page.getByLabel('Created until').press('Enter');
  await expect(page).toHaveURL(/from=2026-12-05&to=2026-12-01/);
  await expect(page.getByRole('alert')).toHaveText('The period ends before it starts. Choose an end on or after the start.');
  await expect(page.getByLabel('Created from')).toHaveValue('2026-12-05');
});

test('the overview speaks Korean and fits 360 px; times are in the browser\'s zone, UTC on hover', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
  const page = await context.newPage();
  await page.goto('/admin/login');
  await page.getByLabel('이메일 주소').fill(ADMIN.email);
  await page.getByLabel('비밀번호').fill(ADMIN.password);
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('개요');
  await page.waitForLoadState('networkidle');
  await expect(page.getByRole('table', { name: '퍼널 수치' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '일별 초대 결과' })).toBeVisible();
  await checkPage(page, testInfo, 'overview-ko');
  await page.goto('/admin/invitations');
  await page.waitForLoadState('networkidle');
  // Seoul is UTC+9 all year: each time reads nine hours on from UTC.
  const created = page.locator('td time').first();
  const utc = (await created.getAttribute('title'))!;
  const seoul = new Date(Date.parse(utc.replace(' ', 'T').replace(' UTC', ':00Z')) + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
  await expect(created).toHaveText(seoul);
  await checkPage(page, testInfo, 'invitations-ko');
  await context.close();
});
