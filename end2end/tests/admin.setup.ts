// The admin signs in once for the whole run, at the dashboard's sign-in page;
// the specs reuse that session (support/journey.ts, signInAsAdmin) instead of
// signing in again and again, which the sign-in rate limit would count.
import { test as setup, expect } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { ADMIN_STATE, hydrated } from '../support/journey';

setup('the admin signs in once for the run', async ({ page }) => {
  await page.goto('/admin/login');
  await page.getByLabel('Email address').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Overview');
  await page.context().storageState({ path: ADMIN_STATE });
  // As a seller sets up before inviting: the privacy statement customers
  // accept (the terms come later, in the specs that publish them).
  await page.goto('/admin/settings');
  await hydrated(page);
  await page.getByLabel('Address of the privacy statement (https)').fill('https://gfms.example/privacy');
  await page.getByRole('button', { name: 'Save privacy statement' }).click();
  await expect(page.getByText('The privacy statement is saved.')).toBeVisible();
});
