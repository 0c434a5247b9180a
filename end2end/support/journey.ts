// The steps after sign-in, shared by the specs that walk an invitee all the
// way: the terms, the company form (CREATE COMPANY grey and disabled until
// every field is valid, then in the accent colour) and the welcome page.
import { expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { E2E_DIR } from '../playwright.config';
import { sink } from './smtp-sink';

export const GREY = 'rgb(196, 199, 204)';
export const ORANGE = 'rgb(242, 107, 33)'; // the default accent colour, #f26b21

export async function background(page: Page, name: string) {
  return page.getByRole('button', { name }).evaluate((b) => getComputedStyle(b).backgroundColor);
}

export function heading(page: Page) {
  return page.getByRole('heading', { level: 1 });
}

/** From the email's link, signed in with the emailed passcode, to the terms step. */
export async function signInWithPasscode(page: Page, link: string, to: string) {
  await page.goto(link);
  await page.getByRole('link', { name: 'Get started now' }).click();
  await expect(page.getByText('Step 1 of 4')).toBeVisible();
  const delivered = sink.captureOne(to, { wait: 15_000 });
  await page.getByRole('button', { name: 'Email me a code' }).click();
  const { email } = await delivered;
  await page.getByLabel('6-digit code').fill(/\b(\d{6})\b/.exec(email.body)![1]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(heading(page)).toHaveText('Privacy and terms of GFMS');
}

/** At the company step with an empty draft: fills it in, watching the button. */
export async function createCompany(page: Page, email: string, legalName: string) {
  await expect(heading(page)).toHaveText('Your company');
  await expect(page.getByText('Step 3 of 4')).toBeVisible();
  const create = page.getByRole('button', { name: 'CREATE COMPANY' });
  await page.waitForLoadState('networkidle');
  await expect(create).toBeDisabled();
  expect(await background(page, 'CREATE COMPANY')).toBe(GREY);
  await page.getByLabel('Legal name').fill(legalName);
  await page.getByLabel('Street and number').fill('Hauptstrasse 5');
  await page.getByLabel('Country').selectOption('DE');
  await page.getByLabel('City').fill('Berlin');
  // One field left, and it is wrong: still grey.
  await page.getByLabel('Postal code').fill('1011');
  await expect(create).toBeDisabled();
  expect(await background(page, 'CREATE COMPANY')).toBe(GREY);
  await page.getByLabel('Postal code').fill('10115');
  await expect(create).toBeEnabled();
  expect(await background(page, 'CREATE COMPANY')).toBe(ORANGE);
  await create.click();
  await expect(heading(page)).toHaveText(`Welcome, ${email}`);
  await expect(page.getByText('Step 4 of 4')).toBeVisible();
  await expect(page.getByText(`You are now set up for ${legalName} at GFMS.`)).toBeVisible();
}

/** At the terms step: accepts them, then creates the company. */
export async function acceptAndCreateCompany(page: Page, email: string, legalName: string) {
  await expect(heading(page)).toHaveText('Privacy and terms of GFMS');
  await expect(page.getByText('Step 2 of 4')).toBeVisible();
  await page.getByRole('button', { name: 'Accept' }).click();
  await createCompany(page, email, legalName);
}

/** The browser state of the admin's session, signed in by tests/admin.setup.ts. */
export const ADMIN_STATE = path.join(E2E_DIR, 'admin-session.json');

/** The admin's session (signed in once for the run) in this page's browser, at the dashboard. */
export async function signInAsAdmin(page: Page) {
  const { cookies } = JSON.parse(fs.readFileSync(ADMIN_STATE, 'utf8'));
  await page.context().addCookies(cookies);
  await page.goto('/admin');
  await expect(heading(page)).toHaveText('Overview');
  await hydrated(page);
}

/** Until the page's bundle has taken over (`<html data-hydrated>`): a click
 * before that is the browser's, not the page's (a busy machine compiles
 * the debug bundle for seconds after the network is idle). */
export async function hydrated(page: Page) {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

/** Signs the admin in and opens the settings page. */
export async function adminSettings(page: Page) {
  await signInAsAdmin(page);
  await page.goto('/admin/settings');
  await expect(heading(page)).toHaveText('Settings');
  await hydrated(page);
  await page.waitForLoadState('networkidle');
}
