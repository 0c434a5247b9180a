// The OpenID provider under load (not a test), against a running Lobby:
// node bench/oidc.mjs <base> <customer cookie> <client id> <client secret> <redirect uri>
// 1. The time from an app's redirect to its callback for a signed-in
//    customer: one GET /oidc/authorize (PKCE, state, nonce) answered with
//    the redirect that carries the code, one at a time, as the server
//    answers it on loopback (median and p99 of 1000).
// 2. Token endpoint exchanges per second: 4000 codes, then exchanged
//    (code + PKCE verifier, client_secret_basic) by 16 clients at once;
//    each exchange signs an ID token and an access token.
import crypto from 'node:crypto';

const [base, cookie, clientId, secret, redirectUri] = process.argv.slice(2);
const b64 = (bytes) => Buffer.from(bytes).toString('base64url');

async function code() {
  const verifier = b64(crypto.randomBytes(32));
  const challenge = b64(crypto.createHash('sha256').update(verifier).digest());
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state: b64(crypto.randomBytes(12)),
    nonce: b64(crypto.randomBytes(12)),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const started = process.hrtime.bigint();
  const res = await fetch(`${base}/oidc/authorize?${query}`, { headers: { cookie }, redirect: 'manual' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const location = res.headers.get('location') ?? '';
  const got = new URL(location, base).searchParams.get('code');
  if (!got) throw new Error(`no code: ${res.status} ${location}`);
  return { code: got, verifier, ms };
}

const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
async function exchange({ code, verifier }) {
  const res = await fetch(`${base}/oidc/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  if (res.status !== 200) throw new Error(`exchange: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

for (let i = 0; i < 50; i++) await exchange(await code()); // warm-up
const times = [];
for (let i = 0; i < 1000; i++) times.push((await code()).ms);
times.sort((a, b) => a - b);
console.log(`redirect to callback (authorize, signed in): median ${percentile(times, 0.5).toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms (1000 in turn)`);

const codes = [];
for (let i = 0; i < 4000; i++) codes.push(await code());
const started = process.hrtime.bigint();
let next = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (next < codes.length) await exchange(codes[next++]);
}));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`token endpoint: ${(codes.length / seconds).toFixed(0)} exchanges/s (code + PKCE, 16 clients, ${codes.length} codes in ${seconds.toFixed(1)} s)`);
