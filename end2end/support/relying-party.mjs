// The seller's apps, as their developers would write them with
// openid-client (a certified relying party): each sends the browser to
// Lobby (code flow, PKCE S256, state, nonce), exchanges the code it gets
// back, checks the ID token (signature through the JWKS, issuer, audience,
// expiry, nonce) and the response's `iss`, reads userinfo, and signs out
// through Lobby's end_session_endpoint. Each app is a path prefix with its
// own client: RP_APPS is {"a": {"id", "secret"}, "b": {"id"}} (no secret: a
// public app). Everything it shows is text in <pre>/<p> elements.
import http from 'node:http';
import crypto from 'node:crypto';
import * as client from 'openid-client';

const port = Number(process.env.RP_PORT);
const base = `http://127.0.0.1:${port}`;
const issuer = new URL(process.env.RP_ISSUER);
const apps = JSON.parse(process.env.RP_APPS);

const configs = {};
for (const [name, app] of Object.entries(apps)) {
  const auth = app.secret ? client.ClientSecretBasic(app.secret) : client.None();
  // Lobby runs on http here (loopback); openid-client asks to be told so.
  configs[name] = await client.discovery(issuer, app.id, undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
}

/** Browser sessions of the apps: by cookie, what a login waits for and what it got. */
const sessions = new Map();

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, status, title, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!DOCTYPE html><html lang="en"><head><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function sessionOf(req, res, name) {
  const cookie = `rp_${name}`;
  const found = /(?:^|;\s*)rp_(\w+)=(\w+)/g;
  for (const [, app, id] of (req.headers.cookie ?? '').matchAll(found)) {
    if (app === name && sessions.has(id)) return sessions.get(id);
  }
  const id = crypto.randomBytes(16).toString('hex');
  const session = {};
  sessions.set(id, session);
  res.setHeader('set-cookie', `${cookie}=${id}; Path=/${name}; HttpOnly; SameSite=Lax`);
  return session;
}

async function handle(req, res) {
  const url = new URL(req.url, base);
  if (url.pathname === '/healthz') return page(res, 200, 'ok', '');
  const [, name, action] = url.pathname.split('/');
  const config = configs[name];
  if (!config) return page(res, 404, 'Not found', '');
  const session = sessionOf(req, res, name);
  const redirect_uri = `${base}/${name}/callback`;

  if (action === 'login') {
    const verifier = client.randomPKCECodeVerifier();
    session.verifier = url.searchParams.get('spoil') === 'verifier' ? client.randomPKCECodeVerifier() : verifier;
    session.state = client.randomState();
    session.nonce = client.randomNonce();
    const parameters = {
      redirect_uri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: session.state,
      nonce: session.nonce,
    };
    for (const extra of ['prompt', 'login_hint', 'max_age']) {
      if (url.searchParams.has(extra)) parameters[extra] = url.searchParams.get(extra);
    }
    res.writeHead(302, { location: client.buildAuthorizationUrl(config, parameters).href });
    return res.end();
  }
  if (action === 'callback') {
    try {
      const tokens = await client.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: session.verifier,
        expectedState: session.state,
        expectedNonce: session.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      session.idToken = tokens.id_token;
      return page(res, 200, `Signed in to ${name}`,
        `<pre id="claims">${escape(JSON.stringify(claims))}</pre><pre id="userinfo">${escape(JSON.stringify(userinfo))}</pre>`);
    } catch (e) {
      const code = e.error ?? e.code ?? e.name;
      return page(res, 400, 'Sign-in failed', `<p id="error">${escape(code)}</p><p>${escape(e.message)}</p>`);
    }
  }
  if (action === 'logout') {
    const end = client.buildEndSessionUrl(config, {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: `${base}/${name}/signed-out`,
      state: 'bye',
    });
    res.writeHead(302, { location: end.href });
    return res.end();
  }
  if (action === 'signed-out') {
    return page(res, 200, `Signed out of ${name}`, `<p id="state">${escape(url.searchParams.get('state'))}</p>`);
  }
  return page(res, 404, 'Not found', '');
}

http
  .createServer((req, res) => handle(req, res).catch((e) => page(res, 500, 'Error', `<p>${escape(e.message)}</p>`)))
  .listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
