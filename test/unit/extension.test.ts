// The bundled extension (dist/extension.js, as shipped) loads, registers exactly the commands package.json
// contributes, and its inspect command turns a real certificate into a report.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openssl, tempDir } from '../helpers/tools';
import { FakeUri, fakeContext, installFakeVscode } from '../helpers/fakeVscode';

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'extension.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('extension bundle', () => {
  const fake = installFakeVscode();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(bundle) as { activate: (c: unknown) => void; deactivate: () => void };
  const context = fakeContext();
  ext.activate(context);

  it('is built', () => assert.ok(existsSync(bundle)));

  it('registers every contributed command, and only those', () => {
    const contributed = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual([...fake.commands.keys()].sort(), contributed);
    assert.ok(fake.commands.has('tlsWorkbench.inspectFile'));
  });

  it('pushes its disposables into the context', () => {
    assert.ok(context.subscriptions.length >= fake.commands.size + fake.providers.size);
    for (const d of context.subscriptions) assert.equal(typeof d.dispose, 'function');
  });

  it('inspects a certificate into a read-only report document', async () => {
    const t = tempDir();
    try {
      const crt = t.path('site.crt');
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', t.path('site.key'),
        '-out', crt, '-days', '30', '-subj', '/O=Any Org/CN=site.example', '-addext', 'subjectAltName=DNS:site.example']);
      const sha256 = openssl(['x509', '-in', crt, '-noout', '-fingerprint', '-sha256']).split('=')[1].trim().replace(/:/g, '').toLowerCase();
      const reportUri = (await fake.commands.get('tlsWorkbench.inspectFile')!(FakeUri.file(crt))) as FakeUri;
      assert.ok(reportUri, 'a report URI is returned');
      assert.equal(fake.opened.at(-1)?.toString(), reportUri.toString());
      const provider = fake.providers.get(reportUri.scheme);
      assert.ok(provider, 'the report scheme has a content provider (virtual documents are read-only)');
      const text = provider.provideTextDocumentContent(reportUri);
      assert.match(text, /CN=site\.example/);
      assert.match(text, /DNS:site\.example/);
      assert.ok(text.includes(sha256), 'report shows the SHA-256 fingerprint');
    } finally {
      t.cleanup();
    }
  });

  it('asks for a password for a locked PKCS#12, with password input, and decodes with it', async () => {
    const t = tempDir();
    try {
      openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', t.path('k.pem'), '-out', t.path('c.pem'), '-days', '5', '-subj', '/CN=p12 user']);
      openssl(['pkcs12', '-export', '-in', t.path('c.pem'), '-inkey', t.path('k.pem'), '-out', t.path('u.p12'), '-passout', 'pass:s3cret-pw', '-name', 'p12 user']);
      fake.inputBoxAnswers.push('s3cret-pw');
      const reportUri = (await fake.commands.get('tlsWorkbench.inspectFile')!(FakeUri.file(t.path('u.p12')))) as FakeUri;
      assert.equal(fake.inputBoxOptions.at(-1)?.password, true);
      const text = fake.providers.get(reportUri.scheme)!.provideTextDocumentContent(reportUri);
      assert.match(text, /CN=p12 user/);
      assert.ok(!text.includes('s3cret-pw'), 'the password never appears in the report');
    } finally {
      t.cleanup();
    }
  });

  it('reports a broken file as one clear error naming it', async () => {
    const t = tempDir();
    try {
      const bad = t.path('broken.pem');
      writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nMIIB$$$notbase64\n-----END CERTIFICATE-----\n');
      const result = await fake.commands.get('tlsWorkbench.inspectFile')!(FakeUri.file(bad));
      assert.equal(result, undefined);
      const last = fake.messages.at(-1);
      assert.equal(last?.level, 'error');
      assert.match(last!.text, /^broken\.pem: .*base64/);
      assert.ok(!last!.text.includes('\n'));
    } finally {
      t.cleanup();
    }
  });

  it('deactivates cleanly', () => {
    ext.deactivate();
  });
});
