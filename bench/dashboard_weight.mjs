// The dashboard's first loads (not a test), as Chromium receives them: each
// page opened as the first page of a visit (an empty cache), every response's
// encoded bytes (headers and body) until the page has hydrated. The
// dashboard's bundle fetches the code of a page's group as it needs it, so
// only a browser knows which files a page loads. Run by bench/page_weight.sh.
//   node bench/dashboard_weight.mjs <base url> <admin email> <admin password>
import { createRequire } from 'node:module';

// Playwright from end2end's packages (scripts/common.sh installs them).
const { chromium } = createRequire(new URL('../end2end/package.json', import.meta.url))('@playwright/test');

const [base, email, password] = process.argv.slice(2);
const PAGES = [
  '/admin', // the first page after signing in
  '/admin/invitations',
  '/admin/invitations/new',
  '/admin/invitations/import',
  '/admin/operators',
  '/admin/settings',
  '/admin/providers',
];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });

/** What opening `path` costs a fresh visit with `storageState`: files and bytes. */
async function firstLoad(path, storageState) {
  const context = await browser.newContext({ storageState, locale: 'en-US' });
  const page = await context.newPage();
  const finished = [];
  page.on('requestfinished', (request) => finished.push(request));
  await page.goto(base + path);
  await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  let bytes = 0;
  for (const request of finished) {
    const sizes = await request.sizes();
    bytes += sizes.responseHeadersSize + sizes.responseBodySize;
  }
  await context.close();
  return { files: finished.length, bytes };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const login = await firstLoad('/admin/login');
console.log(`${'/admin/login'.padEnd(34)} first load ${kib(login.bytes)} (${login.files} files)`);

const context = await browser.newContext({ locale: 'en-US' });
const page = await context.newPage();
await page.goto(`${base}/admin/login`);
await page.getByLabel('Email address').fill(email);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/\/admin$/);
const signedIn = await context.storageState();
await context.close();
for (const path of PAGES) {
  const { files, bytes } = await firstLoad(path, signedIn);
  console.log(`${path.padEnd(34)} first load ${kib(bytes)} (${files} files)`);
}
await browser.close();
