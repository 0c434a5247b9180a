// Signed webhooks as the seller's systems receive them: an admin adds an
// endpoint in the dashboard (its secret shown once), a receiver on loopback
// verifies every delivery with the Standard Webhooks reference library
// (npm `standardwebhooks`, which nobody here wrote), the dashboard lists the
// deliveries, and a resent one arrives again with the same webhook-id.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { Webhook } from 'standardwebhooks';
import { test, expect, type Page } from '@playwright/test';
import { bearer } from '../support/api-token';
import { hydrated, signInAsAdmin } from '../support/journey';

test.use({ locale: 'en-US' });

type Delivery = { id: string; type: string; data: Record<string, unknown>; verified: () => boolean };

/** A receiver on loopback. Each delivery is verified with the secret once
 * it is known (another test's invitation may arrive before it is read). */
function receiver() {
  const deliveries: Delivery[] = [];
  let webhook: Webhook | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const headers = {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      };
      const verified = () => {
        try {
          webhook!.verify(body, headers);
          return true;
        } catch {
          return false;
        }
      };
      const event = JSON.parse(body);
      deliveries.push({ id: headers['webhook-id'], type: event.type, data: event.data, verified });
      res.writeHead(204).end();
    });
  });
  return {
    deliveries,
    listen: () => new Promise<string>((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/lobby`))),
    trust: (secret: string) => (webhook = new Webhook(secret)),
    close: () => {
      // Lobby keeps its connections open for the next delivery.
      server.closeAllConnections();
      return new Promise((done) => server.close(done));
    },
  };
}

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

test('an admin adds a webhook endpoint; every delivery verifies with the reference library, and a resent one keeps its webhook-id', async ({ page, request, baseURL }) => {
  const hooks = receiver();
  const url = await hooks.listen();
  try {
    await signInAsAdmin(page);
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Webhooks');
    await hydrated(page);

    // A loopback address is refused by name until the admin allows it.
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByLabel(/^invitation\.created/).check();
    await page.getByLabel(/^invitation\.revoked/).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(page.getByRole('alert')).toHaveText(/^127\.0\.0\.1 is or resolves to 127\.0\.0\.1, a private, loopback or link-local address/);
    await expect(page.getByLabel('Endpoint URL')).toHaveValue(url);
    await page.getByLabel(/^Allow private, loopback and link-local addresses/).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(page.getByRole('status')).toContainText('The endpoint is added.');
    const secret = (await page.locator('#webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    hooks.trust(secret);

    // An invitation made and revoked through the API: two events.
    const to = `webhook.${Date.now()}@customer.example`;
    const created = await request.post('/v1.0/invitations', { headers: bearer(), data: { invitedUserEmailAddress: to, inviteRedirectUrl: `${baseURL}/` } });
    expect(created.status()).toBe(201);
    const { id } = await created.json();
    expect((await request.post(`/v1.0/invitations/${id}/revoke`, { headers: bearer() })).status()).toBe(200);
    const about = (type: string) => hooks.deliveries.filter((d) => d.type === type && d.data.id === id);
    await expect.poll(() => about('invitation.revoked').length, { timeout: 15_000 }).toBe(1);
    expect(about('invitation.created')).toHaveLength(1);
    expect(about('invitation.created')[0].data.invitedUserEmailAddress).toBe(to);
    // Other tests invite too: every delivery to this endpoint verifies.
    expect(hooks.deliveries.filter((d) => !d.verified()).map((d) => d.id)).toEqual([]);

    // The dashboard lists the deliveries; resending one sends it again.
    await page.reload();
    await hydrated(page);
    const endpoint = page.getByRole('list', { name: 'Webhook endpoints' }).getByRole('listitem').filter({ hasText: url });
    await expect(endpoint).toContainText('invitation.created invitation.revoked');
    await expect(endpoint).toContainText('private addresses allowed');
    const table = endpoint.getByRole('region', { name: `Latest deliveries to ${url}` });
    await expect(table.getByRole('row').filter({ hasText: 'invitation.revoked' }).first()).toContainText('Delivered');
    const revoked = about('invitation.revoked')[0];
    const row = table.getByRole('row').filter({ hasText: revoked.id });
    await expect(row).toContainText('invitation.revoked');
    await audit(page, 'webhooks');
    await row.getByRole('button', { name: /^Resend invitation\.revoked of / }).click();
    await expect(page.getByRole('status')).toContainText('The delivery is due again');
    await expect.poll(() => about('invitation.revoked').length, { timeout: 15_000 }).toBe(2);
    const [first, again] = about('invitation.revoked');
    expect(again.id).toBe(first.id);
    expect(again.verified()).toBe(true);

    await page.goto('/lang/ko?next=/admin/webhooks');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('웹훅');
    await audit(page, 'webhooks-ko');
    await page.goto('/lang/en?next=/admin/webhooks');

    // Removed: the endpoint hears nothing more.
    await hydrated(page);
    await page.getByRole('button', { name: `Remove ${url}` }).click();
    await expect(page.getByRole('status')).toHaveText('The endpoint is removed, with its deliveries.');
    await expect(page.getByText(url)).toHaveCount(0);
  } finally {
    await hooks.close();
  }
});
