import { defineConfig } from '@playwright/test';
import path from 'node:path';

// `make test` passes these; running `npx playwright test` by hand needs them too.
const port = Number(process.env.LOBBY_E2E_PORT ?? 3100);
export const E2E_DIR = process.env.LOBBY_E2E_DIR ?? path.join(__dirname, 'test-results', 'server');
const dir = E2E_DIR;
const smtpPort = Number(process.env.LOBBY_E2E_SMTP_PORT ?? 2625);
const sinkPort = Number(process.env.LOBBY_E2E_SINK_PORT ?? 2626);
/** Where support/smtp-sink.mjs answers the workers' questions about mail. */
export const SINK = `http://127.0.0.1:${sinkPort}`;
const baseURL = `http://127.0.0.1:${port}`;
const lobby = process.env.LOBBY_BIN ?? '../target/debug/lobby';
/** The binary under test, for specs that run its commands (`lobby app create`). */
export const LOBBY_BIN = lobby;
/** The portal's name customers see (LOBBY_PRODUCT_NAME); the organization is GFMS. */
export const PRODUCT = 'GFMS Customer Portal';
export const ADMIN = { email: 'ada@gfms.example', name: 'Ada Admin', password: 'a calm lake at dawn' };

// Real OpenID providers on loopback (support/oidc-idp.mjs): a customer
// organization's, "Google", "Microsoft" (multi-tenant), and two that tests
// start themselves: one that rotates its keys, one that spoils its tokens.
const idpPorts = (process.env.LOBBY_E2E_IDP_PORTS ?? '4011,4012,4013,4014,4015').split(',').map(Number);
export const IDP_CLIENT = { id: 'lobby-e2e', secret: 'e2e-client-secret-do-not-show' };
export const MICROSOFT_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const IDPS = {
  contoso: `http://127.0.0.1:${idpPorts[0]}`,
  google: `http://127.0.0.1:${idpPorts[1]}`,
  microsoft: `http://127.0.0.1:${idpPorts[2]}`,
  rotating: `http://127.0.0.1:${idpPorts[3]}`,
  tampering: `http://127.0.0.1:${idpPorts[4]}`,
};
export const CALLBACK = `${baseURL}/auth/callback`;
/** The environment of support/oidc-idp.mjs for a provider on `port`. */
export function idpEnv(port: number, extra: Record<string, string> = {}) {
  return {
    ...(process.env as Record<string, string>),
    IDP_PORT: String(port),
    IDP_CLIENT_ID: IDP_CLIENT.id,
    IDP_CLIENT_SECRET: IDP_CLIENT.secret,
    IDP_REDIRECT_URI: CALLBACK,
    ...extra,
  };
}
const idp = (port: number, extra: Record<string, string> = {}) => ({
  command: 'exec node support/oidc-idp.mjs',
  url: `http://127.0.0.1:${port}${extra.IDP_TENANT ? '/common/v2.0' : ''}/.well-known/openid-configuration`,
  reuseExistingServer: false,
  timeout: 30_000,
  stdout: 'ignore' as const,
  env: idpEnv(port, extra),
});

/** The server's environment; its commands run with the same. */
export const LOBBY_ENV: Record<string, string> = {
  LOBBY_LISTEN: `127.0.0.1:${port}`,
  LOBBY_PUBLIC_URL: baseURL,
  DATABASE_URL: `sqlite://${dir}/lobby.db`,
  LOBBY_DATA_DIR: `${dir}/data`,
  LOBBY_SITE_ROOT: process.env.LOBBY_SITE_ROOT ?? path.join(__dirname, '..', 'target', 'site'),
  LOBBY_ORG_NAME: 'GFMS',
  LOBBY_PRODUCT_NAME: PRODUCT,
  LOBBY_ORG_SLUG: 'gfms',
  LOBBY_SECRET_KEY: 'a'.repeat(64),
  LOBBY_ADMIN_PASSWORD: ADMIN.password,
  // The tests' own SMTP server (support/smtp-sink.mjs) receives every email.
  LOBBY_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  LOBBY_MAIL_FROM: 'no-reply@gfms.example',
};

// Specs that change what every invitee meets (the terms, passcodes on or
// off, the sign-in order) or that start the one spoiling provider run one at
// a time, after the rest; the rest run two at a time (2-core machines).
const oneAtATime = [
  /[/\\]federated-attacks\.spec\.ts$/,
  /[/\\]journey\.spec\.ts$/,
  /[/\\]pre-hijacking\.spec\.ts$/,
  /[/\\]sign-in\.spec\.ts$/,
];

export default defineConfig({
  testDir: './tests',
  // Generous: `make test` runs the compiler and the other suites beside this
  // one, so a slow step here means a busy machine, not a broken page.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 2,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's chromium; Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        // Nothing but loopback resolves, so the browser never leaves the machine.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      ],
    },
  },
  projects: [
    { name: 'admin session', testMatch: /admin\.setup\.ts$/ },
    { name: 'side by side', testIgnore: oneAtATime, dependencies: ['admin session'] },
    { name: 'one at a time', testMatch: oneAtATime, dependencies: ['side by side'], workers: 1 },
  ],
  webServer: [
    {
      // The one SMTP server of the run; the workers read its mail over HTTP.
      command: 'exec node support/smtp-sink.mjs',
      url: `${SINK}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      env: { ...(process.env as Record<string, string>), SINK_SMTP_PORT: String(smtpPort), SINK_HTTP_PORT: String(sinkPort) },
    },
    idp(idpPorts[0]),
    idp(idpPorts[1]),
    // The tenant has verified fabrikam.example and tailspin.example (Microsoft's
    // `xms_edov`); tailspin.example's people need its administrator's approval first.
    idp(idpPorts[2], {
      IDP_TENANT: MICROSOFT_TENANT,
      IDP_NO_EMAIL_VERIFIED: '1',
      IDP_EDOV_DOMAINS: 'fabrikam.example,tailspin.example',
      IDP_NEEDS_ADMIN: 'tailspin.example',
    }),
    {
      // The built server on a free port, with a fresh SQLite database and dev mail,
      // and an admin created the way an operator would: `lobby admin create`.
      // An API token for the API tests is made the same way: `lobby token create`.
      command:
        `mkdir -p ${dir} && ${lobby} admin create --email ${ADMIN.email} --name "${ADMIN.name}"` +
        ` && ${lobby} token create --email ${ADMIN.email} --name e2e > ${dir}/token && exec ${lobby} serve`,
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      env: LOBBY_ENV,
    },
  ],
});
