// A local OpenID Connect provider for the portal's demo and tests: panva's OpenID-certified
// oidc-provider with its standards checks on, fictional people, and pages that work without
// JavaScript.
//
//   node scripts/local_provider.mjs CONFIG.json
//
// CONFIG.json: {issuer, title, people: [{sub, name, email, description}], clients: [client
// metadata], keys: [private RSA JWKs] (optional), client_auth_methods (optional: the library's
// default list otherwise), testing: false}. It listens on 127.0.0.1 at the
// issuer's port and prints `ready <issuer>` once it does. With "testing": true it also offers
// PUT /test/misbehave/<mode>, which makes the following ID tokens wrong in one way each, so that
// the portal's refusal of each can be tested.

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import * as jose from 'jose';
import { Provider, errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { issuer, title, people = [], clients = [], testing = false } = config;
const issuerUrl = new URL(issuer);
if (issuerUrl.pathname !== '/') {
  // The interaction and test routes below are served at the root.
  throw new Error('the issuer must not have a path');
}

const keys = config.keys?.length ? config.keys : [await generatedKey()];

async function generatedKey() {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid: `generated-${randomBytes(6).toString('hex')}`, use: 'sig' };
}

// ---------------------------------------------------------------------------------------------
// Accounts: the configured people, and anyone else whose subject is typed in.

const peopleBySub = new Map(people.map((person) => [person.sub, person]));

async function findAccount(ctx, sub) {
  const person = peopleBySub.get(sub);
  return {
    accountId: sub,
    // The library keeps only the claims that the granted scopes allow.
    async claims() {
      return person ? { sub, name: person.name, email: person.email } : { sub, name: sub };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Pages. Everything is inline so that nothing is loaded from outside this machine.

const escapeHtml = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
  body { margin: 0; font: 1.1875rem/1.5 system-ui, sans-serif; color: #0b0c0c; background: #fff; }
  main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
  h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 1rem; }
  h2 { font-size: 1.5rem; margin: 2rem 0 0.75rem; }
  .notice { border-left: 5px solid #1d70b8; padding: 0.5rem 1rem; background: #f3f2f1; }
  .error { border: 4px solid #d4351c; padding: 0.5rem 1rem; color: #0b0c0c; }
  ul.people { list-style: none; padding: 0; margin: 0; }
  ul.people li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; margin-bottom: 0.75rem; }
  button { min-height: 44px; min-width: 44px; padding: 0.5rem 1.25rem; font: inherit; font-weight: 700;
           color: #fff; background: #00703c; border: 2px solid #002d18; border-radius: 0; cursor: pointer; }
  button:hover { background: #005a30; }
  button.secondary { color: #0b0c0c; background: #f3f2f1; border-color: #0b0c0c; }
  button.secondary:hover { background: #dbdad9; }
  label { display: block; font-weight: 700; margin-bottom: 0.25rem; }
  input[type=text] { box-sizing: border-box; min-height: 44px; width: 100%; max-width: 20rem; padding: 0.25rem 0.5rem;
                     font: inherit; border: 2px solid #0b0c0c; margin: 0 0.75rem 0.75rem 0; }
  button:focus-visible, input:focus-visible { outline: 3px solid #fd0; outline-offset: 0; box-shadow: 0 0 0 7px #0b0c0c; }
  .actions { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 1.5rem; }
  pre { white-space: pre-wrap; }
`;
// Our pages allow only this stylesheet: no script, no image, no font, nothing fetched.
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; `
  + "frame-ancestors 'none'; base-uri 'none'";

function renderPage(ctx, heading, body, { status = 200, pageTitle = heading } = {}) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(pageTitle)} – ${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(heading)}</h1>
${body}
</main>
</body>
</html>
`;
}

function loginPage(ctx, uid, { error } = {}) {
  const login = escapeHtml(`/interaction/${encodeURIComponent(uid)}/login`);
  const abort = escapeHtml(`/interaction/${encodeURIComponent(uid)}/abort`);
  const choices = people.map((person, i) => {
    const about = [person.name, person.description].filter(Boolean).join(', ');
    return `<li><button type="submit" name="sub" value="${escapeHtml(person.sub)}" aria-describedby="person-${i}">${escapeHtml(person.sub)}</button>
<span id="person-${i}">${escapeHtml(about)}</span></li>`;
  }).join('\n');
  renderPage(ctx, `Sign in to ${title}`, `
<p class="notice">This is a local test provider. Every person here is fictional.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
${people.length ? `<h2>Choose who you are</h2>
<form method="post" action="${login}">
<ul class="people">
${choices}
</ul>
</form>` : ''}
<h2>Sign in as someone else</h2>
<form method="post" action="${login}">
<label for="subject">Subject</label>
<input type="text" id="subject" name="sub" autocomplete="off" spellcheck="false" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${abort}" class="actions">
<button type="submit" class="secondary">Cancel</button>
</form>`, { status: error ? 400 : 200, pageTitle: 'Sign in' });
}

async function logoutSource(ctx, form) {
  // `form` is the library's empty form (with its xsrf token); our buttons submit it by its id.
  renderPage(ctx, `Sign out of ${title}?`, `
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary" aria-describedby="stay-hint">Stay signed in</button>
</div>
<p id="stay-hint">Either way, you are signed out of the service that sent you here.</p>`,
  { pageTitle: 'Sign out' });
}

async function postLogoutSuccessSource(ctx) {
  renderPage(ctx, `You have signed out of ${title}`, '<p>You can close this page.</p>',
    { pageTitle: 'Signed out' });
}

async function renderError(ctx, out) {
  const details = Object.entries(out)
    .map(([key, value]) => `<pre><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</pre>`)
    .join('\n');
  // Keep the status the library chose.
  renderPage(ctx, 'Sorry, there is a problem', details, { status: ctx.status, pageTitle: 'Error' });
}

// ---------------------------------------------------------------------------------------------
// The provider: the library's defaults, with the checks a real provider makes.

const provider = new Provider(issuer, {
  clients,
  jwks: { keys },
  findAccount,
  scopes: ['openid', 'profile', 'email'],
  claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
  // The portal reads the person's name and email from the ID token, not from userinfo.
  conformIdTokenClaims: false,
  // The default requires PKCE only of public clients; a real provider may require it of all.
  pkce: { required: () => true },
  // Which client authentication methods it accepts (and publishes), when a test narrows them.
  ...(config.client_auth_methods ? { clientAuthMethods: config.client_auth_methods } : {}),
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    backchannelLogout: { enabled: true },
  },
  renderError,
  // The library refuses to call loopback and private addresses, against server-side request
  // forgery by registered clients. Here every client comes from the config and lives on this
  // machine, so back-channel logouts must be able to reach 127.0.0.1.
  fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
});

// Errors inside the library are bugs worth seeing; everything else stays quiet.
provider.on('server_error', (ctx, error) => console.error('server_error', error));
// A client that missed its back-channel logout still thinks the person is signed in: say so.
provider.on('backchannel.error', (ctx, error, client) => {
  const why = error.cause ? ` (${error.cause.message ?? error.cause})` : '';
  console.error(`backchannel logout to ${client.clientId} failed: ${error.message}${why}`);
});

// ---------------------------------------------------------------------------------------------
// Interactions: sign-in page, its two form targets, and automatic consent.

async function readForm(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > 16 * 1024) ctx.throw(413);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// The interaction named by the cookie must be the one in the address.
async function interactionFor(ctx, uid) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
  return details;
}

async function finish(ctx, result, options) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, options);
  ctx.status = 303;
  ctx.redirect(returnTo);
}

// As the library's example does for first-party clients: grant what was asked, show no page.
async function grantConsent(ctx, details) {
  const { prompt, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await finish(ctx, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
}

async function interactions(ctx, next) {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
  if (!match) return next();
  const [, uid, action] = match;
  ctx.set('Cache-Control', 'no-store');
  try {
    if (!action && ctx.method === 'GET') {
      const details = await interactionFor(ctx, uid);
      if (details.prompt.name === 'login') return loginPage(ctx, uid);
      if (details.prompt.name === 'consent') return await grantConsent(ctx, details);
      ctx.throw(400, `unexpected prompt ${details.prompt.name}`);
    }
    if (action === 'login' && ctx.method === 'POST') {
      const details = await interactionFor(ctx, uid);
      if (details.prompt.name !== 'login') ctx.throw(400, 'not signing in');
      const sub = ((await readForm(ctx)).get('sub') ?? '').trim();
      if (!sub) return loginPage(ctx, uid, { error: 'Enter a subject' });
      if (sub.length > 255) return loginPage(ctx, uid, { error: 'Subject must be 255 characters or fewer' });
      return await finish(ctx, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
    }
    if (action === 'abort' && ctx.method === 'POST') {
      await interactionFor(ctx, uid);
      return await finish(ctx, {
        error: 'access_denied',
        error_description: 'The person cancelled signing in',
      }, { mergeWithLastSubmission: false });
    }
    ctx.throw(405);
  } catch (error) {
    if (!(error instanceof errors.OIDCProviderError) && !error.expose) throw error;
    ctx.status = error.status ?? 400;
    await renderError(ctx, {
      error: error.error ?? 'invalid_request',
      error_description: error.error_description ?? error.message,
    });
  }
}

provider.use(interactions);

// ---------------------------------------------------------------------------------------------
// Test hooks: make the next ID tokens wrong in one way, until set back to honest.

const MODES = new Set([
  'honest', 'wrong_issuer', 'wrong_audience', 'expired', 'bad_signature', 'drop_nonce',
  'wrong_iss_parameter',
]);
let misbehaviour = 'honest';

const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const b64part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function tamper(idToken, mode) {
  const [header, payload, signature] = idToken.split('.');
  const claims = b64json(payload);
  if (mode === 'bad_signature') {
    // A different person, under the provider's signature of the original.
    return `${header}.${b64part({ ...claims, sub: 'someone-else' })}.${signature}`;
  }
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'wrong_issuer') claims.iss = 'http://127.0.0.1:1/not-the-registered-issuer';
  if (mode === 'wrong_audience') claims.aud = 'some-other-service';
  if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  if (mode === 'drop_nonce') delete claims.nonce;
  // Re-signed with the provider's own key, so only the changed claim is wrong.
  const protectedHeader = b64json(header);
  const jwk = keys.find((key) => key.kid === protectedHeader.kid) ?? keys[0];
  const key = await jose.importJWK(jwk, protectedHeader.alg);
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(protectedHeader)
    .sign(key);
}

async function testHooks(ctx, next) {
  const match = ctx.path.match(/^\/test\/misbehave\/([^/]+)$/);
  if (match && ctx.method === 'PUT') {
    if (!MODES.has(match[1])) ctx.throw(400, 'unknown mode');
    misbehaviour = match[1];
    ctx.status = 204;
    return;
  }
  await next();
  if (misbehaviour === 'honest') return;

  if (ctx.path === provider.pathFor('token') && typeof ctx.body?.id_token === 'string'
      && misbehaviour !== 'wrong_iss_parameter') {
    ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, misbehaviour) };
  }

  // The authorization response is a redirect to the client carrying `iss` (RFC 9207).
  const location = ctx.response.get('Location');
  if (misbehaviour === 'wrong_iss_parameter' && location && ctx.path.startsWith(provider.pathFor('authorization'))) {
    const redirect = new URL(location, issuer);
    if (redirect.searchParams.get('iss') === provider.issuer) {
      redirect.searchParams.set('iss', 'http://127.0.0.1:1/another-provider');
      ctx.redirect(redirect.href);
    }
  }
}

if (testing) provider.use(testHooks);

// ---------------------------------------------------------------------------------------------

const server = provider.listen(Number(issuerUrl.port || 80), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
