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
//   IDP_KID             sign with a key made at start under this key id (a restart
//                       with another id is a key rotation)
//
// The dev login form takes any password; what is typed as login becomes the
// subject and the email. A login starting with "unverified." gets
// email_verified=false. Consent is granted without asking.
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

const provider = new Provider(issuer, {
  ...(process.env.IDP_KID && { jwks: { keys: [freshKey(process.env.IDP_KID)] } }),
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
        const claims = { sub: id, email: id, name: id.split('@')[0] };
        if (!process.env.IDP_NO_EMAIL_VERIFIED) claims.email_verified = !id.startsWith('unverified.');
        if (tenant) claims.tid = tenant;
        return claims;
      },
    };
  },
  claims: { openid: ['sub', 'tid'], email: ['email', 'email_verified'], profile: ['name'] },
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

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
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
