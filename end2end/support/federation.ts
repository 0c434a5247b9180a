// Federated sign-in in the browser: adding a provider in the dashboard, going
// from an invitation link to the provider, signing in there, and providers
// that a test starts (and stops) itself.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import { IDP_CLIENT, idpEnv } from '../playwright.config';

export async function addProvider(page: Page, p: { kind: string; name: string; issuer?: string; domains?: string; owns?: boolean }) {
  await page.getByLabel('Type').selectOption({ label: p.kind });
  await page.getByLabel('Name invitees see').fill(p.name);
  if (p.issuer) await page.getByLabel('Issuer URL').fill(p.issuer);
  await page.getByLabel('Client ID').fill(IDP_CLIENT.id);
  await page.getByLabel('Client secret').fill(IDP_CLIENT.secret);
  await page.getByLabel('Email domains').fill(p.domains ?? '');
  await page.getByLabel(/This provider owns these domains/).setChecked(!!p.owns);
  await page.getByRole('button', { name: 'Add provider' }).click();
}

/** From the email's link to the provider's login page, through "Continue with `provider`". */
export async function toProvider(page: Page, link: string, provider: string) {
  await page.goto(link);
  await page.getByRole('link', { name: 'Get started now' }).click();
  await page.getByRole('link', { name: `Continue with ${provider}` }).click();
}

/** Signs in at the test provider's login page as `login` (any password works there). */
export async function providerLogin(page: Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** Starts support/oidc-idp.mjs at `issuer` with `env`; resolves once it answers. */
export async function startIdp(issuer: string, env: Record<string, string>): Promise<ChildProcess> {
  const port = Number(new URL(issuer).port);
  const child = spawn('node', ['support/oidc-idp.mjs'], { env: idpEnv(port, env), stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`the provider at ${issuer} did not start`);
}

export async function stopIdp(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
