// The steps many tests begin with, as Playwright fixtures: a test that asks
// for `admin` gets its page signed in as the admin on the dashboard, one that
// asks for `settings` the same on the settings page.
import { test as base, type Page } from '@playwright/test';
import { adminSettings, signInAsAdmin } from './journey';

export const test = base.extend<{ admin: Page; settings: Page }>({
  admin: async ({ page }, use) => {
    await signInAsAdmin(page);
    await use(page);
  },
  settings: async ({ page }, use) => {
    await adminSettings(page);
    await use(page);
  },
});

export { expect } from '@playwright/test';
