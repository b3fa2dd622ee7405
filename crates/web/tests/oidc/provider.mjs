// A real OpenID Connect provider (the certified `oidc-provider` package) for Pledge's
// sign-in tests, started and stopped by the test harness (crates/web/tests/oidc.rs).
//
// Configured from the environment:
//   PORT                      port to listen on (0: any free port)
//   REDIRECT_URI              Pledge's callback, registered for the client
//   POST_LOGOUT_REDIRECT_URI  where the provider's sign-out returns to
//   CLIENT_ID, CLIENT_SECRET  the client Pledge is
//   OIDC_USERS                JSON: { "<login>": { "sub": ..., "claims": {...}, "amr": [...], "acr": ... } }
//
// Prints "listening <issuer>" once it accepts connections. The login page asks for a user
// name only (these are test users); the sign-in's `amr` and `acr` come from the user's entry,
// as a real provider's would from how the person signed in. Consent is not asked (a
// first-party client), as a force's Entra ID tenant would configure it.
//
// Test-only endpoint: POST /test/sign signs a JSON body of claims with the provider's own
// current signing key (the one its JWKS publishes), or with a key it never publishes when
// the query says ?key=stranger, so the tests can present ID tokens that are expired,
// tampered with or signed by an unknown key.

import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) {
    console.error(`provider.mjs: ${name} is required`);
    process.exit(2);
  }
  return v;
};

const port = Number(env('PORT', '0'));
const redirectUri = env('REDIRECT_URI');
const postLogoutRedirectUri = env('POST_LOGOUT_REDIRECT_URI');
const clientId = env('CLIENT_ID', 'pledge');
const clientSecret = env('CLIENT_SECRET');
const users = JSON.parse(env('OIDC_USERS'));

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function signingKey(alg) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: crypto.randomUUID() };
}

const current = await signingKey('RS256');
const stranger = await signingKey('RS256');

const server = http.createServer();
server.listen(port, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const byAccountId = new Map(Object.values(users).map((u) => [u.sub, u]));

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutRedirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [current] },
  // Claims in the ID token itself, as Entra ID puts them (not only at userinfo).
  conformIdTokenClaims: false,
  claims: {
    acr: null,
    amr: null,
    sid: null,
    auth_time: null,
    iss: null,
    // amr in every ID token, as Entra ID sends it.
    openid: ['sub', 'amr', 'auth_time'],
    profile: ['name', 'oid', 'employeeid', 'roles', 'groups'],
    email: ['email'],
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out of the test provider</title></head>
<body><h1>Sign out of the test provider?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const user = byAccountId.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...user.claims };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const grant = await ctx.oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile email');
    grant.addOIDCClaims(['name', 'oid', 'employeeid', 'roles', 'groups', 'email', 'amr', 'acr']);
    await grant.save();
    return grant;
  },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
});
provider.on('server_error', (ctx, err) => console.error('provider server_error', err));

const callback = provider.callback();

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><h1>Test provider sign-in</h1>
<form method="post" action="/interaction/${escape(details.uid)}">
<label for="login">User name</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Sign in to the test provider</button></form></body></html>`);
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const user = users[form.get('login') ?? ''];
  if (!user) {
    res.statusCode = 400;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!DOCTYPE html><html lang="en"><head><title>Unknown</title></head><body><p>No such test user.</p></body></html>');
    return;
  }
  const login = { accountId: user.sub };
  if (user.amr) login.amr = user.amr;
  if (user.acr) login.acr = user.acr;
  await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
}

async function sign(req, res, url) {
  const claims = JSON.parse(await readBody(req));
  const key = url.searchParams.get('key') === 'stranger' ? stranger : current;
  const privateKey = await jose.importJWK(key, key.alg);
  const jwt = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(privateKey);
  res.setHeader('content-type', 'text/plain');
  res.end(jwt);
}

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith('/interaction/')) return await interaction(req, res);
    if (url.pathname === '/test/sign' && req.method === 'POST') return await sign(req, res, url);
    return callback(req, res);
  } catch (err) {
    console.error('provider.mjs:', err);
    res.statusCode = 500;
    res.end(String(err));
  }
});

console.log(`listening ${issuer}`);
