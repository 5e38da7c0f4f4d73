/**
 * Issue 12, item 3: headers an `.odata` file may not set. The editor marks them (the language core's diagnostics)
 * and the runner refuses them with the same message, before anything reaches the network: an "attacker" service on
 * 127.0.0.1 that records every request shows that nothing arrived.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDocument, createModelIndex, FORBIDDEN_HEADERS, forbiddenHeader, parseRequestFile, readCsdl } from '../../server/src/odata/index';
import { sendRequest } from '../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';
import type { PreparedRequest, RunnerEnvironment } from '../../client/src/features/runner/types';
import { startAttackerServer, type AttackerServer } from './attackerServer';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOi.the-users-real-token.signature';
const model = createModelIndex(readCsdl(readFileSync(join(__dirname, '..', 'fixtures', 'metadata', 'dataverse-sample.xml'), 'utf8')));

let attacker: AttackerServer;
let environment: RunnerEnvironment;
before(async () => {
  attacker = await startAttackerServer();
  environment = { name: 'contoso', flavor: 'dataverse', serviceRoot: `${attacker.url}/api/data/v9.2/` };
});
after(() => attacker.stop());

const token = async (): Promise<string> => TOKEN;

/** The language server's diagnostics of the header line, and the runner's refusal, for one header. */
function bothSides(header: string, flavor: 'dataverse' | 'generic' = 'dataverse'): { diagnostics: Array<{ code: string; text: string; message: string }>; refusal?: string } {
  const text = `GET accounts?$select=name\n${header}\n`;
  const diagnostics = checkDocument(text, model, { flavor }).map((d) => ({ code: d.code, text: text.slice(d.span.start, d.span.end), message: d.message }));
  const prepared = prepareRequest(text, 0, { ...environment, flavor });
  return { diagnostics, refusal: prepared.ok ? undefined : prepared.failure.message };
}

describe('security: headers a file may not set', () => {
  test('Host header: a file routes the bearer token to another site behind a shared front end', async () => {
    // The attack: `Host: attacker.example` in a cloned repository's .odata file, sent with the user's token to a front end that routes by Host.
    const { diagnostics, refusal } = bothSides('Host: attacker.example');
    assert.deepEqual(diagnostics.map((d) => [d.code, d.text]), [['request.forbidden-header', 'Host: attacker.example']]);
    assert.ok(refusal);
    assert.equal(refusal, diagnostics[0]!.message, 'the editor and the runner say the same thing');
    assert.match(refusal, /The header 'Host' cannot be set in an \.odata file/);
    // A request that reaches the engine another way (the history, a scaffolding command) is refused there too.
    const smuggled: PreparedRequest = { method: 'GET', url: `${environment.serviceRoot}accounts`, headers: [['Host', 'attacker.example']], title: 'x', environment };
    const outcome = await sendRequest(smuggled, { token });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok ? '' : outcome.kind, 'invalidRequest');
    assert.equal(attacker.received.length, 0, 'nothing reached the network');
  });

  test('every header of the one list is an error in the editor and a refusal in the runner, with the same message', () => {
    // The attack: credentials or message framing written into a shared file (Authorization, Proxy-Authorization, Transfer-Encoding smuggling, pseudo-headers).
    for (const entry of FORBIDDEN_HEADERS) {
      if (entry.name === ':') {
        // Pseudo-headers: on the list, and the file format does not even read `:authority: x` as a header.
        assert.ok(forbiddenHeader(':authority'));
        assert.deepEqual(parseRequestFile('GET accounts\n:authority: attacker.example\n').requests[0]!.headers, []);
        continue;
      }
      const line = `${entry.name.toUpperCase()}: x`;
      const { diagnostics, refusal } = bothSides(line);
      assert.equal(diagnostics.length, 1, line);
      assert.equal(diagnostics[0]!.code, 'request.forbidden-header', line);
      assert.equal(diagnostics[0]!.text, line, 'the whole header line is marked');
      assert.equal(refusal, diagnostics[0]!.message, line);
    }
  });

  test('Cookie: refused where the environment signs in (a second identity beside the token), allowed where it does not', async () => {
    // The attack: a file adds a session cookie of the attacker's account to requests sent with the user's token.
    const signedIn = bothSides('Cookie: session=attacker');
    assert.equal(signedIn.diagnostics[0]?.code, 'request.forbidden-header');
    assert.equal(signedIn.refusal, signedIn.diagnostics[0]?.message);
    const anonymous = bothSides('Cookie: session=mine', 'generic');
    assert.deepEqual(anonymous.diagnostics, []);
    assert.equal(anonymous.refusal, undefined);
    // The engine refuses a cookie as soon as it has a token to send.
    const withCookie: PreparedRequest = { method: 'GET', url: `${environment.serviceRoot}accounts`, headers: [['Cookie', 'session=attacker']], title: 'x', environment: { ...environment, flavor: 'generic' } };
    const refused = await sendRequest(withCookie, { token });
    assert.equal(refused.ok ? '' : refused.kind, 'invalidRequest');
    assert.equal(attacker.received.length, 0);
    const sent = await sendRequest(withCookie, { token: async () => undefined });
    assert.ok(sent.ok);
    assert.equal(attacker.received.length, 1, 'without a token the cookie is the user\'s own business');
    attacker.received.length = 0;
  });

  test('allowed headers still go out as written (the list does not over-refuse)', async () => {
    // The attack this guards against is the refusal itself going too far: Prefer, If-Match and custom headers must still work.
    const text = 'GET accounts\nPrefer: odata.include-annotations="*"\nIf-Match: *\nX-Custom: yes\n';
    assert.deepEqual(checkDocument(text, model, { flavor: 'dataverse' }), []);
    const prepared = prepareRequest(text, 0, environment);
    assert.ok(prepared.ok);
    const outcome = await sendRequest(prepared.request, { token });
    assert.ok(outcome.ok);
    const headers = attacker.received.at(-1)!.headers;
    assert.equal(headers['x-custom'], 'yes');
    assert.equal(headers.host, new URL(attacker.url).host);
    attacker.received.length = 0;
  });
});
