// A slow phone (not a test): Chromium with the network throttled to
// 1.6 Mbit/s down, 750 kbit/s up and 150 ms round trips, and the CPU 4×
// slower, opens the sign-in step (a new account: live password rules) and
// the company step (live checks), each as the first page of a visit (an
// empty cache), and prints the time from navigation to the moment the page
// reacts to typing: the password's feedback follows the field, and CREATE
// COMPANY turns disabled for an invalid postal code and enabled for a valid
// one. Also the bytes Chromium received for each (encoded, headers and
// bodies). Run by bench/slow_phone.sh, which serves the release build.
//   node bench/slow_phone.mjs <base url> <sign-in url> <company url> <cookie>
import { createRequire } from 'node:module';

// Playwright from end2end's packages (scripts/common.sh installs them).
const { chromium } = createRequire(new URL('../end2end/package.json', import.meta.url))('@playwright/test');

const [base, signInUrl, companyUrl, cookie] = process.argv.slice(2);
const PHONE = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6e6 / 8),
  uploadThroughput: (750e3 / 8),
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });

/** A fresh, throttled page; `visit` is the invitee's customer cookie. */
async function phone(visit) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US' });
  if (visit) await context.addCookies([{ name: 'lobby_visit', value: visit, url: base }]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', PHONE);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  return { page, context, bytes: () => bytes };
}

/** Types `typed` into `field` until `reacted()` holds; ms from `start`. */
async function untilReacts(page, start, field, typed, reacted) {
  for (;;) {
    await page.locator(field).fill(typed).catch(() => {});
    if (await reacted().catch(() => false)) return Date.now() - start;
    if (Date.now() - start > 60_000) throw new Error(`no reaction to typing in ${field} within 60 s`);
    await page.waitForTimeout(20);
  }
}

async function measure(name, url, visit, check) {
  const { page, context, bytes } = await phone(visit);
  const start = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  const ms = await check(page, start);
  await page.waitForLoadState('networkidle');
  console.log(`${name.padEnd(28)} reacts to typing after ${String(ms).padStart(5)} ms  (${(bytes() / 1024).toFixed(1)} KiB received)`);
  await context.close();
  return ms;
}

const signIn = await measure('sign-in step (new account)', signInUrl, undefined, (page, start) =>
  untilReacts(page, start, '#new-password', 'short', async () =>
    (await page.locator('#password-feedback').textContent()).includes('more characters needed')),
);
const company = await measure('company step', companyUrl, cookie, async (page, start) => {
  const button = page.getByRole('button', { name: 'CREATE COMPANY' });
  const ms = await untilReacts(page, start, '#company-postal_code', '1', () => button.isDisabled());
  await page.locator('#company-postal_code').fill('8001');
  for (let i = 0; !(await button.isEnabled()); i++) {
    if (i > 100) throw new Error('CREATE COMPANY stayed disabled for a valid postal code');
    await page.waitForTimeout(50);
  }
  return ms;
});
console.log(`target (issue 22): <= 2500 ms each; ${signIn <= 2500 && company <= 2500 ? 'met' : 'NOT met'}`);
await browser.close();
