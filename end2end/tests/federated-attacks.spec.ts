// Attacks on federated sign-in, against real OpenID providers on loopback: a
// provider whose ID tokens come spoiled one way at a time (bad signature,
// `alg: none`, an unknown key id, wrong issuer, wrong audience, expired, wrong
// nonce), a replayed code, a forged `state`, and a code from another provider
// (mix-up). Each ends on a page that says the sign-in did not work, and
// nothing is stored: no identity is linked and the invitation stays pending.
import crypto from 'node:crypto';
import { execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { CALLBACK, E2E_DIR, IDPS, IDP_CLIENT } from '../playwright.config';
import { invite as inviteThrough } from '../support/invite';
import { signInAsAdmin } from '../support/journey';
import { addProvider, providerLogin, startIdp, stopIdp, toProvider } from '../support/federation';
import { sink } from '../support/smtp-sink';

test.describe.configure({ mode: 'serial' });

const PROVIDER = 'Tamper ID';
const FAILED = 'The sign-in could not be completed: it took too long or the answer was not valid. Please try again.';
const NO_FLOW = 'This sign-in is no longer valid';

let idp: ChildProcess;
test.beforeAll(async () => {
  idp = await startIdp(IDPS.tampering, { IDP_TAMPER: '1' });
});
test.afterAll(async ({ browser }) => {
  // The provider goes again, so that other specs find the list as they left it.
  const page = await (await browser.newContext()).newPage();
  await toProviders(page);
  await page.getByRole('button', { name: `Remove ${PROVIDER}` }).click();
  await expect(page.getByRole('status')).toHaveText('The provider is removed.');
  await stopIdp(idp);
});

/** The admin at the dashboard's identity providers. */
async function toProviders(page: Page) {
  await signInAsAdmin(page);
  await page.waitForLoadState('networkidle');
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Identity providers' }).click();
}

async function invite(request: Parameters<typeof inviteThrough>[1], baseURL: string, to: string) {
  return (await inviteThrough(sink, request, baseURL, to)).link;
}

/** From now on the provider spoils its ID tokens this way ('none': not at all). */
async function spoilTokens(mode: string) {
  const res = await fetch(`${IDPS.tampering}/__tamper`, { method: 'POST', body: JSON.stringify({ mode }) });
  expect(res.status).toBe(204);
}

function sql(query: string): string {
  return execFileSync('sqlite3', [path.join(E2E_DIR, 'lobby.db'), query]).toString().trim();
}

/** No identity was linked for `email`, and their invitation is still open. */
function expectNothingStored(email: string) {
  expect(sql(`SELECT count(*) FROM identity WHERE subject = '${email}' OR email = '${email}'`)).toBe('0');
  expect(sql(`SELECT status FROM invitation WHERE invited_email = '${email}'`)).toBe('PendingAcceptance');
}

async function expectRefused(page: Page) {
  await expect(page.getByRole('alert')).toHaveText(FAILED);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in with your account');
}

/** A fresh browser at the provider's login page for `link`, with the `state` Lobby sent there. */
async function startFlow(browser: Browser, link: string) {
  const page = await (await browser.newContext()).newPage();
  let state = '';
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === IDPS.tampering && url.pathname === '/auth') state = url.searchParams.get('state') ?? '';
  });
  await toProvider(page, link, PROVIDER);
  await page.waitForURL(`${IDPS.tampering}/**`);
  expect(state).not.toBe('');
  return { page, state };
}

/** The URL of the next callback `page` is sent to. */
function nextCallback(page: Page): () => Promise<URL> {
  let seen: string | undefined;
  page.on('request', (r) => {
    if (r.url().startsWith(`${CALLBACK}?`)) seen = r.url();
  });
  return async () => {
    await expect.poll(() => seen, { message: 'the provider sent the browser back' }).toBeTruthy();
    return new URL(seen!);
  };
}

test('an admin adds the provider whose tokens the tests spoil', async ({ page }) => {
  await toProviders(page);
  await addProvider(page, { kind: "A customer organization's OpenID provider", name: PROVIDER, issuer: IDPS.tampering, domains: 'tamper.example' });
  await expect(page.getByRole('status')).toHaveText('The provider is added. It applies to the next sign-in.');
});

for (const mode of ['bad-signature', 'alg-none', 'unknown-kid', 'wrong-iss', 'wrong-aud', 'expired', 'wrong-nonce']) {
  test(`an ID token with ${mode.replace('-', ' ')} signs nobody in`, async ({ browser, request, baseURL }) => {
    const to = `${mode}@tamper.example`;
    const link = await invite(request, baseURL!, to);
    await spoilTokens(mode);
    try {
      const { page } = await startFlow(browser, link);
      await providerLogin(page, to);
      await expectRefused(page);
    } finally {
      await spoilTokens('none');
    }
    expectNothingStored(to);
  });
}

test('the same provider, unspoiled, signs the invitee in: the refusals above were the tokens', async ({ browser, request, baseURL }) => {
  const to = 'control@tamper.example';
  const { page } = await startFlow(browser, await invite(request, baseURL!, to));
  await providerLogin(page, to);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  expect(sql(`SELECT count(*) FROM identity WHERE subject = '${to}'`)).toBe('1');
});

test('a replayed code gets nowhere, with its own state or with another flow’s', async ({ browser, request, baseURL }) => {
  const victim = 'victim@tamper.example';
  const { page } = await startFlow(browser, await invite(request, baseURL!, victim));
  let callback = '';
  page.on('request', (r) => {
    if (r.url().startsWith(CALLBACK)) callback = r.url();
  });
  await providerLogin(page, victim);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
  const used = new URL(callback);

  // The whole callback again, from a browser that did not start it.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(callback);
  await expect(stranger.getByRole('heading', { level: 1 })).toHaveText(NO_FLOW);

  // The code inside a flow of the attacker's own: the provider takes a code once.
  const target = 'replay@tamper.example';
  const flow = await startFlow(browser, await invite(request, baseURL!, target));
  const replay = new URL(CALLBACK);
  replay.searchParams.set('code', used.searchParams.get('code')!);
  replay.searchParams.set('state', flow.state);
  replay.searchParams.set('iss', IDPS.tampering);
  await flow.page.goto(replay.toString());
  await expectRefused(flow.page);
  expectNothingStored(target);
});

test('a forged state is refused and leaves the real flow untouched', async ({ browser, request, baseURL }) => {
  const to = 'state@tamper.example';
  const { page } = await startFlow(browser, await invite(request, baseURL!, to));
  const atProvider = page.url();

  // A callback whose state this browser never sent (a login CSRF, say).
  const forged = new URL(CALLBACK);
  forged.searchParams.set('code', crypto.randomBytes(16).toString('base64url'));
  forged.searchParams.set('state', crypto.randomBytes(16).toString('base64url'));
  forged.searchParams.set('iss', IDPS.tampering);
  await page.goto(forged.toString());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(NO_FLOW);
  expectNothingStored(to);

  // The browser's own flow still completes.
  await page.goto(atProvider);
  await providerLogin(page, to);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy and terms of GFMS');
});

test('a code from another provider (mix-up) is refused, with or without its issuer', async ({ browser, request, baseURL }) => {
  // The attacker signs in at another provider that knows Lobby as a client,
  // with an authorization request of their own, and keeps the code.
  // Lobby, seeing no flow of its own in that browser, leaves the code unused.
  const attacker = await (await browser.newContext()).newPage();
  const callback = nextCallback(attacker);
  const verifier = crypto.randomBytes(32).toString('base64url');
  const authorize = new URL(`${IDPS.contoso}/auth`);
  for (const [k, v] of Object.entries({
    client_id: IDP_CLIENT.id,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid email',
    state: 'attacker-state',
    nonce: 'attacker-nonce',
    code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })) authorize.searchParams.set(k, v);
  await attacker.goto(authorize.toString());
  const to = 'mixup@tamper.example';
  await providerLogin(attacker, to);
  const answer = await callback();
  await expect(attacker.getByRole('heading', { level: 1 })).toHaveText(NO_FLOW);
  const code = answer.searchParams.get('code')!;
  expect(code).toBeTruthy();
  expect(answer.searchParams.get('iss')).toBe(IDPS.contoso);

  // The victim's flow at Tamper ID receives that code: first as the other
  // provider's answer (its `iss`), then with the `iss` left out.
  const link = await invite(request, baseURL!, to);
  for (const iss of [IDPS.contoso, null]) {
    const flow = await startFlow(browser, link);
    const mixed = new URL(CALLBACK);
    mixed.searchParams.set('code', code);
    mixed.searchParams.set('state', flow.state);
    if (iss) mixed.searchParams.set('iss', iss);
    await flow.page.goto(mixed.toString());
    await expectRefused(flow.page);
  }
  expectNothingStored(to);
});
