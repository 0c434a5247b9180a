// Bulk invitations: an operator uploads a CSV with three valid and two
// invalid rows, sees the verdicts, confirms, watches the job finish (also
// after a reload), and the SMTP server receives exactly three emails.
import { test, expect } from '../support/fixtures';
import fs from 'node:fs';
import { sink } from '../support/smtp-sink';

test.use({ locale: 'en-US' });

test('a CSV with 3 valid and 2 invalid rows sends exactly 3 invitations', async ({ admin: page }, testInfo) => {
  const stamp = Date.now();
  const valid = [`ann.${stamp}@customer.example`, `bo.${stamp}@customer.example`, `cy.${stamp}@customer.example`];
  const badLanguage = `dee.${stamp}@customer.example`;
  const csv = [
    'email;display name;language;legal_name',
    `${valid[0]};Ann;en;Customer AG`,
    `not-an-email.${stamp};Bob;en;`,
    `${valid[1]};Bo;ko;`,
    `${badLanguage};Dee;fr;`,
    `${valid[2]};"Cy, Jr.";;`,
  ].join('\r\n');

  // Every message for this run's addresses, whoever it is for.
  const received = async () =>
    (await sink.since(stamp)).flatMap((m) => m.receivers.filter((to) => to.includes(String(stamp))));

  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Import CSV' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Invite many people from a CSV file');
  await page.waitForLoadState('networkidle');
  // A template to fill in, with every column and an example row.
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download a template to fill in (CSV)' }).click();
  const template = await downloading;
  expect(template.suggestedFilename()).toBe('invitations-template.csv');

  await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + csv) });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import of customers.csv');
  await page.waitForLoadState('networkidle');

  await expect(page.locator('.count-valid')).toHaveText('3');
  await expect(page.locator('.count-invalid')).toHaveText('2');
  const rows = page.getByRole('table');
  await expect(rows.getByRole('row', { name: /not-an-email/ })).toContainText('email: is not an email address');
  await expect(rows.getByRole('row', { name: new RegExp(badLanguage) })).toContainText('language: must be en or ko');
  await expect(rows.getByRole('row', { name: new RegExp(valid[2]) })).toContainText('Valid');
  expect(await received()).toHaveLength(0);

  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: testInfo.outputPath('import-preview-360.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Create 3 invitations and send the emails' }).click();
  await expect(page.locator('#import-progress-text')).toHaveText('5 of 5 rows processed: 3 invitations created, 2 skipped.', { timeout: 15_000 });
  await expect(page.locator('#import-status')).toHaveText('Done');

  // The progress lives on the server: a reload shows the same.
  await page.reload();
  await expect(page.locator('#import-progress-text')).toHaveText('5 of 5 rows processed: 3 invitations created, 2 skipped.');
  await expect(page.getByRole('button', { name: /Create 3 invitations/ })).toHaveCount(0);

  await expect.poll(async () => (await received()).length, { timeout: 15_000 }).toBe(3);
  expect((await received()).sort()).toEqual([...valid].sort());

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the result (CSV)' }).click();
  const file = fs.readFileSync(await (await download).path(), 'utf8');
  // Every field quoted, so that no spreadsheet reads a cell as a formula.
  expect(file.match(/,"created",/g)).toHaveLength(3);
  // The input's columns as written, then what Lobby made of the row.
  expect(file).toContain(`"${valid[1]}","Bo","ko","","4","valid","created",`);

  // Nothing more arrives later (the two invalid rows stay unsent).
  await page.waitForTimeout(1500);
  expect(await received()).toHaveLength(3);
});

test('a file the importer cannot use is refused with a clear message', async ({ admin: page }) => {
  await page.goto('/admin/invitations/import');
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from('email,fax\na@customer.example,1\n') });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('alert')).toHaveText(/Unknown column “fax”\. Known columns: email, display_name/);
  await expect(page.getByLabel('CSV file', { exact: true })).toHaveAttribute('aria-describedby', 'import-error');
});
