// A real OpenID provider (npm oidc-provider) on 127.0.0.1 that stands in for
// a customer's identity provider, "Google" or "Microsoft" in the tests.
//
//   IDP_PORT            port to listen on (127.0.0.1 only)
//   IDP_CLIENT_ID       the one client, Lobby
//   IDP_CLIENT_SECRET
//   IDP_REDIRECT_URI    Lobby's /auth/callback
//   IDP_TENANT          Microsoft's shape: the provider lives under /<tenant>/v2.0,
//                       tokens carry `tid`, and /common/v2.0 serves a discovery
//                       document whose issuer is the multi-tenant template
//                       http://127.0.0.1:<port>/{tenantid}/v2.0
//   IDP_NO_EMAIL_VERIFIED  leave `email_verified` out of the claims, as Microsoft does
//   IDP_EDOV_DOMAINS    with IDP_TENANT: the domains the tenant has verified; tokens
//                       carry Microsoft's `xms_edov`, true only for an email in them
//   IDP_NEEDS_ADMIN     with IDP_TENANT: domains whose users the tenant lets sign in only once an
//                       administrator has approved Lobby at /<tenant or domain>/adminconsent (Entra's
//                       admin-consent endpoint); until then an authorization request whose login_hint
//                       is in them answers error=consent_required with AADSTS65001, as Entra does.
//                       With IDP_EDOV_DOMAINS, /<domain>/v2.0 serves the tenant's discovery document,
//                       as Microsoft does for a tenant's verified domains.
//   IDP_KID             sign with a key made at start under this key id (a restart
//                       with another id is a key rotation)
//   IDP_TAMPER          take POST /__tamper {"mode": …} from the tests: the ID tokens
//                       of later token responses are spoiled that way (see spoil()),
//                       as a broken or hostile provider would send them
//
// The dev login form takes any password; what is typed as login becomes the
// subject and the email. A login starting with "unverified." gets
// email_verified=false, and a login `address#unverified` is an account of its
// own that claims `address`, unverified: anyone can claim any address here.
// Consent is granted without asking.
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT);
const tenant = process.env.IDP_TENANT;
const origin = `http://127.0.0.1:${port}`;
const mount = tenant ? `/${tenant}/v2.0` : '';
const issuer = origin + mount;

function freshKey(kid) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

// Our own key when a test rotates keys or spoils tokens (re-signing needs it).
const edovDomains = process.env.IDP_EDOV_DOMAINS?.split(',');
const needsAdmin = process.env.IDP_NEEDS_ADMIN?.split(',') ?? [];
let adminApproved = false;
const signingKey = process.env.IDP_KID || process.env.IDP_TAMPER
  ? freshKey(process.env.IDP_KID ?? 'tamper-key') : null;
let tamper = 'none';

const base64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function signed(header, payload, jwk) {
  const input = `${base64url(header)}.${base64url(payload)}`;
  const key = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The ID token `token` spoiled the way `mode` says; claims changed are signed again with the real key. */
function spoil(token, mode) {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'bad-signature': return `${h}.${p}.${s.slice(0, 20)}${s[20] === 'A' ? 'B' : 'A'}${s.slice(21)}`;
    case 'alg-none': return `${base64url({ alg: 'none', typ: 'JWT' })}.${p}.`;
    case 'unknown-kid': return signed({ ...header, kid: 'unknown-key' }, claims, freshKey('unknown-key'));
    case 'wrong-iss': return signed(header, { ...claims, iss: 'http://127.0.0.1:9/impostor' }, signingKey);
    case 'wrong-aud': return signed(header, { ...claims, aud: 'another-client' }, signingKey);
    case 'expired': return signed(header, { ...claims, iat: now - 7200, exp: now - 3600 }, signingKey);
    case 'wrong-nonce': return signed(header, { ...claims, nonce: 'another-flow' }, signingKey);
    default: return token;
  }
}

const provider = new Provider(issuer, {
  ...(signingKey && { jwks: { keys: [signingKey] } }),
  clients: [{
    client_id: process.env.IDP_CLIENT_ID,
    client_secret: process.env.IDP_CLIENT_SECRET,
    redirect_uris: [process.env.IDP_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        const [address, mark] = id.split('#');
        const claims = { sub: id, email: address, name: address.split('@')[0] };
        if (!process.env.IDP_NO_EMAIL_VERIFIED) {
          claims.email_verified = !id.startsWith('unverified.') && mark !== 'unverified';
        }
        if (tenant) claims.tid = tenant;
        if (tenant && edovDomains) claims.xms_edov = edovDomains.includes(address.split('@')[1]);
        return claims;
      },
    };
  },
  claims: { openid: ['sub', 'tid', 'xms_edov'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: [`test-only-${port}`] },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});
provider.on('server_error', (ctx, err) => console.error('idp server_error', err));
provider.use(async (ctx, next) => {
  await next();
  if (tamper !== 'none' && ctx.path === '/token' && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: spoil(ctx.body.id_token, tamper) };
  }
});

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  if (process.env.IDP_TAMPER && req.method === 'POST' && req.url === '/__tamper') {
    let body = '';
    for await (const chunk of req) body += chunk;
    tamper = JSON.parse(body).mode;
    res.writeHead(204).end();
    return;
  }
  const url = new URL(req.url, origin);
  if (tenant && url.pathname.endsWith('/adminconsent')) {
    // Entra's admin-consent endpoint; the administrator here approves at once.
    const named = url.pathname.split('/')[1];
    const redirect = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('client_id') !== process.env.IDP_CLIENT_ID || redirect !== process.env.IDP_REDIRECT_URI) {
      res.writeHead(400).end('unknown client or redirect_uri');
      return;
    }
    const back = new URL(redirect);
    if ([tenant, 'organizations', ...(edovDomains ?? [])].includes(named)) {
      adminApproved = true;
      back.searchParams.set('admin_consent', 'True');
      back.searchParams.set('tenant', tenant);
    } else {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', `AADSTS90002: Tenant '${named}' not found.`);
    }
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    res.writeHead(302, { location: back.href }).end();
    return;
  }
  const hinted = (url.searchParams.get('login_hint') ?? '').split('@')[1];
  if (tenant && url.pathname === `${mount}/auth` && !adminApproved && needsAdmin.includes(hinted)) {
    const back = new URL(process.env.IDP_REDIRECT_URI);
    back.searchParams.set('error', 'consent_required');
    back.searchParams.set('error_description', `AADSTS65001: The user or administrator has not consented to use the application with ID '${process.env.IDP_CLIENT_ID}'. Send an interactive authorization request for this user and resource.`);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    res.writeHead(302, { location: back.href }).end();
    return;
  }
  const domain = edovDomains?.find((d) => req.url === `/${d}/v2.0/.well-known/openid-configuration`);
  if (tenant && domain) {
    const doc = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.json());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
    return;
  }
  if (tenant && req.url === '/common/v2.0/.well-known/openid-configuration') {
    // Microsoft's multi-tenant document: the tenant's, with the issuer as a template.
    const doc = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.json());
    doc.issuer = `${origin}/{tenantid}/v2.0`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc));
    return;
  }
  if (mount) {
    if (!req.url.startsWith(mount + '/')) {
      res.writeHead(404).end();
      return;
    }
    req.originalUrl = req.url;
    req.url = req.url.slice(mount.length);
  }
  handle(req, res);
});
server.listen(port, '127.0.0.1', () => console.log(`oidc idp ready: ${issuer}`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
