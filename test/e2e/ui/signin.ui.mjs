// A person signs in with an app registration (client credentials) against their own OAuth authority and runs a
// query with the token, as someone behind a TLS-inspecting proxy or with an ADFS would:
// - VS Code (here code-server) was started with NODE_EXTRA_CA_CERTS naming the authority's root certificate
//   (runUiTests.mjs starts the local authority, test/auth-server, and passes its certificate that way);
// - their user settings trust the authority (`dynamicsOData.trustedAuthorityHosts`, machine-scoped: a workspace
//   cannot set it; in code-server, as in any remote window, it is read from the user's Remote settings);
// - the environment's `auth` names the authority, tenant and client id; "Set Client Secret…" takes the secret in
//   a password box; "Send request" then signs in on its own and sends the query with the token.
// The query goes to the sample service through a recording relay of this test's own (the sample service does not
// check tokens): the relay shows the token arrived, with the service as its audience. At the end, neither the
// token nor the secret is in any settings, log or other file of the run outside the browser's own storage
// (where VS Code keeps SecretStorage in code-server).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { choose, closeAllEditors, openWorkbench, quickOpen, runCommand, typeIntoQuickInput, waitForPrompt, widget } from './workbench.mjs';

const ENV = 'signin';

/** An http relay on 127.0.0.1 to `target` (an origin) that records the Authorization header of each request. */
async function startRelay(target) {
  const received = [];
  const server = http.createServer((req, res) => {
    received.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    const headers = { ...req.headers, host: new URL(target).host };
    const upstream = http.request(new URL(req.url, target), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`relay: ${error.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    received,
    stop: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}

function readJson(file) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The claims of a JWT (not verified: the authority made it; the test only reads who it is for). */
function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** The full text of each notification in the notification center (open). */
function notifications(page) {
  return page
    .locator('.notifications-center .notification-list-item-message')
    .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') || item.textContent));
}

/** Every file under `dir` except the folders named in `skip` (relative paths). */
function filesUnder(dir, skip, base = dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip.includes(path.relative(base, full))) continue;
    if (entry.isDirectory()) out.push(...filesUnder(full, skip, base));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

export default async function ({ page, url, shot, step, workspace, runDir, authority, metadataFile, sampleServiceRoot }) {
  if (!authority) throw new Error('runUiTests.mjs starts the OAuth authority when a signin test is selected');
  const sample = new URL(sampleServiceRoot);
  const relay = await startRelay(sample.origin);
  // code-server is a remote window (its extension host runs on the server): a machine-scoped setting such as
  // trustedAuthorityHosts is read from the user's Remote settings ("Preferences: Open Remote Settings"), the
  // server's user-data/Machine/settings.json; the browser-side User settings are ignored for it, as over SSH or WSL.
  const userSettingsFile = path.join(runDir, 'user-data/Machine/settings.json');
  const workspaceSettingsFile = path.join(workspace, '.vscode/settings.json');
  const userSettings = readJson(userSettingsFile);
  const workspaceSettings = readJson(workspaceSettingsFile);
  const queryFile = path.join(workspace, 'signin.odata');
  try {
    // The user's own settings trust the authority; the workspace describes the environment and how to sign in.
    writeJson(userSettingsFile, { ...userSettings, 'dynamicsOData.trustedAuthorityHosts': [authority.authorityHost] });
    const environment = {
      name: ENV,
      flavor: 'dataverse',
      url: `${relay.origin}${sample.pathname}`,
      metadataFile,
      auth: { method: 'clientSecret', authorityHost: authority.authorityHost, tenant: authority.tenant, clientId: authority.confidentialClientId },
    };
    writeJson(workspaceSettingsFile, { ...workspaceSettings, 'dynamicsOData.environments': [...(workspaceSettings['dynamicsOData.environments'] ?? []), environment] });
    fs.writeFileSync(queryFile, [`@environment = ${ENV}`, '', '### Signed-in query', 'GET accounts?$select=name,accountnumber&$orderby=name&$top=5', ''].join('\n'));
    const issuedBefore = authority.tokensIssued().length;

    await openWorkbench(page, url);
    step('"Set Client Secret…": the secret goes into a password box');
    await runCommand(page, 'Dynamics OData: Set Client Secret');
    await choose(page, 'Set the client secret of which environment?', ENV);
    await waitForPrompt(page, `Client secret for ${ENV}`);
    const box = widget(page).locator('.quick-input-box input').first();
    if ((await box.getAttribute('type')) !== 'password') throw new Error('the client secret box is not a password box');
    await typeIntoQuickInput(page, authority.clientSecret);
    await shot('secret-typed');
    await page.keyboard.press('Enter');
    // The confirmation is a notification: read it in the notification center (a toast may be hidden already).
    await runCommand(page, 'Notifications: Show Notifications');
    const center = page.locator('.notifications-center').first();
    await center.locator('.notification-list-item').first().waitFor({ timeout: 30_000 });
    const stored = `The client secret of ${ENV} is stored.`;
    if (!(await center.innerText()).includes(stored)) throw new Error(`no "${stored}" notification; the notifications: ${JSON.stringify(await notifications(page))}`);
    await shot('secret-stored');
    await runCommand(page, 'Notifications: Hide Notifications');
    await page.locator('.notifications-center').first().waitFor({ state: 'hidden' });

    step('"Send request": the app signs in at the authority (its certificate trusted through NODE_EXTRA_CA_CERTS) and the query runs');
    await quickOpen(page, 'signin.odata', 'GET accounts');
    const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Send request' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    // A sign-in failure (an untrusted certificate: "self-signed certificate") would show as a notification instead.
    try {
      await panel.locator('.status .status-code', { hasText: /^200\b/ }).first().waitFor({ timeout: 60_000 });
    } catch (error) {
      await runCommand(page, 'Notifications: Show Notifications');
      throw new Error(`no 200 answer in the results panel (${error.message.split('\n')[0]}); the notifications: ${JSON.stringify(await notifications(page))}`);
    }
    await panel.locator('.status', { hasText: '5 rows loaded' }).first().waitFor();
    await panel.locator('.grid-hcell', { hasText: 'accountnumber' }).first().waitFor();
    await shot('query-with-token');

    step('the token arrived at the service, for the service, and was issued by the authority to the app');
    const tokens = authority.tokensIssued().slice(issuedBefore).map((issued) => issued.accessToken).filter(Boolean);
    if (tokens.length === 0) throw new Error('the authority issued no access token');
    const sent = relay.received.filter((request) => request.url.includes('/accounts'));
    if (sent.length !== 1) throw new Error(`expected one accounts request at the service, got ${JSON.stringify(sent.map((r) => r.url))}`);
    const bearer = /^Bearer (\S+)$/.exec(sent[0].authorization ?? '')?.[1];
    if (!bearer || !tokens.includes(bearer)) throw new Error(`the query did not carry a token the authority issued (Authorization: ${sent[0].authorization ? 'a different value' : 'none'})`);
    const { aud, iss, client_id: clientId } = claims(bearer);
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(relay.origin)) throw new Error(`the token is for ${JSON.stringify(aud)}, not the service ${relay.origin}`);
    if (iss !== authority.issuer) throw new Error(`the token's issuer is ${iss}, not ${authority.issuer}`);
    if (clientId !== authority.confidentialClientId) throw new Error(`the token is for the client ${clientId}, not ${authority.confidentialClientId}`);

    step('neither the token nor the client secret is in settings, logs, history or any other file of the run');
    // The browser profile (chrome/) is where code-server's SecretStorage lives; extensions/ is the installed VSIX.
    await page.waitForTimeout(1500); // the log service flushes about every second
    const secrets = [...tokens, authority.clientSecret];
    const leaks = [];
    const scanned = filesUnder(runDir, ['chrome', 'extensions']);
    // The scan covers what matters: the extension's own log, the workspace and Remote settings it was given.
    for (const needed of [/Dynamics OData Tools\.log$/, /workspace\/\.vscode\/settings\.json$/, /Machine\/settings\.json$/]) {
      if (!scanned.some((file) => needed.test(file))) throw new Error(`the scan for secrets misses ${needed}`);
    }
    for (const file of scanned) {
      const text = fs.readFileSync(file, 'latin1');
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${path.relative(runDir, file)} holds ${secret === authority.clientSecret ? 'the client secret' : 'an access token'}`);
    }
    if (leaks.length > 0) throw new Error(`secrets written where they must not be:\n  ${leaks.join('\n  ')}`);
    await closeAllEditors(page);
  } finally {
    await relay.stop();
    fs.rmSync(queryFile, { force: true });
    writeJson(workspaceSettingsFile, workspaceSettings);
    if (Object.keys(userSettings).length === 0) fs.rmSync(userSettingsFile, { force: true });
    else writeJson(userSettingsFile, userSettings);
  }
}
